"""Searching credentials: the query a caller may ask, and the rules its values obey.

A query is a conjunction of conditions on named fields, key/value matches inside the JSON
attributes, and one sort field. Values that can never be stored (an id beyond a BIGINT, a text
longer than its column, a malformed UUID) match nothing instead of failing, as a search engine
answers a term it has never indexed.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from plaudit.domain import limits
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import DomainError, Invalid
from plaudit.domain.values import normalize_email

EQUALITY = frozenset({"eq", "in"})
RANGE = frozenset({"eq", "in", "lt", "lte", "gt", "gte"})
OPERATORS = RANGE
# Field -> the operators it supports; the kind of value it holds decides how values are read.
FIELD_OPERATORS: dict[str, frozenset[str]] = {
    "uuid": EQUALITY,
    "group.id": EQUALITY,
    "recipient_name": EQUALITY,
    "approve": frozenset({"eq"}),
    "recipient_email": EQUALITY,
    "recipient_id": EQUALITY,
    "license_id": EQUALITY,
    "issued_on": RANGE,
    "expired_on": RANGE,
    "updated_at": RANGE,
    "created_at": RANGE,
}
DATE_FIELDS = frozenset({"issued_on", "expired_on", "updated_at", "created_at"})
TEXT_LIMITS = {
    "recipient_name": limits.NAME,
    "recipient_email": limits.EMAIL,
    "recipient_id": limits.NAME,
    "license_id": limits.NAME,
}
ATTRIBUTE_FIELDS = frozenset({"recipient_meta_data", "meta_data", "custom_attributes"})
SORT_FIELDS = ("id", "recipient_name", "group.name", "issued_on", "expired_on")
SORT_ORDERS = ("asc", "desc")
# What a sort's keyset (the last row's position) holds, field by field.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "recipient_name": ("text", "id"),
    "group.name": ("text", "id", "id"),
    "issued_on": ("date", "id"),
    "expired_on": ("date?", "id"),
}
MAX_IN_VALUES = 1000
MAX_ATTRIBUTE_PAIRS = 20
OFFSET_WINDOW = 10_000
DEFAULT_SIZE = 50


@dataclass
class InvalidQuery(DomainError):
    """A search request the engine cannot run (unknown field, operator or sort, bad cursor).
    Accredible answers these 400 `invalid_search_query`."""

    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Condition:
    """`field operator values`; `in` matches any of the values, the others take one value.
    No values means the condition matches nothing."""

    field: str
    operator: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class AttributeMatch:
    """Every key of `pairs` holds that text in the JSON attributes `field`."""

    field: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Sort:
    field: str = "id"
    descending: bool = False


@dataclass(frozen=True)
class CredentialQuery:
    conditions: tuple[Condition, ...] = ()
    attributes: tuple[AttributeMatch, ...] = ()
    sort: Sort = field(default_factory=Sort)


def condition(name: str, operator: str, raw: Any) -> Condition:
    """A condition from the caller's field, operator and value(s), with the values checked."""
    if name not in FIELD_OPERATORS:
        raise InvalidQuery(f"Field {name} is not supported")
    if operator not in OPERATORS:
        raise InvalidQuery(f"Operator {operator} is not supported")
    if operator not in FIELD_OPERATORS[name]:
        raise InvalidQuery(f"Operator {operator} is not supported for {name}")
    if operator == "in":
        if not isinstance(raw, list):
            raise InvalidQuery(f"{name}[in] needs an array of values")
        if len(raw) > MAX_IN_VALUES:
            raise InvalidQuery(f"{name}[in] accepts at most {MAX_IN_VALUES} values")
        items = raw
    else:
        if isinstance(raw, list | dict):
            raise InvalidQuery(f"{name}[{operator}] needs a single value")
        items = [raw]
    values = tuple(value for item in items if (value := _value(name, item)) is not None)
    return Condition(name, operator, values)


def _value(name: str, raw: Any) -> Any:
    """The stored form of one value, or None when no stored row can hold it."""
    if name in DATE_FIELDS:
        try:
            day = parse_date(raw, name) if isinstance(raw, str) else None
        except Invalid:
            day = None
        if day is None:
            raise InvalidQuery(f"{name} needs a date (YYYY-MM-DD), not {raw!r}")
        return day
    if name == "approve":
        if not isinstance(raw, bool):
            raise InvalidQuery("approve needs true or false")
        return raw
    text = _text(name, raw)
    if name == "group.id":
        return limits.parse_id(text)
    if name == "uuid":
        try:
            return UUID(text)
        except ValueError:
            return None
    if len(text) > TEXT_LIMITS[name]:
        return None
    return normalize_email(text) if name == "recipient_email" else text


def _text(name: str, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InvalidQuery(f"{name} needs a text or a number")
    if isinstance(raw, str) and "\x00" in raw:
        raise InvalidQuery("Request contains a NUL character")
    return str(raw)


def attribute_match(name: str, raw: Any) -> AttributeMatch:
    """Key/value matches inside a JSON attribute; values are compared as text."""
    if name not in ATTRIBUTE_FIELDS:
        raise InvalidQuery(f"Field {name} is not supported")
    if not isinstance(raw, dict):
        raise InvalidQuery(f"{name} needs an object of keys and values")
    if len(raw) > MAX_ATTRIBUTE_PAIRS:
        raise InvalidQuery(f"{name} accepts at most {MAX_ATTRIBUTE_PAIRS} keys")
    pairs = []
    for key, value in raw.items():
        # SQLite's JSON paths cannot quote these characters.
        if not key or len(key) > limits.NAME or any(c in key for c in '"\\\x00'):
            raise InvalidQuery(f"{name} key {key!r} is not supported")
        pairs.append((key, _text(f"{name}.{key}", value)))
    return AttributeMatch(name, tuple(pairs))


def sort_by(fields: dict[str, Any]) -> Sort:
    """The sort of `{"issued_on": "desc"}`: one field, ascending or descending."""
    if not fields:
        return Sort()
    if len(fields) > 1:
        raise InvalidQuery("Sorting by more than one field is not supported")
    ((name, order),) = fields.items()
    if name not in SORT_FIELDS:
        raise InvalidQuery(f"Sort field {name} is not supported")
    if order not in SORT_ORDERS:
        raise InvalidQuery(f"Sort order {order} is not supported")
    return Sort(name, descending=order == "desc")


def keyset(sort: Sort, raw: Any) -> tuple[Any, ...]:
    """The position a cursor carries, checked against what `sort` orders by."""
    kinds = SORT_KEYS[sort.field]
    if not isinstance(raw, list) or len(raw) != len(kinds):
        raise InvalidQuery("Invalid cursor")
    return tuple(_key_part(kind, value) for kind, value in zip(kinds, raw, strict=True))


def _key_part(kind: str, value: Any) -> Any:
    if kind == "id" and type(value) is int and limits.is_storable_id(value):
        return value
    if kind == "text" and isinstance(value, str) and "\x00" not in value:
        return value
    if kind == "date?" and value is None:
        return None
    if kind in ("date", "date?") and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidQuery("Invalid cursor")


def check_window(offset: int, size: int) -> None:
    """Offset paging reaches the first 10,000 results; cursors go further."""
    if offset + size > OFFSET_WINDOW:
        raise InvalidQuery(
            f"Result window is too large: page.from + page.size must be at most {OFFSET_WINDOW};"
            " use page.cursor to page further"
        )
