"""A deleted row's id is never handed out again, on either backend: a client that still holds
the old id must get a 404, not somebody else's credential or group."""

import httpx
import sqlalchemy as sa

from plaudit.store.db import Database
from plaudit.store.tables import Base
from tests.accredible.helpers import create_group, issue


def test_a_deleted_credentials_id_is_not_reused(api: httpx.Client) -> None:
    group = create_group(api)
    deleted = issue(api, group["id"])
    assert api.delete(f"/v1/credentials/{deleted['id']}").status_code == 200

    created = issue(api, group["id"])

    assert created["id"] > deleted["id"]
    stale = api.patch(f"/v1/credentials/{deleted['id']}", json={"credential": {"grade": "A"}})
    assert stale.status_code == 404
    assert api.get(f"/v1/credentials/{created['id']}").json()["credential"]["grade"] is None


def test_a_deleted_groups_id_is_not_reused(api: httpx.Client) -> None:
    deleted = create_group(api)
    assert api.delete(f"/v1/issuer/groups/{deleted['id']}").status_code == 200

    created = create_group(api)

    assert created["id"] > deleted["id"]
    assert api.get(f"/v1/issuer/groups/{deleted['id']}").status_code == 404


def test_no_table_with_an_id_reuses_one(database: Database) -> None:
    """Every table keyed by an integer id, the rows no dialect shows too: checked on the
    migrated database itself, so that a table a later migration rebuilds cannot lose it."""
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c:
                continue
            assert _never_reuses(connection, table.name), table.name


def _never_reuses(connection: sa.Connection, table: str) -> bool:
    if connection.dialect.name == "sqlite":
        query = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"
        sql = connection.execute(sa.text(query), {"table": table}).scalar_one()
        return "AUTOINCREMENT" in sql.upper()
    # PostgreSQL: a serial or identity column draws from a sequence, which never goes back.
    query = "SELECT pg_get_serial_sequence(:table, 'id')"
    return connection.execute(sa.text(query), {"table": table}).scalar_one() is not None
