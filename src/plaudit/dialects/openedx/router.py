"""Everything the Open edX dialect mounts (issue 12). Each area adds its module here."""

from fastapi import APIRouter

from plaudit.dialects.openedx import (
    cert_status,
    certificate_pages,
    course_certificates,
    credentials,
    grades,
    programs,
)
from plaudit.dialects.openedx.routing import mount

router = APIRouter()
router.include_router(grades.router)
router.include_router(course_certificates.router)
router.include_router(programs.router)
router.include_router(cert_status.router)
mount(router, credentials.router)
router.include_router(certificate_pages.router)
