"""The first day of the day, week (Monday) or month a date or timestamp falls in, as a SQL
expression each of our databases runs, so that charts count rows with GROUP BY in SQL.

Timestamps are bucketed in UTC. SQLite stores them as ISO text, which its date functions read;
PostgreSQL truncates them with `date_trunc` once moved to UTC.
"""

from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Date, DateTime, cast, func, literal_column, type_coerce
from sqlalchemy.sql.elements import ColumnElement

Unit = Literal["day", "week", "month"]
UNITS: tuple[Unit, ...] = ("day", "week", "month")

# SQLite's date() modifiers that move a day to the first day of its bucket.
_SQLITE_MODIFIERS: dict[Unit, tuple[str, ...]] = {
    "day": (),
    "week": ("weekday 0", "-6 days"),  # the next Sunday (or the day itself), back to Monday
    "month": ("start of month",),
}


def bucket_start(dialect: str, unit: Unit, column: ColumnElement[Any]) -> ColumnElement[date]:
    """`column`'s bucket as a date, on the database named by `dialect` (sqlite, postgresql).

    The constants are written into the SQL, not bound: PostgreSQL matches a GROUP BY expression
    to the selected one only when they are the same text."""
    if dialect == "sqlite":
        modifiers = [_constant(modifier) for modifier in _SQLITE_MODIFIERS[unit]]
        return type_coerce(func.date(column, *modifiers), Date())
    if dialect == "postgresql":
        moment = (
            func.timezone(_constant("UTC"), column)
            if isinstance(column.type, DateTime)
            else cast(column, DateTime())
        )
        return cast(func.date_trunc(_constant(unit), moment), Date())
    raise ValueError(f"no date buckets for the {dialect} database")


def _constant(text: str) -> ColumnElement[str]:
    """A string of this module's own (never user input) as an SQL literal."""
    return literal_column(f"'{text}'")


def first_day(unit: Unit, day: date) -> date:
    """In Python, what `bucket_start` computes in SQL."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def following(unit: Unit, start: date) -> date:
    """The first day of the bucket after the one starting on `start`."""
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def starts(unit: Unit, first: date, last: date) -> list[date]:
    """Every bucket from the one holding `first` to the one holding `last`."""
    found, current = [], first_day(unit, first)
    while current <= last:
        found.append(current)
        current = following(unit, current)
    return found
