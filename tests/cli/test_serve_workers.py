"""`plaudit serve --workers N` gives each spawned worker time to import Plaudit before uvicorn's
health check gives up on it: with uvicorn's 5 s default, a busy 2-core machine killed and
respawned every worker without end, and the server never answered."""

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from plaudit import cli
from plaudit.settings import get_settings
from tests.support.postgres import free_port


def test_workers_get_time_to_start(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLAUDIT_DATABASE_URL", database_url)
    monkeypatch.setenv("PLAUDIT_DATA_DIR", str(tmp_path))
    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **options: runs.append(options))
    get_settings.cache_clear()
    try:
        cli.serve(host="127.0.0.1", port=free_port(), workers=2)
    finally:
        get_settings.cache_clear()
    (options,) = runs
    assert options["workers"] == 2
    assert options["timeout_worker_healthcheck"] >= 30
