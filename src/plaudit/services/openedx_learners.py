"""Open edX learners: known by username within an organization, and by the LMS's user id once
a call gave it."""

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.store.openedx_tables import OpenedxLearner


def get_or_create(session: Session, organization_id: int, username: str) -> OpenedxLearner:
    """In a savepoint: a concurrent request creating the same learner wins and this one reads
    its row."""
    query = select(OpenedxLearner).where(
        OpenedxLearner.organization_id == organization_id, OpenedxLearner.username == username
    )
    learner = session.scalar(query)
    if learner is not None:
        return learner
    try:
        with session.begin_nested():
            learner = OpenedxLearner(organization_id=organization_id, username=username)
            session.add(learner)
    except IntegrityError:
        learner = session.scalars(query).one()
    return learner


def find_many(
    session: Session, organization_id: int, usernames: Iterable[str], lms_user_ids: Iterable[int]
) -> list[OpenedxLearner]:
    """The learners named by any of the usernames or LMS user ids, oldest first, in one query."""
    names, ids = set(usernames), set(lms_user_ids)
    if not names and not ids:
        return []
    return list(
        session.scalars(
            select(OpenedxLearner)
            .where(
                OpenedxLearner.organization_id == organization_id,
                or_(OpenedxLearner.username.in_(names), OpenedxLearner.lms_user_id.in_(ids)),
            )
            .order_by(OpenedxLearner.id)
        )
    )
