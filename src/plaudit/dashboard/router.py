"""Every dashboard page."""

from fastapi import APIRouter

from plaudit.dashboard import overview, sign_in_pages

router = APIRouter()
for module in (sign_in_pages, overview):
    router.include_router(module.router)
