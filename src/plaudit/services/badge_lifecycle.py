"""A badge's lifecycle after issue: replace, revoke, delete, and the earner's accept or reject.

The rules are Credly's (seed 002) and hold whichever surface asks: the Credly API, the wallet,
`plaudit credentials revoke`. States: pending -> accepted | rejected (the earner), any -> revoked
(the issuer). A replaced badge is frozen: only the current one of its chain changes."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plaudit.domain.credentials import CredentialFields, EvidenceItemData, RecipientData
from plaudit.domain.errors import Conflict, Invalid, Replaced
from plaudit.domain.scope import Scope
from plaudit.domain.values import UNSET, Maybe, is_set, normalize_email
from plaudit.services import credential_status, credentials, events
from plaudit.store.event_tables import Event
from plaudit.store.tables import Credential

PENDING, ACCEPTED, REJECTED, REVOKED = "pending", "accepted", "rejected", "revoked"
REPLACE_REPLACED = "This badge cannot be replaced because it has already been replaced."
REVOKE_REPLACED = "This badge cannot be revoked because it has been replaced."
DELETE_REPLACED = "You can not delete replaced badges. Delete the current version instead."
NOT_PENDING = "Only a pending badge can be accepted or rejected."
EMAIL_NOT_PENDING = "can only be changed while the badge is pending"


@dataclass(frozen=True)
class Replacement:
    """What the new badge says. `issued_on` is the day where `issued_at` was given. `expires`
    is UNSET when not given, None when given blank (the template's default), False for never,
    or a date. Name parts are UNSET when not given."""

    achievement_id: int
    issued_at: datetime
    issued_on: date
    expires: Maybe[date | bool | None] = UNSET
    recipient_email: Maybe[str] = UNSET
    first_name: Maybe[str | None] = UNSET
    middle_name: Maybe[str | None] = UNSET
    last_name: Maybe[str | None] = UNSET
    issuer_earner_id: str | None = None
    country_name: str | None = None
    state_or_province: str | None = None
    evidence: list[EvidenceItemData] = field(default_factory=list)
    notification_message: str | None = None


def current_of(session: Session, credential: Credential) -> Credential:
    """The end of the badge's replacement chain (itself when not replaced)."""
    while credential.replaced_by_id is not None:
        following = session.get(Credential, credential.replaced_by_id)
        if following is None or following.organization_id != credential.organization_id:
            break
        credential = following
    return credential


def replace(
    session: Session, scope: Scope, credential: Credential, fields: Replacement
) -> Credential:
    """A new badge takes `credential`'s place. Fields not given are not carried over, except:

    - the recipient: their email (the seed lets it change only while pending) and, when no name
      part is given, their name. A replacement is the same person's badge; the seed requires no
      name on replace while issue requires one, so the name must come from the old badge;
    - `expires`: omitted on an expiring badge -> the template's default, as given blank;
    - the earner's own choices: privacy, and acceptance while pending or accepted (a rejected or
      revoked badge's replacement is a new offer: pending).

    The old badge's duplicate keys are cleared first (the new one is no duplicate of it) and its
    status bit is set, so verifiers reject the copies it was signed in."""
    if credential.replaced_by_id is not None:
        raise Replaced(
            "badge.replace.replaced", REPLACE_REPLACED, current_of(session, credential).uuid
        )
    email = credential.recipient_email
    if is_set(fields.recipient_email) and normalize_email(fields.recipient_email) != (
        credential.recipient_email_normalized
    ):
        if credential.state != PENDING:
            raise Invalid(fields={"recipient_email": [EMAIL_NOT_PENDING]})
        email = fields.recipient_email
    credential.duplicate_key = None
    credential.duplicate_earner_key = None
    session.flush()
    first, middle, last = _names(credential, fields)
    new = credentials.issue(
        session,
        scope,
        CredentialFields(
            achievement_ref=fields.achievement_id,
            recipient=RecipientData(
                name=" ".join(part for part in (first, middle, last) if part)
                or credential.recipient_name,
                email=email,
                external_id=fields.issuer_earner_id,
                first_name=first,
                middle_name=middle,
                last_name=last,
            ),
            issued_on=fields.issued_on,
            issued_at=fields.issued_at,
            expired_on=_expiry(credential, fields.expires),
            private=credential.private,
            evidence_items=fields.evidence,
            state=credential.state if credential.state in (PENDING, ACCEPTED) else PENDING,
            country_name=fields.country_name,
            state_or_province=fields.state_or_province,
        ),
        today=datetime.now(UTC).date(),
    ).credential
    new.replaces_id = credential.id
    credential.replaced_by_id = new.id
    credential_status.revoked(session, credential)
    session.flush()
    _created_event(session, new).payload = {
        "replaces_badge_id": str(credential.uuid),
        "notification_message": fields.notification_message,
    }
    return new


def revoke(
    session: Session, scope: Scope, credential: Credential, reason: str | None, suppress_email: bool
) -> Credential:
    """Revoked for good, with its status bit set so independent verifiers reject it.

    Revoking a revoked badge answers it unchanged (no new event, first reason kept): a client
    that retries a revoke whose answer it lost must not see an error for what succeeded.
    `suppress_email` rides on the event for the notifications area."""
    if credential.replaced_by_id is not None:
        raise Replaced(
            "badge.revoke.replaced", REVOKE_REPLACED, current_of(session, credential).uuid
        )
    if credential.state == REVOKED:
        return credential
    credential.revocation_reason = reason
    credential_status.revoked(session, credential)
    _change_state(session, credential, REVOKED, suppress_notification_email=suppress_email)
    return credential


def delete(session: Session, scope: Scope, credential: Credential) -> list[Credential]:
    """Deletes the current badge with every badge it replaced, oldest last; their events keep
    only ids and types (a payload's notification message may name the earner)."""
    if credential.replaced_by_id is not None:
        raise Replaced("badge.delete.replaced", DELETE_REPLACED)
    chain = [credential]
    while chain[-1].replaces_id is not None:
        previous = session.get(Credential, chain[-1].replaces_id)
        if previous is None or previous.organization_id != credential.organization_id:
            break
        chain.append(previous)
    session.execute(
        update(Event)
        .where(Event.subject_uuid.in_([item.uuid for item in chain]))
        .values(payload=None)
    )
    for item in chain:
        credentials.remove(session, item)
    return chain


def accept(session: Session, credential: Credential) -> Credential:
    return _respond(session, credential, ACCEPTED)


def reject(session: Session, credential: Credential) -> Credential:
    return _respond(session, credential, REJECTED)


def _respond(session: Session, credential: Credential, state: str) -> Credential:
    """The earner's answer to a pending badge; any other state (or a replaced badge) is final."""
    if credential.state != PENDING or credential.replaced_by_id is not None:
        raise Conflict("badge.state.not_pending", NOT_PENDING)
    _change_state(session, credential, state)
    return credential


def _change_state(session: Session, credential: Credential, state: str, **extra: Any) -> None:
    before = credential.state
    credential.state = state
    credential.state_updated_at = datetime.now(UTC)
    session.flush()
    events.badge(
        session, credential, events.BADGE_STATE_CHANGED, {"from": before, "to": state, **extra}
    )


def _names(
    credential: Credential, fields: Replacement
) -> tuple[str | None, str | None, str | None]:
    given = [fields.first_name, fields.middle_name, fields.last_name]
    if not any(is_set(part) for part in given):
        return (
            credential.recipient_first_name,
            credential.recipient_middle_name,
            credential.recipient_last_name,
        )
    first, middle, last = (part if is_set(part) else None for part in given)
    return first, middle, last


def _expiry(credential: Credential, expires: Maybe[date | bool | None]) -> Maybe[date | None]:
    """UNSET asks issue for the template's default."""
    if expires is False:
        return None
    if isinstance(expires, date):
        return expires
    if not is_set(expires) and credential.expired_on is None:
        return None
    return UNSET


def _created_event(session: Session, credential: Credential) -> Event:
    return session.scalars(
        select(Event).where(
            Event.subject_uuid == credential.uuid, Event.event_type == events.BADGE_CREATED
        )
    ).one()
