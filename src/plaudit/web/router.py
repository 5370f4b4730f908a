"""Every server-rendered page Plaudit mounts but the credential page, which the app includes
first of all its routers (app.py)."""

from fastapi import APIRouter

from plaudit.dashboard.router import router as dashboard_router
from plaudit.web import (
    assets,
    baked_badges,
    credential_files,
    credential_links,
    design_images,
    designer,
    designer_api,
    landing,
    live_verification,
    organization_files,
    pdf_bundle_files,
    sign_in,
    unsubscribe,
    verifiable,
    verify_page,
    wallet,
)

router = APIRouter()
for module in (
    landing,
    sign_in,
    wallet,
    credential_files,
    credential_links,
    assets,
    design_images,
    organization_files,
    designer,
    designer_api,
    pdf_bundle_files,
    verify_page,
    verifiable,
    baked_badges,
    live_verification,
    unsubscribe,
):
    router.include_router(module.router)
router.include_router(dashboard_router)
