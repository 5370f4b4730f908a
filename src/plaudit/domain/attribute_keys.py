"""Attribute keys: the named placeholders (custom attributes) a department's designs and emails
merge credential data into."""

from dataclasses import dataclass

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.values import is_blank

KINDS = ("text", "date", "email", "image")


@dataclass
class AttributeKeyData:
    """A key as a request gives it: any field may be missing."""

    name: str | None
    kind: str | None
    department_id: int | None


@dataclass(frozen=True)
class NewAttributeKey:
    """A key that passed the rules."""

    name: str
    kind: str
    department_id: int


def validate(data: AttributeKeyData) -> NewAttributeKey:
    """A key needs a name that fits, one of the known kinds and a department."""
    errors: dict[str, list[str]] = {}
    if data.name is None or is_blank(data.name):
        errors["name"] = ["can't be blank"]
    elif len(data.name.strip()) > limits.NAME:
        errors["name"] = [limits.too_long(limits.NAME)]
    if data.kind not in KINDS:
        errors["kind"] = [f"must be one of: {', '.join(KINDS)}"]
    if data.department_id is None:
        errors["department_id"] = ["can't be blank"]
    if errors or data.name is None or data.kind is None or data.department_id is None:
        raise Invalid(fields=errors)
    return NewAttributeKey(data.name.strip(), data.kind, data.department_id)
