"""Every server-rendered page Plaudit mounts."""

from fastapi import APIRouter

from plaudit.web import sign_in, wallet

router = APIRouter()
for module in (sign_in, wallet):
    router.include_router(module.router)
