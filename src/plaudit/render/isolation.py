"""Drawing in worker processes, so that no design can take the server down.

resvg and reportlab draw tenant-supplied SVG. resvg is native code: a design it cannot handle
overflows its stack or runs out of memory, and that kills the process it runs in, where no
`except` can help; a merely slow design holds a core. So every drawing runs in a KillablePool:
worker processes with an address-space limit, each drawing with a wall-clock limit after which
its worker is killed and replaced. A worker that dies takes only its own drawing with it: the
caller gets RenderFailed and draws the built-in design instead.

The pool is shared by every app and job runner in the process and starts on first use (a worker
imports the rendering libraries in about half a second).
"""

import atexit
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from plaudit.killable_pool import KillablePool, ProcessExpired
from plaudit.render.raster import RenderFailed

if TYPE_CHECKING:  # workers import this module: they need no settings
    from plaudit.settings import Settings

T = TypeVar("T")
TASKS_PER_WORKER = 500


@dataclass(frozen=True)
class Limits:
    workers: int = 2
    timeout_seconds: float = 10.0
    memory_bytes: int = 1024 * 1024 * 1024


_lock = threading.Lock()
_limits = Limits()
_pool = KillablePool("render", _limits.workers, _limits.memory_bytes, TASKS_PER_WORKER)


def configure_from(settings: "Settings") -> None:
    """The pool as the `PLAUDIT_RENDER_*` settings say (the app and `plaudit worker`)."""
    configure(settings.render_workers, settings.render_timeout_seconds, settings.render_memory_mb)


def configure(workers: int, timeout_seconds: float, memory_mb: int) -> None:
    """Sets the pool's size and limits; a running pool with others is replaced."""
    global _limits, _pool
    limits = Limits(workers, timeout_seconds, memory_mb * 1024 * 1024)
    with _lock:
        if limits == _limits:
            return
        old, _limits = _pool, limits
        _pool = KillablePool("render", workers, limits.memory_bytes, TASKS_PER_WORKER)
    old.close()


def limits() -> Limits:
    return _limits


def run(function: Callable[..., T], *args: Any) -> T:
    """function(*args) in a render worker; raises RenderFailed when the worker dies or runs out
    of time, and whatever function raised otherwise."""
    pool, timeout = _pool, _limits.timeout_seconds
    try:
        return pool.run(timeout, function, *args)
    except TimeoutError:
        raise RenderFailed(f"drawing took longer than {timeout:g} seconds") from None
    except ProcessExpired as expired:
        raise RenderFailed(f"the drawing process died ({expired})") from None


def close() -> None:
    _pool.close()


atexit.register(close)
