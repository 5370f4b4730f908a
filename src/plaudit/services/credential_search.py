"""Reading many credentials: a search query to SQL, one page at a time.

Every condition and sort names a column that an index of `credentials` leads with (after the
organization or the group), so a page costs an index range scan, never a table scan. Only the
key/value matches inside JSON attributes have no index: they filter the rows the others select.

Pages go by offset or by keyset: `after` is the sort key of the last row already seen, and the
next page starts past it, as fast at the millionth row as at the first.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, tuple_
from sqlalchemy.orm import Session, contains_eager, lazyload, selectinload

from plaudit.domain import limits
from plaudit.domain.credential_search import AttributeMatch, Condition, CredentialQuery, Sort
from plaudit.domain.scope import Scope
from plaudit.services.credentials import scoped
from plaudit.store.tables import Achievement, Credential

COLUMNS: dict[str, Any] = {
    "uuid": Credential.uuid,
    "group.id": Credential.achievement_id,
    "recipient_name": Credential.recipient_name,
    "approve": Credential.approve,
    "recipient_email": Credential.recipient_email_normalized,
    "recipient_id": Credential.recipient_external_id,
    "license_id": Credential.license_id,
    "issued_on": Credential.issued_on,
    "expired_on": Credential.expired_on,
    "updated_at": Credential.updated_at,
    "created_at": Credential.created_at,
    "recipient_meta_data": Credential.recipient_meta_data,
    "meta_data": Credential.meta_data,
    "custom_attributes": Credential.custom_attributes,
}
TIMESTAMPS = frozenset({"updated_at", "created_at"})
# The columns each sort orders by, the last one always the credential id, so that the order is
# total and a keyset names exactly one position.
SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "id": (Credential.id,),
    "recipient_name": (Credential.recipient_name, Credential.id),
    "group.name": (Achievement.name, Credential.achievement_id, Credential.id),
    "issued_on": (Credential.issued_on, Credential.id),
    "expired_on": (Credential.expired_on, Credential.id),
}
NULLABLE_SORT_COLUMNS = frozenset({"expired_on"})


@dataclass(frozen=True)
class Window:
    """`size` rows, after skipping `offset` of them or starting past the keyset `after`."""

    size: int
    offset: int = 0
    after: tuple[Any, ...] | None = None
    total_count: int | None = None
    """The count a cursor walk took on its first page; its later pages do not count again."""


@dataclass(frozen=True)
class Page:
    items: list[Credential]
    total_count: int
    next_key: tuple[Any, ...] | None
    """The keyset of the last row, when more rows follow it."""


def search(
    session: Session,
    scope: Scope,
    query: CredentialQuery,
    window: Window,
    *,
    with_details: bool,
) -> Page:
    """One page of the credentials `query` matches. `with_details` loads their evidence items
    and references (one query each for the whole page)."""
    total = window.total_count
    if total is None:
        total = session.scalar(count_statement(scope, query)) or 0
    statement = page_statement(scope, query, window)
    if not with_details:
        statement = statement.options(
            lazyload(Credential.evidence_items), lazyload(Credential.references)
        )
    rows = list(session.scalars(statement)) if window.size else []
    more = len(rows) > window.size
    items = rows[: window.size]
    next_key = key_of(items[-1], query.sort) if more else None
    return Page(items=items, total_count=total, next_key=next_key)


def count_statement(scope: Scope, query: CredentialQuery) -> Select[Any]:
    statement = scoped(scope).where(*_where(query))
    return statement.with_only_columns(func.count(), maintain_column_froms=True)


def page_statement(scope: Scope, query: CredentialQuery, window: Window) -> Select[Any]:
    """The rows of one page, and one more that tells whether another page follows."""
    statement = scoped(scope).where(*_where(query))
    sort = query.sort
    if sort.field == "group.name":
        # The group's own tenant condition lets the planner walk the groups in name order (by
        # their (organization_id, name) index) and each group's credentials in id order.
        statement = (
            statement.join(Credential.achievement)
            .where(Achievement.organization_id == scope.organization_id)
            .options(contains_eager(Credential.achievement))
        )
    else:
        # A page shows few groups: one query for them beats joining one to every row.
        statement = statement.options(selectinload(Credential.achievement))
    columns = SORT_COLUMNS[sort.field]
    nullable = sort.field in NULLABLE_SORT_COLUMNS
    if window.after is not None:
        statement = statement.where(_past(columns, window.after, sort.descending, nullable))
    statement = statement.order_by(*_order(columns, sort.descending, nullable))
    # Past the largest BIGINT there is nothing to skip to, and the databases would refuse it.
    return statement.offset(min(window.offset, limits.MAX_ID) or None).limit(window.size + 1)


def key_of(credential: Credential, sort: Sort) -> tuple[Any, ...]:
    """Where `credential` stands in `sort`'s order: the values of its sort columns."""
    if sort.field == "group.name":
        return (credential.achievement.name, credential.achievement_id, credential.id)
    if sort.field == "id":
        return (credential.id,)
    return (getattr(credential, COLUMNS[sort.field].key), credential.id)


def _where(query: CredentialQuery) -> list[ColumnElement[bool]]:
    return [
        *(_condition(condition) for condition in query.conditions),
        *(_attribute(match) for match in query.attributes if match.pairs),
    ]


def _condition(condition: Condition) -> ColumnElement[bool]:
    if not condition.values:
        return false()
    if condition.field in TIMESTAMPS:
        return _on_days(COLUMNS[condition.field], condition.operator, condition.values)
    column = COLUMNS[condition.field]
    if condition.operator == "in":
        return column.in_(condition.values)
    (value,) = condition.values
    return _compare(column, condition.operator, value)


def _compare(column: Any, operator: str, value: Any) -> ColumnElement[bool]:
    return {
        "eq": lambda: column == value,
        "lt": lambda: column < value,
        "lte": lambda: column <= value,
        "gt": lambda: column > value,
        "gte": lambda: column >= value,
    }[operator]()


def _on_days(column: Any, operator: str, days: Sequence[date]) -> ColumnElement[bool]:
    """Dates against a timestamp column: `eq` is the whole (UTC) day, `lte` includes it..."""
    if operator in ("eq", "in"):
        return or_(*(and_(column >= _start(day), column < _start(day, 1)) for day in days))
    (day,) = days
    bound = {"lt": _start(day), "lte": _start(day, 1), "gt": _start(day, 1), "gte": _start(day)}
    return _compare(column, "lt" if operator in ("lt", "lte") else "gte", bound[operator])


def _start(day: date, plus_days: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=UTC)


def _attribute(match: AttributeMatch) -> ColumnElement[bool]:
    column = COLUMNS[match.field]
    return and_(*(column[key].as_string() == value for key, value in match.pairs))


def _order(columns: Sequence[Any], descending: bool, nullable: bool) -> list[Any]:
    """Descending or ascending on every column; a missing value sorts after every other
    value (last going up, first going down), on SQLite as on PostgreSQL."""
    order = [column.desc() if descending else column.asc() for column in columns]
    if nullable:
        order[0] = order[0].nulls_first() if descending else order[0].nulls_last()
    return order


def _past(
    columns: Sequence[Any], key: Sequence[Any], descending: bool, nullable: bool
) -> ColumnElement[bool]:
    """Rows strictly after `key` in the order `_order` gives.

    A row comparison, `(issued_on, id) < (:day, :id)`, which both databases read as a range
    of the sort's index. A missing leading value sorts after every other value.
    """
    first, value = columns[0], key[0]
    if nullable and value is None:
        ties = and_(first.is_(None), _beyond(columns[1:], key[1:], descending))
        return or_(ties, first.is_not(None)) if descending else ties
    beyond = _beyond(columns, key, descending)
    return or_(beyond, first.is_(None)) if nullable and not descending else beyond


def _beyond(columns: Sequence[Any], key: Sequence[Any], descending: bool) -> ColumnElement[bool]:
    row = tuple_(*columns)
    position = tuple_(*key, types=[column.type for column in columns])
    return row < position if descending else row > position
