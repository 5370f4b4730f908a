"""Collections: create, change, delete, search.

Collections belong to the whole organization. A department-scoped key sees every collection but
only its department's achievements in them, and changes only those: the achievements of other
departments stay in a collection it updates, and it may not delete a collection that holds any.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import Session

from plaudit.domain import collections as rules
from plaudit.domain import limits
from plaudit.domain.collections import CollectionFields, CollectionSearch
from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.scope import Scope
from plaudit.domain.values import UNSET, Maybe
from plaudit.services import visible
from plaudit.services.pages import Page, fetch_page
from plaudit.store.group_tables import Collection, achievement_collections
from plaudit.store.tables import Achievement


@dataclass(frozen=True)
class CollectionView:
    """A collection with the ids of the achievements in it that the scope may see."""

    collection: Collection
    achievement_ids: list[int]


def get(session: Session, scope: Scope, collection_id: int) -> Collection:
    collection = None
    if limits.is_storable_id(collection_id):
        query = visible.collections(scope).where(Collection.id == collection_id)
        collection = session.scalar(query)
    if collection is None:
        raise NotFound("collection")
    return collection


def view(session: Session, scope: Scope, collection: Collection) -> CollectionView:
    return _views(session, scope, [collection])[0]


def create(session: Session, scope: Scope, data: CollectionFields) -> CollectionView:
    rules.validate_new(data)
    values = data.given()
    collection = Collection(organization_id=scope.organization_id)
    _set_achievements(session, scope, collection, values.pop("achievement_refs", UNSET))
    for name, value in values.items():
        setattr(collection, name, value)
    session.add(collection)
    session.flush()
    return view(session, scope, collection)


def update(
    session: Session, scope: Scope, collection_id: int, data: CollectionFields
) -> CollectionView:
    collection = get(session, scope, collection_id)
    rules.validate_change(data)
    values = data.given()
    _set_achievements(session, scope, collection, values.pop("achievement_refs", UNSET))
    for name, value in values.items():
        setattr(collection, name, value)
    session.flush()
    return view(session, scope, collection)


def delete(session: Session, scope: Scope, collection_id: int) -> CollectionView:
    """Deletes the collection (its achievements stay) and returns it as it was."""
    collection = get(session, scope, collection_id)
    if any(not scope.covers_department(a.department_id) for a in collection.achievements):
        raise Conflict(
            "collection.has_other_departments",
            "Collection has groups of other departments and cannot be deleted",
        )
    deleted = view(session, scope, collection)
    session.delete(collection)
    session.flush()
    return deleted


def search(
    session: Session, scope: Scope, filters: CollectionSearch, *, page: int, page_size: int
) -> Page[CollectionView]:
    rules.validate_search(filters)
    query = visible.collections(scope)
    if filters.ids:
        query = query.where(Collection.id.in_(_ids(filters.ids)))
    if filters.exclusion_list:
        query = query.where(Collection.id.not_in(_ids(filters.exclusion_list)))
    if filters.name:
        query = query.where(Collection.name.icontains(filters.name, autoescape=True))
    if filters.public is not None:
        query = query.where(Collection.public.is_(filters.public))
    rows = fetch_page(session, _sorted(query, scope, filters.sort), page=page, page_size=page_size)
    return Page(_views(session, scope, rows.items), page, page_size, rows.total_count)


def _ids(refs: list[str]) -> set[int]:
    return {number for ref in refs if (number := limits.parse_id(ref)) is not None}


def _sorted(
    query: Select[tuple[Collection]], scope: Scope, sort: tuple[tuple[str, bool], ...]
) -> Select[tuple[Collection]]:
    # Names sort in any case, the same way on every backend.
    columns = {"name": func.lower(Collection.name), "public": Collection.public}
    for key, descending in sort:
        column = _groups_count(scope) if key == "groups_count" else columns[key]
        query = query.order_by(column.desc() if descending else column.asc())
    return query.order_by(Collection.id)


def _groups_count(scope: Scope) -> ScalarSelect[int]:
    """How many of a collection's achievements the scope may see."""
    member = visible.achievements(scope).subquery()
    return (
        select(func.count())
        .select_from(achievement_collections)
        .join(member, member.c.id == achievement_collections.c.achievement_id)
        .where(achievement_collections.c.collection_id == Collection.id)
        .scalar_subquery()
    )


def _views(session: Session, scope: Scope, items: list[Collection]) -> list[CollectionView]:
    """The collections with the ids of their achievements that the scope may see, read in one
    query for the lot."""
    members: dict[int, list[int]] = defaultdict(list)
    if items:
        rows = session.execute(
            select(achievement_collections.c.collection_id, Achievement.id)
            .join(Achievement, Achievement.id == achievement_collections.c.achievement_id)
            .where(
                achievement_collections.c.collection_id.in_([item.id for item in items]),
                Achievement.id.in_(visible.achievements(scope).with_only_columns(Achievement.id)),
            )
            .order_by(Achievement.id)
        )
        for collection_id, achievement_id in rows:
            members[collection_id].append(achievement_id)
    return [CollectionView(item, members[item.id]) for item in items]


def _set_achievements(
    session: Session, scope: Scope, collection: Collection, refs: Maybe[list[str]]
) -> None:
    """The given list replaces the achievements of the collection that the scope may see;
    each must be one of those. Achievements the scope may not see stay as they were."""
    if refs is UNSET:
        return
    chosen = visible.by_refs(session, visible.achievements(scope), Achievement.id, refs, "groups")
    kept = [a for a in collection.achievements if not scope.covers_department(a.department_id)]
    collection.achievements = kept + chosen
