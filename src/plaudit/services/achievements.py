"""Achievements (Accredible groups): create, read, change, delete, list."""

from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from plaudit.domain import achievements as rules
from plaudit.domain import limits
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.errors import Conflict, Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.services import organizations
from plaudit.store.tables import Achievement, Credential, Design

DESIGN_FIELDS = ("certificate_design_id", "badge_design_id", "primary_design_id")


@dataclass(frozen=True)
class Page:
    items: list[Achievement]
    page: int
    page_size: int
    total_count: int


def scoped(scope: Scope) -> Select[tuple[Achievement]]:
    query = select(Achievement).where(Achievement.organization_id == scope.organization_id)
    if scope.department_id is not None:
        query = query.where(Achievement.department_id == scope.department_id)
    return query


def get_or_none(session: Session, scope: Scope, achievement_id: int) -> Achievement | None:
    if not limits.is_storable_id(achievement_id):
        return None
    return session.scalar(scoped(scope).where(Achievement.id == achievement_id))


def get(session: Session, scope: Scope, achievement_id: int) -> Achievement:
    achievement = get_or_none(session, scope, achievement_id)
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
        scoped(scope)
        .where(Achievement.name == ref.strip())
        .order_by(Achievement.id.desc())
        .limit(1)
    )


def create(session: Session, scope: Scope, data: AchievementFields) -> Achievement:
    rules.validate_new(data)
    values = data.given()
    department_id = _department_for(session, scope, values.pop("department_id", None))
    _check_designs(session, scope, values)
    achievement = Achievement(organization_id=scope.organization_id, department_id=department_id)
    _apply_defaults(session, scope, values)
    for name, value in values.items():
        setattr(achievement, name, value)
    session.add(achievement)
    session.flush()
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
    _check_designs(session, scope, values)
    if values.get("design_id") is not None:
        values.setdefault("certificate_design_id", values["design_id"])
    values.pop("design_id", None)
    for name, value in values.items():
        setattr(achievement, name, value)
    session.flush()
    return achievement


def delete(session: Session, scope: Scope, achievement_id: int) -> Achievement:
    """Deletes an achievement that has no credentials; one that has is refused, not emptied."""
    achievement = get(session, scope, achievement_id)
    if session.scalar(select(exists().where(Credential.achievement_id == achievement.id))):
        raise Conflict("achievement.has_credentials", "Group has credentials and cannot be deleted")
    session.delete(achievement)
    session.flush()
    return achievement


def list_page(
    session: Session, scope: Scope, *, name: str | None, page: int, page_size: int
) -> Page:
    query = scoped(scope)
    if name:
        query = query.where(Achievement.name == name)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Achievement.id).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return Page(items=list(items), page=page, page_size=page_size, total_count=total)


def _department_for(session: Session, scope: Scope, department_id: int | None) -> int:
    if department_id is None:
        if scope.department_id is not None:
            return scope.department_id
        return organizations.default_department(session, scope.organization_id).id
    try:
        if not limits.is_storable_id(department_id):
            raise NotFound("department")
        return organizations.department_in_scope(session, scope, department_id).id
    except NotFound:
        raise Invalid(fields={"department_id": ["is invalid"]}) from None


def _check_designs(session: Session, scope: Scope, values: dict) -> None:
    for name in (*DESIGN_FIELDS, "design_id"):
        design_id = values.get(name)
        if design_id is None:
            continue
        design = session.get(Design, design_id) if limits.is_storable_id(design_id) else None
        if design is None or design.organization_id != scope.organization_id:
            raise Invalid(fields={name: ["is invalid"]})


def _apply_defaults(session: Session, scope: Scope, values: dict) -> None:
    """A new group shows credentials with the organization's default designs."""
    legacy = values.pop("design_id", None)
    if values.get("certificate_design_id") is None:
        certificate = legacy or _default_design_id(session, scope, "certificate")
        values["certificate_design_id"] = certificate
    if values.get("badge_design_id") is None:
        values["badge_design_id"] = _default_design_id(session, scope, "badge")
    if values.get("primary_design_id") is None:
        values["primary_design_id"] = values["certificate_design_id"]


def _default_design_id(session: Session, scope: Scope, kind: str) -> int | None:
    design = organizations.default_design(session, scope.organization_id, kind)
    return design.id if design else None
