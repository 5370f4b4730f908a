"""The worker that runs inside each server process unless PLAUDIT_WORKER_IN_PROCESS=false."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from plaudit.jobs.worker import Worker, WorkerThread


@asynccontextmanager
async def worker_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start a worker thread with the app; on shutdown, let its job under way finish."""
    settings = app.state.settings
    if not settings.worker_in_process:
        yield
        return
    thread = WorkerThread(Worker(app.state.database, settings))
    thread.start()
    app.state.worker = thread
    try:
        yield
    finally:
        await run_in_threadpool(thread.stop)
