"""Fixtures: every storage test runs on SQLite and on a real PostgreSQL server started here."""

import gc
from collections.abc import Iterator

import httpx
import pytest
from argon2 import PasswordHasher

from plaudit.dashboard import passwords
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from tests.support.live_server import LiveServer, start_live_server
from tests.support.postgres import PostgresServer, find_server_binaries, free_port, temporary_root
from tests.support.tenants import Tenant, make_tenant

BACKENDS = ("sqlite", "postgresql")


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the test modules imported lives as long as the run: the garbage collector need
    not walk it again. A full collection walks every live object, and in this process the
    live servers of the tests run too: over the 370,000 objects collection leaves, its pauses
    (up to half a second on a 2-core machine, and growing) fell inside timed requests."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    """argon2id with the lowest cost for the servers this process runs: at the production cost
    one hash takes seconds on a busy 2-core machine, and every dashboard test signs in. The
    hashes stay argon2id, the decoy too (it follows the hasher); tests/unit/test_passwords.py
    checks the production parameters."""
    production = passwords._HASHER
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._HASHER = production


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_server_binaries()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: PostgreSQL runs skipped"
        )
    server = PostgresServer(bin_dir, temporary_root(), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'plaudit.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database("plaudit_test")


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Settings:
    # The whole suite comes from one address: tests/test_rate_limit.py tests the limits.
    # No worker runs in the shared server: tests/jobs/ start the workers they need.
    # Nothing is fetched from other issuers (tests must not reach beyond loopback):
    # tests/openbadges/test_remote_issuers.py starts the servers that fetch.
    return Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        database_url=database_url,
        rate_limit_enabled=False,
        worker_in_process=False,
        verify_fetch=False,
    )


@pytest.fixture(scope="session")
def live_server(settings: Settings, database: Database) -> Iterator[LiveServer]:
    server = start_live_server(settings, database)
    yield server
    server.stop()


@pytest.fixture
def tenant(database: Database) -> Tenant:
    """A fresh organization per test: tests never see each other's data."""
    return make_tenant(database)


@pytest.fixture
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client for the live server, with no credentials."""
    with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def api(live_server: LiveServer, tenant: Tenant) -> Iterator[httpx.Client]:
    """An HTTP client for the live server, authenticated as the test's tenant."""
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as client:
        yield client
