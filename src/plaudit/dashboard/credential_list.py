"""The credentials list of `/dashboard/credentials`: its query parameters, and one page of it.

A page costs a count and one statement for its rows (with their achievement's name and their
views and shares, counted as they happen: services/analytics_counts.py). Every filter and sort
but two reads an index of `credentials` that starts with the organization (store/tables.py):

- state: revoked, unpublished and expired are conditions on `state`, `approve` and `expired_on`;
  sorting by state orders the organization's matching rows by a CASE (no index can hold a state
  that depends on today's date);
- engagement: views plus shares, all-time, from each credential's counts
  (services/analytics_counts.py), joined to the organization's matching rows and ordered.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, or_
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import Invalid
from plaudit.domain.scope import Scope
from plaudit.services import credential_search, visible
from plaudit.services.credentials import scoped
from plaudit.store.reporting_tables import CredentialEngagement
from plaudit.store.tables import Achievement, Credential

PATH = "/dashboard/credentials"
ACTIVE, EXPIRED, REVOKED, UNPUBLISHED = "active", "expired", "revoked", "unpublished"
STATES = (ACTIVE, EXPIRED, REVOKED, UNPUBLISHED)
SORTS = ("recipient", "achievement", "issued", "state", "engagement")
PAGE_SIZES = (25, 50, 100)
MAX_PAGE = 100_000
MAX_SEARCH = 200


@dataclass(frozen=True)
class ListQuery:
    """What the list shows, as its query parameters say."""

    search: str = ""
    achievement_id: int | None = None
    state: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    sort: str = "issued"
    descending: bool = True
    page: int = 1
    page_size: int = PAGE_SIZES[0]

    def parameters(self) -> dict[str, str]:
        """The query parameters that give this query (defaults left out)."""
        given = {
            "q": self.search,
            "achievement": "" if self.achievement_id is None else str(self.achievement_id),
            "state": self.state or "",
            "from": self.issued_from.isoformat() if self.issued_from else "",
            "to": self.issued_to.isoformat() if self.issued_to else "",
            "sort": "" if self.sort == "issued" else self.sort,
            "order": "" if self.descending else "asc",
            "page": "" if self.page == 1 else str(self.page),
            "size": "" if self.page_size == PAGE_SIZES[0] else str(self.page_size),
        }
        return {name: value for name, value in given.items() if value}

    def url(self, **changes: Any) -> str:
        """The list's address with `changes` applied (a new filter or sort starts at page 1)."""
        changed = replace(self, **changes)
        query = urlencode(changed.parameters())
        return f"{PATH}?{query}" if query else PATH

    def sort_url(self, sort: str) -> str:
        """Sorting by `sort`: the other direction when the list is already sorted by it."""
        descending = not self.descending if sort == self.sort else sort in ("issued", "engagement")
        return self.url(sort=sort, descending=descending, page=1)


@dataclass(frozen=True)
class Parsed:
    query: ListQuery
    errors: dict[str, str] = field(default_factory=dict)


def parse(parameters: Mapping[str, str]) -> Parsed:
    """The query the parameters ask for; a value that cannot be read is an error for its
    field (the page says so next to it) and is left out of the query."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    search = parameters.get("q", "").strip()
    if len(search) > MAX_SEARCH:
        errors["q"] = f"Search for at most {MAX_SEARCH} characters."
    else:
        values["search"] = search
    if achievement := parameters.get("achievement", "").strip():
        number = limits.parse_id(achievement)
        if number is None or not limits.is_storable_id(number):
            errors["achievement"] = "Choose an achievement from the list."
        else:
            values["achievement_id"] = number
    if state := parameters.get("state", "").strip():
        if state in STATES:
            values["state"] = state
        else:
            errors["state"] = "Choose a state from the list."
    for name, attribute in (("from", "issued_from"), ("to", "issued_to")):
        if text := parameters.get(name, "").strip():
            try:
                values[attribute] = parse_date(text, name)
            except Invalid:
                errors[name] = "Enter a date as YYYY-MM-DD."
    sort = parameters.get("sort", "issued")
    values["sort"] = sort if sort in SORTS else "issued"
    values["descending"] = parameters.get("order", "desc") != "asc"
    values["page"] = min(_whole(parameters.get("page"), 1), MAX_PAGE)
    size = _whole(parameters.get("size"), PAGE_SIZES[0])
    values["page_size"] = size if size in PAGE_SIZES else PAGE_SIZES[0]
    return Parsed(ListQuery(**values), errors)


def _whole(text: str | None, default: int) -> int:
    try:
        number = int(text or default)
    except ValueError:
        return default
    return number if number >= 1 else default


@dataclass(frozen=True)
class ListedCredential:
    id: int
    recipient_name: str
    recipient_email: str
    achievement_name: str
    issued_on: date
    expired_on: date | None
    state: str
    views: int
    shares: int


@dataclass(frozen=True)
class ListPage:
    items: list[ListedCredential]
    total: int
    query: ListQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))

    @property
    def first_shown(self) -> int:
        return (self.query.page - 1) * self.query.page_size + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1 if self.items else 0


def state_of(credential: Credential | Row[Any], today: date) -> str:
    """What the list calls a credential's state: revoked first, then unpublished, expired."""
    if credential.state == REVOKED:
        return REVOKED
    if not credential.approve:
        return UNPUBLISHED
    if credential.expired_on is not None and credential.expired_on <= today:
        return EXPIRED
    return ACTIVE


def _state_condition(state: str, today: date) -> ColumnElement[bool]:
    not_revoked = Credential.state != REVOKED
    expired = and_(Credential.expired_on.is_not(None), Credential.expired_on <= today)
    return {
        REVOKED: lambda: Credential.state == REVOKED,
        UNPUBLISHED: lambda: and_(not_revoked, Credential.approve.is_(False)),
        EXPIRED: lambda: and_(not_revoked, Credential.approve.is_(True), expired),
        ACTIVE: lambda: and_(not_revoked, Credential.approve.is_(True), ~expired),
    }[state]()


def _state_rank(today: date) -> ColumnElement[int]:
    """States in the order of STATES (alphabetical too)."""
    return case(
        (Credential.state == REVOKED, STATES.index(REVOKED)),
        (Credential.approve.is_(False), STATES.index(UNPUBLISHED)),
        (
            and_(Credential.expired_on.is_not(None), Credential.expired_on <= today),
            STATES.index(EXPIRED),
        ),
        else_=STATES.index(ACTIVE),
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(scope: Scope, query: ListQuery, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.search:
        pattern = _like(query.search)
        named = (
            visible.achievements(scope)
            .where(Achievement.name.ilike(pattern, escape="\\"))
            .with_only_columns(Achievement.id)
        )
        # Each text by its own index, read alone (ids out of the name and email indexes):
        # no row of `credentials` is read for a row that does not match.
        by_name = scoped(scope).where(Credential.recipient_name.ilike(pattern, escape="\\"))
        by_email = scoped(scope).where(
            Credential.recipient_email_normalized.like(pattern.lower(), escape="\\")
        )
        conditions.append(
            or_(
                Credential.id.in_(by_name.with_only_columns(Credential.id)),
                Credential.id.in_(by_email.with_only_columns(Credential.id)),
                Credential.achievement_id.in_(named),
            )
        )
    if query.achievement_id is not None:
        conditions.append(Credential.achievement_id == query.achievement_id)
    if query.state is not None:
        conditions.append(_state_condition(query.state, today))
    if query.issued_from is not None:
        conditions.append(Credential.issued_on >= query.issued_from)
    if query.issued_to is not None:
        conditions.append(Credential.issued_on <= query.issued_to)
    return conditions


def _ordered(statement: Select[Any], scope: Scope, query: ListQuery, today: date) -> Select[Any]:
    def direction(column: Any) -> Any:
        return column.desc() if query.descending else column.asc()

    if query.sort == "state":
        return statement.order_by(direction(_state_rank(today)), direction(Credential.id))
    if query.sort == "engagement":
        engaged = CredentialEngagement.views + CredentialEngagement.shares
        return statement.order_by(direction(func.coalesce(engaged, 0)), direction(Credential.id))
    field_name = {"recipient": "recipient_name", "achievement": "group.name"}.get(
        query.sort, "issued_on"
    )
    return statement.order_by(
        *(direction(column) for column in credential_search.SORT_COLUMNS[field_name])
    )


def list_page(session: Session, scope: Scope, query: ListQuery, *, today: date) -> ListPage:
    conditions = _conditions(scope, query, today)
    total = session.scalar(
        scoped(scope).where(*conditions).with_only_columns(func.count(), maintain_column_froms=True)
    )
    statement = (
        scoped(scope)
        .join(Achievement, Achievement.id == Credential.achievement_id)
        .outerjoin(CredentialEngagement, CredentialEngagement.credential_id == Credential.id)
        .where(*conditions)
        .with_only_columns(
            *_LISTED_COLUMNS,
            Achievement.name.label("achievement_name"),
            func.coalesce(CredentialEngagement.views, 0).label("views"),
            func.coalesce(CredentialEngagement.shares, 0).label("shares"),
        )
    )
    offset = (query.page - 1) * query.page_size
    rows = session.execute(
        _ordered(statement, scope, query, today).offset(offset).limit(query.page_size)
    ).all()
    items = [
        ListedCredential(
            id=row.id,
            recipient_name=row.recipient_name,
            recipient_email=row.recipient_email,
            achievement_name=row.achievement_name,
            issued_on=row.issued_on,
            expired_on=row.expired_on,
            state=state_of(row, today),
            views=row.views,
            shares=row.shares,
        )
        for row in rows
    ]
    return ListPage(items=items, total=total or 0, query=query)


# Only what a row shows: no ORM objects (nor their eager-loaded collections) for a list.
_LISTED_COLUMNS = (
    Credential.id,
    Credential.recipient_name,
    Credential.recipient_email,
    Credential.issued_on,
    Credential.expired_on,
    Credential.state,
    Credential.approve,
)


def achievement_choices(
    session: Session, scope: Scope, *, archived: bool = True
) -> list[tuple[int, str]]:
    """The organization's achievements by name, for a filter or a form; `archived` ones too
    (marked), or not (they issue nothing)."""
    statement = visible.achievements(scope).with_only_columns(
        Achievement.id, Achievement.name, Achievement.state
    )
    if not archived:
        statement = statement.where(Achievement.state != "archived")
    rows = session.execute(statement.order_by(Achievement.name, Achievement.id)).all()
    return [
        (row.id, f"{row.name} (archived)" if row.state == "archived" else row.name) for row in rows
    ]
