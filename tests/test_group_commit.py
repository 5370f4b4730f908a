"""Group commit (store/group_commit.py): writes queued together run in one transaction and one
commit; each caller gets what it would have got alone; a write that fails undoes only its own
work; an outage fails the whole batch and keeps nothing of it."""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.errors import Duplicate
from plaudit.domain.scope import Scope
from plaudit.services import credentials
from plaudit.store.db import Database
from plaudit.store.group_commit import GroupCommit
from plaudit.store.outage import DatabaseUnavailable
from plaudit.store.tables import Achievement, Credential
from tests.accredible.helpers import unique_email
from tests.support.event_loop import run_coroutine
from tests.support.tenants import Tenant

Write = Callable[[Session], Any]


def _achievement(database: Database, tenant: Tenant) -> int:
    with database.transaction() as session:
        achievement = Achievement(
            organization_id=tenant.organization_id,
            department_id=tenant.default_department_id,
            name="grouped",
            course_name="Group commit",
            course_description="Written together.",
        )
        session.add(achievement)
        session.flush()
        return achievement.id


def _issuing(tenant: Tenant, achievement_id: int, **fields: Any) -> Write:
    """A write issuing one credential, which answers the credential's id and its session."""
    recipient = RecipientData(
        name="Ada", email=unique_email(), external_id=fields.pop("external_id", None)
    )
    data = CredentialFields(recipient=recipient, achievement_ref=achievement_id, **fields)

    def write(session: Session) -> tuple[int, Session]:
        scope = Scope(organization_id=tenant.organization_id)
        issued = credentials.issue(session, scope, data, today=datetime.now(UTC).date())
        return issued.credential.id, session

    return write


def _in_one_batch(group: GroupCommit, writes: list[Write]) -> list[Any]:
    """Each write's result or exception, the writes queued together behind a write that holds
    the writer until all of them are queued: so they form the next batch, all of them."""

    async def run() -> list[Any]:
        started, release = threading.Event(), threading.Event()

        def hold(_session: Session) -> None:
            started.set()
            release.wait(30)

        holding = asyncio.ensure_future(group(hold))
        await asyncio.to_thread(started.wait, 30)
        queued: list[Awaitable[Any]] = [group(write) for write in writes]
        gathered = asyncio.gather(*queued, return_exceptions=True)
        await asyncio.sleep(0)  # each has queued its write (before its first wait)
        release.set()
        await holding
        return await gathered

    try:
        return run_coroutine(run())
    finally:
        group.close()


def _count(database: Database, **where: Any) -> int:
    with database.session(readonly=True) as session:
        query = select(func.count()).select_from(Credential).filter_by(**where)
        return session.scalar(query) or 0


def test_a_failing_write_is_undone_alone_and_its_batch_commits_once(
    database: Database, tenant: Tenant
) -> None:
    achievement_id = _achievement(database, tenant)
    license_id = f"LIC-{unique_email()}"
    first, taken, third = _in_one_batch(
        GroupCommit(database, writers=1),
        [
            _issuing(tenant, achievement_id, license_id=license_id),
            _issuing(tenant, achievement_id, license_id=license_id),
            _issuing(tenant, achievement_id),
        ],
    )

    assert isinstance(taken, Duplicate)
    assert taken.fields == {"license_id": ["has already been taken"]}
    (first_id, first_session), (third_id, third_session) = first, third
    assert first_session is third_session  # one batch: one session, one transaction
    with database.session(readonly=True) as session:
        assert session.get(Credential, first_id) is not None
        assert session.get(Credential, third_id) is not None
    assert _count(database, license_id=license_id) == 1


def test_an_earner_id_taken_within_the_batch_is_refused_as_when_taken_before(
    database: Database, tenant: Tenant
) -> None:
    achievement_id = _achievement(database, tenant)
    earner = f"earner-{unique_email()}"
    answers = _in_one_batch(
        GroupCommit(database, writers=1),
        [_issuing(tenant, achievement_id, external_id=earner) for _ in range(3)],
    )

    assert [type(answer) for answer in answers] == [tuple, Duplicate, Duplicate]
    assert all("recipient.external_id" in answer.fields for answer in answers[1:])
    assert _count(database, organization_id=tenant.organization_id) == 1


def test_an_outage_in_one_write_fails_every_caller_of_its_batch(
    database: Database, tenant: Tenant
) -> None:
    achievement_id = _achievement(database, tenant)

    def unavailable(_session: Session) -> None:
        raise DatabaseUnavailable("busy", "a lock not granted in time")

    answers = _in_one_batch(
        GroupCommit(database, writers=1),
        [_issuing(tenant, achievement_id), unavailable, _issuing(tenant, achievement_id)],
    )

    assert [type(answer) for answer in answers] == [DatabaseUnavailable] * 3
    assert {answer.reason for answer in answers} == {"busy"}
    assert len({id(answer) for answer in answers}) == 3  # each caller raises its own
    assert _count(database, organization_id=tenant.organization_id) == 0


def test_a_grouped_write_cannot_commit_or_roll_back_the_batch(
    database: Database, tenant: Tenant
) -> None:
    achievement_id = _achievement(database, tenant)
    committing, rolling_back, kept = _in_one_batch(
        GroupCommit(database, writers=1),
        [
            lambda session: session.commit(),
            lambda session: session.rollback(),
            _issuing(tenant, achievement_id),
        ],
    )

    assert isinstance(committing, RuntimeError)
    assert isinstance(rolling_back, RuntimeError)
    assert isinstance(kept, tuple)
    assert _count(database, organization_id=tenant.organization_id) == 1


def test_a_lone_write_is_committed_before_its_answer(database: Database, tenant: Tenant) -> None:
    achievement_id = _achievement(database, tenant)
    license_id = f"LIC-{unique_email()}"
    group = GroupCommit(database, writers=1)
    try:
        credential_id, _session = run_coroutine(
            group(_issuing(tenant, achievement_id, license_id=license_id))
        )
        with database.session(readonly=True) as session:
            assert session.get(Credential, credential_id) is not None
        with pytest.raises(Duplicate):
            run_coroutine(group(_issuing(tenant, achievement_id, license_id=license_id)))
    finally:
        group.close()
