"""Everything the Accredible dialect mounts."""

from fastapi import APIRouter

from plaudit.dialects.accredible import (
    analytics,
    attribute_keys,
    blockchain_data,
    bulk,
    collections,
    credential_lists,
    credential_pdfs,
    credential_redirect,
    credentials,
    data_exports,
    departments,
    designers,
    designs,
    evidence_items,
    groups,
    issuer,
    notifications,
    references,
    skill_categories,
    sso,
    team_members,
    webhooks,
)

router = APIRouter()
for module in (
    credential_lists,
    bulk,
    credential_pdfs,
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
    designs,
    designers,
    blockchain_data,
    notifications,
    webhooks,
):
    router.include_router(module.router)
