"""What a scope may see, as queries: the one place the tenancy filters of achievements and
collections are written. Achievements and collections name each other, so both services use
these rather than each other."""

from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.scope import Scope
from plaudit.store.group_tables import Collection
from plaudit.store.tables import Achievement

T = TypeVar("T")


def achievements(scope: Scope) -> Select[tuple[Achievement]]:
    """An organization's achievements; a department-scoped key sees only its department's."""
    query = select(Achievement).where(Achievement.organization_id == scope.organization_id)
    if scope.department_id is not None:
        query = query.where(Achievement.department_id == scope.department_id)
    return query


def collections(scope: Scope) -> Select[tuple[Collection]]:
    """Collections belong to the whole organization (Accredible shows their `organization_id`
    and no department), so a department-scoped key sees them all."""
    return select(Collection).where(Collection.organization_id == scope.organization_id)


def by_refs(
    session: Session,
    query: Select[tuple[T]],
    id_column: InstrumentedAttribute[int],
    refs: list[str],
    field: str,
) -> list[T]:
    """The rows of `query` that `refs` name by id, in id order, each once. A ref that names no
    row of the query is an `Invalid` naming `field`, so nothing is half-applied."""
    limits.check_items({field: refs})
    ids = {limits.parse_id(ref) for ref in refs}
    if None in ids:
        raise Invalid(fields={field: ["is invalid"]})
    found = list(session.scalars(query.where(id_column.in_(ids)).order_by(id_column)))
    if len(found) != len(ids):
        raise Invalid(fields={field: ["is invalid"]})
    return found
