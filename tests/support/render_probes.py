"""Functions a render worker process runs in tests: each misbehaves as a hostile design can."""

import os
import signal
import time


def crash() -> bytes:
    os.kill(os.getpid(), signal.SIGSEGV)
    return b""


def sleep(seconds: float) -> bytes:
    time.sleep(seconds)
    return b"slept"


def allocate(megabytes: int) -> bytes:
    return bytes(megabytes * 1024 * 1024)[:1]


def pid() -> int:
    return os.getpid()
