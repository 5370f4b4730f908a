"""Filters on JSON list columns (an achievement's skills, tags, recommendations), the same on
SQLite and PostgreSQL: the list's elements are read with json_each or
json_array_elements(_text), and a NULL list has none."""

from typing import Any

from sqlalchemy import ColumnElement, String, cast, exists, func, select
from sqlalchemy.orm import Session


def has_any_text(
    session: Session, column: Any, wanted: list[str], key: str | None = None
) -> ColumnElement[bool]:
    """Some element of the list (or its `key`, for a list of objects) is one of `wanted`,
    compared without regard to case."""
    lowered = [value.lower() for value in wanted]
    if session.get_bind().dialect.name == "sqlite":
        items = func.json_each(column).table_valued("value")
        text = items.c.value if key is None else func.json_extract(items.c.value, f"$.{key}")
    elif key is None:
        items = func.json_array_elements_text(column).table_valued("value")
        text = items.c.value
    else:
        items = func.json_array_elements(column).table_valued("value")
        text = items.c.value.op("->>")(key)
    return exists(select(1).select_from(items).where(func.lower(cast(text, String)).in_(lowered)))
