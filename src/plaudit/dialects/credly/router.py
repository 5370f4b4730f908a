"""Everything the Credly dialect mounts (issue 11: organization and tokens so far)."""

from fastapi import APIRouter

from plaudit.dialects.credly import authorization_tokens, organizations

router = APIRouter()
for module in (organizations, authorization_tokens):
    router.include_router(module.router)
