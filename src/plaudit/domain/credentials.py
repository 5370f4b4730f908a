"""Credentials: the commands that create and change them, and the rules they obey."""

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from plaudit.domain import limits
from plaudit.domain.dates import add_years
from plaudit.domain.durations import add_period
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, Maybe, is_blank, is_set, is_valid_email, normalize_email

EVIDENCE_CATEGORIES = ("file", "url", "video", "grade", "transcript")
REFERENCE_RELATIONSHIPS = (
    "taught",
    "managed",
    "mentored",
    "worked",
    "studied",
    "friends",
    "stranger",
    "professor",
)


@dataclass
class RecipientData:
    name: Maybe[str | None] = UNSET
    email: Maybe[str | None] = UNSET
    external_id: Maybe[str | None] = UNSET
    phone_number: Maybe[str | None] = UNSET
    meta_data: Maybe[dict[str, Any] | None] = UNSET
    # The name's parts, as Credly takes them; `name` stays the full name every dialect shows.
    first_name: Maybe[str | None] = UNSET
    middle_name: Maybe[str | None] = UNSET
    last_name: Maybe[str | None] = UNSET


@dataclass
class EvidenceItemData:
    description: str | None
    category: str | None
    url: str | None = None
    file: str | None = None
    string_object: str | None = None
    preview: str | None = None
    position: int | None = None
    supplemental: bool = False
    # The evidence as a dialect with richer evidence gave it (Credly's typed objects).
    detail: dict[str, Any] | None = None


@dataclass
class ReferenceData:
    description: str | None
    relationship: str | None
    referee_name: str | None = None
    referee_email: str | None = None
    referee_avatar: str | None = None
    referee_url: str | None = None
    supplemental: bool = False
    approve: bool = True
    position: int | None = None


@dataclass
class CredentialFields:
    """Every settable field of a credential; UNSET means "not given"."""

    achievement_ref: Maybe[int | str | None] = UNSET
    recipient: RecipientData = field(default_factory=RecipientData)
    license_id: Maybe[str | None] = UNSET
    name: Maybe[str | None] = UNSET
    description: Maybe[str | None] = UNSET
    issued_on: Maybe[date | None] = UNSET
    expired_on: Maybe[date | None] = UNSET
    complete: Maybe[bool | None] = UNSET
    private: Maybe[bool | None] = UNSET
    approve: Maybe[bool | None] = UNSET
    grade: Maybe[str | None] = UNSET
    custom_attributes: Maybe[dict[str, Any] | None] = UNSET
    meta_data: Maybe[dict[str, Any] | None] = UNSET
    allow_supplemental_evidence: Maybe[bool | None] = UNSET
    allow_supplemental_references: Maybe[bool | None] = UNSET
    evidence_items: Maybe[list[EvidenceItemData]] = UNSET
    references: Maybe[list[ReferenceData]] = UNSET
    # Credly's badge fields (issue 11). `issued_at` is the instant of issue (`issued_on` its
    # date where it was given); `state` is the state a new credential starts in (issue only).
    issued_at: Maybe[datetime | None] = UNSET
    state: Maybe[str] = UNSET
    locale: Maybe[str | None] = UNSET
    suppress_notification: Maybe[bool | None] = UNSET
    country_name: Maybe[str | None] = UNSET
    state_or_province: Maybe[str | None] = UNSET

    def given_scalars(self) -> dict[str, Any]:
        """The plain fields the caller gave, by name (not recipient, evidence, references or
        the initial state)."""
        skip = {"achievement_ref", "recipient", "evidence_items", "references", "state"}
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in skip and is_set(getattr(self, f.name))
        }


TEXT_LIMITS = {
    "name": limits.NAME,
    "grade": limits.NAME,
    "license_id": limits.NAME,
    "locale": limits.LANGUAGE,
    "country_name": limits.NAME,
    "state_or_province": limits.NAME,
}
RECIPIENT_LIMITS = {
    "name": limits.NAME,
    "email": limits.EMAIL,
    "external_id": limits.NAME,
    "phone_number": limits.PHONE,
    "first_name": limits.NAME,
    "middle_name": limits.NAME,
    "last_name": limits.NAME,
}


def check_sizes(data: CredentialFields) -> None:
    """Every text fits its column; errors name the field as clients know it."""
    limits.check_lengths(data.given_scalars(), TEXT_LIMITS)
    recipient = {
        name: getattr(data.recipient, name)
        for name in RECIPIENT_LIMITS
        if is_set(getattr(data.recipient, name))
    }
    try:
        limits.check_lengths(recipient, RECIPIENT_LIMITS)
    except Invalid as invalid:
        raise Invalid(fields={f"recipient.{k}": v for k, v in invalid.fields.items()}) from None


def require_recipient(recipient: RecipientData) -> None:
    """A new credential needs its recipient's name and a valid email."""
    if is_blank(_get(recipient.name)) or is_blank(_get(recipient.email)):
        raise Invalid(code="recipient.missing", fields={"recipient": ["can't be blank"]})
    check_recipient_change(recipient)


def check_recipient_change(recipient: RecipientData) -> None:
    errors: dict[str, list[str]] = {}
    if is_set(recipient.name) and is_blank(recipient.name):
        errors["recipient.name"] = ["can't be blank"]
    email = recipient.email
    if is_set(email) and (is_blank(email) or not is_valid_email(str(email))):
        errors["recipient.email"] = ["is invalid"]
    if errors:
        raise Invalid(fields=errors)


def resolve_text(given: Maybe[str | None], fallback: str | None, field_name: str) -> str:
    """A credential's name and description fall back to its achievement's, and must exist."""
    value = given if is_set(given) and not is_blank(given) else fallback
    if is_blank(value):
        raise Invalid(fields={field_name: ["can't be blank"]})
    return str(value)


def resolve_private(
    given: Maybe[bool | None], achievement_default: bool | None, department_default: bool | None
) -> bool:
    """Explicit choice, else the achievement's setting, else the department's, else public."""
    if is_set(given) and given is not None:
        return bool(given)
    if achievement_default is not None:
        return achievement_default
    return bool(department_default)


def default_expiry(
    issued_on: date,
    auto_expiry_years: int | None,
    *,
    fixed_on: date | None = None,
    period: str | None = None,
) -> date | None:
    """The expiry an achievement gives a credential that names none: its fixed date, else
    the issue date plus its period (Credly's default expiration), else its auto-expiry years
    (Accredible's)."""
    if fixed_on is not None:
        return fixed_on
    if period:
        return add_period(issued_on, period)
    if auto_expiry_years is None or auto_expiry_years <= 0:
        return None
    return add_years(issued_on, auto_expiry_years)


def duplicate_key(email: str, allow_duplicates: bool) -> str | None:
    """The key that makes a second credential to the same email in one achievement a conflict.

    None when the achievement allows duplicates; stored under a unique index, so the rule holds
    even for two concurrent requests.
    """
    return None if allow_duplicates else normalize_email(email)


def duplicate_earner_key(external_id: str | None, allow_duplicates: bool) -> str | None:
    """The key that makes a second credential to the same issuer's earner id (Credly's
    `issuer_earner_id`, Accredible's `recipient.id`) in one achievement a conflict; None when
    the achievement allows duplicates or the credential names no earner id."""
    if allow_duplicates or is_blank(external_id):
        return None
    return str(external_id).strip()


def check_evidence_item(item: EvidenceItemData, index: int | None = None) -> None:
    """An evidence item's rules. `index` names it inside a credential's list; a standalone item
    (`/v1/credentials/{id}/evidence_items`) names its fields bare, as the wrapper is dropped."""
    prefix = "" if index is None else f"evidence_items[{index}]."
    errors: dict[str, list[str]] = {}
    if is_blank(item.description):
        errors[f"{prefix}description"] = ["can't be blank"]
    if item.category not in EVIDENCE_CATEGORIES:
        errors[f"{prefix}category"] = [f"must be one of: {', '.join(EVIDENCE_CATEGORIES)}"]
    for name in ("url", "file", "preview"):
        value = getattr(item, name)
        if value is not None and len(value) > limits.URL:
            errors[f"{prefix}{name}"] = [limits.too_long(limits.URL)]
    _check_position(item.position, f"{prefix}position", errors)
    if errors:
        raise Invalid(fields=errors)


def check_reference(reference: ReferenceData, index: int | None = None) -> None:
    """A reference's rules; `index` as for `check_evidence_item`."""
    prefix = "" if index is None else f"references[{index}]."
    errors: dict[str, list[str]] = {}
    if is_blank(reference.description):
        errors[f"{prefix}description"] = ["can't be blank"]
    if reference.relationship not in REFERENCE_RELATIONSHIPS:
        errors[f"{prefix}relationship"] = [f"must be one of: {', '.join(REFERENCE_RELATIONSHIPS)}"]
    if reference.referee_email and not is_valid_email(reference.referee_email):
        errors[f"{prefix}referee.email"] = ["is invalid"]
    for name, limit in (("name", limits.NAME), ("avatar", limits.URL), ("url", limits.URL)):
        value = getattr(reference, f"referee_{name}")
        if value is not None and len(value) > limit:
            errors[f"{prefix}referee.{name}"] = [limits.too_long(limit)]
    _check_position(reference.position, f"{prefix}position", errors)
    if errors:
        raise Invalid(fields=errors)


def _check_position(position: int | None, name: str, errors: dict[str, list[str]]) -> None:
    """Positions order a credential's lists from 0 and must fit a 32-bit column."""
    if position is not None and not 0 <= position <= limits.INT32_MAX:
        errors[name] = ["is out of range"]


def _get(value: Maybe[Any]) -> Any:
    return value if is_set(value) else None
