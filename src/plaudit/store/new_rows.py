"""New ORM objects inserted with Core, as a flush would insert them, without its cost."""

from functools import cache
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from plaudit.store.tables import Row


def column_values(row: Row) -> dict[str, Any]:
    """Every column of the new `row` but its id: what it was given, else the column's Python
    default, which is set on the object too (as a flush would), else NULL."""
    values: dict[str, Any] = {}
    given = row.__dict__
    mapper = inspect(type(row))
    for column in mapper.local_table.columns:
        if column.primary_key:
            continue
        key = mapper.get_property_by_column(column).key
        default = column.default
        if key in given:
            value = given[key]
        elif default is not None and (default.is_scalar or default.is_callable):
            value = default.arg if default.is_scalar else default.arg(None)  # type: ignore[attr-defined]
            setattr(row, key, value)
        else:
            value = None
        values[column.key] = value
    return values


def insert_rows(session: Session, rows: list[Row]) -> None:
    """Inserts new rows of one table in one statement and sets their ids. The ids come back
    with each row's UUID, given here: matched by it, the rows need no order from RETURNING
    (on SQLite, asking for one would send a statement per row)."""
    if not rows:
        return
    table: Table = type(rows[0]).__table__  # type: ignore[assignment]
    result = session.connection().execute(_insert(table), [column_values(row) for row in rows])
    ids = {row_uuid: new_id for new_id, row_uuid in result}
    for row in rows:
        row.id = ids[row.uuid]


@cache  # built once per table
def _insert(table: Table) -> Insert:
    return table.insert().returning(table.c.id, table.c.uuid)
