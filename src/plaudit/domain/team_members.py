"""Team members: the people who run an organization's account, and what each may do in each
department. Plaudit stores them for the API; signing in to a dashboard is not part of it."""

from dataclasses import dataclass, field, fields
from typing import Any

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, Maybe, is_blank, is_set, is_valid_email

ROLES = ("editor", "viewer")
FLAGS = ("designs", "emails", "credential_attributes", "analytics", "settings")


@dataclass
class Permissions:
    designs: bool | None = None
    emails: bool | None = None
    credential_attributes: bool | None = None
    analytics: bool | None = None
    settings: bool | None = None
    role: str | None = None
    groups: list[int] | None = None  # None: every group of the department


@dataclass
class DepartmentPermission:
    department_id: int | None
    permissions: Permissions | None = field(default_factory=Permissions)


@dataclass
class TeamMemberFields:
    """Every settable field of a team member; UNSET means "not given"."""

    name: Maybe[str | None] = UNSET
    email: Maybe[str | None] = UNSET
    department_permissions: Maybe[list[DepartmentPermission] | None] = UNSET

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if is_set(getattr(self, f.name))
        }


REQUIRED = ("name", "email", "department_permissions")


def validate_new(data: TeamMemberFields) -> None:
    """A new team member needs a name, an email and at least one department's permissions."""
    given = data.given()
    _validate(given, [name for name in REQUIRED if name not in given])


def validate_change(data: TeamMemberFields) -> None:
    """What is given must be complete; permissions given replace all the member had."""
    _validate(data.given(), [])


def _validate(given: dict[str, Any], missing: list[str]) -> None:
    errors = {
        name: ["can't be blank"]
        for name in REQUIRED
        if name in missing or (name in given and (is_blank(given[name]) or given[name] == []))
    }
    name, email = given.get("name"), given.get("email")
    if isinstance(name, str) and len(name) > limits.NAME:
        errors["name"] = [limits.too_long(limits.NAME)]
    if not is_blank(email) and not is_valid_email(str(email)):
        errors["email"] = ["is invalid"]
    seen: set[int] = set()
    for index, grant in enumerate(given.get("department_permissions") or []):
        _check_grant(grant, f"department_permissions[{index}]", errors)
        if grant.department_id in seen:
            errors[f"department_permissions[{index}].department_id"] = ["is duplicated"]
        if grant.department_id is not None:
            seen.add(grant.department_id)
    if errors:
        raise Invalid(fields=errors)


def _check_grant(grant: DepartmentPermission, prefix: str, errors: dict[str, list[str]]) -> None:
    if grant.department_id is None:
        errors[f"{prefix}.department_id"] = ["can't be blank"]
    permissions = grant.permissions
    if permissions is None:
        errors[f"{prefix}.permissions"] = ["can't be blank"]
        return
    for flag in FLAGS:
        if getattr(permissions, flag) is None:
            errors[f"{prefix}.permissions.{flag}"] = ["can't be blank"]
    if permissions.role not in ROLES:
        errors[f"{prefix}.permissions.role"] = [f"must be one of: {', '.join(ROLES)}"]
