"""Achievements (Accredible groups): create, read, change, clone, delete, list, search."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Select, exists, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session, selectinload, undefer

from plaudit.domain import achievements as rules
from plaudit.domain import limits
from plaudit.domain.achievements import AchievementFields, AchievementSearch
from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.scope import Scope
from plaudit.domain.values import is_blank
from plaudit.services import (
    departments,
    designs,
    events,
    json_lists,
    meta_data,
    organizations,
    skill_categories,
    visible,
)
from plaudit.services.pages import Page, fetch_page
from plaudit.store.group_tables import Collection
from plaudit.store.tables import Achievement, Credential

DESIGN_FIELDS = ("certificate_design_id", "badge_design_id", "primary_design_id")
# What a clone copies from its original before the caller's overrides.
CLONED_FIELDS = (
    "course_name",
    "course_description",
    "course_link",
    "language",
    "attach_pdf",
    "blockchain",
    *DESIGN_FIELDS,
    "department_id",
    "meta_data",
    "learning_outcomes",
    "generate_private_credential",
    "auto_expiry",
    "signup_url",
    "signup_url_show",
    "course_link_show",
    "organization_link_show",
    "allow_duplicate_credentials",
    "skill_category_id",
    "achievement_type",
    "skills",
    "activities",
    "alignments",
    "recommendations",
    "reporting_tags",
    "template_details",
    "expiry_fixed_on",
    "expiry_period",
)
CLONE_PREFIX = "Copy "


def get_or_none(session: Session, scope: Scope, achievement_id: int) -> Achievement | None:
    if not limits.is_storable_id(achievement_id):
        return None
    return session.scalar(visible.achievements(scope).where(Achievement.id == achievement_id))


def get(session: Session, scope: Scope, achievement_id: int) -> Achievement:
    achievement = get_or_none(session, scope, achievement_id)
    if achievement is None:
        raise NotFound("achievement")
    return achievement


def get_by_uuid(session: Session, scope: Scope, ref: str) -> Achievement:
    """An achievement by its UUID (Credly's badge template id)."""
    try:
        wanted = UUID(ref.strip())
    except ValueError:
        raise NotFound("achievement") from None
    achievement = session.scalar(visible.achievements(scope).where(Achievement.uuid == wanted))
    if achievement is None:
        raise NotFound("achievement")
    return achievement


def find(session: Session, scope: Scope, ref: int | str) -> Achievement | None:
    """An achievement by id, or by name (the most recent of that name)."""
    if isinstance(ref, int):
        return get_or_none(session, scope, ref)
    number = limits.parse_id(ref)
    if number is not None and (found := get_or_none(session, scope, number)):
        return found
    return session.scalar(
        visible.achievements(scope)
        .where(Achievement.name == ref.strip())
        .order_by(Achievement.id.desc())
        .limit(1)
    )


def create(session: Session, scope: Scope, data: AchievementFields) -> Achievement:
    rules.validate_new(data)
    values = data.given()
    department_id = _department_for(session, scope, values.pop("department_id", None))
    _check_designs(session, scope, values, department_id)
    achievement = Achievement(organization_id=scope.organization_id, department_id=department_id)
    _apply_defaults(session, scope, values, department_id)
    _set_relations(session, scope, achievement, values)
    for name, value in values.items():
        setattr(achievement, name, value)
    session.add(achievement)
    session.flush()
    events.badge_template(session, achievement, events.TEMPLATE_CREATED)
    return achievement


def update(
    session: Session, scope: Scope, achievement_id: int, data: AchievementFields
) -> Achievement:
    achievement = get(session, scope, achievement_id)
    rules.validate_change(data)
    values = data.given()
    if "department_id" in values:
        new_department = values.pop("department_id")
        if new_department is not None and new_department != achievement.department_id:
            achievement.department_id = _department_for(session, scope, new_department)
            session.execute(
                sql_update(Credential)
                .where(Credential.achievement_id == achievement.id)
                .values(department_id=achievement.department_id)
            )
    _check_designs(session, scope, values, achievement.department_id)
    if values.get("design_id") is not None:
        values.setdefault("certificate_design_id", values["design_id"])
    values.pop("design_id", None)
    _set_relations(session, scope, achievement, values)
    if values.get("template_details") is not None:  # extras given are merged, not replaced
        values["template_details"] = {
            **(achievement.template_details or {}),
            **values["template_details"],
        }
    for name, value in values.items():
        setattr(achievement, name, value)
    session.flush()
    events.badge_template(session, achievement, events.TEMPLATE_CHANGED)
    return achievement


def clone(
    session: Session, scope: Scope, achievement_id: int, overrides: AchievementFields
) -> Achievement:
    """A new achievement with the original's fields and collections (not its credentials),
    named "Copy <name>" unless the overrides name it; the overrides change any other field."""
    original = get(session, scope, achievement_id)
    copied = AchievementFields(
        name=(CLONE_PREFIX + original.name)[: limits.NAME],
        collection_refs=[str(collection.id) for collection in original.collections],
        **{name: getattr(original, name) for name in CLONED_FIELDS},
    )
    # A required text left blank keeps the copied value rather than failing.
    given = {
        name: value
        for name, value in overrides.given().items()
        if not (name in rules.REQUIRED_TEXT and is_blank(value))
    }
    if given.get("design_id") is not None:
        given.setdefault("certificate_design_id", given["design_id"])
    given.pop("design_id", None)
    return create(session, scope, replace(copied, **given))


def delete(session: Session, scope: Scope, achievement_id: int) -> Achievement:
    """Deletes an achievement that has no credentials; one that has is refused, not emptied."""
    achievement = get(session, scope, achievement_id)
    if session.scalar(select(exists().where(Credential.achievement_id == achievement.id))):
        raise Conflict("achievement.has_credentials", "Group has credentials and cannot be deleted")
    events.badge_template(session, achievement, events.TEMPLATE_DELETED)
    session.delete(achievement)
    session.flush()
    return achievement


def list_page(
    session: Session, scope: Scope, *, name: str | None, page: int, page_size: int
) -> Page[Achievement]:
    query = visible.achievements(scope)
    if name:
        query = query.where(Achievement.name == name)
    return _page(session, query, page, page_size)


def search(
    session: Session, scope: Scope, filters: AchievementSearch, *, page: int, page_size: int
) -> Page[Achievement]:
    """Every filter narrows: ids, parts of the name and course name (any case), the exact name,
    states, meta data pairs, the days the achievement was created and last updated (inclusive,
    UTC), and Credly's template filters."""
    rules.validate_search(filters)
    query = visible.achievements(scope)
    if filters.ids:
        ids = {limits.parse_id(ref) for ref in filters.ids} - {None}
        query = query.where(Achievement.id.in_(ids))
    if filters.name:
        query = query.where(Achievement.name.icontains(filters.name, autoescape=True))
    if filters.name_exact is not None:
        query = query.where(Achievement.name == filters.name_exact)
    if filters.states:
        query = query.where(Achievement.state.in_(filters.states))
    if filters.course_name:
        query = query.where(Achievement.course_name.icontains(filters.course_name, autoescape=True))
    for key, value in (filters.meta_data or {}).items():
        query = query.where(meta_data.has_pair(session, Achievement.meta_data, key, value))
    for column, first, last in (
        (Achievement.updated_at, filters.updated_from, filters.updated_until),
        (Achievement.created_at, filters.created_from, filters.created_until),
    ):
        if first is not None:
            query = query.where(column >= datetime.combine(first, time.min, UTC))
        if last is not None:
            end = datetime.combine(last, time.min, UTC) + timedelta(days=1)
            query = query.where(column < end)
    query = _template_filters(session, query, filters)
    if filters.sort is not None:
        column = getattr(Achievement, filters.sort.removeprefix("-"))
        query = query.order_by(column.desc() if filters.sort.startswith("-") else column)
    return _page(session, query, page, page_size)


def _template_filters(
    session: Session, query: Select[tuple[Achievement]], filters: AchievementSearch
) -> Select[tuple[Achievement]]:
    """Credly's filters: any of the skills, reporting tags or recommendation ids; in any of
    the collections (by id or UUID)."""
    if filters.skills:
        query = query.where(json_lists.has_any_text(session, Achievement.skills, filters.skills))
    if filters.reporting_tags:
        tags = filters.reporting_tags
        query = query.where(json_lists.has_any_text(session, Achievement.reporting_tags, tags))
    if filters.recommendation_ids:
        ids = filters.recommendation_ids
        query = query.where(
            json_lists.has_any_text(session, Achievement.recommendations, ids, key="id")
        )
    if filters.collection_ids:
        numbers = {limits.parse_id(ref) for ref in filters.collection_ids} - {None}
        uuids = set()
        for ref in filters.collection_ids:
            try:
                uuids.add(UUID(ref.strip()))
            except ValueError:
                continue
        query = query.where(
            Achievement.collections.any(or_(Collection.id.in_(numbers), Collection.uuid.in_(uuids)))
        )
    return query


def _page(
    session: Session, query: Select[tuple[Achievement]], page: int, page_size: int
) -> Page[Achievement]:
    query = query.options(
        undefer(Achievement.badges_count),
        selectinload(Achievement.certificate_design),
        selectinload(Achievement.skill_category),
        selectinload(Achievement.collections),
    ).order_by(Achievement.id)  # after any order the caller chose: ties in creation order
    return fetch_page(session, query, page=page, page_size=page_size)


def _department_for(session: Session, scope: Scope, department_id: int | None) -> int:
    if department_id is None:
        if scope.department_id is not None:
            return scope.department_id
        return organizations.default_department(session, scope.organization_id).id
    return departments.resolve(session, scope, department_id, "department_id").id


def _check_designs(session: Session, scope: Scope, values: dict, department_id: int) -> None:
    for name in (*DESIGN_FIELDS, "design_id"):
        if values.get(name) is not None:
            designs.check_group_design(session, scope, name, values[name], department_id)


def _set_relations(
    session: Session, scope: Scope, achievement: Achievement, values: dict[str, Any]
) -> None:
    """Sets the skill category and the collections that `values` name (and takes them out of
    it). The category must be one of the list; a given list of collections replaces the
    achievement's, and each must be the organization's."""
    if "skill_category_id" in values:
        category = skill_categories.named(session, values.pop("skill_category_id"))
        achievement.skill_category = category
    if "collection_refs" in values:
        refs = values.pop("collection_refs")
        found = visible.by_refs(
            session, visible.collections(scope), Collection.id, refs, "collections"
        )
        achievement.collections = found


def _apply_defaults(session: Session, scope: Scope, values: dict, department_id: int) -> None:
    """A new group shows credentials with the organization's default designs."""
    legacy = values.pop("design_id", None)
    if values.get("certificate_design_id") is None:
        certificate = legacy or _default_design_id(session, scope, "certificate", department_id)
        values["certificate_design_id"] = certificate
    if values.get("badge_design_id") is None:
        values["badge_design_id"] = _default_design_id(session, scope, "badge", department_id)
    if values.get("primary_design_id") is None:
        values["primary_design_id"] = values["certificate_design_id"]


def _default_design_id(session: Session, scope: Scope, kind: str, department_id: int) -> int | None:
    design = organizations.default_design(session, scope.organization_id, kind, department_id)
    return design.id if design else None
