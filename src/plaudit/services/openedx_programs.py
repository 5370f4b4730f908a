"""Programs of the Open edX catalog as staff see and manage them: listed, read, and their
certificates made active (credentials may be awarded) or inactive."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.services import openedx_catalog
from plaudit.services import openedx_certificate_achievements as certificate_achievements
from plaudit.store.openedx_tables import OpenedxCourseRun, OpenedxProgram, OpenedxProgramCourseRun


def count(session: Session, organization_id: int) -> int:
    return (
        session.scalar(
            select(func.count(OpenedxProgram.id)).where(
                OpenedxProgram.organization_id == organization_id
            )
        )
        or 0
    )


def page(
    session: Session, organization_id: int, *, offset: int, limit: int
) -> Sequence[OpenedxProgram]:
    return session.scalars(
        select(OpenedxProgram)
        .where(OpenedxProgram.organization_id == organization_id)
        .order_by(OpenedxProgram.id)
        .offset(offset)
        .limit(limit)
    ).all()


def get(session: Session, organization_id: int, program_uuid: str) -> OpenedxProgram:
    program = openedx_catalog.find_program(session, organization_id, program_uuid)
    if program is None:
        raise NotFound("program")
    return program


def set_active(
    session: Session, organization_id: int, program_uuid: str, is_active: bool
) -> OpenedxProgram:
    program = get(session, organization_id, program_uuid)
    program.is_active = is_active
    if is_active:
        certificate_achievements.for_program(session, program)
    session.flush()
    return program


def course_runs(
    session: Session, programs: Sequence[OpenedxProgram]
) -> dict[int, list[OpenedxCourseRun]]:
    """Each program's runs (with their course), by program id, in one query."""
    found: dict[int, list[OpenedxCourseRun]] = {program.id: [] for program in programs}
    if not found:
        return found
    rows = session.execute(
        select(OpenedxProgramCourseRun.program_id, OpenedxCourseRun)
        .join(OpenedxCourseRun, OpenedxCourseRun.id == OpenedxProgramCourseRun.course_run_id)
        .where(OpenedxProgramCourseRun.program_id.in_(list(found)))
        .order_by(OpenedxCourseRun.course_id, OpenedxCourseRun.id)
    )
    for program_id, run in rows:
        found[program_id].append(run)
    return found
