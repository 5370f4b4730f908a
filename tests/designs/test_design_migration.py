"""Migration 0008_designs on a database made before it: each organization's two designs become
the classic built-in ones, it gets the other built-ins, and no group loses its designs (a table
rebuild on SQLite would have set them to NULL through their SET NULL keys), up and down."""

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from plaudit.render.builtin import BUILTIN_DESIGNS
from plaudit.store.db import Database
from plaudit.store.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from tests.support.databases import new_database_url

BEFORE = "0007_merge_issue3"
ROWS = [
    "INSERT INTO organizations (id, uuid, name, language, created_at, updated_at) "
    "VALUES (1, :u1, 'Old Academy', 'en', :t, :t)",
    "INSERT INTO departments (id, uuid, organization_id, name, is_default, created_at, "
    "updated_at) VALUES (1, :u2, 1, 'Old Academy', true, :t, :t)",
    "INSERT INTO designs (id, uuid, organization_id, kind, name, created_at, updated_at) "
    "VALUES (1, :u3, 1, 'certificate', 'Classic certificate', :t, :t), "
    "(2, :u4, 1, 'badge', 'Classic badge', :t, :t)",
    "INSERT INTO achievements (id, uuid, organization_id, department_id, name, course_name, "
    "course_description, language, attach_pdf, blockchain, certificate_design_id, "
    "badge_design_id, primary_design_id, allow_duplicate_credentials, created_at, updated_at) "
    "VALUES (1, :u5, 1, 1, 'g', 'c', 'd', 'en', false, false, 1, 2, 1, false, :t, :t)",
]
UUIDS = {f"u{n}": f"00000000-0000-0000-0000-00000000000{n}" for n in range(1, 6)}


@pytest.fixture
def old_database(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A new, empty database on the test's backend, migrated to just before designs."""
    database = Database(new_database_url(request, database_url, tmp_path, "designs_migration"))
    upgrade(database.engine, BEFORE)
    is_sqlite = database.is_sqlite
    with database.engine.begin() as connection:
        for statement in ROWS:
            parameters = {
                "t": "2026-01-01 00:00:00",
                **{
                    key: value.replace("-", "") if is_sqlite else value
                    for key, value in UUIDS.items()
                },
            }
            connection.execute(sa.text(statement), parameters)
        if not is_sqlite:  # rows inserted with their ids leave the sequences behind
            for table in ("organizations", "departments", "designs", "achievements"):
                connection.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 10)")
                )
    yield database
    database.dispose()


def _groups(database: Database) -> list[tuple[int, int, int]]:
    with database.engine.connect() as connection:
        query = "SELECT certificate_design_id, badge_design_id, primary_design_id FROM achievements"
        return [tuple(row) for row in connection.execute(sa.text(query))]


def test_designs_migrate_up_and_down_keeping_groups_designs(old_database: Database) -> None:
    upgrade(old_database.engine, "0008_designs")
    assert _groups(old_database) == [(1, 2, 1)]
    with old_database.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT id, kind, builtin_key, orientation, size, background_bleeds "
                "FROM designs ORDER BY id"
            )
        ).all()
    assert [tuple(row) for row in rows[:2]] == [
        (1, "certificate", "classic-certificate", "landscape", "a4", False),
        (2, "badge", "classic-badge", "landscape", "a4", False),
    ]
    assert {row[2] for row in rows[2:]} == {
        "modern-certificate",
        "elegant-certificate",
        "shield-badge",
        "hexagon-badge",
    }

    config = alembic_config()
    with old_database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE)
    assert _groups(old_database) == [(1, 2, 1)]
    with old_database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM designs")).scalar() == 2


def test_the_migration_knows_every_built_in_design() -> None:
    """The migration's frozen list of built-ins is the render package's (a renamed or added
    built-in needs a migration of its own)."""
    path = MIGRATIONS_DIR / "versions" / "2026_11_23_0008-designs.py"
    spec = importlib.util.spec_from_file_location("designs_migration", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    frozen = {(key, kind) for kind, key in migration.BUILTIN_KEYS.items()}
    frozen |= {(key, kind) for key, _name, kind in migration.OTHER_BUILTINS}
    assert frozen == {(item.key, item.kind) for item in BUILTIN_DESIGNS.values()}
    names = {key: name for key, name, _kind in migration.OTHER_BUILTINS}
    assert names == {key: BUILTIN_DESIGNS[key].name for key in names}
