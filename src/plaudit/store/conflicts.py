"""`INSERT ... ON CONFLICT DO NOTHING` on whichever database the session is bound to."""

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
