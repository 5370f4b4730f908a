"""Public page views are counted in batches (web/page_views.py): kept in memory, written in
one transaction per interval, at shutdown and before this process reads analytics."""

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.store.tables import Credential
from plaudit.web import page_views
from plaudit.web.page_views import PageViews
from tests.accredible.helpers import create_group, issue
from tests.support.live_server import LiveServer, start_live_server
from tests.support.tenants import Tenant
from tests.web.helpers import events


def stored_views(database: Database, credential_id: int) -> int:
    with database.session(readonly=True) as session:
        query = select(func.count()).where(AnalyticsEvent.credential_id == credential_id)
        return session.scalar(query) or 0


@pytest.fixture
def slow_flushing_server(settings: Settings, database: Database) -> Iterator[LiveServer]:
    """A server that would not write its views by itself during a test."""
    server = start_live_server(
        settings.model_copy(update={"page_view_flush_seconds": 60}), database
    )
    yield server
    server.stop()


def test_a_view_is_written_later_and_counted_when_analytics_are_read(
    slow_flushing_server: LiveServer, tenant: Tenant, database: Database
) -> None:
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    with httpx.Client(base_url=slow_flushing_server.base_url, headers=headers, timeout=30) as api:
        credential = issue(api, create_group(api)["id"])
        for _ in range(3):
            assert api.get(credential["url"]).status_code == 200

        assert stored_views(database, credential["id"]) == 0  # not yet written
        assert events(api, credential["id"]) == ["view_certificate"] * 3
        assert stored_views(database, credential["id"]) == 3


def test_views_held_at_shutdown_are_written(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    server = start_live_server(
        settings.model_copy(update={"page_view_flush_seconds": 60}), database
    )
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    try:
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as api:
            credential = issue(api, create_group(api)["id"])
            assert api.get(credential["url"]).status_code == 200
            assert stored_views(database, credential["id"]) == 0
    finally:
        server.stop()
    assert stored_views(database, credential["id"]) == 1


def test_views_are_written_every_interval_without_a_read(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    server = start_live_server(
        settings.model_copy(update={"page_view_flush_seconds": 0.05}), database
    )
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    try:
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as api:
            credential = issue(api, create_group(api)["id"])
            assert api.get(credential["url"]).status_code == 200
            # Polls the table only: reading analytics through the API would flush by itself.
            for _ in range(400):
                if stored_views(database, credential["id"]) == 1:
                    break
                server.thread.join(0.05)
            assert stored_views(database, credential["id"]) == 1
    finally:
        server.stop()


def test_a_flush_writes_every_pending_view_once_and_keeps_them_when_it_fails(
    api: httpx.Client, database: Database
) -> None:
    credential_id = issue(api, create_group(api)["id"])["id"]
    with database.session(readonly=True) as session:
        credential = session.get(Credential, credential_id)
    assert credential is not None
    views = PageViews(database)
    views.add(credential, by_recipient=False)
    views.add(credential, by_recipient=True)

    broken = PageViews(Database("sqlite:////nonexistent-dir/plaudit.db"))
    broken.add(credential, by_recipient=False)
    with pytest.raises(OperationalError):
        broken.flush()
    assert broken.has_pending  # kept for the next round

    assert views.flush() == 2
    assert views.flush() == 0
    assert stored_views(database, credential_id) == 2


def test_a_flush_asked_for_while_another_writes_returns_once_those_views_are_written(
    api: httpx.Client, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interval's flush had taken the views and was writing them when an analytics read
    asked for its own flush: that one found nothing pending, returned at once, and the read
    missed the views being written (a verification counted once instead of twice)."""
    credential_id = issue(api, create_group(api)["id"])["id"]
    with database.session(readonly=True) as session:
        credential = session.get(Credential, credential_id)
    assert credential is not None
    writing, release = threading.Event(), threading.Event()
    write = page_views._write

    def slow_write(session: Session, views: list[dict[str, Any]]) -> int:
        writing.set()
        assert release.wait(timeout=30)
        return write(session, views)

    monkeypatch.setattr(page_views, "_write", slow_write)
    views = PageViews(database)
    views.add(credential, by_recipient=False)
    interval = threading.Thread(target=views.flush)
    interval.start()
    assert writing.wait(timeout=30)
    assert views.has_pending  # taken, not yet written

    read = threading.Thread(target=views.flush)
    read.start()
    read.join(timeout=0.3)
    assert read.is_alive()  # waits for the flush that is writing
    release.set()
    read.join(timeout=30)
    interval.join(timeout=30)
    assert not read.is_alive() and not interval.is_alive()
    assert stored_views(database, credential_id) == 1
    assert not views.has_pending
