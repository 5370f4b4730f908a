"""A credential's public status bit, flipped in the same transaction as the change behind it.

- deleted (or revoked, for dialects that revoke): the revocation bit is set for good;
- expired: every signed copy carries its expiry as `validUntil`, so a verifier rejects it then
  without asking. The bit matters for copies signed before the expiry was changed: setting
  `expired_on` to today or earlier sets the bit at once; moving it to a later day clears a bit
  an earlier expiry set and enqueues a job for that day, which sets the bit if the date still
  holds then (the job checks, so stale ones do nothing).

A credential that was never signed has no entry: no copy of it exists, and nothing is flipped.
"""

from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from plaudit.jobs.outbox import enqueue
from plaudit.openbadges import status_list
from plaudit.store.tables import Credential

EXPIRY_JOB = "credential_status.expire"


def deleted(session: Session, credential: Credential) -> None:
    status_list.set_bit(session, credential.id, status_list.DELETED)


def revoked(session: Session, credential: Credential) -> None:
    """Revocation is for good and must hold for copies signed later too: a credential never
    signed gets its entry now, with the bit already set."""
    status_list.allocate(session, credential)
    status_list.set_bit(session, credential.id, status_list.REVOKED)


def expiry_changed(
    session: Session, credential: Credential, before: date | None, *, today: date
) -> None:
    """Call after a change that may have moved `expired_on` (from `before`)."""
    after = credential.expired_on
    if after == before:
        return
    if after is not None and after <= today:
        status_list.set_bit(session, credential.id, status_list.EXPIRED)
        return
    status_list.clear_expiry(session, credential.id)
    if after is not None and status_list.entry_of(session, credential.id) is not None:
        enqueue(
            session,
            EXPIRY_JOB,
            {"credential_id": credential.id},
            organization_id=credential.organization_id,
            run_after=datetime.combine(after, time(0, 0), tzinfo=UTC),
        )
