"""Each Open edX certificate (a program's, or a course run's in one mode) is a Plaudit
achievement, so that its credentials get designs, pages, PDFs and Open Badges 3.0 like any other.
The achievement is made with the certificate, and made again if someone deleted it."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.scope import Scope
from plaudit.services import achievements
from plaudit.store.openedx_tables import OpenedxCourseCertificate, OpenedxCourseRun, OpenedxProgram
from plaudit.store.tables import Achievement


def for_program(session: Session, program: OpenedxProgram) -> Achievement:
    if program.achievement is None:
        kind = f"{program.program_type} program" if program.program_type else "Program"
        program.achievement = _create(
            session,
            program.organization_id,
            name=program.title,
            description=(
                f"{kind} certificate: {program.title} (Open edX program {program.program_uuid})."
            ),
        )
    return program.achievement


def for_course(session: Session, certificate: OpenedxCourseCertificate) -> Achievement:
    """Named after the course run's title when the catalog knows the run, else its key."""
    if certificate.achievement is None:
        title = session.scalar(
            select(OpenedxCourseRun.title).where(
                OpenedxCourseRun.organization_id == certificate.organization_id,
                OpenedxCourseRun.key == certificate.course_run_key,
            )
        )
        name = title or certificate.course_run_key
        certificate.achievement = _create(
            session,
            certificate.organization_id,
            name=f"{name} ({certificate.certificate_type})",
            course_name=name,
            description=(
                f"Course certificate ({certificate.certificate_type}) for the Open edX course "
                f"run {certificate.course_run_key}."
            ),
        )
    return certificate.achievement


def _create(
    session: Session,
    organization_id: int,
    *,
    name: str,
    description: str,
    course_name: str | None = None,
) -> Achievement:
    # Duplicates allowed: one credential per learner and certificate is the dialect's own rule
    # (openedx_user_credentials), and awarding again after a revoke issues a new credential.
    fields = AchievementFields(
        name=name[: limits.NAME],
        course_name=(course_name or name)[: limits.NAME],
        course_description=description,
        allow_duplicate_credentials=True,
    )
    return achievements.create(session, Scope(organization_id), fields)
