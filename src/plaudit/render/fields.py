"""The merge fields a design template can use, named as Accredible names its attributes."""

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plaudit.store.tables import Achievement, Credential

# Every field a template may use besides `custom.<key>`; the designer lists them.
FIELD_NAMES: tuple[str, ...] = (
    "recipient.name",
    "recipient.email",
    "recipient.id",
    "group.name",
    "group.course_name",
    "group.course_description",
    "group.course_link",
    "credential.id",
    "credential.license_id",
    "credential.reference",
    "credential.name",
    "credential.description",
    "credential.issued_on",
    "credential.expired_on",
    "credential.grade",
    "credential.url",
    "issuer.name",
    "issuer.url",
)
# The organization's logo as a data: URI (render/logos.py), for an <image href>; never text.
LOGO_FIELD = "organization.logo"


def format_date(value: date | None) -> str:
    """A date as printed on a certificate: `23 November 2026` (the same in every locale)."""
    return f"{value.day} {value:%B %Y}" if value else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def custom_fields(attributes: Mapping[str, Any] | None) -> dict[str, str]:
    return {f"custom.{key}": _text(value) for key, value in (attributes or {}).items()}


def credential_fields(
    *,
    credential: "Credential",
    group: "Achievement",
    issuer_name: str,
    issuer_url: str | None,
    url: str,
    logo: str = "",
) -> dict[str, str]:
    """The merge fields of one credential (its custom attributes become `custom.<key>`);
    `logo`: the organization's logo as a data: URI, or empty."""
    return {
        "recipient.name": credential.recipient_name,
        "recipient.email": credential.recipient_email,
        "recipient.id": _text(credential.recipient_external_id),
        "group.name": group.name,
        "group.course_name": group.course_name,
        "group.course_description": group.course_description,
        "group.course_link": _text(group.course_link),
        "credential.id": _text(credential.id),
        "credential.license_id": _text(credential.license_id),
        # What the certificate and the public page both print as "Credential ID".
        "credential.reference": _text(credential.license_id or credential.id),
        "credential.name": credential.name or group.course_name,
        "credential.description": credential.description or group.course_description,
        "credential.issued_on": format_date(credential.issued_on),
        "credential.expired_on": format_date(credential.expired_on),
        "credential.grade": _text(credential.grade),
        "credential.url": url,
        "issuer.name": issuer_name,
        "issuer.url": _text(issuer_url),
        **({LOGO_FIELD: logo} if logo else {}),
        **custom_fields(credential.custom_attributes),
    }


SAMPLE: dict[str, str] = {
    "recipient.name": "Ada Lovelace",
    "recipient.email": "ada@example.com",
    "recipient.id": "learner-1815",
    "group.name": "analytical-engines-101",
    "group.course_name": "Foundations of Analytical Engines",
    "group.course_description": (
        "Programs for the Analytical Engine: operation cards, variable cards and the first "
        "published algorithm, computing Bernoulli numbers."
    ),
    "group.course_link": "https://example.com/courses/analytical-engines",
    "credential.id": "10000001",
    "credential.license_id": "AE-2026-0001",
    "credential.reference": "AE-2026-0001",
    "credential.name": "Foundations of Analytical Engines",
    "credential.description": (
        "Programs for the Analytical Engine: operation cards, variable cards and the first "
        "published algorithm, computing Bernoulli numbers."
    ),
    "credential.issued_on": format_date(date(2026, 11, 23)),
    "credential.expired_on": format_date(date(2029, 11, 23)),
    "credential.grade": "A",
    "credential.url": "https://credentials.example.com/c/sample",
    "issuer.name": "Plaudit Demo Academy",
    "issuer.url": "https://example.com",
}


def sample_fields(overrides: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Sample data for previews in the designer, with any given values on top."""
    fields = dict(SAMPLE)
    fields.update({key: _text(value) for key, value in (overrides or {}).items()})
    return fields
