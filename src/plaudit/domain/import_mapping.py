"""A spreadsheet's columns mapped to a credential's fields (issue 15's import), and one row read
through that mapping: the fields it issues, or why it cannot. Pure: no I/O.

A mapping is kept as JSON (dashboard_imports.mapping): each field's column index, or None when
no column holds it, and the custom attributes as `[{"column": i, "name": "..."}]`."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import DomainError, Invalid
from plaudit.domain.limits import NAME
from plaudit.domain.values import is_blank

RECIPIENT_NAME = "recipient_name"
RECIPIENT_EMAIL = "recipient_email"
ISSUED_ON = "issued_on"
EXPIRED_ON = "expired_on"
GRADE = "grade"
CUSTOM = "custom"
# The fields a column may fill, in the order pages show them, with their labels.
FIELDS: dict[str, str] = {
    RECIPIENT_NAME: "Recipient name",
    RECIPIENT_EMAIL: "Recipient email",
    ISSUED_ON: "Issue date",
    EXPIRED_ON: "Expiry date",
    GRADE: "Grade",
}
REQUIRED = (RECIPIENT_NAME, RECIPIENT_EMAIL)
MAX_CUSTOM_NAME = 100

# Header names (lower case, letters and digits only) that suggest a field.
_GUESSES: dict[str, frozenset[str]] = {
    RECIPIENT_NAME: frozenset(
        {"name", "fullname", "recipient", "recipientname", "learner", "learnername", "student"}
        | {"studentname", "participant", "participantname", "earner", "earnername"}
    ),
    RECIPIENT_EMAIL: frozenset(
        {"email", "emailaddress", "mail", "recipientemail", "learneremail", "studentemail"}
    ),
    ISSUED_ON: frozenset(
        {"issuedate", "issuedon", "issued", "dateissued", "issuedat", "date", "awardedon"}
        | {"awarded", "completiondate", "completedon", "completed"}
    ),
    EXPIRED_ON: frozenset(
        {"expirydate", "expiry", "expires", "expireson", "expiredon", "expirationdate"}
        | {"expiration", "validuntil"}
    ),
    GRADE: frozenset({"grade", "score", "result", "mark"}),
}
_NOT_LETTERS = re.compile(r"[^a-z0-9]")

# Where the issuing rules' field names (services/credentials.py) point in a spreadsheet.
_RULE_FIELDS = {
    "recipient.name": RECIPIENT_NAME,
    "recipient.email": RECIPIENT_EMAIL,
    "issued_on": ISSUED_ON,
    "expired_on": EXPIRED_ON,
    "grade": GRADE,
}


def empty_mapping() -> dict[str, Any]:
    return {**dict.fromkeys(FIELDS), CUSTOM: []}


def guess(columns: Sequence[str]) -> dict[str, Any]:
    """Each field in the first column whose header names it; the other columns unused."""
    mapping = empty_mapping()
    for index, header in enumerate(columns):
        key = _NOT_LETTERS.sub("", header.lower())
        for name, known in _GUESSES.items():
            if mapping[name] is None and key in known:
                mapping[name] = index
                break
    return mapping


def uses(mapping: Mapping[str, Any], column_count: int) -> list[tuple[str, str]]:
    """For each column, what it fills ("" when nothing, `custom` for an attribute) and the
    attribute's name (the header's when it is none)."""
    chosen = [("", "")] * column_count
    for name in FIELDS:
        index = mapping.get(name)
        if isinstance(index, int) and 0 <= index < column_count:
            chosen[index] = (name, "")
    for custom in mapping.get(CUSTOM) or []:
        index = custom["column"]
        if 0 <= index < column_count:
            chosen[index] = (CUSTOM, custom["name"])
    return chosen


@dataclass(frozen=True)
class MappingProblem:
    """A choice the mapping form must show again with a message: `column` is the index of the
    column at fault, or None for the form as a whole."""

    column: int | None
    message: str


def from_choices(
    columns: Sequence[str], used_as: Sequence[str], attribute_names: Sequence[str]
) -> dict[str, Any] | list[MappingProblem]:
    """The mapping the form's choices make (one `used_as` and one attribute name per column),
    or every problem with them."""
    mapping = empty_mapping()
    problems: list[MappingProblem] = []
    seen_attributes: dict[str, int] = {}
    for index, (use, attribute) in enumerate(zip(used_as, attribute_names, strict=True)):
        if use == "":
            continue
        if use == CUSTOM:
            name = attribute.strip() or columns[index].strip()
            if not name or "\x00" in name:
                problems.append(MappingProblem(index, "Give the custom attribute a name."))
            elif len(name) > MAX_CUSTOM_NAME:
                message = f"The name is too long (maximum is {MAX_CUSTOM_NAME} characters)."
                problems.append(MappingProblem(index, message))
            elif name in seen_attributes:
                message = f"Another column ({columns[seen_attributes[name]]}) has this name."
                problems.append(MappingProblem(index, message))
            else:
                seen_attributes[name] = index
                mapping[CUSTOM].append({"column": index, "name": name})
        elif use not in FIELDS:
            problems.append(MappingProblem(index, "Choose a field from the list."))
        elif mapping[use] is not None:
            first = columns[mapping[use]]
            message = f"{FIELDS[use]} is already taken from column {first}."
            problems.append(MappingProblem(index, message))
        else:
            mapping[use] = index
    for name in REQUIRED:
        if mapping[name] is None and not any(p.column is None for p in problems):
            problems.append(MappingProblem(None, f"Choose the column that holds {FIELDS[name]}."))
    return problems or mapping


def is_blank_row(row: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in row)


def issuable(rows: Sequence[Sequence[str]]) -> list[int]:
    """The indices of the rows to issue: every row with a value (a blank row says nothing)."""
    return [index for index, row in enumerate(rows) if not is_blank_row(row)]


def spreadsheet_row(index: int) -> int:
    """The row number a spreadsheet shows for the `index`th data row (the header is row 1)."""
    return index + 2


def _cell(row: Sequence[str], index: Any) -> str:
    if not isinstance(index, int) or not 0 <= index < len(row):
        return ""
    return row[index]


def credential_fields(
    row: Sequence[str], mapping: Mapping[str, Any], achievement_id: int
) -> CredentialFields | DomainError:
    """The fields `row` issues with, read as the API reads them (dates as the API takes them);
    an unreadable date is its error, under the rules' field name."""
    errors: dict[str, list[str]] = {}
    fields = CredentialFields(
        achievement_ref=achievement_id,
        recipient=RecipientData(
            name=_cell(row, mapping.get(RECIPIENT_NAME)).strip(),
            email=_cell(row, mapping.get(RECIPIENT_EMAIL)).strip(),
        ),
    )
    for name in (ISSUED_ON, EXPIRED_ON):
        text = _cell(row, mapping.get(name))
        if is_blank(text):
            continue  # the rules' default: today, and the achievement's expiry
        try:
            setattr(fields, name, parse_date(text, name))
        except Invalid as error:
            reason = f"{text.strip()!r} is not a date (use YYYY-MM-DD)"
            errors.update({key: [reason] for key in error.fields})
    grade = _cell(row, mapping.get(GRADE)).strip()
    if grade:
        fields.grade = grade
    attributes = {
        custom["name"]: value
        for custom in mapping.get(CUSTOM) or []
        if (value := _cell(row, custom["column"]).strip())
    }
    for name, value in attributes.items():
        if len(value) > NAME:
            errors[f"custom.{name}"] = [f"is too long (maximum is {NAME} characters)"]
    if attributes:
        fields.custom_attributes = attributes
    if errors:
        return Invalid(fields=errors)
    return fields


@dataclass(frozen=True)
class CellError:
    """One reason a row cannot be issued: its spreadsheet row number, the column's header
    ("" when no column is at fault, e.g. an archived achievement) and the reason."""

    row: int
    column: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


def cell_errors(
    index: int,
    row: Sequence[str],
    error: DomainError,
    columns: Sequence[str],
    mapping: Mapping[str, Any],
) -> list[CellError]:
    """`error` (the issuing rules' refusal of the `index`th row) placed on its cells."""
    number = spreadsheet_row(index)
    if not isinstance(error, Invalid) or not error.fields:
        return [CellError(number, "", str(error))]
    custom_columns = {custom["name"]: custom["column"] for custom in mapping.get(CUSTOM) or []}
    found: list[CellError] = []
    for name, reasons in error.fields.items():
        column = _column_of(name, row, mapping, custom_columns)
        header = columns[column] if column is not None else ""
        label = "" if column is not None else f"{_RULE_LABELS.get(name, name)}: "
        found.extend(CellError(number, header, f"{label}{reason}") for reason in reasons)
    return found


_RULE_LABELS = {
    "group_id": "Achievement",
    "name": "Credential name",
    "description": "Credential description",
}


def _column_of(
    name: str, row: Sequence[str], mapping: Mapping[str, Any], custom_columns: Mapping[str, int]
) -> int | None:
    if name in _RULE_FIELDS:
        return mapping.get(_RULE_FIELDS[name])
    if name == "recipient":  # a name or an email is missing: point at the blank one
        name_column = mapping.get(RECIPIENT_NAME)
        blank_name = is_blank(_cell(row, name_column))
        return name_column if blank_name else mapping.get(RECIPIENT_EMAIL)
    if name.startswith("custom."):
        return custom_columns.get(name.removeprefix("custom."))
    return None
