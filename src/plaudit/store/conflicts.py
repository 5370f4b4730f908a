"""`INSERT ... ON CONFLICT` (do nothing, or add to counters) on whichever database the session
is bound to."""

from functools import cache

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def insert_ignoring_conflicts(session: Session, table: Table) -> Insert:
    """An insert that skips a row a unique index refuses (both databases support it), so that
    a lost race costs no savepoint and no error."""
    return _statement(session.get_bind().dialect.name, table)


@cache  # built once per table: the statement's cache key is then found at once
def _statement(dialect: str, table: Table) -> Insert:
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


def add_on_conflict(
    session: Session,
    table: Table,
    keys: tuple[str, ...],
    counters: tuple[str, ...],
    rows: list[dict[str, object]],
) -> None:
    """Inserts `rows`; where a row with the same `keys` exists, adds their `counters` to it
    instead (counters kept in one statement, whichever transaction got there first).

    The rows are written in key order, so that two transactions adding to the same rows
    take their locks in the same order and never deadlock."""
    if not rows:
        return
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in counters},
    )
    session.execute(statement, sorted(rows, key=lambda row: tuple(row[key] for key in keys)))
