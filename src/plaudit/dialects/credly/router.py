"""Everything the Credly dialect mounts (issue 11: organization, tokens, badge templates)."""

from fastapi import APIRouter

from plaudit.dialects.credly import (
    authorization_tokens,
    badge_actions,
    badge_search,
    badge_templates,
    badges,
    events,
    organizations,
)

router = APIRouter()
for module in (
    organizations,
    authorization_tokens,
    badge_templates,
    badges,
    badge_actions,
    badge_search,
    events,
):
    router.include_router(module.router)
