"""New databases beside the session's shared one, for tests whose data must stand alone."""

from pathlib import Path

import pytest

from tests.support.postgres import PostgresServer


def new_database_url(
    request: pytest.FixtureRequest, database_url: str, directory: Path, name: str
) -> str:
    """A new, empty database on the backend of `database_url`: the file `{name}.db` in
    `directory` for SQLite, the database `name` (made again if it exists) on the session's
    PostgreSQL server."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{directory / f'{name}.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(name)
