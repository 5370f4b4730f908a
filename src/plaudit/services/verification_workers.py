"""Examining submitted credentials in worker processes that can be stopped.

Anyone may POST anything to `/verify`, and the costly part of a verification (reading a baked
image, canonicalizing JSON-LD, which pyld does in time that grows with the square of a list or
worse, validating the schema) is pure Python holding the GIL: in a thread, one hostile request
would slow every other answer, and no thread can be stopped. So `openbadges.verify.examine`
runs here, in a small pool of worker processes (plaudit.killable_pool), each with an
address-space limit.
A worker still examining a submission when its time budget runs out is killed and replaced,
and the submission is answered "took longer than N seconds to verify"; so is one that waited
twice that long for a free worker. The cheap rest of a verification (keys, status lists,
signatures, dates) runs in the server, against the database (services/verification.py).

The pool starts on first use (a worker imports pyld and jsonschema in about a second) and is
closed with the app (its lifespan) or with the CLI command that made it.
"""

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plaudit.killable_pool import KillablePool, ProcessExpired
from plaudit.openbadges.json_bounds import Bounds
from plaudit.openbadges.verify import Examined, examine

if TYPE_CHECKING:  # workers import this module: they need no settings
    from plaudit.settings import Settings

logger = logging.getLogger("plaudit.verify")
# A worker is replaced after this many examinations, so that what its caches hold stays bounded.
TASKS_PER_WORKER = 1000
MEMORY_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    workers: int
    timeout_seconds: float
    bounds: Bounds

    @classmethod
    def of(cls, settings: "Settings") -> "Limits":
        return cls(
            workers=settings.verify_workers,
            timeout_seconds=settings.verify_timeout_seconds,
            bounds=Bounds(max_nodes=settings.verify_max_nodes),
        )


class VerificationWorkers:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._pool = KillablePool("verify", limits.workers, MEMORY_BYTES, TASKS_PER_WORKER)

    async def examine(self, data: bytes) -> Examined:
        """`examine(data)` in a worker; a failed Examined when it runs out of time (the
        worker is then killed) or its worker fails. The worker's own limit runs from when it
        takes the task; twice that bounds the wait for a free (or newly started) worker too."""
        timeout = self.limits.timeout_seconds
        try:
            return await self._pool.run_async(
                timeout, 2 * timeout, examine, data, self.limits.bounds
            )
        except TimeoutError:
            return self._too_long()
        except Exception as error:
            return _failed(error)

    def examine_blocking(self, data: bytes) -> Examined:
        """As `examine`, for callers without an event loop (the CLI)."""
        try:
            return self._pool.run(self.limits.timeout_seconds, examine, data, self.limits.bounds)
        except TimeoutError:
            return self._too_long()
        except Exception as error:
            return _failed(error)

    def close(self) -> None:
        self._pool.close()

    def _too_long(self) -> Examined:
        seconds = self.limits.timeout_seconds
        unit = "second" if seconds == 1 else "seconds"
        return Examined(
            submission=None,
            error=f"took longer than {seconds:g} {unit} to verify: too large or too intricate",
        )


def _failed(error: Exception) -> Examined:
    """The answer when the worker raised or died: MemoryError past its address-space limit,
    ProcessExpired when the system killed it; anything else is a bug, logged."""
    if isinstance(error, MemoryError | ProcessExpired):
        reason = "too large to verify: it needs more memory than a verification may have"
    else:
        logger.error("verify.examine_failed", exc_info=error)
        reason = "could not be verified: the verifier failed on it"
    return Examined(submission=None, error=reason)
