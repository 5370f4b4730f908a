"""`POST /api/v2/course_certificates/`: edx-platform configures a course run's certificate in a
mode (upstream's CourseCertificateSerializer). Update-or-create on (course run, mode), answered
201 either way (edx-platform logs an error on anything else). Staff only (IsAdminUser)."""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from plaudit.dialects.openedx.auth import Caller
from plaudit.dialects.openedx.catalog_mapping import course_certificate_out
from plaudit.dialects.openedx.routing import OpenedxRouter
from plaudit.domain.errors import Forbidden
from plaudit.http.deps import DbWork
from plaudit.services import openedx_catalog, openedx_course_certificates
from plaudit.services.openedx_course_certificates import CourseCertificateFields

router = OpenedxRouter(tags=["Open edX: course certificates"])
BLANK = "This field may not be blank."


class CourseCertificateCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    course_id: str = Field(max_length=255)
    certificate_type: str = Field(max_length=255)
    certificate_available_date: datetime | None = None
    is_active: bool = False

    @field_validator("course_id", "certificate_type")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError(BLANK)
        return value

    def fields(self) -> CourseCertificateFields:
        moment = self.certificate_available_date
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # upstream's TIME_ZONE
        return CourseCertificateFields(
            course_run_key=self.course_id,
            certificate_type=self.certificate_type,
            certificate_available_date=moment,
            is_active=self.is_active,
        )


@router.post(
    "/api/v2/course_certificates/",
    status_code=201,
    summary="Create or update a course run certificate configuration",
)
async def post_course_certificate(
    body: CourseCertificateCreate, caller: Caller, work: DbWork
) -> dict[str, Any]:
    if not caller.is_staff:
        raise Forbidden("openedx.course_certificates.not_staff", "only staff configure them")

    def run(session: Session) -> dict[str, Any]:
        certificate, _ = openedx_course_certificates.save(
            session, caller.organization_id, body.fields()
        )
        known_run = openedx_catalog.course_run(session, caller.organization_id, body.course_id)
        answer = course_certificate_out(certificate, known_run)
        session.commit()
        return answer

    return await work(run)
