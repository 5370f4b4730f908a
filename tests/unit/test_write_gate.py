"""SQLite writers of different processes queue on the lock file beside the database, not in
SQLite's busy handler. Two gates (or two Database objects) on one file stand for two processes:
each has its own thread lock and its own descriptors."""

import threading
from pathlib import Path

import pytest

from plaudit.store.db import Database
from plaudit.store.outage import DatabaseUnavailable
from plaudit.store.write_gate import WriteGate


def test_a_writer_of_another_process_waits_its_turn(tmp_path: Path) -> None:
    lock_file = tmp_path / "plaudit.db-writer.lock"
    first, second = WriteGate(lock_file, 5.0), WriteGate(lock_file, 5.0)
    order: list[str] = []
    first_holds = threading.Event()

    def hold_then_release() -> None:
        with first.turn():
            first_holds.set()
            order.append("first writes")
            threading.Event().wait(0.2)
            order.append("first done")

    holder = threading.Thread(target=hold_then_release)
    holder.start()
    first_holds.wait()
    with second.turn():
        order.append("second writes")
    holder.join()
    assert order == ["first writes", "first done", "second writes"]


def test_a_writer_gives_up_after_the_lock_timeout_and_leaves_no_lock_behind(
    tmp_path: Path,
) -> None:
    lock_file = tmp_path / "plaudit.db-writer.lock"
    first, second = WriteGate(lock_file, 5.0), WriteGate(lock_file, 0.1)
    with first.turn():
        with pytest.raises(DatabaseUnavailable) as raised, second.turn():
            pass
        assert raised.value.reason == "busy"
    # The abandoned wait got the lock when `first` let go, and released it at once.
    with WriteGate(lock_file, 5.0).turn():
        pass


def test_two_databases_on_one_file_never_meet_sqlites_busy_handler(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plaudit.db'}"
    first, second = Database(url), Database(url, lock_timeout_seconds=0.1)
    try:
        assert (tmp_path / "plaudit.db-writer.lock").stat().st_mode & 0o777 == 0o600
        with (
            first.writing_session() as session,
            session.begin(),
            pytest.raises(DatabaseUnavailable),
            second.writing_session(),
        ):
            pass
    finally:
        first.dispose()
        second.dispose()
