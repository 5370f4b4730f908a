"""Sizes and ranges every stored value must fit, checked before anything reaches the database."""

from collections.abc import Mapping

from plaudit.domain.errors import Invalid

NAME = 255
EMAIL = 254
URL = 2048
PHONE = 32
LANGUAGE = 8
KIND = 64
MAX_ID = 2**63 - 1
MAX_ITEMS = 1000
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def too_long(limit: int) -> str:
    return f"is too long (maximum is {limit} characters)"


def check_lengths(values: Mapping[str, object], limits: Mapping[str, int]) -> None:
    """Refuse any text longer than its column allows, naming every such field."""
    errors = {
        name: [too_long(limit)]
        for name, limit in limits.items()
        if isinstance(values.get(name), str) and len(str(values[name])) > limit
    }
    if errors:
        raise Invalid(fields=errors)


def check_items(values: Mapping[str, object], limit: int = MAX_ITEMS) -> None:
    """Refuse any list (or mapping) with more than `limit` items: each becomes a bound
    parameter, and databases cap how many one statement may have."""
    errors = {
        name: [f"is too long (maximum is {limit} items)"]
        for name, value in values.items()
        if isinstance(value, list | dict) and len(value) > limit
    }
    if errors:
        raise Invalid(fields=errors)


def is_storable_id(value: int) -> bool:
    """Ids beyond a BIGINT cannot name any row; callers treat them as unknown."""
    return 0 < value <= MAX_ID


def check_int32(name: str, value: object) -> None:
    if isinstance(value, int) and not INT32_MIN <= value <= INT32_MAX:
        raise Invalid(fields={name: ["is out of range"]})


def contains_nul(value: object) -> bool:
    """PostgreSQL text cannot hold NUL; a request carrying one anywhere is refused."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def parse_id(text: str) -> int | None:
    """The integer id a path segment or reference names, or None when it names none."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if is_storable_id(number) else None
