"""Reading an organization's badges (credentials) by a BadgeFilter: offset pages in any sort,
and a keyset scan in (created_at, id) order whose every page costs what the first one does.

A page loads its badges' templates with them (a join) and their evidence in one more query, so a
page costs the same few queries whatever its size. Template conditions (owner, name, skills,
reporting tags, ids) are resolved first against the organization's templates, few next to its
badges, into a list of template ids: skills and tags live in JSON lists that SQLite and
PostgreSQL search differently, and Python reads them the same way for both.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, false, func, or_, select, tuple_
from sqlalchemy.orm import Session, contains_eager, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from plaudit.domain.badge_search import BadgeFilter, DayRange, SortKey
from plaudit.domain.scope import Scope
from plaudit.domain.values import normalize_email
from plaudit.services.credentials import scoped
from plaudit.store.tables import Achievement, Credential, Organization

Key = tuple[datetime, int]


@dataclass(frozen=True)
class Page:
    items: list[Credential]
    total_count: int


@dataclass(frozen=True)
class Scan:
    items: list[Credential]
    next_key: Key | None
    """(created_at, id) of the last row, when more rows follow it."""


def search(
    session: Session,
    scope: Scope,
    wanted: BadgeFilter,
    sort: Sequence[SortKey],
    *,
    offset: int,
    size: int,
) -> Page:
    conditions = _conditions(session, scope, wanted)
    count = scoped(scope).where(*conditions)
    total = session.scalar(count.with_only_columns(func.count(), maintain_column_froms=True))
    statement = (
        scoped(scope)
        .where(*conditions)
        .join(Credential.achievement)
        .options(contains_eager(Credential.achievement))
        .order_by(*_order(sort), Credential.id)
        .offset(offset or None)
        .limit(size)
    )
    items = list(session.scalars(statement))
    _count_badges(session, {item.achievement for item in items})
    return Page(items=items, total_count=total or 0)


def scan(
    session: Session, scope: Scope, wanted: BadgeFilter, *, after: Key | None, size: int
) -> Scan:
    """`size` badges past `after` in (created_at, id) order, by the (organization_id,
    created_at, id) index; their evidence and references are not loaded."""
    statement = scoped(scope).where(*_conditions(session, scope, wanted))
    if after is not None:
        position = tuple_(*after, types=[Credential.created_at.type, Credential.id.type])
        statement = statement.where(tuple_(Credential.created_at, Credential.id) > position)
    statement = (
        statement.options(
            # A page shows few templates: one query for them beats joining one to every row.
            selectinload(Credential.achievement),
            lazyload(Credential.evidence_items),
            lazyload(Credential.references),
        )
        .order_by(Credential.created_at, Credential.id)
        .limit(size + 1)
    )
    rows = list(session.scalars(statement))
    items = rows[:size]
    last = items[-1] if len(rows) > size else None
    return Scan(items=items, next_key=None if last is None else (last.created_at, last.id))


def _count_badges(session: Session, templates: set[Achievement]) -> None:
    """Each template's `badges_count` in one grouped query, rather than one query per template
    (or a count per row) when the badges are shown."""
    if not templates:
        return
    ids = [template.id for template in templates]
    rows = session.execute(
        select(Credential.achievement_id, func.count())
        .where(Credential.achievement_id.in_(ids))
        .group_by(Credential.achievement_id)
    )
    counts = {achievement_id: count for achievement_id, count in rows}
    for template in templates:
        set_committed_value(template, "badges_count", counts.get(template.id, 0))


def _conditions(session: Session, scope: Scope, wanted: BadgeFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if not _organization_in(session, scope, wanted.issuer_ids):
        return [false()]
    if wanted.query is not None:
        found.append(_query(wanted.query))
    if wanted.states is not None:
        found.append(Credential.state.in_(wanted.states))
    if wanted.user_ids is not None:
        found.append(Credential.recipient_user_uuid.in_(wanted.user_ids))
    if wanted.earner_id is not None:
        found.append(Credential.recipient_external_id == wanted.earner_id)
    if wanted.public is not None:
        found.append(Credential.private == (not wanted.public))
    if wanted.recipient_email is not None:
        found.append(
            Credential.recipient_email_normalized == normalize_email(wanted.recipient_email)
        )
    if wanted.asks_templates:
        found.append(Credential.achievement_id.in_(_template_ids(session, scope, wanted)))
    found.extend(_issued(wanted.issued))
    found.extend(_dates(Credential.issued_on, wanted.issued_dates))
    found.extend(_expires(wanted.expires))
    for column, days in (
        (Credential.created_at, wanted.created),
        (Credential.state_updated_at, wanted.state_updated),
        (Credential.updated_at, wanted.updated),
    ):
        found.extend(_instants(column, days))
    return found


def _organization_in(session: Session, scope: Scope, uuids: frozenset[UUID] | None) -> bool:
    """Whether the caller's organization is one of `uuids` (None: any organization). Every
    badge it sees was issued by it, through templates it owns."""
    if uuids is None:
        return True
    found = select(Organization.uuid).where(Organization.id == scope.organization_id)
    return session.scalar(found) in uuids


def _query(text: str) -> ColumnElement[bool]:
    """Part of the name or the email; `@example.com` is that email domain, `@*.example.com`
    any of its subdomains."""
    email = Credential.recipient_email_normalized
    wanted = text.strip().lower()
    if wanted.startswith("@*."):
        return email.endswith(wanted[2:], autoescape=True)
    if wanted.startswith("@"):
        return email.endswith(wanted, autoescape=True)
    return or_(
        func.lower(Credential.recipient_name).contains(wanted, autoescape=True),
        email.contains(wanted, autoescape=True),
    )


def _template_ids(session: Session, scope: Scope, wanted: BadgeFilter) -> list[int]:
    """The organization's templates that pass every template condition."""
    if not _organization_in(session, scope, wanted.owner_ids):
        return []
    rows = session.execute(
        select(
            Achievement.id,
            Achievement.uuid,
            Achievement.name,
            Achievement.skills,
            Achievement.reporting_tags,
        ).where(Achievement.organization_id == scope.organization_id)
    )
    name = None if wanted.template_name is None else wanted.template_name.casefold()
    return [
        row.id
        for row in rows
        if (wanted.template_ids is None or row.uuid in wanted.template_ids)
        and (name is None or name in row.name.casefold())
        and _any_of(wanted.skills, row.skills)
        and _any_of(wanted.reporting_tags, row.reporting_tags)
    ]


def _any_of(wanted: frozenset[str] | None, held: list[str] | None) -> bool:
    if wanted is None:
        return True
    chosen = {value.casefold() for value in wanted}
    return any(isinstance(value, str) and value.casefold() in chosen for value in held or [])


def _start(day: Any, plus_days: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=UTC)


def _instants(column: Any, days: DayRange) -> list[ColumnElement[bool]]:
    """A timestamp column within whole UTC days."""
    found = []
    if days.first is not None:
        found.append(column >= _start(days.first))
    if days.last is not None:
        found.append(column < _start(days.last, 1))
    return found


def _dates(column: Any, days: DayRange) -> list[ColumnElement[bool]]:
    found = []
    if days.first is not None:
        found.append(column >= days.first)
    if days.last is not None:
        found.append(column <= days.last)
    return found


def _issued(days: DayRange) -> list[ColumnElement[bool]]:
    """The issue instant: `issued_at`, else (NULL) midnight UTC of `issued_on`."""
    given, by_date = Credential.issued_at.is_not(None), Credential.issued_at.is_(None)
    return [
        or_(and_(given, instant), and_(by_date, on_date))
        for instant, on_date in zip(
            _instants(Credential.issued_at, days),
            _dates(Credential.issued_on, days),
            strict=True,
        )
    ]


def _expires(days: DayRange) -> list[ColumnElement[bool]]:
    """Expiry is a date (Credly's `expires_at` is its midnight UTC): the lower end also takes
    the badges that never expire, as Credly documents; the upper end does not."""
    found = []
    if days.first is not None:
        never = Credential.expired_on.is_(None)
        found.append(or_(never, Credential.expired_on >= days.first))
    if days.last is not None:
        found.append(Credential.expired_on <= days.last)
    return found


def _order(sort: Sequence[SortKey]) -> list[Any]:
    order: list[Any] = []
    for key in sort:
        for column, missing in _SORT_COLUMNS[key.field]:
            term = column.desc() if key.descending else column.asc()
            if missing is not None:
                # Where a missing value stands going up; going down it stands at the other end.
                low = (missing == "lowest") != key.descending
                term = term.nulls_first() if low else term.nulls_last()
            order.append(term)
    return order


# Each sort field's columns, and where a NULL in each stands: "lowest" or "highest" (a missing
# state change or last name sorts after every other value going up, first going down).
_SORT_COLUMNS: dict[str, tuple[tuple[Any, str | None], ...]] = {
    "created_at": ((Credential.created_at, None),),
    # The date, then the instant within it (NULL: its midnight, the day's first instant).
    "issued_at": ((Credential.issued_on, None), (Credential.issued_at, "lowest")),
    "state_updated_at": ((Credential.state_updated_at, "highest"),),
    "template_name": ((Achievement.name, None),),
    # Without a first name given, the full name starts with it.
    "first_name": (
        (func.coalesce(Credential.recipient_first_name, Credential.recipient_name), None),
    ),
    "last_name": ((Credential.recipient_last_name, "highest"),),
}
