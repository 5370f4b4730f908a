"""A running `plaudit serve` for load benches: its base URL and process id (for /proc), set up
with one group and one issued credential to read back."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from issue_credentials import (
    create_group,
    credential_body,
    free_port,
    log,
    start_server,
    stop_server,
    wait_until_healthy,
)
from proc_stats import descendants

sys.path.append(str(Path(__file__).resolve().parent.parent))  # the checkout: tests.support
from tests.support import postgres


@dataclass(frozen=True)
class Target:
    """What the read measures fetch, made before the load starts."""

    group_id: int
    credential_id: int
    encoded_id: str


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    pid: int
    workers: int

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's spawned workers, or the one process."""
        if self.workers == 1:
            return [self.pid]
        return [pid for pid in descendants(self.pid) if _is_spawned_worker(pid)]


def _is_spawned_worker(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    return b"spawn_main" in command and b"resource_tracker" not in command


@contextmanager
def running(env: dict[str, str], workers: int) -> Iterator[RunningServer]:
    """`plaudit serve --workers N` on a free loopback port, answering /healthz. Always stopped."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = start_server(env, port, workers)
    try:
        wait_until_healthy(base_url, process)
        yield RunningServer(base_url, process.pid, workers)
    finally:
        stop_server(process)


async def prepare(base_url: str, api_key: str) -> Target:
    """A group, and one credential issued in it for the read measures."""
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Token token={api_key}"}, timeout=60.0
    ) as client:
        group_id = await create_group(client)
        response = await client.post(
            "/v1/credentials", json={"credential": credential_body("target", 0, group_id)}
        )
        if response.status_code != 200:
            raise RuntimeError(f"issuing the read target: HTTP {response.status_code}")
        credential: dict[str, Any] = response.json()["credential"]
    return Target(group_id, int(credential["id"]), str(credential["encoded_id"]))


class DurablePostgres(postgres.PostgresServer):
    """tests/support/postgres.py's throw-away server, but with PostgreSQL's durable defaults
    (fsync and synchronous commit on): a created credential is on disk, as in production."""

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._as_server_user_own(self.root)
        self._run("initdb", "-D", str(self.data_dir), "-U", "plaudit", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -h 127.0.0.1 -k {self.root} -c max_connections=200"
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", str(self.root / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip


@contextmanager
def durable_postgres() -> Iterator[DurablePostgres]:
    """A DurablePostgres in a temporary directory, stopped and removed afterwards."""
    binaries = postgres.find_server_binaries()
    if binaries is None:
        raise RuntimeError("no initdb/pg_ctl found for a throw-away PostgreSQL server")
    server = DurablePostgres(binaries, postgres.temporary_root(), postgres.free_port())
    log("starting a throw-away PostgreSQL server")
    server.start()
    try:
        yield server
    finally:
        server.stop()
