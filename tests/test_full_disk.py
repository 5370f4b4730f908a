"""A full disk under SQLite: a write that finds no room is answered 503 with Retry-After in
Accredible's format at once, leaves nothing half written, and the next write after space is
freed succeeds, with no restart. The data directory is a tmpfs of a few MB mounted for this
module (the tests run as root), filled by a file."""

import errno
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from tests.accredible.helpers import create_group, credential_body
from tests.support.live_server import start_live_server
from tests.support.tenants import make_tenant

ATTEMPTS = 300


@dataclass
class SmallDisk:
    data_dir: Path
    database: Database
    api: httpx.Client

    def fill(self) -> Path:
        filler = self.data_dir / "filler"
        chunk = b"\0" * 65536
        with filler.open("wb", buffering=0) as file:
            try:
                while True:
                    file.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
        return filler


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallDisk]:
    data_dir = tmp_path_factory.mktemp("small-disk")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(data_dir)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill: {mounted.stderr.strip()}")
    try:
        settings = Settings(
            data_dir=data_dir,
            rate_limit_enabled=False,
            worker_in_process=False,
            db_lock_timeout_seconds=1,
        )
        database = Database(settings.resolved_database_url, lock_timeout_seconds=1)
        upgrade(database.engine)
        tenant = make_tenant(database)
        server = start_live_server(settings, database)
        headers = {"Authorization": f"Token token={tenant.api_key}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as api:
            yield SmallDisk(data_dir, database, api)
        server.stop()
        database.dispose()
    finally:
        subprocess.run(["umount", "--lazy", str(data_dir)], check=True)


def test_a_full_disk_answers_503_and_writes_resume_once_space_is_freed(
    small_disk: SmallDisk,
) -> None:
    api = small_disk.api
    group = create_group(api)
    filler = small_disk.fill()

    # The database's free pages take some writes first; the one after the last is refused.
    for _attempt in range(ATTEMPTS):
        refused = credential_body(group["id"])
        response = api.post("/v1/credentials", json=refused)
        if response.status_code != 200:
            break
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"].isdigit()
    assert list(response.json()) == ["errors"]
    assert isinstance(response.json()["errors"], str)
    email = refused["credential"]["recipient"]["email"]
    assert _count(small_disk.database, email) == 0
    assert _pragma(small_disk.database, "integrity_check") == [("ok",)]
    assert _pragma(small_disk.database, "foreign_key_check") == []

    filler.unlink()

    created = api.post("/v1/credentials", json=refused)
    assert created.status_code == 200, created.text
    assert _count(small_disk.database, email) == 1
    assert api.get("/healthz").status_code == 200


def _count(database: Database, email: str) -> int:
    with database.engine.connect() as connection:
        query = "SELECT count(*) FROM credentials WHERE recipient_email = :email"
        return connection.execute(sa.text(query), {"email": email}).scalar_one()


def _pragma(database: Database, name: str) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(f"PRAGMA {name}")]
