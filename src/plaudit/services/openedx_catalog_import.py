"""Importing course-discovery's programs (`plaudit openedx catalog import`, `POST
/api/v2/programs/`): programs, their courses and course runs are updated or created by UUID (runs
by key), and each program's runs become exactly the ones listed.

A new program's certificate starts active when discovery says the program is active (or says
nothing); a program already known keeps the state staff gave its certificate."""

from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain.openedx_catalog import CatalogCourse, CatalogCourseRun, CatalogProgram
from plaudit.services import openedx_catalog
from plaudit.services import openedx_certificate_achievements as certificate_achievements
from plaudit.store.openedx_tables import (
    OpenedxCourse,
    OpenedxCourseRun,
    OpenedxProgram,
    OpenedxProgramCourseRun,
)


@dataclass
class ImportResult:
    created: list[UUID] = field(default_factory=list)
    updated: list[UUID] = field(default_factory=list)


def import_programs(
    session: Session, organization_id: int, programs: list[CatalogProgram]
) -> ImportResult:
    """In a savepoint, tried twice: when a concurrent import makes some of the same rows first,
    the second try updates them."""
    try:
        with session.begin_nested():
            return _import(session, organization_id, programs)
    except IntegrityError:
        with session.begin_nested():
            return _import(session, organization_id, programs)


def _import(session: Session, organization_id: int, programs: list[CatalogProgram]) -> ImportResult:
    importer = _Importer(session, organization_id)
    result = ImportResult()
    for data in programs:
        created = importer.program(data)
        (result.created if created else result.updated).append(data.uuid)
    session.flush()
    return result


class _Importer:
    """Keeps the courses and runs it has seen, so that one shared by several programs is read
    and written once."""

    def __init__(self, session: Session, organization_id: int) -> None:
        self.session = session
        self.organization_id = organization_id
        self.courses: dict[UUID, OpenedxCourse] = {}
        self.runs: dict[str, OpenedxCourseRun] = {}

    def program(self, data: CatalogProgram) -> bool:
        program = openedx_catalog.find_program(self.session, self.organization_id, data.uuid)
        created = program is None
        if program is None:
            program = OpenedxProgram(
                organization_id=self.organization_id,
                program_uuid=data.uuid,
                is_active=data.status in (None, "active"),
            )
            self.session.add(program)
        program.title = data.title
        program.program_type = data.program_type
        program.authoring_organizations = [dict(item) for item in data.authoring_organizations]
        runs = [
            self.course_run(course, run) for course in data.courses for run in course.course_runs
        ]
        self.session.flush()
        self.link(program, {run.id for run in runs})
        certificate_achievements.for_program(self.session, program)
        return created

    def course(self, data: CatalogCourse) -> OpenedxCourse:
        course = self.courses.get(data.uuid) or self.session.scalar(
            select(OpenedxCourse).where(
                OpenedxCourse.organization_id == self.organization_id,
                OpenedxCourse.course_uuid == data.uuid,
            )
        )
        if course is None:
            course = OpenedxCourse(organization_id=self.organization_id, course_uuid=data.uuid)
            self.session.add(course)
        course.key = data.key
        course.title = data.title
        self.courses[data.uuid] = course
        return course

    def course_run(self, course_data: CatalogCourse, data: CatalogCourseRun) -> OpenedxCourseRun:
        course = self.course(course_data)
        run = self.runs.get(data.key) or openedx_catalog.course_run(
            self.session, self.organization_id, data.key
        )
        if run is None:
            run = OpenedxCourseRun(organization_id=self.organization_id, key=data.key)
            self.session.add(run)
        run.course = course
        run.run_uuid = data.uuid or run.run_uuid
        run.title = data.title or run.title
        self.runs[data.key] = run
        return run

    def link(self, program: OpenedxProgram, run_ids: set[int]) -> None:
        linked = set(
            self.session.scalars(
                select(OpenedxProgramCourseRun.course_run_id).where(
                    OpenedxProgramCourseRun.program_id == program.id
                )
            )
        )
        if linked - run_ids:
            self.session.execute(
                delete(OpenedxProgramCourseRun).where(
                    OpenedxProgramCourseRun.program_id == program.id,
                    OpenedxProgramCourseRun.course_run_id.in_(linked - run_ids),
                )
            )
        for run_id in sorted(run_ids - linked):
            self.session.add(OpenedxProgramCourseRun(program_id=program.id, course_run_id=run_id))
