"""`plaudit worker`, except that its data export stops half-way: after reading the first row
it touches the file named by $DYING_WORKER_MARKER and hangs, for the test to kill it there."""

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from plaudit.cli import app
from plaudit.services import export_files


def _hang_half_way(names: list[str], rows: Iterable[Any], year: int) -> Any:
    next(iter(rows))
    Path(os.environ["DYING_WORKER_MARKER"]).touch()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    export_files.encode = _hang_half_way
    app(["worker"])
