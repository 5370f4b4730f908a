"""Counting the SQL statements a piece of work sends, to bound queries per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from plaudit.store.db import Database


@contextmanager
def counting_queries(database: Database) -> Iterator[list[str]]:
    """The statements sent through `database` in the block, transaction control left out."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


# What the page-view batch sends (web/page_views.py, services/analytics_counts.py): a shared
# server may write its batch at any moment, in the middle of a block being counted.
_VIEW_BATCH_WRITES = (
    "INSERT INTO analytics_events",
    "INSERT INTO analytics_days",
    "INSERT INTO credential_engagement",
)
_VIEW_BATCH_LOOKUP = (
    "SELECT credentials.id, credentials.organization_id, credentials.achievement_id \n"
    "FROM credentials \nWHERE credentials.id IN"
)


def of_view_batch(statement: str) -> bool:
    return statement.startswith(_VIEW_BATCH_WRITES) or statement.startswith(_VIEW_BATCH_LOOKUP)
