"""Migration 0024: events recorded before notifications existed count as dispatched, so an
upgrade mails nobody about history; events recorded after it are dispatched."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from plaudit.notifications import dispatch
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from plaudit.store.tables import utcnow
from tests.support.databases import new_database_url

BEFORE = "0022_openedx_grades"
INSERT_EVENT = (
    "INSERT INTO events (organization_id, event_type, occurred_at, subject_type, subject_uuid, "
    "uuid, created_at, updated_at) VALUES (:org, 'badge.created', CURRENT_TIMESTAMP, 'badge', "
    ":subject, :uuid, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


@pytest.fixture
def fresh(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Database]:
    database = Database(new_database_url(request, database_url, tmp_path, "plaudit_history"))
    yield database
    database.dispose()


def test_events_before_the_upgrade_send_nothing(fresh: Database, tmp_path: Path) -> None:
    upgrade(fresh.engine, BEFORE)
    with fresh.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organizations (name, language, did_method, uuid, created_at, "
                "updated_at) VALUES ('Old', 'en', 'web', :uuid, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            ),
            {"uuid": uuid.uuid4().hex if fresh.is_sqlite else uuid.uuid4()},
        )
        org = connection.execute(text("SELECT max(id) FROM organizations")).scalar_one()
        for _ in range(2):
            values = {"org": org, "subject": uuid.uuid4(), "uuid": uuid.uuid4()}
            if fresh.is_sqlite:
                values = {**values, "subject": values["subject"].hex, "uuid": values["uuid"].hex}
            connection.execute(text(INSERT_EVENT), values)
    upgrade(fresh.engine)

    with fresh.session(readonly=True) as session:
        assert not dispatch.has_undispatched(session, utcnow())
    settings = Settings(data_dir=tmp_path, database_url=fresh.url)
    assert dispatch.dispatch(fresh, settings, b"s" * 32, now=utcnow()) == 0
