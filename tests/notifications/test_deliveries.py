"""The delivery machinery (notifications/deliveries.py) on its own: claims, leases, retries
with jittered backoff, dead letters, and `plaudit outbox` over them."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from plaudit.notifications.deliveries import (
    Policy,
    Refused,
    claim,
    deliver_claimed,
    retry_delay,
)
from plaudit.notifications.outbox_pumps import SENDABLE
from plaudit.store.db import Database
from plaudit.store.notification_tables import DEAD, FAILED, PENDING, SENDING, SENT, Mail
from plaudit.store.tables import utcnow
from tests.notifications.conftest import outbox_cli
from tests.support.mail_rows import queued
from tests.support.tenants import Tenant

POLICY = Policy(
    lease=timedelta(seconds=60),
    max_attempts=3,
    first_retry=timedelta(0),
    longest_retry=timedelta(0),
)


def row(database: Database, mail_id: int) -> Mail:
    with database.session(readonly=True) as session:
        found = session.get(Mail, mail_id)
        assert found is not None
        return found


def run(database: Database, worker: str, deliver: Callable[[Mail], None], ids: list[int]) -> None:
    with database.transaction() as session:
        rows = [
            item
            for item in claim(session, Mail, worker, now=utcnow(), policy=POLICY, ready=SENDABLE)
            if item.id in ids
        ]
    deliver_claimed(database, Mail, rows, deliver, worker_id=worker, policy=POLICY, clock=utcnow)


def test_retries_run_out_into_a_dead_letter_and_a_refusal_is_final(
    mail_database: Database, mail_tenant: Tenant
) -> None:
    flaky, refused = queued(mail_database, mail_tenant, 2)

    def deliver(mail: Mail) -> None:
        if mail.id == refused:
            raise Refused("550 no such user")
        raise ConnectionError("421 closing")

    for _ in range(POLICY.max_attempts + 1):
        run(mail_database, "w1", deliver, [flaky, refused])
    assert (row(mail_database, flaky).state, row(mail_database, flaky).attempts) == (DEAD, 3)
    assert "421" in (row(mail_database, flaky).last_error or "")
    assert (row(mail_database, refused).state, row(mail_database, refused).attempts) == (FAILED, 1)


def test_a_worker_that_lost_its_lease_cannot_overwrite_the_new_claimants_outcome(
    mail_database: Database, mail_tenant: Tenant
) -> None:
    [mail_id] = queued(mail_database, mail_tenant)
    expired = Policy(
        lease=timedelta(seconds=-1),
        max_attempts=3,
        first_retry=timedelta(0),
        longest_retry=timedelta(0),
    )
    with mail_database.transaction() as session:
        [first] = [
            item
            for item in claim(session, Mail, "dead-worker", now=utcnow(), policy=expired)
            if item.id == mail_id
        ]
    assert row(mail_database, mail_id).state == SENDING
    run(mail_database, "w2", lambda mail: None, [mail_id])  # the lease ran out: claimed again
    assert (row(mail_database, mail_id).state, row(mail_database, mail_id).attempts) == (SENT, 2)

    def fail(mail: Mail) -> None:
        raise ConnectionError("late")

    deliver_claimed(
        mail_database, Mail, [first], fail, worker_id="dead-worker", policy=POLICY, clock=utcnow
    )
    assert row(mail_database, mail_id).state == SENT


def test_retry_waits_double_with_jitter_up_to_the_cap() -> None:
    policy = Policy(
        lease=timedelta(seconds=60),
        max_attempts=9,
        first_retry=timedelta(seconds=10),
        longest_retry=timedelta(seconds=100),
    )
    assert retry_delay(1, policy, rand=lambda: 0.0) == timedelta(seconds=5)
    assert retry_delay(1, policy, rand=lambda: 1.0) == timedelta(seconds=10)
    assert retry_delay(3, policy, rand=lambda: 1.0) == timedelta(seconds=40)
    assert retry_delay(30, policy, rand=lambda: 1.0) == timedelta(seconds=100)


@pytest.fixture
def outbox_command(
    mail_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., str]]:
    with outbox_cli(
        monkeypatch,
        PLAUDIT_DATABASE_URL=mail_database_url,
        PLAUDIT_DATA_DIR=str(tmp_path),
        PLAUDIT_SMTP_HOST=None,
    ) as command:
        yield command


def test_plaudit_outbox_lists_dead_letters_and_queues_them_again(
    mail_database: Database, mail_tenant: Tenant, outbox_command: Callable[..., str]
) -> None:
    [mail_id] = queued(mail_database, mail_tenant)

    def refuse(mail: Mail) -> None:
        raise Refused("554 rejected")

    run(mail_database, "w1", refuse, [mail_id])
    listed = outbox_command("dead-letters", "--org", str(mail_tenant.organization_id))
    assert f"{mail_id}\tfailed\tissued" in listed and "554 rejected" in listed
    assert f"{mail_id}\t" in outbox_command(
        "list", "--state", "failed", "--org", str(mail_tenant.organization_id)
    )

    assert "1 mail(s) queued again." in outbox_command("retry", str(mail_id))
    again = row(mail_database, mail_id)
    assert (again.state, again.attempts, again.last_error) == (PENDING, 0, None)
    with mail_database.session(readonly=True) as session:
        assert session.scalar(select(Mail.state).where(Mail.id == mail_id)) == PENDING
