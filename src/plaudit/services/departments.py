"""Departments: create, read, change, delete, search; and finding one named in a request."""

from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain import departments as rules
from plaudit.domain import limits
from plaudit.domain.departments import DepartmentFields
from plaudit.domain.errors import Conflict, Forbidden, Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.services import organizations
from plaudit.services.pages import Page, slice_page
from plaudit.store.org_tables import AttributeKey
from plaudit.store.tables import Achievement, ApiKey, Credential, Department, Design

# What a department holds, by the name the refusal to delete it gives.
CONTENT = (
    ("groups", Achievement),
    ("credentials", Credential),
    ("designs", Design),
    ("attribute keys", AttributeKey),
)


def scoped(scope: Scope) -> Select[tuple[Department]]:
    query = select(Department).where(Department.organization_id == scope.organization_id)
    if scope.department_id is not None:
        query = query.where(Department.id == scope.department_id)
    return query


def get(session: Session, scope: Scope, department_id: int) -> Department:
    if not limits.is_storable_id(department_id):
        raise NotFound("department")
    return organizations.department_in_scope(session, scope, department_id)


def resolve(session: Session, scope: Scope, department_id: int, field: str) -> Department:
    """The department a request body names; one the key cannot see makes `field` invalid."""
    try:
        return get(session, scope, department_id)
    except NotFound:
        raise Invalid(fields={field: ["is invalid"]}) from None


def create(session: Session, scope: Scope, data: DepartmentFields) -> Department:
    if scope.department_id is not None:
        raise Forbidden("department.scoped_key", "A department API key cannot create departments")
    rules.validate_new(data)
    department = Department(organization_id=scope.organization_id, **data.given())
    session.add(department)
    session.flush()
    return department


def update(
    session: Session, scope: Scope, department_id: int, data: DepartmentFields
) -> Department:
    department = get(session, scope, department_id)
    rules.validate_change(data)
    for name, value in data.given().items():
        setattr(department, name, value)
    session.flush()
    return department


def delete(session: Session, scope: Scope, department_id: int) -> Department:
    """Deletes an empty department. One that holds anything is refused, not emptied, and the
    organization's default department (where groups go by default) always stays."""
    department = get(session, scope, department_id)
    if department.is_default:
        raise Conflict("department.default", "The default department cannot be deleted")
    held = [name for name, table in CONTENT if _holds(session, table, department.id)]
    if _has_live_keys(session, department.id):
        held.append("API keys")
    if held:
        raise Conflict("department.has_content", _refusal(held))
    session.delete(department)
    try:
        session.flush()
    except IntegrityError:  # content of a kind this module does not know of yet
        raise Conflict("department.has_content", _refusal(["content"])) from None
    return department


def search(
    session: Session,
    scope: Scope,
    *,
    meta_data: dict[str, Any] | None,
    page: int,
    page_size: int,
) -> Page[Department]:
    """The departments whose meta_data holds every given key with the given value, by id.

    An organization has few departments, so they are matched here rather than by each
    database's own JSON operators.
    """
    departments = session.scalars(scoped(scope).order_by(Department.id)).all()
    wanted = meta_data or {}
    matching = [
        department
        for department in departments
        if all(
            (department.meta_data or {}).get(key, _MISSING) == value
            for key, value in wanted.items()
        )
    ]
    return slice_page(matching, page=page, page_size=page_size)


_MISSING = object()


def _holds(session: Session, table: Any, department_id: int) -> bool:
    return bool(session.scalar(select(exists().where(table.department_id == department_id))))


def _has_live_keys(session: Session, department_id: int) -> bool:
    """Revoked keys go with the department; a live one means someone still uses it."""
    query = exists().where(ApiKey.department_id == department_id, ApiKey.revoked_at.is_(None))
    return bool(session.scalar(select(query)))


def _refusal(held: list[str]) -> str:
    return f"Department has {', '.join(held)} and cannot be deleted"
