"""The server's secret: from PLAUDIT_SECRET_KEY, or generated once into the data directory."""

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from plaudit.server_secret import FILE_NAME, server_secret
from plaudit.settings import Settings


def test_generated_once_kept_private_and_reused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert not (tmp_path / "data" / FILE_NAME).exists()  # nothing happens before it is asked for
    first = server_secret(settings)
    path = tmp_path / "data" / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 64
    assert server_secret(settings) == first
    assert server_secret(Settings(data_dir=tmp_path / "other")) != first
    assert [p.name for p in path.parent.iterdir()] == [FILE_NAME]  # no drafts left behind


def test_processes_starting_together_agree(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with ThreadPoolExecutor(8) as pool:
        secrets = set(pool.map(lambda _: server_secret(settings), range(32)))
    assert len(secrets) == 1


def test_configured_secret_wins_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="s" * 40)
    assert server_secret(settings) == b"s" * 40
    assert not (tmp_path / FILE_NAME).exists()
    assert "s" * 40 not in repr(settings)


def test_short_secrets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, secret_key="changeme")


def test_an_emptied_secret_file_is_an_error_not_a_weak_key(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("\n")
    with pytest.raises(RuntimeError, match="PLAUDIT_SECRET_KEY"):
        server_secret(Settings(data_dir=tmp_path))
