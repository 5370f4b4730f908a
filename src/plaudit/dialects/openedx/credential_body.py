"""The bodies `/api/v2/credentials/` takes, checked field by field as upstream's DRF serializers
do (UserCredentialCreationSerializer), with their messages and their nesting
(`{"attributes": [{}, {"value": [...]}]}`, `{"date_override": {"date": [...]}}`).

A body is parsed by hand, not by a Pydantic model: DRF's messages depend on the value given (a
number is a valid string, `"7"` a valid lms_user_id) in ways a model would not say."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from plaudit.dialects.openedx.errors import (
    NON_FIELD,
    NOT_INTEGER,
    NOT_NULL,
    NOT_STRING,
    REQUIRED,
    not_a_dict,
    not_a_list,
)
from plaudit.services.openedx_credentials import STATUSES

NOT_BLANK = "This field may not be blank."
TOO_LONG = "Ensure this field has no more than 255 characters."
BAD_DATE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
DUPLICATE_NAMES = "Attribute names cannot be duplicated."
MISSING_IDENTIFIER = "Credential identifier is missing."
MAX_LENGTH = 255


class BadRequest(Exception):
    """A 400 whose body is DRF's validation errors, as they are."""

    def __init__(self, body: Any) -> None:
        super().__init__("invalid request body")
        self.body = body


@dataclass(frozen=True)
class CredentialRef:
    """`credential`: a program's uuid (as given: a bad one is an unknown program), or a course
    run's key and mode."""

    program_uuid: str | None = None
    course_run_key: str | None = None
    mode: str | None = None


@dataclass(frozen=True)
class AwardBody:
    username: str
    credential: CredentialRef
    status: str
    attributes: list[tuple[str, str]] | None
    date_override: date | None
    lms_user_id: int | None


def parse_award(body: Any) -> AwardBody:
    """A POST's body, or BadRequest with every field's errors at once."""
    data = _object(body)
    errors: dict[str, Any] = {}
    username = _string(data, "username", errors, required=True)
    credential = _credential(data, errors)
    status = _status(data, errors) or STATUSES[0]
    attributes = _attributes(data, errors)
    date_override = _date_override(data, errors)
    lms_user_id = _lms_user_id(data, errors)
    if errors:
        raise BadRequest(errors)
    assert username is not None and credential is not None
    return AwardBody(username, credential, status, attributes, date_override, lms_user_id)


def parse_status(body: Any) -> str | None:
    """A PATCH's body: only `status` counts (upstream's seed: "accepts only the status")."""
    errors: dict[str, Any] = {}
    status = _status(_object(body), errors)
    if errors:
        raise BadRequest(errors)
    return status


def _object(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest({NON_FIELD: [not_a_dict(body)]})
    return body


def _string(
    data: dict[str, Any], name: str, errors: dict[str, Any], *, required: bool = False
) -> str | None:
    if name not in data:
        if required:
            errors[name] = [REQUIRED]
        return None
    reason = _string_problem(data[name])
    if reason:
        errors[name] = [reason]
        return None
    return str(data[name]).strip()


def _string_problem(value: Any) -> str | None:
    """DRF's CharField: numbers are strings, other types are not; blank and long refused."""
    if value is None:
        return NOT_NULL
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return NOT_STRING
    text = str(value).strip()
    if not text:
        return NOT_BLANK
    if len(text) > MAX_LENGTH:
        return TOO_LONG
    return None


def _credential(data: dict[str, Any], errors: dict[str, Any]) -> CredentialRef | None:
    if "credential" not in data:
        errors["credential"] = [REQUIRED]
        return None
    value = data["credential"]
    if value is None:
        errors["credential"] = [NOT_NULL]
        return None
    if not isinstance(value, dict):
        errors["credential"] = [MISSING_IDENTIFIER]
        return None
    program_uuid = value.get("program_uuid")
    if program_uuid:
        return CredentialRef(program_uuid=str(program_uuid))
    course_run_key = value.get("course_run_key")
    if not course_run_key:
        errors["credential"] = [MISSING_IDENTIFIER]
        return None
    mode = value.get("mode")
    return CredentialRef(course_run_key=str(course_run_key), mode=str(mode) if mode else None)


def _status(data: dict[str, Any], errors: dict[str, Any]) -> str | None:
    if "status" not in data:
        return None
    value = data["status"]
    if value is None:
        errors["status"] = [NOT_NULL]
        return None
    if not isinstance(value, str) or value not in STATUSES:
        errors["status"] = [f'"{value}" is not a valid choice.']
        return None
    return value


def _attributes(data: dict[str, Any], errors: dict[str, Any]) -> list[tuple[str, str]] | None:
    if "attributes" not in data:
        return None
    value = data["attributes"]
    if value is None:
        errors["attributes"] = [NOT_NULL]
        return None
    if not isinstance(value, list):
        errors["attributes"] = [not_a_list(value)]
        return None
    items: list[tuple[str, str]] = []
    item_errors: list[dict[str, Any]] = []
    for item in value:
        found: dict[str, Any] = {}
        if not isinstance(item, dict):
            found[NON_FIELD] = [not_a_dict(item)]
        else:
            name = _string(item, "name", found, required=True)
            text = _string(item, "value", found, required=True)
            if name is not None and text is not None:
                items.append((name, text))
        item_errors.append(found)
    if any(item_errors):
        errors["attributes"] = item_errors
        return None
    if len({name for name, _ in items}) != len(items):
        errors["attributes"] = [DUPLICATE_NAMES]
        return None
    return items


def _date_override(data: dict[str, Any], errors: dict[str, Any]) -> date | None:
    value = data.get("date_override")
    if value is None:
        return None
    if not isinstance(value, dict):
        errors["date_override"] = {NON_FIELD: [not_a_dict(value)]}
        return None
    if "date" not in value:
        errors["date_override"] = {"date": [REQUIRED]}
        return None
    given = value["date"]
    try:
        if not isinstance(given, str):
            raise ValueError(given)
        return date.fromisoformat(given.strip())
    except ValueError:
        errors["date_override"] = {"date": [NOT_NULL if given is None else BAD_DATE]}
        return None


def _lms_user_id(data: dict[str, Any], errors: dict[str, Any]) -> int | None:
    value = data.get("lms_user_id")
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 18:
        errors["lms_user_id"] = [NOT_INTEGER]
        return None
    return int(text)
