"""What the issuer and the operator see of the outbox, and the one thing they may do to it:
queue failed, dead or held mail again (`plaudit outbox retry`). The paging, the retry and the
times shown serve every outbox table; webhook_outbox.py shows webhook deliveries with them."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from plaudit.notifications.deliveries import Outbox
from plaudit.store.notification_tables import DEAD, FAILED, HELD, PENDING, Mail
from plaudit.store.tables import Credential

RETRYABLE = (FAILED, DEAD, HELD)
RowT = TypeVar("RowT", bound=Outbox)


def _mails(
    organization_id: int | None, states: Sequence[str], department_id: int | None
) -> Select[tuple[Mail]]:
    query = select(Mail)
    if organization_id is not None:
        query = query.where(Mail.organization_id == organization_id)
    if department_id is not None:
        # A department's key sees the mail of its credentials (not of deleted ones).
        query = query.join(Credential, Credential.id == Mail.credential_id).where(
            Credential.department_id == department_id
        )
    if states:
        query = query.where(Mail.state.in_(states))
    return query


def page(
    session: Session,
    organization_id: int | None,
    states: Sequence[str] = (),
    *,
    offset: int = 0,
    limit: int = 50,
    department_id: int | None = None,
) -> tuple[list[Mail], int]:
    """Newest first, and how many there are in all."""
    query = _mails(organization_id, states, department_id)
    return page_of(session, Mail, query, offset=offset, limit=limit)


def page_of(
    session: Session, model: type[RowT], query: Select[tuple[RowT]], *, offset: int, limit: int
) -> tuple[list[RowT], int]:
    """One page of an outbox query, newest first, and how many rows it has in all."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(model.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total


def retry(
    session: Session,
    now: datetime,
    ids: Sequence[int] = (),
    states: Sequence[str] = RETRYABLE,
    *,
    model: type[Outbox] = Mail,
) -> int:
    """Due again at once with fresh attempts, and the same content (message, event id); how
    many. A row being sent, or sent, is left be."""
    wanted = [state for state in states if state in RETRYABLE]
    statement = update(model).where(model.state.in_(wanted))
    if ids:
        statement = statement.where(model.id.in_(ids))
    result = session.execute(
        statement.values(
            state=PENDING,
            attempts=0,
            run_after=now,
            last_error=None,
            finished_at=None,
            replayed_at=now,
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount


def times(row: Outbox) -> dict[str, str | None]:
    """When a row was queued, when it is next tried (if it waits), and when it ended."""
    return {
        "created_at": utc_iso(row.created_at),
        "next_attempt_at": utc_iso(row.run_after) if row.state in (PENDING, HELD) else None,
        "finished_at": utc_iso(row.finished_at) if row.finished_at else None,
    }


def utc_iso(moment: datetime) -> str:
    """ISO 8601 with its offset, on every database (SQLite hands stored UTC times back naive)."""
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).isoformat()


def describe(mail: Mail) -> dict[str, Any]:
    """A mail as the API and `plaudit outbox list` show it (no body: it may be long)."""
    return {
        "id": mail.id,
        "organization_id": mail.organization_id,
        "credential_id": mail.credential_id,
        "kind": mail.kind,
        "state": mail.state,
        "recipient_email": mail.recipient_email,
        "recipient_name": mail.recipient_name,
        "locale": mail.locale,
        "subject": mail.subject,
        "message_id": mail.message_id,
        "attempts": mail.attempts,
        "last_error": mail.last_error,
        **times(mail),
    }
