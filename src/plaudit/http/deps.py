"""FastAPI dependencies shared by the dialects.

Handlers are `async` and hand all their database work to `Work`, which runs it in one thread-pool
call: each sync dependency or handler would cost a thread hop of its own, and those hops, not
the queries, dominated the time of a request.
"""

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from plaudit.settings import Settings
from plaudit.store.db import Database

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


class Work:
    """Runs a request's database work in a worker thread, in one session.

    Reads get a read-only session; anything else a writing one. The function commits what it
    wants kept; whatever it leaves uncommitted is rolled back when the session closes.
    Creates read in `read` and write in `grouped`: committed together with the creates queued
    beside them.
    """

    def __init__(self, database: Database, *, readonly: bool) -> None:
        self.database = database
        self.readonly = readonly

    async def __call__(self, function: Callable[[Session], T]) -> T:
        return await run_in_threadpool(self._run, function)

    async def read(self, function: Callable[[Session], T]) -> T:
        """`function` in a read-only session whatever the method: the part of a create that
        only reads (checks, look-ups, signing) runs before its turn to write, beside others."""
        return await run_in_threadpool(self._read, function)

    async def grouped(self, function: Callable[[Session], T]) -> T:
        """`function`'s result once it is committed (store/group_commit.py). It must not
        commit: its batch does; an exception it raises undoes its writes alone."""
        return await self.database.group_commit(function)

    def _run(self, function: Callable[[Session], T]) -> T:
        if self.readonly:
            return self._read(function)
        with self.database.writing_session() as session:
            return function(session)

    def _read(self, function: Callable[[Session], T]) -> T:
        with self.database.session(readonly=True) as session:
            return function(session)


async def get_work(request: Request) -> Work:
    return Work(request.app.state.database, readonly=request.method in READ_METHODS)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_server_secret(request: Request) -> bytes:
    return request.app.state.server_secret


DbWork = Annotated[Work, Depends(get_work)]
AppSettings = Annotated[Settings, Depends(get_settings)]
ServerSecret = Annotated[bytes, Depends(get_server_secret)]
