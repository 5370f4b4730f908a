"""Typed domain errors; each dialect renders them in its own wire format."""

from dataclasses import dataclass, field
from uuid import UUID


class DomainError(Exception):
    """Base of every error a client's request can cause."""


@dataclass
class NotFound(DomainError):
    """The object does not exist, or belongs to another tenant (never told apart)."""

    entity: str

    def __str__(self) -> str:
        return f"{self.entity} not found"


@dataclass
class Invalid(DomainError):
    """The request breaks a rule.

    `code` names the rule for dialects that have a fixed message for it (`achievement.unknown`,
    `recipient.missing`); `fields` maps each offending field to its reasons.
    """

    code: str = "invalid"
    fields: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.fields}"


@dataclass
class Duplicate(Invalid):
    """A uniqueness rule refused the change (one credential per recipient and achievement...)."""

    code: str = "duplicate"


@dataclass
class Conflict(DomainError):
    """The change cannot be made in the object's present state
    (a group that still has credentials)."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Replaced(Conflict):
    """The badge was replaced: only the current one of its chain may change. `current` is that
    one's UUID, for the dialects that name it (Credly's `metadata.current_badge_id`)."""

    current: UUID | None = None


@dataclass
class Forbidden(DomainError):
    """The caller's key may never do this, whatever the object (a department-scoped key
    creating a department)."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def invalid_field(name: str, reason: str, code: str = "invalid") -> Invalid:
    return Invalid(code=code, fields={name: [reason]})


class Unauthenticated(DomainError):
    """No API key, or one that is unknown or revoked."""


@dataclass
class RateLimited(DomainError):
    """The client made too many requests (or failed to authenticate too often); it may try
    again after `retry_after` seconds."""

    retry_after: int

    def __str__(self) -> str:
        return f"rate limit exceeded, retry in {self.retry_after} seconds"


def found_uuid(text: str, thing: str) -> UUID:
    """The UUID a reference names; one that cannot be a UUID names no `thing`: NotFound."""
    try:
        return UUID(text)
    except ValueError:
        raise NotFound(thing) from None
