"""Notifications tests run on a database of their own (the dispatcher and the sender work on
every organization of a database), with a live server on it and a loopback SMTP server."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from plaudit.cli import app
from plaudit.jobs.worker import Worker
from plaudit.settings import Settings, get_settings
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from tests.credly.lifecycle_helpers import Org, make_org
from tests.support.databases import new_database_url
from tests.support.live_server import LiveServer, start_live_server
from tests.support.smtp_server import SmtpServer, smtp_server
from tests.support.tenants import Tenant, make_tenant

SENDER = "Test Academy <badges@academy.test>"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def mail_database_url(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> str:
    name = f"plaudit_{Path(request.path).stem}"
    return new_database_url(request, database_url, tmp_path_factory.mktemp("mail"), name)


@pytest.fixture(scope="module")
def mail_database(mail_database_url: str) -> Iterator[Database]:
    database = Database(mail_database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def mail_settings(
    tmp_path_factory: pytest.TempPathFactory, mail_database_url: str, smtp: SmtpServer
) -> Settings:
    """SMTP configured, retries due at once (the tests need no clock), no reminders (the
    badges' dates are years old; test_reminders.py turns them on)."""
    return Settings(
        data_dir=tmp_path_factory.mktemp("mail-data"),
        database_url=mail_database_url,
        rate_limit_enabled=False,
        worker_in_process=False,
        verify_fetch=False,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        smtp_from=SENDER,
        mail_retry_seconds=0.001,
        mail_accept_reminder_days=0,
        mail_expiry_reminder_days=0,
        webhook_allow_hosts="127.0.0.1",
    )


@pytest.fixture(scope="module")
def mail_server(mail_settings: Settings, mail_database: Database) -> Iterator[LiveServer]:
    server = start_live_server(mail_settings, mail_database)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def worker_settings(mail_settings: Settings, mail_server: LiveServer) -> Settings:
    """The worker's settings: its links point at the live server."""
    return mail_settings.model_copy(update={"base_url": mail_server.base_url})


@pytest.fixture
def mail_tenant(mail_database: Database) -> Tenant:
    return make_tenant(mail_database)


@pytest.fixture
def mail_api(mail_server: LiveServer, mail_tenant: Tenant) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Token token={mail_tenant.api_key}"}
    with httpx.Client(base_url=mail_server.base_url, headers=headers, timeout=30) as client:
        yield client


def deliver(database: Database, settings: Settings) -> None:
    """What a worker does when idle, until nothing is left to do: dispatch, remind, send."""
    worker = Worker(database, settings)
    while worker.run_once():
        pass


@pytest.fixture
def org(
    mail_api: httpx.Client, mail_server: LiveServer, mail_database: Database, mail_tenant: Tenant
) -> Iterator[Org]:
    with httpx.Client(base_url=mail_server.base_url, timeout=30) as http:
        yield make_org(mail_api, http, mail_database, mail_tenant)


@contextmanager
def outbox_cli(
    monkeypatch: pytest.MonkeyPatch, **environment: str | None
) -> Iterator[Callable[..., str]]:
    """`plaudit outbox ...` in this process (a subprocess would spend seconds importing), with
    these environment variables set (None: unset); each call returns its output."""
    for name, value in environment.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()

    def command(*args: str) -> str:
        result = CliRunner().invoke(app, ["outbox", *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    try:
        yield command
    finally:
        get_settings.cache_clear()
