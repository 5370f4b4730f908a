"""Attribute keys: create them and search them, within the caller's scope."""

from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain import attribute_keys as rules
from plaudit.domain import limits
from plaudit.domain.attribute_keys import AttributeKeyData
from plaudit.domain.errors import Duplicate
from plaudit.domain.scope import Scope
from plaudit.services import departments
from plaudit.services.pages import Page, fetch_page
from plaudit.store.org_tables import AttributeKey

TAKEN = {"name": ["has already been taken"]}


def scoped(scope: Scope) -> Select[tuple[AttributeKey]]:
    query = select(AttributeKey).where(AttributeKey.organization_id == scope.organization_id)
    if scope.department_id is not None:
        query = query.where(AttributeKey.department_id == scope.department_id)
    return query


def create(session: Session, scope: Scope, data: AttributeKeyData) -> AttributeKey:
    """A new key; its name is unique within its department."""
    valid = rules.validate(data)
    department = departments.resolve(session, scope, valid.department_id, "department_id")
    taken = exists().where(
        AttributeKey.department_id == department.id, AttributeKey.name == valid.name
    )
    if session.scalar(select(taken)):
        raise Duplicate(fields=TAKEN)
    key = AttributeKey(
        organization_id=scope.organization_id,
        department_id=department.id,
        name=valid.name,
        kind=valid.kind,
    )
    session.add(key)
    try:
        session.flush()
    except IntegrityError:  # a concurrent request took the name first
        raise Duplicate(fields=TAKEN) from None
    return key


def search(
    session: Session,
    scope: Scope,
    *,
    name: str | None,
    kind: str | None,
    department_id: int | None,
    page: int,
    page_size: int,
) -> Page[AttributeKey]:
    """Keys whose name contains `name` (any case), of `kind`, in `department_id`, by id."""
    query = scoped(scope)
    if name:
        query = query.where(
            func.lower(AttributeKey.name).contains(name.strip().lower(), autoescape=True)
        )
    if kind:
        query = query.where(AttributeKey.kind == kind)
    if department_id is not None:
        if not limits.is_storable_id(department_id):
            department_id = 0  # names no department: an empty page
        query = query.where(AttributeKey.department_id == department_id)
    return fetch_page(session, query.order_by(AttributeKey.id), page=page, page_size=page_size)
