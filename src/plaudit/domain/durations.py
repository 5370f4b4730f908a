"""Periods after which a credential expires, as ISO 8601 durations of whole days, weeks,
months and years (`P2Y`, `P6M`, `P1Y6M`, `P90D`): what a badge template's default expiration
holds."""

import calendar
import re
from datetime import date, timedelta

from plaudit.domain.errors import invalid_field

_PERIOD = re.compile(r"^P(?:(\d{1,3})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$")
UNITS = {"years": "Y", "months": "M", "weeks": "W", "days": "D"}
MAX_YEARS = 200


def parse_period(text: str, field: str) -> str:
    """The duration in its canonical form; anything else, or one of no time or longer than
    MAX_YEARS, is an `Invalid` naming `field`."""
    match = _PERIOD.match(text.strip().upper())
    if not match or not any(match.groups()):
        raise invalid_field(field, "is not a period such as P2Y, P6M or P90D")
    years, months, weeks, days = (int(part or 0) for part in match.groups())
    longest_days = years * 366 + months * 31 + weeks * 7 + days
    if longest_days == 0:
        raise invalid_field(field, "must be longer than zero")
    if longest_days > MAX_YEARS * 366:
        raise invalid_field(field, f"must be at most {MAX_YEARS} years")
    parts = zip((years, months, weeks, days), "YMWD", strict=True)
    return "P" + "".join(f"{amount}{unit}" for amount, unit in parts if amount)


def period_of(amount: int, unit: str, field: str) -> str:
    """`amount` `unit`s (days, weeks, months, years; singular too) as a duration."""
    letter = UNITS.get(unit.strip().lower().rstrip("s") + "s")
    if letter is None:
        raise invalid_field(field, "is not included in the list")
    return parse_period(f"P{amount}{letter}", field)


def add_period(day: date, period: str) -> date:
    """`day` plus the period: calendar years and months first (a day past a month's end falls
    back to its last day), then weeks and days."""
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(period)
    years, months, weeks, days = (int(part or 0) for part in match.groups())
    month_index = day.year * 12 + day.month - 1 + years * 12 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    moved = day.replace(year=year, month=month + 1, day=min(day.day, last))
    return moved + timedelta(weeks=weeks, days=days)


def single_unit(period: str) -> tuple[int, str] | None:
    """(amount, unit name) when the period has a single unit (`P6M` -> (6, "months"))."""
    match = _PERIOD.match(period)
    if match is None:
        return None
    given = [
        (int(part), name)
        for part, name in zip(match.groups(), UNITS, strict=True)
        if part and int(part)
    ]
    return given[0] if len(given) == 1 else None
