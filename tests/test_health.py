"""`GET /healthz` and the database ping under it: no session, on SQLite no thread hop, and the
same 503 with Retry-After as any request meets while the database cannot answer."""

import shutil
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from plaudit.http.database_ping import DatabasePing
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.outage import database_outage
from tests.support.event_loop import run_coroutine
from tests.support.live_server import start_live_server


def _sqlite(directory: Path) -> Database:
    return Database(f"sqlite:///{directory / 'plaudit.db'}", lock_timeout_seconds=1)


def test_healthz_answers_get_only(http: httpx.Client) -> None:
    assert http.head("/healthz").status_code == 405
    refused = http.post("/healthz")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET"


def test_a_sqlite_ping_answers_while_another_connection_holds_the_write_lock(
    tmp_path: Path,
) -> None:
    database = _sqlite(tmp_path)
    ping = DatabasePing(database)
    writer = sqlite3.connect(tmp_path / "plaudit.db", isolation_level=None)
    try:
        run_coroutine(ping())
        writer.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        run_coroutine(ping())
        assert time.monotonic() - started < 0.5
    finally:
        writer.close()
        ping.close()
        database.dispose()


def test_a_sqlite_ping_whose_connection_broke_reports_the_outage_then_recovers(
    tmp_path: Path,
) -> None:
    home = tmp_path / "db"
    database = _sqlite(home)
    ping = DatabasePing(database)
    try:
        run_coroutine(ping())
        # The database can no longer be opened, and the connection the ping kept is gone.
        database.dispose()
        ping._held.driver_connection.close()  # type: ignore[union-attr]
        shutil.move(home, tmp_path / "elsewhere")
        home.write_text("not a directory")
        with pytest.raises(OperationalError) as raised:
            run_coroutine(ping())
        outage = database_outage(raised.value)
        assert outage is not None and outage.reason == "unreachable"

        home.unlink()
        shutil.move(tmp_path / "elsewhere", home)
        run_coroutine(ping())
        run_coroutine(ping())
    finally:
        ping.close()
        database.dispose()


def test_healthz_on_sqlite_answers_503_while_the_database_cannot_be_opened(
    tmp_path: Path,
) -> None:
    home = tmp_path / "db"
    database = _sqlite(home)
    server = start_live_server(Settings(data_dir=tmp_path / "data"), database)
    try:
        url = f"{server.base_url}/healthz"
        assert httpx.get(url, timeout=30).json() == {"status": "ok", "database": "up"}
        ping: DatabasePing = server.server.config.app.state.database_ping
        ping.close()
        database.dispose()
        shutil.move(home, tmp_path / "elsewhere")
        home.write_text("not a directory")

        down = httpx.get(url, timeout=30)
        assert down.status_code == 503
        assert down.headers["retry-after"] == "15"
        assert down.json() == {"status": "unavailable", "database": "down"}

        home.unlink()
        shutil.move(tmp_path / "elsewhere", home)
        up = httpx.get(url, timeout=30)
        assert up.status_code == 200
        assert up.headers["content-type"] == "application/json"
        assert up.json() == {"status": "ok", "database": "up"}
    finally:
        server.stop()
        database.dispose()
