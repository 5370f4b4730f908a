"""The form of `/dashboard/issue`: its values as given, the credential they ask for, and the
errors to show next to each field.

The form checks only what a form can (a choice made, dates that read as dates, attribute rows
complete); the rules of issuing are the service's (services/credentials.py `build`), whose
errors are mapped back onto the fields here."""

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlencode

from plaudit.domain import limits
from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, is_valid_email
from plaudit.services.credentials import ARCHIVED_REASON

BLANK_ROWS = 2
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_NAME = 100
MAX_ATTRIBUTE_VALUE = 1000
PREVIEW_PATH = "/dashboard/issue/preview"

# The service's field names (its errors') -> the form's.
_FORM_FIELD = {
    "group_id": "achievement",
    "recipient": "recipient_email",
    "recipient.name": "recipient_name",
    "recipient.email": "recipient_email",
    "issued_on": "issued_on",
    "expired_on": "expired_on",
    "grade": "grade",
    "custom_attributes": "attributes",
    "approve": "publish",
}
_MESSAGES = {
    ("group_id", "is invalid"): "Choose one of your organization's achievements.",
    ("recipient", "can't be blank"): "Enter the recipient's name and email address.",
    ("group_id", ARCHIVED_REASON): "This achievement is archived: it issues no new credentials.",
    ("recipient.email", "is invalid"): "Enter a valid email address, like name@example.com.",
    ("recipient.email", "has already received a credential in this group"): (
        "This recipient already has a credential for this achievement."
    ),
}


class MultiValues(Protocol):
    """A submitted form or a query string: values by name, some names repeated."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


@dataclass
class IssueValues:
    """What the form holds, as typed."""

    achievement: str = ""
    recipient_name: str = ""
    recipient_email: str = ""
    issued_on: str = ""
    expired_on: str = ""
    grade: str = ""
    attributes: list[tuple[str, str]] = field(default_factory=list)
    publish: bool = True
    send_email: bool = True

    @classmethod
    def read(cls, given: MultiValues, *, checkboxes: bool = True) -> "IssueValues":
        """From a submitted form (`checkboxes`: an unticked box is absent) or a preview's
        query string (no boxes)."""

        def text(name: str) -> str:
            value = given.get(name)
            return value.strip() if isinstance(value, str) else ""

        names = [str(value) for value in given.getlist("attribute_key")]
        values = [str(value) for value in given.getlist("attribute_value")]
        values += [""] * (len(names) - len(values))
        return cls(
            achievement=text("achievement"),
            recipient_name=text("recipient_name"),
            recipient_email=text("recipient_email"),
            issued_on=text("issued_on"),
            expired_on=text("expired_on"),
            grade=text("grade"),
            attributes=[
                (name.strip(), value.strip()) for name, value in zip(names, values, strict=False)
            ][: MAX_ATTRIBUTES + 1],
            publish=not checkboxes or given.get("publish") == "yes",
            send_email=not checkboxes or given.get("send_email") == "yes",
        )

    def with_blank_rows(self, count: int = BLANK_ROWS) -> "IssueValues":
        """The attribute rows as the form shows them: the given ones and a few blank ones."""
        rows = [row for row in self.attributes if row != ("", "")][:MAX_ATTRIBUTES]
        return replace(self, attributes=rows + [("", "")] * count)

    def with_one_more_row(self) -> "IssueValues":
        """Every row as given, blank ones too, and one more (the "Add a row" button)."""
        rows = [*self.attributes[: MAX_ATTRIBUTES - 1], ("", "")]
        return replace(self, attributes=rows)

    def achievement_id(self) -> int | None:
        number = limits.parse_id(self.achievement) if self.achievement else None
        return number if number is not None and limits.is_storable_id(number) else None

    def preview_url(self, kind: str) -> str:
        """The preview image of `kind` drawn with these values."""
        pairs = [
            (name, getattr(self, name))
            for name in (
                "achievement",
                "recipient_name",
                "recipient_email",
                "issued_on",
                "expired_on",
                "grade",
            )
        ]
        for name, value in self.attributes:
            if name:
                pairs += [("attribute_key", name), ("attribute_value", value)]
        return f"{PREVIEW_PATH}/{kind}.png?{urlencode(pairs)}"

    def custom_attributes(self) -> dict[str, str]:
        """The complete rows, each name once (the last wins), for a preview."""
        return {name: value for name, value in self.attributes if name}


@dataclass(frozen=True)
class Checked:
    fields: CredentialFields | None
    errors: dict[str, str]


def check(values: IssueValues) -> Checked:
    """The credential the form asks for, or the form's errors (each field's first)."""
    errors: dict[str, str] = {}
    achievement_id = values.achievement_id()
    if achievement_id is None:
        errors["achievement"] = "Choose an achievement."
    if not values.recipient_name:
        errors["recipient_name"] = "Enter the recipient's name."
    if not values.recipient_email:
        errors["recipient_email"] = "Enter the recipient's email address."
    elif not is_valid_email(values.recipient_email):
        errors["recipient_email"] = _MESSAGES[("recipient.email", "is invalid")]
    issued_on = _date(values.issued_on, "issued_on", errors)
    expired_on = _date(values.expired_on, "expired_on", errors)
    if issued_on and expired_on and expired_on <= issued_on:
        errors["expired_on"] = "The expiry date must come after the issue date."
    attributes = _attributes(values.attributes, errors)
    if errors:
        return Checked(None, errors)
    fields = CredentialFields(
        achievement_ref=achievement_id,
        recipient=RecipientData(name=values.recipient_name, email=values.recipient_email),
        issued_on=issued_on if issued_on else UNSET,
        expired_on=expired_on if expired_on else UNSET,
        grade=values.grade or UNSET,
        custom_attributes=attributes or UNSET,
        approve=values.publish,
        suppress_notification=not values.send_email,
    )
    return Checked(fields, {})


def _date(text: str, name: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text, name)
    except Invalid:
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None


def _attributes(rows: list[tuple[str, str]], errors: dict[str, str]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name, value in rows:
        if not name and not value:
            continue
        if not name:
            errors["attributes"] = "Give every attribute with a value a name."
        elif len(name) > MAX_ATTRIBUTE_NAME or len(value) > MAX_ATTRIBUTE_VALUE:
            errors["attributes"] = (
                f"Attribute names take at most {MAX_ATTRIBUTE_NAME} characters and values "
                f"{MAX_ATTRIBUTE_VALUE}."
            )
        elif name in attributes:
            errors["attributes"] = f"The attribute {name!r} is given twice."
        else:
            attributes[name] = value
    if len(attributes) > MAX_ATTRIBUTES:
        errors["attributes"] = f"Give at most {MAX_ATTRIBUTES} attributes."
    return attributes


def errors_of(refused: Invalid) -> dict[str, str]:
    """The service's refusal as errors on the form's fields (`form` for the rest)."""
    errors: dict[str, str] = {}
    for name, reasons in refused.fields.items():
        reason = reasons[0] if reasons else "is invalid"
        if refused.code == "credits.insufficient":
            message = "Your organization has no credits left to publish it. Untick Publish."
        elif (name, reason) in _MESSAGES:
            message = _MESSAGES[(name, reason)]
        elif name in _FORM_FIELD:
            message = f"This {reason}."  # shown next to its field: "This is too long (...)."
        else:
            message = f"{name.replace('_', ' ').capitalize()} {reason}."
        errors.setdefault(_FORM_FIELD.get(name, "form"), message)
    return errors or {"form": "This credential cannot be issued."}
