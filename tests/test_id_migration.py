"""Migration 0014_ids_never_reused on a database holding data: every row keeps its id and its
children (a SQLite table rebuild with foreign keys on would cascade-delete them or trip RESTRICT
keys), and new ids continue after the largest, also once the newest row is deleted."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from plaudit.store.db import Database
from plaudit.store.migrate import downgrade, upgrade

BEFORE = "0013_merge_issue4_5"
TIME = "2026-01-01 00:00:00"
ROWS = [
    "INSERT INTO organizations (id, uuid, name, language, created_at, updated_at) "
    "VALUES (1, :u1, 'Old Academy', 'en', :t, :t)",
    "INSERT INTO departments (id, uuid, organization_id, name, is_default, created_at, "
    "updated_at) VALUES (2, :u2, 1, 'Old Academy', true, :t, :t)",
    "INSERT INTO achievements (id, uuid, organization_id, department_id, name, course_name, "
    "course_description, language, attach_pdf, blockchain, allow_duplicate_credentials, "
    "created_at, updated_at) VALUES (3, :u3, 1, 2, 'g', 'c', 'd', 'en', false, false, true, "
    ":t, :t)",
    "INSERT INTO evidence_items (id, uuid, credential_id, description, category, supplemental, "
    "position, created_at, updated_at) VALUES (5, :u5, 7, 'Essay', 'file', false, 0, :t, :t)",
]
CREDENTIAL = (
    "INSERT INTO credentials ({id_column}uuid, organization_id, department_id, achievement_id, "
    "encoded_id, recipient_name, recipient_email, recipient_email_normalized, name, "
    "description, issued_on, complete, approve, private, allow_supplemental_evidence, "
    "allow_supplemental_references, created_at, updated_at) VALUES ({id_value}:uuid, 1, 2, 3, "
    ":encoded, 'Ada', 'ada@example.com', 'ada@example.com', 'c', 'd', '2026-01-01', true, true, "
    "false, true, true, :t, :t)"
)
SEQUENCED = ("organizations", "departments", "achievements", "credentials", "evidence_items")


@pytest.fixture
def old_database(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A new database on the test's backend at the revision before, with rows whose ids have
    gaps: credentials 4 and 7, an evidence item of credential 7."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("ids_migration")
    database = Database(url)
    upgrade(database.engine, BEFORE)
    with database.engine.begin() as connection:
        for statement in ROWS[:3]:
            connection.execute(sa.text(statement), _parameters(database))
        for credential_id in (4, 7):
            _insert_credential(connection, database, credential_id)
        connection.execute(sa.text(ROWS[3]), _parameters(database))
        if not database.is_sqlite:  # rows inserted with their ids leave the sequences behind
            for table in SEQUENCED:
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    yield database
    database.dispose()


def test_rows_and_ids_survive_and_new_ids_follow_the_largest(old_database: Database) -> None:
    upgrade(old_database.engine)

    assert _snapshot(old_database) == {
        "achievements": [3],
        "credentials": [4, 7],
        "evidence": [(5, 7)],
    }
    with old_database.engine.begin() as connection:
        newest = _insert_credential(connection, old_database)
        connection.execute(sa.text("DELETE FROM credentials WHERE id = :id"), {"id": newest})
        after_delete = _insert_credential(connection, old_database)
    assert newest == 8
    assert after_delete == 9


def test_the_migration_goes_down_and_up_again_keeping_the_rows(old_database: Database) -> None:
    upgrade(old_database.engine)
    downgrade(old_database.engine, BEFORE)
    assert _snapshot(old_database)["evidence"] == [(5, 7)]
    upgrade(old_database.engine)
    assert _snapshot(old_database) == {
        "achievements": [3],
        "credentials": [4, 7],
        "evidence": [(5, 7)],
    }


def _insert_credential(
    connection: sa.Connection, database: Database, credential_id: int | None = None
) -> int:
    number = credential_id if credential_id is not None else _count(connection) + 100
    statement = CREDENTIAL.format(
        id_column="id, " if credential_id is not None else "",
        id_value=":id, " if credential_id is not None else "",
    )
    parameters = {
        **_parameters(database),
        "id": credential_id,
        "uuid": _uuid(database, 1000 + number),
        "encoded": f"encoded-{number}",
    }
    connection.execute(sa.text(statement), parameters)
    query = "SELECT id FROM credentials WHERE encoded_id = :encoded"
    return connection.execute(sa.text(query), parameters).scalar_one()


def _count(connection: sa.Connection) -> int:
    return connection.execute(sa.text("SELECT count(*) FROM credentials")).scalar_one()


def _parameters(database: Database) -> dict[str, str]:
    return {"t": TIME, **{f"u{n}": _uuid(database, n) for n in range(1, 6)}}


def _uuid(database: Database, number: int) -> str:
    value = f"00000000-0000-0000-0000-{number:012d}"
    return value.replace("-", "") if database.is_sqlite else value


def _snapshot(database: Database) -> dict[str, list[object]]:
    with database.engine.connect() as connection:

        def column(query: str) -> list[object]:
            return [
                row[0] if len(row) == 1 else tuple(row)
                for row in connection.execute(sa.text(query))
            ]

        return {
            "achievements": column("SELECT id FROM achievements ORDER BY id"),
            "credentials": column("SELECT id FROM credentials ORDER BY id"),
            "evidence": column("SELECT id, credential_id FROM evidence_items ORDER BY id"),
        }
