"""What the issuer and the operator see of the outbox, and the one thing they may do to it:
queue failed, dead or held mail again (`plaudit outbox retry`)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from plaudit.store.notification_tables import DEAD, FAILED, HELD, PENDING, Mail
from plaudit.store.tables import Credential

RETRYABLE = (FAILED, DEAD, HELD)


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
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Mail.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total


def retry(
    session: Session, now: datetime, ids: Sequence[int] = (), states: Sequence[str] = RETRYABLE
) -> int:
    """Due again at once with fresh attempts; how many. A mail being sent or sent is left be."""
    wanted = [state for state in states if state in RETRYABLE]
    statement = update(Mail).where(Mail.state.in_(wanted))
    if ids:
        statement = statement.where(Mail.id.in_(ids))
    result = session.execute(
        statement.values(
            state=PENDING, attempts=0, run_after=now, last_error=None
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount


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
        "created_at": mail.created_at.isoformat(),
        "next_attempt_at": mail.run_after.isoformat() if mail.state in (PENDING, HELD) else None,
        "finished_at": mail.finished_at.isoformat() if mail.finished_at else None,
    }
