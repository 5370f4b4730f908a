"""The data directory is 0700 and the SQLite database, its -wal and -shm and the secret are 0600,
whatever the umask; looser ones found at start-up are tightened and the tightening is logged.
(SQLite only: PostgreSQL keeps its own files.)"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.postgres import free_port
from tests.support.serving import wait_until_serving

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


def _env(data: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAUDIT_")}
    return env | {"PLAUDIT_DATA_DIR": str(data)}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(data: Path) -> dict[str, int]:
    return {path.name: _mode(path) for path in data.iterdir()}


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask-0022", "umask-0000"])
def test_init_makes_private_files_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    data = tmp_path / "data"
    done = subprocess.run(
        [PLAUDIT, "init"], env=_env(data), umask=umask, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert _mode(data) == 0o700
    modes = _modes(data)
    assert {"plaudit.db", "secret_key"} <= modes.keys()
    assert set(modes.values()) == {0o600}, modes


def test_the_wal_and_shm_of_a_running_server_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    server = subprocess.Popen(
        [PLAUDIT, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(data),
        umask=0,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}")
        modes = _modes(data)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert {"plaudit.db", "plaudit.db-wal", "plaudit.db-shm"} <= modes.keys()
    assert set(modes.values()) == {0o600}, modes
    assert _mode(data) == 0o700


def test_looser_files_found_at_start_up_are_tightened_and_logged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = _env(data)
    subprocess.run([PLAUDIT, "init"], env=env, capture_output=True, timeout=60, check=True)
    data.chmod(0o755)
    (data / "plaudit.db").chmod(0o644)
    (data / "secret_key").chmod(0o644)
    done = subprocess.run(
        [PLAUDIT, "init", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert _mode(data) == 0o700
    assert set(_modes(data).values()) == {0o600}
    logged = [json.loads(line) for line in done.stderr.splitlines()]
    tightened = {Path(line["path"]).name for line in logged if "tightened" in line["event"]}
    assert tightened == {"data", "plaudit.db", "secret_key"}
