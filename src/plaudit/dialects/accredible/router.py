"""Everything the Accredible dialect mounts."""

from fastapi import APIRouter

from plaudit.dialects.accredible import credentials, groups, issuer

router = APIRouter()
for module in (credentials, groups, issuer):
    router.include_router(module.router)
