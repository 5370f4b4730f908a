"""The achievement form of the dashboard: what it posts, read into the fields
services/achievements.py takes (so the API's rules and messages apply), and back into the
values the form shows again."""

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from plaudit.domain import limits
from plaudit.domain.achievements import LANGUAGES, AchievementFields
from plaudit.domain.values import UNSET, Maybe
from plaudit.store.tables import Achievement

TEXTS = ("name", "course_name", "course_description", "course_link", "language")
NUMBERS = ("auto_expiry", "department_id", "certificate_design_id", "badge_design_id")
# Longest text a field may post before the rules' own limits speak (a description is long).
MAX_POSTED = 20_000


@dataclass(frozen=True)
class Posted:
    """The form as posted: `values` to show again, `fields` for the service, and the problems
    found before the service's own (`errors`, by field)."""

    values: dict[str, Any]
    fields: AchievementFields
    errors: dict[str, list[str]] = field(default_factory=dict)


def values_of(achievement: Achievement | None) -> dict[str, Any]:
    """What the form shows for an achievement, or for a new one."""
    if achievement is None:
        return {
            **dict.fromkeys(TEXTS, ""),
            "language": "en",
            "attach_pdf": False,
            **dict.fromkeys(NUMBERS, ""),
        }
    values: dict[str, Any] = {name: getattr(achievement, name) or "" for name in TEXTS}
    values["attach_pdf"] = bool(achievement.attach_pdf)
    for name in NUMBERS:
        number = getattr(achievement, name)
        values[name] = "" if number is None else str(number)
    return values


def read(form: FormData) -> Posted:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in (*TEXTS, *NUMBERS):
        given = form.get(name)
        text = given if isinstance(given, str) else ""
        if len(text) > MAX_POSTED or limits.contains_nul(text):
            errors[name] = ["is not valid text"]
            text = ""
        values[name] = text
    values["attach_pdf"] = form.get("attach_pdf") == "on"
    numbers: dict[str, int | None] = {}
    for name in NUMBERS:
        text = values[name].strip()
        if not text:
            numbers[name] = None
        elif text.isdigit() and limits.is_storable_id(int(text)):
            numbers[name] = int(text)
        else:
            errors[name] = ["must be a whole number" if name == "auto_expiry" else "is invalid"]
            numbers[name] = None
    if values["language"] not in LANGUAGES:
        errors["language"] = ["is not included in the list"]
    fields = AchievementFields(
        name=values["name"].strip(),
        course_name=values["course_name"].strip(),
        course_description=values["course_description"].strip(),
        course_link=values["course_link"].strip() or None,
        language=values["language"] if values["language"] in LANGUAGES else "en",
        attach_pdf=values["attach_pdf"],
        auto_expiry=numbers["auto_expiry"],
        department_id=numbers["department_id"],
        # None chosen keeps the design (a new achievement gets the organization's default).
        certificate_design_id=_given(numbers["certificate_design_id"]),
        badge_design_id=_given(numbers["badge_design_id"]),
    )
    return Posted(values=values, fields=fields, errors=errors)


def _given(number: int | None) -> Maybe[int | None]:
    return UNSET if number is None else number
