"""`POST /v1/organizations/{org}/badges`: the request body with Credly's field names (seed 002,
"Issue a Badge"), read into the core's CredentialFields.

Every problem is a 422 naming Credly's attribute: each missing required field, a locale outside
the seed's list, an `issued_at` or `expires_at` that is no date, bad evidence."""

import re
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from plaudit.dialects.credly.badge_evidence import evidence_data
from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.errors import Invalid
from plaudit.domain.limits import contains_nul
from plaudit.domain.locales import LOCALES
from plaudit.domain.values import UNSET, Maybe

REQUIRED = (
    "recipient_email",
    "issued_to_first_name",
    "issued_to_last_name",
    "badge_template_id",
    "issued_at",
)
CANT_BE_BLANK = "can't be blank"
# A space before the offset, as in the seed's "2014-04-01 09:41:00 -0500".
_SPACED_OFFSET = re.compile(r"\s+(?=[+-]\d{2}:?\d{2}$)")


class BadgeCreate(BaseModel):
    """Fields are optional here so that every missing one is named in one Credly-style error."""

    model_config = ConfigDict(extra="ignore")

    recipient_email: str | None = None
    issued_to_first_name: str | None = None
    issued_to_middle_name: str | None = None
    issued_to_last_name: str | None = None
    # The full name; ignored, as the parts (required) make it.
    issued_to: str | None = None
    badge_template_id: str | None = None
    issued_at: str | None = None
    expires_at: bool | str | None = None
    issuer_earner_id: str | int | None = None
    locale: str | None = None
    suppress_badge_notification_email: bool | None = None
    country_name: str | None = None
    state_or_province: str | None = None
    evidence: list[Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """PostgreSQL text holds no NUL: a body with one anywhere is refused whole."""
        if contains_nul(value):
            raise PydanticCustomError("nul_character", "contains a NUL character")
        return value

    def credential_fields(self, achievement_id: int) -> CredentialFields:
        """The core's fields for a new badge of the achievement `badge_template_id` named."""
        self.check_required()
        issued_at, issued_on = parse_moment(self.issued_at or "", "issued_at")
        parts = [self.issued_to_first_name, self.issued_to_middle_name, self.issued_to_last_name]
        fields = CredentialFields(
            achievement_ref=achievement_id,
            recipient=RecipientData(
                name=" ".join(part.strip() for part in parts if part and part.strip()),
                email=self.recipient_email,
                external_id=_earner_id(self.issuer_earner_id),
                first_name=self.issued_to_first_name,
                middle_name=self.issued_to_middle_name,
                last_name=self.issued_to_last_name,
            ),
            issued_on=issued_on,
            issued_at=issued_at,
            state="pending",
            locale=self.checked_locale(),
            suppress_notification=bool(self.suppress_badge_notification_email),
            country_name=_blank_to_none(self.country_name),
            state_or_province=_blank_to_none(self.state_or_province),
        )
        expiry = self.expiry()
        if expiry is not UNSET:
            fields.expired_on = expiry
        if self.evidence:
            fields.evidence_items = evidence_data(self.evidence)
        return fields

    def check_required(self) -> None:
        require(self, REQUIRED)

    def checked_locale(self) -> str:
        if self.locale is None:
            return "en"
        if self.locale not in LOCALES:
            raise Invalid(fields={"locale": ["is not included in the list"]})
        return self.locale

    def expiry(self) -> Maybe[date | None]:
        """null or absent: the template's default (UNSET lets the core compute it); false:
        never; a date or a date and time: that day where it was given."""
        given = parse_expires(self.expires_at)
        if given is None:
            return UNSET
        return None if given is False else given


def require(body: BaseModel, names: tuple[str, ...]) -> None:
    """Every one of `names` that is missing or blank, named in one 422."""
    missing = {name: [CANT_BE_BLANK] for name in names if not (getattr(body, name) or "").strip()}
    if missing:
        raise Invalid(fields=missing)


def parse_expires(value: bool | str | None) -> date | Literal[False] | None:
    """Credly's `expires_at`: None when null or blank (the template's default), False for
    `false` (never), else the day a date or a date and time names where it was given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if value is False or (isinstance(value, str) and value.strip().lower() == "false"):
        return False
    if value is True:
        raise Invalid(fields={"expires_at": ["is invalid"]})
    return parse_moment(value, "expires_at")[1]


def parse_moment(text: str, name: str) -> tuple[datetime, date]:
    """A Credly time: `2014-04-01 09:41:00 -0500`, ISO 8601 with `Z` or an offset, or a date.
    Answers the instant (UTC; a time without offset is UTC, a date is its midnight UTC) and the
    date where it was given (Credly's time-zone-agnostic `issued_at_date`)."""
    cleaned = _SPACED_OFFSET.sub("", text.strip())
    try:
        moment = datetime.fromisoformat(cleaned)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC), moment.date()
    except (ValueError, OverflowError):
        raise Invalid(fields={name: ["is not a valid date"]}) from None


def _earner_id(value: str | int | None) -> str | None:
    return _blank_to_none(None if value is None else str(value))


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None
