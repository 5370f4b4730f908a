"""Unsubscribe links: a signed token names the organization and the recipient's address, so
the link needs no stored state and cannot be made for someone else. It does not expire: an
old mail's link still works. Mail queued after the unsubscribe is not sent."""

from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain.values import normalize_email
from plaudit.store.notification_tables import Unsubscribe

SALT = "plaudit.unsubscribe"


@dataclass(frozen=True)
class Unsubscriber:
    organization_id: int
    email_normalized: str


def token(secret: bytes, organization_id: int, email: str) -> str:
    serializer = URLSafeSerializer(secret, salt=SALT)
    return str(serializer.dumps({"o": organization_id, "e": normalize_email(email)}))


def url(base_url: str, token_value: str) -> str:
    return f"{base_url}/unsubscribe/{token_value}"


def read(secret: bytes, token_value: str) -> Unsubscriber | None:
    """Who a genuine token names; None for a forged or mangled one."""
    try:
        payload: Any = URLSafeSerializer(secret, salt=SALT).loads(token_value)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    organization_id, email = payload.get("o"), payload.get("e")
    if not isinstance(organization_id, int) or not isinstance(email, str):
        return None
    return Unsubscriber(organization_id, email)


def record(session: Session, who: Unsubscriber) -> None:
    """Idempotent: a second click (or a mail client's one-click POST and then the user's) is
    no error."""
    if is_unsubscribed(session, who.organization_id, who.email_normalized):
        return
    try:
        with session.begin_nested():
            session.add(
                Unsubscribe(
                    organization_id=who.organization_id, email_normalized=who.email_normalized
                )
            )
    except IntegrityError:
        pass  # recorded by a concurrent request; the organization may also be gone


def is_unsubscribed(session: Session, organization_id: int, email_normalized: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    Unsubscribe.organization_id == organization_id,
                    Unsubscribe.email_normalized == email_normalized,
                )
            )
        )
    )


def unsubscribed_among(session: Session, pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (organization, normalized email) pairs have unsubscribed, in one statement."""
    if not pairs:
        return set()
    emails = {email for _, email in pairs}
    rows = session.execute(
        select(Unsubscribe.organization_id, Unsubscribe.email_normalized).where(
            Unsubscribe.email_normalized.in_(emails)
        )
    )
    return {(organization_id, email) for organization_id, email in rows} & pairs
