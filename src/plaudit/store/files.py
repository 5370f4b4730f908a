"""The data directory and the SQLite files are private to the server's user, whatever the umask.

They hold recipients' names and emails, API key hashes and the server's secret. Directories get
0700 and files 0600, set with chmod (the umask only ever removes bits, and can remove too many).
SQLite gives a database's -wal and -shm files the main file's mode, so the main file is made
0600 before SQLite first opens it. A looser directory or file found at start-up is tightened, and
the tightening is logged. Directories shared by others (sticky, like /tmp) or owned by another
user are left alone, with a warning.
"""

import errno
import logging
import os
import stat
from pathlib import Path

PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")

logger = logging.getLogger("plaudit.files")


def private_directory(path: Path) -> None:
    """Makes `path` (and missing parents) and leaves it 0700."""
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        if not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(path)) from None
        _restrict(path, PRIVATE_DIRECTORY)
    else:
        os.chmod(path, PRIVATE_DIRECTORY)


def private_file(path: Path) -> None:
    """Makes `path` empty when missing, and leaves it 0600."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        pass
    else:
        os.fchmod(descriptor, PRIVATE_FILE)
        os.close(descriptor)
        return
    _restrict(path, PRIVATE_FILE)


def private_sqlite_database(path: Path) -> None:
    """Before SQLite opens `path`: its directory 0700, the file (an empty file is an empty
    database) and any -wal, -shm or -journal beside it 0600."""
    private_directory(path.parent)
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _restrict(companion, PRIVATE_FILE)


def _restrict(path: Path, mode: int) -> None:
    status = path.stat()
    current = stat.S_IMODE(status.st_mode)
    if current & ~mode == 0:
        return
    fields = {"path": str(path), "mode": f"{current:o}", "wanted": f"{mode:o}"}
    if status.st_mode & stat.S_ISVTX or status.st_uid != os.geteuid():
        logger.warning("files.permissions_left_open", extra={"fields": fields})
        return
    os.chmod(path, current & mode)
    logger.warning("files.permissions_tightened", extra={"fields": fields})
