"""What the analytics page is asked to show: a period, its buckets and the filters, read from
the query string with a message per field for anything it cannot use."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from plaudit.domain import limits
from plaudit.store.time_buckets import UNITS, Unit, first_day, starts

PERIODS = {
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "12m": "Last 12 months",
    "custom": "Between the dates below",
}
DEFAULT_PERIOD = "30d"
_PERIOD_UNITS: dict[str, Unit] = {"30d": "day", "90d": "week", "12m": "month"}
# Beyond this many points a chart is unreadable and its table too long to be useful.
MAX_BUCKETS = 400


@dataclass(frozen=True)
class AnalyticsRequest:
    """A valid request: days `start` to `end`, both included, counted per `unit`."""

    period: str
    start: date
    end: date
    unit: Unit
    achievement_id: int | None = None
    department_id: int | None = None

    @property
    def bucket_starts(self) -> list[date]:
        return starts(self.unit, self.start, self.end)

    def query(self, **extra: str) -> dict[str, str]:
        """The query string that asks for this again (links: CSV downloads)."""
        values = {"period": self.period, "bucket": self.unit}
        if self.period == "custom":
            values |= {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.achievement_id is not None:
            values["achievement"] = str(self.achievement_id)
        if self.department_id is not None:
            values["department"] = str(self.department_id)
        return values | extra


@dataclass
class Parsed:
    """The request if it is usable, else the message for each field that is not; `given` is
    what the form shows again either way."""

    request: AnalyticsRequest | None
    given: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def parse(parameters: Mapping[str, str], today: date) -> Parsed:
    given = {
        name: parameters.get(name, "").strip()
        for name in ("period", "from", "to", "bucket", "achievement", "department")
    }
    given["period"] = given["period"] or DEFAULT_PERIOD
    errors: dict[str, str] = {}
    period = given["period"]
    span: tuple[date, date] | None = None
    if period not in PERIODS:
        errors["period"] = "Choose one of the periods offered."
    elif period == "custom":
        span = _custom_span(given, errors)
    else:
        span = _fixed_span(period, today)
    if period != "custom":
        given["from"] = given["to"] = ""
    unit = _unit(given["bucket"], period, span, errors)
    achievement_id = _id(given["achievement"], "achievement", errors)
    department_id = _id(given["department"], "department", errors)
    if errors or span is None or unit is None:
        return Parsed(None, given, errors)
    request = AnalyticsRequest(period, span[0], span[1], unit, achievement_id, department_id)
    given["bucket"] = unit
    return Parsed(request, given)


def _fixed_span(period: str, today: date) -> tuple[date, date]:
    if period == "12m":
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1), today
    days = 30 if period == "30d" else 90
    return today - timedelta(days=days - 1), today


def _custom_span(given: dict[str, str], errors: dict[str, str]) -> tuple[date, date] | None:
    start = _date(given["from"], "from", errors)
    end = _date(given["to"], "to", errors)
    if start is None or end is None:
        return None
    if end < start:
        errors["to"] = "The end must not be before the start."
        return None
    return start, end


def _date(text: str, name: str, errors: dict[str, str]) -> date | None:
    if not text:
        errors[name] = "Enter a date."
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None
    if day.year >= date.max.year:  # the bucket after the last one could not be named
        errors[name] = "Enter a date before the year 9999."
        return None
    return day


def _unit(
    text: str, period: str, span: tuple[date, date] | None, errors: dict[str, str]
) -> Unit | None:
    if text and text not in UNITS:
        errors["bucket"] = "Choose days, weeks or months."
        return None
    if span is None:
        return None
    if text:
        unit = cast(Unit, text)
    elif period in _PERIOD_UNITS:
        unit = _PERIOD_UNITS[period]
    else:
        unit = next((u for u in UNITS if _count(u, *span) <= 62), "month")
    if _count(unit, *span) > MAX_BUCKETS:
        errors["bucket"] = f"That makes more than {MAX_BUCKETS} points: choose larger buckets."
        return None
    return unit


def _count(unit: Unit, start: date, end: date) -> int:
    """How many buckets the span has, without listing them."""
    if unit == "day":
        return (end - start).days + 1
    if unit == "week":
        return (first_day("week", end) - first_day("week", start)).days // 7 + 1
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _id(text: str, name: str, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not limits.is_storable_id(int(text)):
        errors[name] = "Choose one from the list."
        return None
    return int(text)
