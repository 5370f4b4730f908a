"""Domain errors as a dashboard form shows them: reasons by field name, next to each field."""

from plaudit.domain.errors import Conflict, Forbidden, Invalid


def by_field(error: Invalid, renamed: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The error's reasons by the form's field names (`renamed` maps a service's name of a
    field to the form's); a rule that names no field goes under `form`."""
    names = renamed or {}
    fields: dict[str, list[str]] = {}
    for name, reasons in error.fields.items():
        fields.setdefault(names.get(name, name), []).extend(reasons)
    return fields or {"form": ["is not valid"]}


def refusal(error: Conflict | Forbidden) -> dict[str, list[str]]:
    return {"form": [error.message]}
