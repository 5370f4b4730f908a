"""Public page views, counted in batches (docs/adr/0011-batched-page-views.md).

A view used to be a write transaction of its own: a second thread hop and, on SQLite, the
database's one write lock for every page shown. Views are not acknowledged writes, so each
process keeps them in memory and writes them every `PLAUDIT_PAGE_VIEW_FLUSH_SECONDS`, all in
one transaction; at shutdown, and before this process reads analytics, it writes what it
holds first. A crash loses at most that interval's views.

Verifications (`verify` events: web/live_verification.py, web/verify_page.py) go through the
same batch, for the same reasons: a verification only reads, and should never wait for, or
fail on, SQLite's write lock.
"""

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import uuid4

from fastapi import Depends, FastAPI, Request
from sqlalchemy import insert
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from plaudit.domain import analytics as rules
from plaudit.services import analytics_counts
from plaudit.store.db import Database
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.store.tables import Credential, utcnow

logger = logging.getLogger("plaudit.web")

# Views kept while the database cannot take them; past this, new ones are dropped (and logged).
MAX_PENDING = 100_000


class PageViews:
    """The views of this process not yet written. Thread-safe: pages add from the event loop,
    flushes run in worker threads."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._dropped = 0
        # One flush at a time, held while it writes: a flush asked for while another writes
        # returns only once those views are in the database too.
        self._flushing = threading.Lock()

    def add(self, credential: Credential, *, by_recipient: bool) -> None:
        self._add(credential.organization_id, credential.id, rules.VIEW, None, by_recipient)

    def add_verification(
        self, organization_id: int, credential_id: int, *, channel: str, by_recipient: bool
    ) -> None:
        """A `verify` event: someone verified one of our credentials `channel` (where)."""
        rules.check_event(rules.VERIFY, channel)
        self._add(organization_id, credential_id, rules.VERIFY, channel, by_recipient)

    def _add(
        self,
        organization_id: int,
        credential_id: int,
        kind: str,
        channel: str | None,
        by_recipient: bool,
    ) -> None:
        moment = utcnow()
        view = {
            "organization_id": organization_id,
            "credential_id": credential_id,
            "kind": kind,
            "channel": channel,
            "by_recipient": by_recipient,
            "uuid": uuid4(),
            "created_at": moment,
            "updated_at": moment,
        }
        with self._lock:
            if len(self._pending) >= MAX_PENDING:
                self._dropped += 1
                return
            self._pending.append(view)

    @property
    def has_pending(self) -> bool:
        """Whether some views are not written yet: kept, or being written by a flush."""
        return bool(self._pending) or self._flushing.locked()

    def flush(self) -> int:
        """Writes the pending views in one transaction of their own, and counts them
        (services/analytics_counts.py); how many it wrote. The views of a credential deleted
        since are dropped. Waits for a flush already writing, so that every view added before
        the call is written when it returns."""
        with self._flushing:
            views = self._take()
            if not views:
                return 0
            try:
                with self.database.writing_session() as session:
                    written = _write(session, views)
                    session.commit()
            except BaseException:
                self._restore(views)
                raise
            return written

    def _take(self) -> list[dict[str, Any]]:
        with self._lock:
            views, self._pending = self._pending, []
            dropped, self._dropped = self._dropped, 0
        if dropped:
            fields = {"dropped": dropped, "kept": MAX_PENDING}
            logger.warning("web.page_views_dropped", extra={"fields": fields})
        return views

    def _restore(self, views: list[dict[str, Any]]) -> None:
        with self._lock:
            self._pending[:0] = views[: max(0, MAX_PENDING - len(self._pending))]


def _write(session: Session, views: list[dict[str, Any]]) -> int:
    found = analytics_counts.homes(session, (view["credential_id"] for view in views))
    kept = [view for view in views if view["credential_id"] in found]
    if kept:
        session.execute(insert(AnalyticsEvent), kept)
        counted = [
            analytics_counts.Event(
                view["credential_id"], view["kind"], view["channel"], view["created_at"]
            )
            for view in kept
        ]
        analytics_counts.count(session, counted, found)
    return len(kept)


def of(request: Request) -> PageViews:
    return request.app.state.page_views


async def _written(request: Request) -> None:
    """Writes this process's pending views, if any, before the request reads analytics."""
    views = of(request)
    if views.has_pending:
        await run_in_threadpool(views.flush)


ViewsWritten = Annotated[None, Depends(_written)]
"""A dependency of the handlers that read analytics: this process's views count at once."""


@asynccontextmanager
async def flushing(app: FastAPI) -> AsyncIterator[None]:
    """Writes the pending views every interval while the app runs, and once more at shutdown."""
    views: PageViews = app.state.page_views
    interval = app.state.settings.page_view_flush_seconds
    task = asyncio.create_task(_flush_every(views, interval))
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await run_in_threadpool(views.flush)


async def _flush_every(views: PageViews, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(views.flush)
        except Exception:
            # The database is busy or down: the views stay pending for the next round.
            logger.warning("web.page_views_flush_failed", exc_info=True)
