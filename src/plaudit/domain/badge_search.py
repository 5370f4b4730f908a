"""Searching a Credly organization's issued badges (credentials): what a caller may ask.

Dialect-free: the Credly dialect reads its `filter` and `sort` parameters into these values and
services/badge_search.py turns them into SQL. A field left None asks nothing of the badges.
"""

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

BADGE_STATES = frozenset({"pending", "accepted", "rejected", "revoked"})
# Offset paging reads and skips every row before a page: past this many rows, walk a cursor.
MAX_OFFSET_ROWS = 10_000


@dataclass(frozen=True)
class DayRange:
    """Whole days, both ends included; None leaves that end open."""

    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class BadgeFilter:
    query: str | None = None
    """Part of the recipient's name or email; `@domain` the email's domain, `@*.domain` any
    subdomain of it."""
    states: frozenset[str] | None = None
    user_ids: frozenset[UUID] | None = None
    issued: DayRange = field(default_factory=DayRange)
    """The issue instant, by UTC day."""
    issued_dates: DayRange = field(default_factory=DayRange)
    """The issue date as given, whatever its time zone."""
    issuer_ids: frozenset[UUID] | None = None
    earner_id: str | None = None
    public: bool | None = None
    owner_ids: frozenset[UUID] | None = None
    template_name: str | None = None
    reporting_tags: frozenset[str] | None = None
    """Any of these tags on the badge's template."""
    skills: frozenset[str] | None = None
    """Any of these skills on the badge's template."""
    template_ids: frozenset[UUID] | None = None
    created: DayRange = field(default_factory=DayRange)
    expires: DayRange = field(default_factory=DayRange)
    """Expiry by day; an open `last` end also takes the badges that never expire."""
    state_updated: DayRange = field(default_factory=DayRange)
    updated: DayRange = field(default_factory=DayRange)
    recipient_email: str | None = None
    """The normalized email, matched whole."""

    @property
    def asks_templates(self) -> bool:
        """Whether a condition is on the badge's template rather than the badge."""
        return any(
            value is not None
            for value in (
                self.owner_ids,
                self.template_name,
                self.reporting_tags,
                self.skills,
                self.template_ids,
            )
        )


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


# Oldest first; every order ends with the id, so it is total.
DEFAULT_SORT = (SortKey("created_at"),)
