"""A throwaway PostgreSQL server for the test run: initdb and pg_ctl into a temporary directory."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def server_user() -> str:
    """PostgreSQL refuses to run as root; Debian's package creates `postgres`."""
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "nobody"
    return "postgres"


def find_server_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, or Debian's versioned directory."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    return None


def temporary_root() -> Path:
    """A directory the server user can reach: pytest's own temp tree is private to root."""
    return Path(tempfile.mkdtemp(prefix="plaudit-pg-"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://plaudit@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._as_server_user_own(self.root)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "plaudit",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"postgresql://plaudit@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as connection:
            # FORCE: a connection an earlier module's engine left open (pytest rebuilds a
            # session fixture when its parameter comes round again) must not stop the drop.
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root.
            command = ["runuser", "-u", server_user(), "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")

    @staticmethod
    def _as_server_user_own(path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, user=server_user())
