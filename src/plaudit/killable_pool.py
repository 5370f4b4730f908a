"""Worker processes for work that may crash, hang or eat memory on hostile input.

Drawing tenant-supplied designs (native code: resvg can overflow its stack) and examining
credentials anyone may post (pure Python that can take minutes) must not run in the server's
own process: a crash there cannot be caught and a hung thread cannot be stopped. A KillablePool
runs such work in a few worker processes (pebble), each with an address-space limit, and kills
and replaces a worker whose task outlives its timeout. A worker that dies fails only its own
task; a pool broken by workers killed while idle is replaced, and the task tried once more.

Workers are started by `spawn`, not `fork` (the server has threads, and a child forked from
them may hang), on first use; they import what their task needs, so the first task waits for
that.
"""

import asyncio
import logging
import multiprocessing
import resource
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

T = TypeVar("T")
logger = logging.getLogger("plaudit.workers")

__all__ = ["KillablePool", "ProcessExpired"]


def _limit_memory(memory_bytes: int) -> None:
    """Runs first in every worker: an allocation past the limit fails in the worker alone."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


class KillablePool:
    def __init__(self, name: str, workers: int, memory_bytes: int, tasks_per_worker: int) -> None:
        self.name = name
        self.workers = workers
        self.memory_bytes = memory_bytes
        self.tasks_per_worker = tasks_per_worker  # then a worker is replaced: caches stay bounded
        self._lock = threading.Lock()
        self._pool: ProcessPool | None = None

    def run(self, timeout: float, function: Callable[..., T], *args: Any) -> T:
        """function(*args) in a worker, killed `timeout` seconds after it starts: raises
        TimeoutError then, ProcessExpired when the worker died, and what function raised."""
        for attempt in (1, 2):
            pool = self._started()
            try:
                return self._submit(pool, timeout, function, args).result()
            except BrokenProcessPool:
                self._replace(pool, attempt)
        raise ProcessExpired(f"the {self.name} workers keep stopping")

    async def run_async(
        self, timeout: float, wait: float, function: Callable[..., T], *args: Any
    ) -> T:
        """As run, without blocking the event loop; waits at most `wait` seconds in all,
        counting the wait for a free worker (raises TimeoutError past it, and the task is
        cancelled, which stops its worker)."""
        for attempt in (1, 2):
            pool = self._started()
            future = asyncio.wrap_future(self._submit(pool, timeout, function, args))
            try:
                return await asyncio.wait_for(future, wait)
            except BrokenProcessPool:
                self._replace(pool, attempt)
        raise ProcessExpired(f"the {self.name} workers keep stopping")

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            _stop(pool)

    def _submit(
        self, pool: ProcessPool, timeout: float, function: Callable[..., T], args: tuple[Any, ...]
    ) -> Future[T]:
        return pool.schedule(function, args=args, timeout=timeout)

    def _replace(self, pool: ProcessPool, attempt: int) -> None:
        logger.warning(
            "workers.pool_broken", extra={"fields": {"pool": self.name, "attempt": attempt}}
        )
        with self._lock:
            if self._pool is pool:
                self._pool = None
        _stop(pool)

    def _started(self) -> ProcessPool:
        with self._lock:
            if self._pool is None or not self._pool.active:
                self._pool = ProcessPool(
                    max_workers=self.workers,
                    max_tasks=self.tasks_per_worker,
                    initializer=_limit_memory,
                    initargs=(self.memory_bytes,),
                    context=multiprocessing.get_context("spawn"),
                )
            return self._pool


def _stop(pool: ProcessPool) -> None:
    pool.stop()
    pool.join(timeout=10)
