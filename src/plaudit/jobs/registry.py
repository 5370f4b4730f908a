"""Which function runs each kind of job.

A handler must be safe to run twice: a worker can die after the handler's work was committed but
before the job was marked done, and then another worker runs the job again.
"""

from collections.abc import Callable
from dataclasses import dataclass
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


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, JobHandler] = {}

    def register(self, kind: str, handler: JobHandler) -> None:
        self._handlers[kind] = handler

    def get(self, kind: str) -> JobHandler | None:
        return self._handlers.get(kind)
