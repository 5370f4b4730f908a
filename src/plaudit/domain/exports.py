"""Data exports: what may be exported, the states an export goes through, and safe CSV cells."""

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.values import is_blank

ENTITIES = ("organizations", "credentials", "credential_analytics", "groups", "designs")

SCHEDULED = "scheduled"
PROCESSING = "processing"
COMPLETED = "completed"
ERRORED = "errored"

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_request(entity: object, department_id: object) -> tuple[str, int]:
    """The entity and department of a valid request; an unknown entity or a missing department
    is refused, naming every such field."""
    errors: dict[str, list[str]] = {}
    if is_blank(entity):
        errors["entity"] = ["can't be blank"]
    elif entity not in ENTITIES:
        errors["entity"] = [f"must be one of: {', '.join(ENTITIES)}"]
    if department_id is None:
        errors["department_id"] = ["can't be blank"]
    elif not isinstance(department_id, int) or not limits.is_storable_id(department_id):
        errors["department_id"] = ["is invalid"]
    if errors or not isinstance(entity, str) or not isinstance(department_id, int):
        raise Invalid(fields=errors)
    return entity, department_id


def safe_cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula it would run."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
