"""Every server-rendered page Plaudit mounts."""

from fastapi import APIRouter

from plaudit.web import (
    assets,
    baked_badges,
    credential_files,
    credential_links,
    credential_page,
    design_images,
    designer,
    designer_api,
    landing,
    live_verification,
    pdf_bundle_files,
    sign_in,
    verifiable,
    verify_page,
    wallet,
)

router = APIRouter()
for module in (
    landing,
    sign_in,
    wallet,
    credential_page,
    credential_files,
    credential_links,
    assets,
    design_images,
    designer,
    designer_api,
    pdf_bundle_files,
    verify_page,
    verifiable,
    baked_badges,
    live_verification,
):
    router.include_router(module.router)
