"""The bodies learner_cert_status takes: `{"username" | "lms_user_id", "courses": [course
UUIDs], "course_runs": [run keys or run UUIDs]}`, as JSON or, from older edx-platform releases,
form-encoded (lists as repeated keys). Checked as upstream's view reads them: exactly one
identifier (an empty or zero one counts as absent); a learner Plaudit does not know is no error.

Upstream answers a bad body with an empty 400; Plaudit says what is wrong, in DRF's shape."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from plaudit.dialects.openedx.errors import (
    NON_FIELD,
    NOT_INTEGER,
    NOT_STRING,
    not_a_dict,
    not_a_list,
)
from plaudit.domain.errors import Invalid
from plaudit.services.openedx_cert_status import StatusQuery

LIST_FIELDS = ("courses", "course_runs")
ONE_IDENTIFIER = "Exactly one of lms_user_id and username is required."


def parse_query(data: Any) -> StatusQuery:
    """One learner's query, or Invalid naming every field that is wrong."""
    if not isinstance(data, Mapping):
        raise Invalid(fields={NON_FIELD: [not_a_dict(data)]})
    errors: dict[str, list[str]] = {}
    username = _username(data.get("username"), errors)
    lms_user_id = _lms_user_id(data.get("lms_user_id"), errors)
    courses = _strings(data, "courses", errors)
    course_runs = _strings(data, "course_runs", errors)
    if not errors and (username is None) == (lms_user_id is None):
        errors[NON_FIELD] = [ONE_IDENTIFIER]
    if errors:
        raise Invalid(fields=errors)
    return StatusQuery(
        username=username,
        lms_user_id=lms_user_id,
        courses=frozenset(uuid for text in courses if (uuid := _uuid(text)) is not None),
        course_runs=frozenset(course_runs)
        | {str(uuid) for text in course_runs if (uuid := _uuid(text)) is not None},
    )


def form_data(form: Any) -> dict[str, Any]:
    """A form (Starlette's FormData) as the JSON body it stands for: the list fields from
    their repeated keys, any other field its last value (as Django's QueryDict.get)."""
    return {key: form.getlist(key) if key in LIST_FIELDS else form.getlist(key)[-1] for key in form}


def _username(value: Any, errors: dict[str, list[str]]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors["username"] = [NOT_STRING]
        return None
    return str(value)


def _lms_user_id(value: Any, errors: dict[str, list[str]]) -> int | None:
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool):
        errors["lms_user_id"] = [NOT_INTEGER]
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    errors["lms_user_id"] = [NOT_INTEGER]
    return None


def _strings(data: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        errors[name] = [not_a_list(value)]
        return []
    if not all(isinstance(item, str) for item in value):
        errors[name] = [NOT_STRING]
        return []
    return [item.strip() for item in value]


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
