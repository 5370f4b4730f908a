"""Everything the Accredible dialect mounts."""

from fastapi import APIRouter

from plaudit.dialects.accredible import (
    analytics,
    attribute_keys,
    bulk,
    collections,
    credential_lists,
    credential_redirect,
    credentials,
    data_exports,
    departments,
    evidence_items,
    groups,
    issuer,
    references,
    skill_categories,
    sso,
    team_members,
)

router = APIRouter()
for module in (
    credential_lists,
    bulk,
    credentials,
    groups,
    collections,
    skill_categories,
    issuer,
    evidence_items,
    references,
    departments,
    attribute_keys,
    team_members,
    credential_redirect,
    sso,
    data_exports,
    analytics,
):
    router.include_router(module.router)
