"""A Credly badge template body's lists and default expiration, as the achievement stores
them: each activity, alignment and recommendation gets a UUID `id` (kept when the client sends
one back), and the expiration becomes a fixed date or an ISO 8601 period."""

from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from plaudit.domain import durations, limits
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import Invalid

if TYPE_CHECKING:
    from plaudit.dialects.credly.schemas import BadgeTemplateBody

ACTIVITY_TYPES = ("Award", "Schedule / Registration", "Badge")
TEXT = 255
DESCRIPTION = 5000


def lists(body: "BadgeTemplateBody") -> dict[str, Any]:
    """The lists the body gives (null or [] empties one), under the achievement's names."""
    given = body.model_fields_set
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in ("skills", "reporting_tags"):
        if name in given:
            texts = _texts(getattr(body, name), name, errors)
            values[name] = texts or None
    if "badge_template_activities" in given:
        activities = []
        for index, item in enumerate(body.badge_template_activities or []):
            kind = _activity_type(item.activity_type)
            if kind is None:
                errors[f"badge_template_activities[{index}].activity_type"] = [
                    f"must be one of: {', '.join(ACTIVITY_TYPES)}"
                ]
            if not (item.title or "").strip():
                errors[f"badge_template_activities[{index}].title"] = ["can't be blank"]
            activities.append(
                {
                    "id": _id(item.id),
                    "title": (item.title or "").strip(),
                    "activity_type": kind,
                    "activity_url": item.activity_url,
                    "required_badge_template_id": item.required_badge_template_id,
                }
            )
        values["activities"] = activities or None
    if "alignments" in given:
        alignments = []
        for index, alignment in enumerate(body.alignments or []):
            if not (alignment.name or "").strip():
                errors[f"alignments[{index}].name"] = ["can't be blank"]
            alignments.append(
                {
                    "id": _id(alignment.id),
                    "name": (alignment.name or "").strip(),
                    "url": alignment.url,
                    "description": alignment.description,
                }
            )
        values["alignments"] = alignments or None
    if "recommendations" in given:
        values["recommendations"] = [
            {
                "id": _id(item.id),
                "title": item.title,
                "type": item.type or "information",
                "activity_url": item.activity_url,
            }
            for item in body.recommendations or []
        ] or None
    for name in ("activities", "alignments", "recommendations"):
        limits.check_items({name: values.get(name)})
        _check_lengths(name, values.get(name) or [], errors)
    if errors:
        raise Invalid(fields=errors)
    return values


def expiry(body: "BadgeTemplateBody") -> dict[str, Any]:
    """`default_expires_at` (a date; null: none) or a period: `default_expires_in` (`P2Y`), or
    `default_expires_at_type` (days, weeks, months, years) with `default_expires_at_amount`.
    Setting one kind clears the other."""
    given = body.model_fields_set
    if body.default_expires_in is not None:
        period = durations.parse_period(body.default_expires_in, "default_expires_in")
        return {"expiry_period": period, "expiry_fixed_on": None}
    if body.default_expires_at_amount is not None:
        unit = body.default_expires_at_type or ""
        period = durations.period_of(
            body.default_expires_at_amount, unit, "default_expires_at_type"
        )
        return {"expiry_period": period, "expiry_fixed_on": None}
    if "default_expires_at" in given:
        fixed = parse_date(body.default_expires_at, "default_expires_at")
        return {"expiry_fixed_on": fixed, "expiry_period": None}
    if "default_expires_in" in given:  # an explicit null: no default expiration
        return {"expiry_fixed_on": None, "expiry_period": None}
    return {}


def _check_lengths(name: str, items: list[dict[str, Any]], errors: dict[str, list[str]]) -> None:
    """URLs at most limits.URL characters, descriptions DESCRIPTION, any other text TEXT."""
    shown = "badge_template_activities" if name == "activities" else name
    for index, item in enumerate(items):
        for key, value in item.items():
            limit = limits.URL if key.endswith("url") else TEXT
            limit = DESCRIPTION if key == "description" else limit
            if isinstance(value, str) and len(value) > limit:
                errors[f"{shown}[{index}].{key}"] = [f"is too long (maximum is {limit} characters)"]


def _texts(items: list[str] | None, name: str, errors: dict[str, list[str]]) -> list[str]:
    """Trimmed, without blanks or repeats, each at most TEXT characters."""
    texts = list(dict.fromkeys(item.strip() for item in items or [] if item.strip()))
    if any(len(text) > TEXT for text in texts):
        errors[name] = [f"is too long (maximum is {TEXT} characters per item)"]
    limits.check_items({name: texts})
    return texts


def _activity_type(text: str | None) -> str | None:
    wanted = (text or "").strip().lower()
    return next((kind for kind in ACTIVITY_TYPES if kind.lower() == wanted), None)


def _id(given: str | None) -> str:
    """The id the client sent back when it is a UUID, else a new one."""
    try:
        return str(UUID((given or "").strip()))
    except ValueError:
        return str(uuid4())
