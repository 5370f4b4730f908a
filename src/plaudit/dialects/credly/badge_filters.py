"""Credly's badge search parameters (seed: "Get Issued Badges"): `filter=key::value|...` and
`sort=key1|-key2`, read into the core's BadgeFilter and sort keys. An unknown key or a value
Plaudit cannot read is a 422 naming `filter` or `sort`."""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from plaudit.dialects.credly.filters import bad, boolean, split_filter, split_list
from plaudit.domain.badge_search import (
    BADGE_STATES,
    DEFAULT_SORT,
    BadgeFilter,
    DayRange,
    SortKey,
)
from plaudit.domain.errors import Invalid


def _text(key: str, value: str) -> str:
    if not value:
        raise bad(key, "needs a value")
    return value


def _states(key: str, value: str) -> frozenset[str]:
    states = frozenset(split_list(value))
    if not states or not states <= BADGE_STATES:
        raise bad(key, f"must be among {', '.join(sorted(BADGE_STATES))}")
    return states


def _uuids(key: str, value: str) -> frozenset[UUID]:
    try:
        found = frozenset(UUID(item) for item in split_list(value))
    except ValueError:
        raise bad(key, "must be ids (UUIDs)") from None
    if not found:
        raise bad(key, "needs a value")
    return found


def _words(key: str, value: str) -> frozenset[str]:
    found = frozenset(split_list(value))
    if not found:
        raise bad(key, "needs a value")
    return found


def _day(key: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad(key, "is not a date (YYYY-MM-DD)") from None


# Credly key -> (BadgeFilter field, how its value reads).
VALUE_KEYS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "query": ("query", _text),
    "state": ("states", _states),
    "user_id": ("user_ids", _uuids),
    "issuer_id": ("issuer_ids", _uuids),
    "issuer_earner_id": ("earner_id", _text),
    "public": ("public", boolean),
    "badge_templates[owner_id]": ("owner_ids", _uuids),
    "badge_templates[name]": ("template_name", _text),
    "badge_templates[reporting_tags]": ("reporting_tags", _words),
    "badge_templates[skills]": ("skills", _words),
    "badge_template_id": ("template_ids", _uuids),
    "recipient_email": ("recipient_email", _text),
    # Plaudit knows one email per recipient: no secondary emails, so `_all` asks the same.
    "recipient_email_all": ("recipient_email", _text),
}
# Credly prefix -> the BadgeFilter day range it bounds with `_min` and `_max`.
RANGE_KEYS = {
    "issued_at": "issued",
    "issued_at_date": "issued_dates",
    "created_at": "created",
    # Plaudit keeps an expiry date only: `expires_at` is its midnight UTC, so both ask the same.
    "expires_at": "expires",
    "expires_at_date": "expires",
    "state_updated_at": "state_updated",
    "updated_at": "updated",
}
KNOWN_KEYS = set(VALUE_KEYS) | {f"{key}_{end}" for key in RANGE_KEYS for end in ("min", "max")}
SORT_KEYS = {
    "created_at": "created_at",
    "issued_at": "issued_at",
    "state_updated_at": "state_updated_at",
    "badge_templates[name]": "template_name",
    "users[first_name]": "first_name",
    "users[last_name]": "last_name",
}


def parse_filter(text: str | None) -> BadgeFilter:
    values: dict[str, Any] = {}
    ranges: dict[str, dict[str, date]] = {}
    for key, value in split_filter(text, KNOWN_KEYS).items():
        if key in VALUE_KEYS:
            field, read = VALUE_KEYS[key]
            values[field] = read(key, value)
            continue
        prefix, _, end = key.rpartition("_")
        bounds = ranges.setdefault(RANGE_KEYS[prefix], {})
        day = _day(key, value)
        if end == "min":
            bounds["first"] = max(day, bounds.get("first", day))
        else:
            bounds["last"] = min(day, bounds.get("last", day))
    values.update({field: DayRange(**bounds) for field, bounds in ranges.items()})
    return BadgeFilter(**values)


def parse_sort(text: str | None) -> tuple[SortKey, ...]:
    """`key1|-key2`: `-` sorts that key descending; no sort is oldest first."""
    if text is None or not text.strip():
        return DEFAULT_SORT
    keys = []
    for part in text.split("|"):
        name = part.strip()
        descending = name.startswith("-")
        name = name.removeprefix("-").strip()
        if name not in SORT_KEYS:
            raise Invalid(fields={"sort": [f"key {name!r} is not supported"]})
        keys.append(SortKey(SORT_KEYS[name], descending))
    return tuple(keys)
