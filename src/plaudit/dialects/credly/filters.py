"""Credly's `?filter=key::value|key::value` syntax, shared by every list that takes it."""

from collections.abc import Collection

from plaudit.domain.errors import Invalid


def split_filter(text: str | None, known_keys: Collection[str]) -> dict[str, str]:
    """The filter's pairs, key to value. A value may hold `::` or `,` (a list), never `|`. A
    part that is not `key::value`, or a key outside `known_keys`, is a 422 naming `filter`:
    never a silently wider list."""
    pairs: dict[str, str] = {}
    if text is None:
        return pairs
    for part in text.split("|"):
        if not part.strip():
            continue
        key, separator, value = part.partition("::")
        key = key.strip()
        if not separator or not key:
            raise Invalid(fields={"filter": [f"{part.strip()!r} is not key::value"]})
        if key not in known_keys:
            raise Invalid(fields={"filter": [f"key {key!r} is not supported"]})
        pairs[key] = value.strip()
    return pairs


def split_list(value: str) -> list[str]:
    """A comma-delimited list value (`state::pending,accepted`), without blanks."""
    return [item.strip() for item in value.split(",") if item.strip()]


def boolean(key: str, value: str) -> bool:
    """`true` or `false`, any case."""
    if value.lower() not in {"true", "false"}:
        raise bad(key, "must be true or false")
    return value.lower() == "true"


def bad(key: str, reason: str) -> Invalid:
    """A filter value Plaudit cannot read: a 422 naming `filter`."""
    return Invalid(fields={"filter": [f"{key} {reason}"]})
