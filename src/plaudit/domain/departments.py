"""Departments: the independent parts of an organization, each with its own groups, designs,
credentials and branding."""

from dataclasses import dataclass, fields
from typing import Any

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, Maybe, is_blank, is_set

# Accredible's OpenAPI file requires these when a department is created.
REQUIRED_TEXT = ("name", "url", "logo")
TEXT_LIMITS = {
    "name": limits.NAME,
    "url": limits.URL,
    "logo": limits.URL,
    "page_banner": limits.URL,
    "whitelabel_logo": limits.URL,
    "linkedin_company_id": limits.NAME,
}


@dataclass
class DepartmentFields:
    """Every settable field of a department; UNSET means "not given"."""

    name: Maybe[str | None] = UNSET
    description: Maybe[str | None] = UNSET
    url: Maybe[str | None] = UNSET
    logo: Maybe[str | None] = UNSET
    page_banner: Maybe[str | None] = UNSET
    whitelabel_logo: Maybe[str | None] = UNSET
    linkedin_company_id: Maybe[str | None] = UNSET
    meta_data: Maybe[dict[str, Any] | None] = UNSET
    generate_private_credential: Maybe[bool | None] = UNSET

    def given(self) -> dict[str, Any]:
        """The fields the caller gave, by name."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if is_set(getattr(self, f.name))
        }


def validate_new(data: DepartmentFields) -> None:
    """A new department needs a name, a URL and a logo."""
    given = data.given()
    _check(given, [name for name in REQUIRED_TEXT if is_blank(given.get(name))])


def validate_change(data: DepartmentFields) -> None:
    """A change may leave the required texts out, but may not blank them."""
    given = data.given()
    _check(given, [name for name in REQUIRED_TEXT if name in given and is_blank(given[name])])


def _check(given: dict[str, Any], blank: list[str]) -> None:
    errors = {name: ["can't be blank"] for name in blank}
    try:
        limits.check_lengths(given, TEXT_LIMITS)
    except Invalid as invalid:
        errors.update(invalid.fields)
    if errors:
        raise Invalid(fields=errors)
