"""The Open edX catalog of an organization, as the other Open edX services read it: program
certificates, course run certificates, and which runs count towards which programs.

The `awardable_*` functions say, in upstream's words, why a credential cannot be awarded
(openedx/credentials' CredentialField): no active certificate, or a course run the catalog does
not know. Like upstream, awarding a course run credential in a mode that has no certificate yet
makes that certificate (active) when the catalog knows the run."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain.errors import Invalid
from plaudit.domain.openedx_catalog import CERTIFICATE_TYPES
from plaudit.services import openedx_certificate_achievements as certificate_achievements
from plaudit.store.openedx_tables import (
    OpenedxCourseCertificate,
    OpenedxCourseRun,
    OpenedxProgram,
)
from plaudit.store.tables import Achievement


def as_uuid(value: UUID | str) -> UUID | None:
    """A UUID from a client's text; None when it is not one (upstream: no results)."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value.strip())
    except ValueError:
        return None


def find_program(
    session: Session, organization_id: int, program_uuid: UUID | str
) -> OpenedxProgram | None:
    wanted = as_uuid(program_uuid)
    if wanted is None:
        return None
    return session.scalar(
        select(OpenedxProgram).where(
            OpenedxProgram.organization_id == organization_id,
            OpenedxProgram.program_uuid == wanted,
        )
    )


def program_certificate(
    session: Session, organization_id: int, program_uuid: UUID | str
) -> tuple[OpenedxProgram, Achievement] | None:
    """The program and the achievement its credentials are issued in, while its certificate is
    active; None when the program is unknown or its certificate inactive."""
    program = find_program(session, organization_id, program_uuid)
    if program is None or not program.is_active:
        return None
    return program, certificate_achievements.for_program(session, program)


def awardable_program_certificate(
    session: Session, organization_id: int, program_uuid: UUID | str
) -> tuple[OpenedxProgram, Achievement]:
    found = program_certificate(session, organization_id, program_uuid)
    if found is None:
        message = f"No active ProgramCertificate exists for program [{program_uuid}]"
        raise Invalid(code="openedx.program_certificate", fields={"program_uuid": [message]})
    return found


def course_run(session: Session, organization_id: int, key: str) -> OpenedxCourseRun | None:
    return session.scalar(
        select(OpenedxCourseRun).where(
            OpenedxCourseRun.organization_id == organization_id, OpenedxCourseRun.key == key
        )
    )


def course_certificate(
    session: Session, organization_id: int, course_run_key: str, mode: str | None
) -> OpenedxCourseCertificate | None:
    """The run's active certificate in that mode (any mode when None), with its achievement."""
    query = select(OpenedxCourseCertificate).where(
        OpenedxCourseCertificate.organization_id == organization_id,
        OpenedxCourseCertificate.course_run_key == course_run_key,
        OpenedxCourseCertificate.is_active.is_(True),
    )
    if mode is not None:
        query = query.where(OpenedxCourseCertificate.certificate_type == mode)
    certificate = session.scalar(query.order_by(OpenedxCourseCertificate.id).limit(1))
    if certificate is not None and certificate.achievement_id is None:
        certificate_achievements.for_course(session, certificate)
    return certificate


def awardable_course_certificate(
    session: Session, organization_id: int, course_run_key: str, mode: str | None
) -> OpenedxCourseCertificate:
    """The certificate a course run credential is awarded in, made on the fly (active) when the
    catalog knows the run and no certificate of that mode (one edx-platform certifies) exists
    yet; else upstream's 400."""
    certificate = course_certificate(session, organization_id, course_run_key, mode)
    if certificate is not None:
        return certificate
    exists = select(OpenedxCourseCertificate.id).where(
        OpenedxCourseCertificate.organization_id == organization_id,
        OpenedxCourseCertificate.course_run_key == course_run_key,
    )
    if mode is not None:
        exists = exists.where(OpenedxCourseCertificate.certificate_type == mode)
    run = course_run(session, organization_id, course_run_key)
    configured = session.scalar(exists.limit(1)) is not None
    if not configured and run is not None and mode in CERTIFICATE_TYPES:
        certificate, _ = get_or_create_course_certificate(
            session, organization_id, course_run_key, mode, is_active=True
        )
        if certificate.is_active:  # (a concurrent request may have made it inactive)
            certificate_achievements.for_course(session, certificate)
            session.flush()
            return certificate
    if not configured and run is None:
        message = (
            f"CourseCertificate failed to create because the CourseRun {course_run_key} "
            "doesn't exist in the catalog"
        )
    else:
        message = f"No active CourseCertificate exists for course run [{course_run_key}]"
    raise Invalid(code="openedx.course_certificate", fields={"course_run_key": [message]})


def get_or_create_course_certificate(
    session: Session, organization_id: int, course_run_key: str, mode: str, *, is_active: bool
) -> tuple[OpenedxCourseCertificate, bool]:
    """The run's certificate in that mode, made (with `is_active`) when missing, and whether it
    was made. In a savepoint: when a concurrent request makes it first, this one reads it."""
    query = select(OpenedxCourseCertificate).where(
        OpenedxCourseCertificate.organization_id == organization_id,
        OpenedxCourseCertificate.course_run_key == course_run_key,
        OpenedxCourseCertificate.certificate_type == mode,
    )
    certificate = session.scalar(query)
    if certificate is not None:
        return certificate, False
    try:
        with session.begin_nested():
            certificate = OpenedxCourseCertificate(
                organization_id=organization_id,
                course_run_key=course_run_key,
                certificate_type=mode,
                is_active=is_active,
            )
            session.add(certificate)
    except IntegrityError:
        return session.scalars(query).one(), False
    return certificate, True
