"""Learners' course certificate status (`learner_cert_status`): for each learner asked about,
their awarded course run credentials in the courses (by course UUID) and course runs (by run
key or run UUID) asked about, each with the run's grade when the LMS reported one.

A learner Plaudit does not know has no status (an empty list), as upstream answers. Many
learners are answered in three queries, whatever their number (bulk_learner_cert_status)."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from plaudit.services import openedx_grades, openedx_learners
from plaudit.services.openedx_credentials import AWARDED
from plaudit.store.openedx_tables import (
    OpenedxCourse,
    OpenedxCourseCertificate,
    OpenedxCourseRun,
    OpenedxGrade,
    OpenedxLearner,
    OpenedxUserCredential,
)


@dataclass(frozen=True)
class StatusQuery:
    """One learner, by exactly one of username and LMS user id, and what to look in."""

    username: str | None
    lms_user_id: int | None
    courses: frozenset[UUID] = frozenset()
    # Course run keys, and run UUIDs in their canonical form (either may name a run).
    course_runs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CertificateStatus:
    course_uuid: UUID | None
    run_uuid: UUID | None
    run_key: str
    status: str
    certificate_type: str
    certificate_available_date: datetime | None
    grade: OpenedxGrade | None


@dataclass(frozen=True)
class LearnerStatus:
    query: StatusQuery
    learner: OpenedxLearner | None
    certificates: list[CertificateStatus]


@dataclass(frozen=True)
class _Awarded:
    learner_id: int
    run_key: str
    certificate_type: str
    certificate_available_date: datetime | None
    run_uuid: UUID | None
    course_uuid: UUID | None


def statuses(
    session: Session, organization_id: int, queries: Sequence[StatusQuery]
) -> list[LearnerStatus]:
    """The answer to each query, in the order asked."""
    learners = _resolve(session, organization_id, queries)
    found = {learner.id for learner in learners if learner is not None}
    awarded = _awarded(session, organization_id, found)
    grades = openedx_grades.of_learners(session, found, {item.run_key for item in awarded})
    by_learner: dict[int, list[_Awarded]] = defaultdict(list)
    for item in awarded:
        by_learner[item.learner_id].append(item)
    return [
        LearnerStatus(
            query,
            learner,
            []
            if learner is None
            else [
                _status(item, grades.get((learner.id, item.run_key)))
                for item in by_learner.get(learner.id, [])
                if _asked(query, item)
            ],
        )
        for query, learner in zip(queries, learners, strict=True)
    ]


def _resolve(
    session: Session, organization_id: int, queries: Sequence[StatusQuery]
) -> list[OpenedxLearner | None]:
    learners = openedx_learners.find_many(
        session,
        organization_id,
        (query.username for query in queries if query.username is not None),
        (query.lms_user_id for query in queries if query.lms_user_id is not None),
    )
    by_name = {learner.username: learner for learner in learners}
    by_lms_id: dict[int, OpenedxLearner] = {}
    for learner in learners:  # oldest first: the first learner given an id keeps it
        if learner.lms_user_id is not None:
            by_lms_id.setdefault(learner.lms_user_id, learner)
    return [
        by_name.get(query.username)
        if query.username is not None
        else by_lms_id.get(query.lms_user_id or 0)
        for query in queries
    ]


def _awarded(session: Session, organization_id: int, learner_ids: set[int]) -> list[_Awarded]:
    """The learners' awarded course run credentials, with their run and course from the
    catalog when it knows the run."""
    if not learner_ids:
        return []
    rows = session.execute(
        select(
            OpenedxUserCredential.learner_id,
            OpenedxCourseCertificate.course_run_key,
            OpenedxCourseCertificate.certificate_type,
            OpenedxCourseCertificate.certificate_available_date,
            OpenedxCourseRun.run_uuid,
            OpenedxCourse.course_uuid,
        )
        .join(
            OpenedxCourseCertificate,
            OpenedxCourseCertificate.id == OpenedxUserCredential.course_certificate_id,
        )
        .outerjoin(
            OpenedxCourseRun,
            and_(
                OpenedxCourseRun.organization_id == organization_id,
                OpenedxCourseRun.key == OpenedxCourseCertificate.course_run_key,
            ),
        )
        .outerjoin(OpenedxCourse, OpenedxCourse.id == OpenedxCourseRun.course_id)
        .where(
            OpenedxUserCredential.organization_id == organization_id,
            OpenedxUserCredential.learner_id.in_(learner_ids),
            OpenedxUserCredential.status == AWARDED,
        )
        .order_by(OpenedxUserCredential.id)
    )
    return [_Awarded(*row) for row in rows]


def _asked(query: StatusQuery, item: _Awarded) -> bool:
    if item.course_uuid is not None and item.course_uuid in query.courses:
        return True
    if item.run_key in query.course_runs:
        return True
    return item.run_uuid is not None and str(item.run_uuid) in query.course_runs


def _status(item: _Awarded, grade: OpenedxGrade | None) -> CertificateStatus:
    return CertificateStatus(
        course_uuid=item.course_uuid,
        run_uuid=item.run_uuid,
        run_key=item.run_key,
        status=AWARDED,
        certificate_type=item.certificate_type,
        certificate_available_date=item.certificate_available_date,
        grade=grade,
    )
