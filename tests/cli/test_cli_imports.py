"""`plaudit --help` and the light commands import only what they use: the whole of Plaudit
(FastAPI, rendering, JSON-LD) takes seconds to import, which every command and every test that
runs one would pay."""

import json
import os
import subprocess
import sys
from pathlib import Path

from plaudit.notifications import cli as outbox_cli
from plaudit.store import notification_tables

# What a command that serves no page, renders nothing and checks no proof has no use for.
HEAVY = ("fastapi", "plaudit.render.pdf", "plaudit.render.raster", "pyld", "reportlab")

# Runs a command in this process, then prints the modules it imported.
PROGRAM = """
import json, sys
from plaudit.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(tmp_path: Path, *args: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAUDIT_")}
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args],
        env={**env, "PLAUDIT_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_help_imports_neither_the_database_nor_the_server(tmp_path: Path) -> None:
    imported = _modules_after(tmp_path, "--help")
    assert not {*HEAVY, "sqlalchemy", "pydantic", "plaudit.store.tables"} & imported


def test_light_commands_import_no_server_and_no_rendering(tmp_path: Path) -> None:
    _modules_after(tmp_path, "init")
    for command in (["orgs", "list"], ["keys", "create"], ["credits", "show"], ["db", "upgrade"]):
        imported = _modules_after(tmp_path, *command)
        assert "plaudit.store.tables" in imported  # the command did run
        assert not set(HEAVY) & imported, command


def test_the_outbox_help_names_the_outbox_states() -> None:
    assert outbox_cli.STATES == notification_tables.STATES
