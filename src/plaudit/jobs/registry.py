"""Which function runs each kind of job.

A handler must be safe to run twice: a worker can die after the handler's work was committed but
before the job was marked done, and then another worker runs the job again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from plaudit.settings import Settings
from plaudit.store.db import Database


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the job's payload and the means to open its own transactions."""

    database: Database
    settings: Settings
    job_id: int
    attempt: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class JobHandler:
    run: Callable[[JobContext], None]
    # Called in the transaction that records the job as failed for good.
    on_give_up: Callable[[Session, dict[str, Any]], None] | None = None


@dataclass(frozen=True)
class PeriodicContext:
    """What a periodic task gets: it runs when a worker finds no job due."""

    database: Database
    settings: Settings
    worker_id: str
    now: datetime
    clock: Callable[[], datetime]


# Returns whether it did some work (the worker then looks again without waiting).
PeriodicTask = Callable[[PeriodicContext], bool]


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, JobHandler] = {}
        self.periodic: list[PeriodicTask] = []

    def register(self, kind: str, handler: JobHandler) -> None:
        self._handlers[kind] = handler

    def add_periodic(self, task: PeriodicTask) -> None:
        self.periodic.append(task)

    def get(self, kind: str) -> JobHandler | None:
        return self._handlers.get(kind)
