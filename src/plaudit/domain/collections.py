"""Collections: named sets of an organization's achievements. Their fields, rules and search."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, Maybe, is_blank, is_set

SORT_KEYS = ("name", "groups_count", "public")
SORT_DIRECTIONS = ("asc", "desc")


@dataclass
class CollectionFields:
    """Every settable field of a collection; UNSET means "not given"."""

    name: Maybe[str] = UNSET
    description: Maybe[str | None] = UNSET
    public: Maybe[bool] = UNSET
    # The full list of achievements in the collection, as the caller names them.
    achievement_refs: Maybe[list[str]] = UNSET

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if is_set(getattr(self, f.name))
        }


@dataclass(frozen=True)
class CollectionSearch:
    """Filters of a collection search; ids name collections as the caller does."""

    ids: list[str] | None = None
    name: str | None = None
    public: bool | None = None
    exclusion_list: list[str] | None = None
    sort: tuple[tuple[str, bool], ...] = ()  # (key, descending)


def validate_new(data: CollectionFields) -> None:
    """A new collection needs a name."""
    if not is_set(data.name) or is_blank(data.name):
        raise Invalid(fields={"name": ["can't be blank"]})
    validate_change(data)


def validate_change(data: CollectionFields) -> None:
    """A change may leave the name out, but may not blank it."""
    if is_set(data.name) and is_blank(data.name):
        raise Invalid(fields={"name": ["can't be blank"]})
    limits.check_lengths(data.given(), {"name": limits.NAME})


def validate_search(search: CollectionSearch) -> None:
    """Lists short enough for one statement's bound parameters."""
    limits.check_items({"query.ids": search.ids, "query.exclusion_list": search.exclusion_list})


def parse_sort(sort: Mapping[str, Any] | None) -> tuple[tuple[str, bool], ...]:
    """`{"groups_count": "desc", "name": "asc"}` as (key, descending) pairs, in the given order.
    A key no collection has is ignored, as Accredible's own example `{"field": "asc"}` implies;
    its direction must still be one."""
    order = []
    for key, direction in (sort or {}).items():
        text = direction.strip().lower() if isinstance(direction, str) else None
        if text not in SORT_DIRECTIONS:
            reason = f"must be one of: {', '.join(SORT_DIRECTIONS)}"
            raise Invalid(fields={f"sort.{key}": [reason]})
        if key in SORT_KEYS:
            order.append((key, text == "desc"))
    return tuple(order)
