"""Filters on the `meta_data` JSON columns that searches share."""

from typing import Any

from sqlalchemy import ColumnElement, String, cast, exists, func, select
from sqlalchemy.orm import Session


def has_pair(session: Session, column: Any, key: str, value: str) -> ColumnElement[bool]:
    """`column[key]` equals `value` as text. The pairs are listed with json_each rather than
    read through a JSON path: SQLite paths cannot quote every key a client may use."""
    each = "json_each" if session.get_bind().dialect.name == "sqlite" else "json_each_text"
    pairs = getattr(func, each)(column).table_valued("key", "value")
    return exists(
        select(1).select_from(pairs).where(pairs.c.key == key, cast(pairs.c.value, String) == value)
    )
