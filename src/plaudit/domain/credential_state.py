"""What a credential's public page says about it, and who may see it."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from plaudit.domain.errors import NotFound


class State(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def state_of(*, expired_on: date | None, revoked: bool, today: date) -> State:
    """Revocation wins over expiry. A credential expires *on* its `expired_on` date: from that
    day on it is no longer valid."""
    if revoked:
        return State.REVOKED
    if expired_on is not None and expired_on <= today:
        return State.EXPIRED
    return State.VALID


def may_view(*, private: bool, by_recipient: bool) -> bool:
    """A published credential shows to anyone unless private; a private one only to its
    signed-in recipient."""
    return by_recipient or not private


@dataclass
class CredentialDeleted(NotFound):
    """The credential existed and its issuer deleted it: its page is 410 Gone, not 404."""
