"""The delivery machinery of every outbox table (mails now, webhook deliveries next): claim a
batch of due rows, deliver them one by one, mark each outcome before the next delivery starts.

A claim sets `sending`, the claimant and a lease, and counts the attempt, all in one
transaction (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's writing transactions run one at a
time). A worker that dies leaves its rows `sending` until the lease runs out; then any worker
claims them again. Since each outcome is committed before the next delivery, at most the one
row in flight was delivered without being marked: a crash causes at most one repeat, and the
repeat carries the same stable id (Message-ID, event id) for the receiver to drop.

Outcomes: `deliver` returning is success; raising `Refused` is a final refusal (an SMTP 5xx);
any other exception is retried after an exponential wait with jitter, until the attempts run
out or the policy's deadline has passed, and the row becomes a dead letter. What `deliver`
returns, or a `Refused`/`Failed` carries in `record`, is written on the row with the outcome
(a webhook's response status and body). Every mark is conditional on the claimant still
holding the row, so a worker that lost its lease cannot overwrite a newer outcome.
"""

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from plaudit.store.db import Database
from plaudit.store.notification_tables import DEAD, FAILED, PENDING, SENDING, SENT, DeliveryState

MAX_ERROR_LENGTH = 4000


class Refused(Exception):
    """The receiver refused for good (an SMTP 5xx): recorded failed, not retried."""

    def __init__(self, reason: str, record: Mapping[str, object] | None = None) -> None:
        super().__init__(reason)
        self.record = dict(record or {})


class Failed(Exception):
    """A failed attempt to retry, with what to record of it on the row."""

    def __init__(self, reason: str, record: Mapping[str, object]) -> None:
        super().__init__(reason)
        self.record = dict(record)


class Outbox(DeliveryState):
    """What a delivery table is: a mapped Row with the DeliveryState columns."""

    id: InstrumentedAttribute[int]
    created_at: InstrumentedAttribute[datetime]


RowT = TypeVar("RowT", bound=Outbox)


@dataclass(frozen=True)
class Policy:
    lease: timedelta
    max_attempts: int
    first_retry: timedelta
    longest_retry: timedelta
    batch: int = 50
    # A row still failing this long after it was queued is a dead letter; None: no deadline.
    give_up_after: timedelta | None = None


def available(model: type[Outbox], now: datetime, ready: Sequence[str]) -> ColumnElement[bool]:
    """Due rows in a `ready` state, and rows whose claimant's lease ran out (it died)."""
    return or_(
        and_(model.state.in_(ready), model.run_after <= now),
        and_(model.state == SENDING, model.locked_until <= now),
    )


def has_due(session: Session, model: type[Outbox], now: datetime, ready: Sequence[str]) -> bool:
    """A cheap read that spares idle workers a writing transaction."""
    return bool(session.scalar(select(exists().where(available(model, now, ready)))))


def claim(
    session: Session,
    model: type[RowT],
    worker_id: str,
    *,
    now: datetime,
    policy: Policy,
    ready: Sequence[str] = (PENDING,),
) -> list[RowT]:
    """Take up to a batch of due rows, oldest first, counting an attempt on each."""
    ids = session.scalars(
        select(model.id)
        .where(available(model, now, ready))
        .order_by(model.run_after, model.id)
        .limit(policy.batch)
        .with_for_update(skip_locked=True)
    ).all()
    if not ids:
        return []
    claimed = session.scalars(
        update(model)
        .where(model.id.in_(ids), available(model, now, ready))
        .values(
            state=SENDING,
            locked_by=worker_id,
            locked_until=now + policy.lease,
            attempts=model.attempts + 1,
        )
        .returning(model)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed, key=lambda row: row.id)


def retry_delay(
    attempts: int, policy: Policy, rand: Callable[[], float] = random.random
) -> timedelta:
    """Doubling waits, capped, each drawn between half and all of its step (jitter): rows that
    failed together do not all come back at the same instant."""
    step = min(policy.first_retry * 2 ** min(attempts - 1, 32), policy.longest_retry)
    return step / 2 + step * (rand() / 2)


def deliver_claimed(
    database: Database,
    model: type[RowT],
    rows: Sequence[RowT],
    deliver: Callable[[RowT], Mapping[str, object] | None],
    *,
    worker_id: str,
    policy: Policy,
    clock: Callable[[], datetime],
) -> None:
    """Deliver claimed rows in order, committing each outcome before the next delivery. Rows
    not started when half the lease has gone are handed back uncounted, so that no row is
    still being delivered when its lease runs out and another worker claims it."""
    started = clock()
    for index, row in enumerate(rows):
        if clock() - started > policy.lease / 2:
            _hand_back(database, model, rows[index:], worker_id)
            return
        if row.attempts > policy.max_attempts:
            # Every earlier claim died with its worker, mid-delivery.
            _mark(
                database,
                model,
                row,
                worker_id,
                state=DEAD,
                finished_at=clock(),
                last_error="the worker delivering it stopped before it finished, every time",
            )
            continue
        try:
            recorded = deliver(row) or {}
        except Refused as error:
            _mark(
                database,
                model,
                row,
                worker_id,
                state=FAILED,
                finished_at=clock(),
                last_error=_describe(error),
                **error.record,
            )
        except Failed as error:
            _after_failure(
                database, model, row, worker_id, policy, clock(), _describe(error), error.record
            )
        except Exception as error:
            _after_failure(database, model, row, worker_id, policy, clock(), _describe(error), {})
        else:
            _mark(
                database,
                model,
                row,
                worker_id,
                state=SENT,
                finished_at=clock(),
                last_error=None,
                **recorded,
            )


def _after_failure(
    database: Database,
    model: type[RowT],
    row: RowT,
    worker_id: str,
    policy: Policy,
    now: datetime,
    error: str,
    record: Mapping[str, object],
) -> None:
    outcome: dict[str, object] = (
        {"state": DEAD, "finished_at": now}
        if row.attempts >= policy.max_attempts or _past_deadline(row, policy, now)
        else {"state": PENDING, "run_after": now + retry_delay(row.attempts, policy)}
    )
    _mark(database, model, row, worker_id, last_error=error, **outcome, **record)


def _past_deadline(row: Outbox, policy: Policy, now: datetime) -> bool:
    if policy.give_up_after is None:
        return False
    queued = row.replayed_at or row.created_at
    if queued.tzinfo is None:  # SQLite keeps no offset; every stored time is UTC
        queued = queued.replace(tzinfo=UTC)
    return queued + policy.give_up_after <= now


def _hand_back(database: Database, model: type[RowT], rows: Sequence[RowT], worker_id: str) -> None:
    with database.transaction() as session:
        session.execute(
            update(model)
            .where(
                model.id.in_([row.id for row in rows]),
                model.locked_by == worker_id,
                model.state == SENDING,
            )
            .values(state=PENDING, locked_by=None, locked_until=None, attempts=model.attempts - 1)
            .execution_options(synchronize_session=False)
        )


def _mark(
    database: Database, model: type[RowT], row: RowT, worker_id: str, **values: object
) -> bool:
    with database.transaction() as session:
        result = session.execute(
            update(model)
            .where(model.id == row.id, model.locked_by == worker_id, model.state == SENDING)
            .values(locked_by=None, locked_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
