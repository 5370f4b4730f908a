"""Course run certificate configurations as edx-platform posts them (`POST
/api/v2/course_certificates/`): update or create on (course run, mode). The run need not be in the
catalog; upstream accepts it before the catalog knows the run."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from plaudit.domain.errors import Invalid
from plaudit.domain.openedx_catalog import CERTIFICATE_TYPES, is_course_run_key
from plaudit.services import openedx_catalog
from plaudit.services import openedx_certificate_achievements as certificate_achievements
from plaudit.store.openedx_tables import OpenedxCourseCertificate


@dataclass(frozen=True)
class CourseCertificateFields:
    course_run_key: str
    certificate_type: str
    certificate_available_date: datetime | None
    is_active: bool


def save(
    session: Session, organization_id: int, fields: CourseCertificateFields
) -> tuple[OpenedxCourseCertificate, bool]:
    """The certificate with these settings, and whether it is new. Its achievement is made with
    it, named after the run when the catalog knows it."""
    _validate(fields)
    certificate, created = openedx_catalog.get_or_create_course_certificate(
        session,
        organization_id,
        fields.course_run_key,
        fields.certificate_type,
        is_active=fields.is_active,
    )
    certificate.certificate_available_date = fields.certificate_available_date
    certificate.is_active = fields.is_active
    certificate_achievements.for_course(session, certificate)
    session.flush()
    return certificate, created


def _validate(fields: CourseCertificateFields) -> None:
    errors: dict[str, list[str]] = {}
    if not is_course_run_key(fields.course_run_key):
        errors["course_id"] = ["Invalid course key."]
    if fields.certificate_type not in CERTIFICATE_TYPES:
        errors["certificate_type"] = [f'"{fields.certificate_type}" is not a valid choice.']
    if errors:
        raise Invalid(code="openedx.course_certificate", fields=errors)
