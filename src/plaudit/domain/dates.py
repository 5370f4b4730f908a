"""Lenient parsing of the date fields that real clients send."""

import re
from datetime import UTC, date, datetime

from plaudit.domain.errors import invalid_field

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def parse_date(value: object, field: str) -> date | None:
    """Read a date given as YYYY-MM-DD, the deprecated DD/MM/YYYY, or a date-time.

    Date-times (`2026-11-22 08:56:39 +0000`, ISO 8601 with or without zone) keep their date part
    as written, without converting zones. None and "" mean no date. Anything else is an
    `Invalid` naming `field`.
    """
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise invalid_field(field, "is not a valid date")
    text = value.strip()
    if not text:
        return None
    try:
        if match := _ISO_DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY_DATE.match(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        return _parse_datetime(text).date()
    except ValueError:
        raise invalid_field(field, "is not a valid date") from None


def _parse_datetime(text: str) -> datetime:
    normalized = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(normalized)
    except ValueError:
        pass
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def as_utc(moment: datetime) -> datetime:
    """An aware datetime: SQLite hands stored UTC times back without their zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
