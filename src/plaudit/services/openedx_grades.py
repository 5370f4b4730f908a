"""Open edX grades (`/api/v2/grades/`): update-or-create per learner and course run, as the LMS
reports them; learner_cert_status shows them beside the course certificates."""

from collections.abc import Iterable

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain.errors import invalid_field
from plaudit.domain.openedx_grades import GradeReport, is_stale
from plaudit.services import openedx_learners
from plaudit.store.openedx_tables import OpenedxCourseCertificate, OpenedxCourseRun, OpenedxGrade


def record(
    session: Session, organization_id: int, report: GradeReport
) -> tuple[OpenedxGrade, bool]:
    """The learner's grade in the run, and whether it was created. A report older than the
    recorded grade (`lms_last_updated_at`) leaves it as it is. The run must be known, from the
    catalog or a course certificate (upstream refuses a run it does not know, in these words)."""
    key = report.course_run_key
    if not _known_run(session, organization_id, key):
        raise invalid_field("course_run", f"No CourseRun exists for key [{key}]")
    learner = openedx_learners.get_or_create(session, organization_id, report.username)
    query = select(OpenedxGrade).where(
        OpenedxGrade.learner_id == learner.id, OpenedxGrade.course_run_key == key
    )
    grade = session.scalar(query)
    if grade is None:
        try:
            with session.begin_nested():
                grade = OpenedxGrade(
                    organization_id=organization_id, learner_id=learner.id, course_run_key=key
                )
                _apply(grade, report)
                session.add(grade)
            return grade, True
        except IntegrityError:  # a concurrent report created it first
            grade = session.scalars(query).one()
    if not is_stale(report.lms_last_updated_at, grade.lms_last_updated_at):
        _apply(grade, report)
        session.flush()
    return grade, False


def of_learners(
    session: Session, learner_ids: Iterable[int], course_run_keys: Iterable[str]
) -> dict[tuple[int, str], OpenedxGrade]:
    """The grades of these learners in these runs, by (learner id, run key), in one query."""
    learners, keys = set(learner_ids), set(course_run_keys)
    if not learners or not keys:
        return {}
    rows = session.scalars(
        select(OpenedxGrade).where(
            OpenedxGrade.learner_id.in_(learners), OpenedxGrade.course_run_key.in_(keys)
        )
    )
    return {(row.learner_id, row.course_run_key): row for row in rows}


def _apply(grade: OpenedxGrade, report: GradeReport) -> None:
    grade.letter_grade = report.letter_grade
    grade.percent_grade = report.percent_grade
    grade.verified = report.verified
    if report.lms_last_updated_at is not None:
        grade.lms_last_updated_at = report.lms_last_updated_at


def _known_run(session: Session, organization_id: int, key: str) -> bool:
    in_catalog = exists().where(
        OpenedxCourseRun.organization_id == organization_id, OpenedxCourseRun.key == key
    )
    certified = exists().where(
        OpenedxCourseCertificate.organization_id == organization_id,
        OpenedxCourseCertificate.course_run_key == key,
    )
    return bool(session.scalar(select(or_(in_catalog, certified))))
