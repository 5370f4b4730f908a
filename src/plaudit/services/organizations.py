"""Organizations: creation with their default department and designs, and the demo one."""

from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.errors import Conflict, Forbidden, Invalid, NotFound, invalid_field
from plaudit.domain.scope import Scope
from plaudit.domain.values import is_valid_email
from plaudit.render.builtin import BUILTIN_DESIGNS
from plaudit.services import webhook_subscriptions
from plaudit.store.tables import Department, Design, Organization


def create_organization(
    session: Session,
    name: str,
    *,
    email: str | None = None,
    url: str | None = None,
    description: str | None = None,
) -> Organization:
    """A new organization, with the default department every group falls back to and the
    default designs every group starts with."""
    organization = Organization(name=name, email=email, url=url, description=description)
    session.add(organization)
    session.flush()
    session.add(Department(organization_id=organization.id, name=name, is_default=True))
    # One organization-wide row per built-in design, the classic ones first: the oldest design
    # of each kind is the organization's default.
    session.add_all(
        Design(
            organization_id=organization.id,
            kind=builtin.kind,
            name=builtin.name,
            builtin_key=builtin.key,
        )
        for builtin in BUILTIN_DESIGNS.values()
    )
    session.flush()
    return organization


def create_named(session: Session, name: str) -> Organization:
    """A new organization (`plaudit orgs create`), refused when its name is blank, too long or
    already taken: operators tell organizations apart by name, and `plaudit init` finds its
    own by name."""
    name = name.strip()
    if not name:
        raise invalid_field("name", "can't be blank")
    if len(name) > limits.NAME:
        raise invalid_field("name", f"is too long (maximum is {limits.NAME} characters)")
    existing = find_by_name(session, name)
    if existing is not None:
        message = f"an organization named {name!r} exists already (id {existing.id})"
        raise Conflict("organization.exists", message)
    return create_organization(session, name)


def find_by_name(session: Session, name: str) -> Organization | None:
    """The oldest organization of this name."""
    return session.scalar(
        select(Organization).where(Organization.name == name).order_by(Organization.id).limit(1)
    )


def ensure_organization(session: Session, name: str) -> tuple[Organization, bool]:
    """The organization of this name, created when missing; the flag says whether it was."""
    existing = find_by_name(session, name)
    if existing is not None:
        return existing, False
    return create_organization(
        session, name, email="hello@example.org", url="https://example.org"
    ), True


def get_organization(session: Session, organization_id: int) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("organization")
    return organization


def list_organizations(session: Session) -> list[Organization]:
    return list(session.scalars(select(Organization).order_by(Organization.id)))


def default_department(session: Session, organization_id: int) -> Department:
    department = session.scalar(
        select(Department).where(
            Department.organization_id == organization_id, Department.is_default.is_(True)
        )
    )
    if department is None:
        raise NotFound("department")
    return department


def department_in_scope(session: Session, scope: Scope, department_id: int) -> Department:
    department = session.get(Department, department_id)
    if (
        department is None
        or department.organization_id != scope.organization_id
        or not scope.covers_department(department.id)
    ):
        raise NotFound("department")
    return department


def default_design(
    session: Session, organization_id: int, kind: str, department_id: int | None = None
) -> Design | None:
    """The design of `kind` a new group shows: the organization's oldest organization-wide
    one, else the oldest of the group's department."""
    return session.scalar(
        select(Design)
        .where(
            Design.organization_id == organization_id,
            Design.kind == kind,
            or_(Design.department_id.is_(None), Design.department_id == department_id),
        )
        .order_by(Design.department_id.is_not(None), Design.id)
        .limit(1)
    )


def update_organization(
    session: Session,
    scope: Scope,
    changes: dict[str, str | None],
    *,
    webhook_hosts: frozenset[str] = frozenset(),
) -> Organization:
    """Changes the organization's name, url, email or webhook_url (only those given); every
    field's problems are reported at once. A department key may not change its organization.
    `webhook_hosts`: the hosts a webhook_url may name over plain http or at a private address
    (PLAUDIT_WEBHOOK_ALLOW_HOSTS), as for any webhook subscription."""
    if scope.department_id is not None:
        message = "A department API key cannot change the organization"
        raise Forbidden("department.scoped_key", message)
    organization = get_organization(session, scope.organization_id)
    problems: dict[str, list[str]] = {}
    for name, value in changes.items():
        reason = _organization_field_problem(name, value)
        if reason is None and name == "webhook_url" and isinstance(value, str) and value.strip():
            reason = webhook_subscriptions.url_problem(value.strip(), webhook_hosts)
        if reason is not None:
            problems.setdefault(name, []).append(reason)
    if problems:
        raise Invalid(fields=problems)
    for name, value in changes.items():
        text = value.strip() if isinstance(value, str) else None
        setattr(organization, name, text or None)
    session.flush()
    return organization


def _organization_field_problem(name: str, value: str | None) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if name == "name":
        if not text:
            return "can't be blank"
        return (
            f"is too long (maximum is {limits.NAME} characters)"
            if len(text) > limits.NAME
            else None
        )
    if not text:
        return None
    if name == "email":
        return None if is_valid_email(text) else "is invalid"
    if len(text) > limits.URL:
        return f"is too long (maximum is {limits.URL} characters)"
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return "must be an http or https URL"
    return None
