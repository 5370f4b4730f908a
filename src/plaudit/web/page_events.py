"""Records what visitors do on the public pages (views, shares, downloads, link clicks) as
analytics events, which `GET /v1/analytics` then lists."""

from fastapi import Request
from sqlalchemy.orm import Session

from plaudit.http.deps import Work
from plaudit.services import analytics
from plaudit.web.credential_access import Visit


async def record(request: Request, visit: Visit, kind: str, channel: str | None = None) -> None:
    """One event, in a short transaction of its own: pages read in a read-only session and
    write only this row, so on SQLite they hold the write lock for one insert."""

    def run(session: Session) -> None:
        analytics.record(
            session, visit.credential, kind, channel=channel, by_recipient=visit.by_recipient
        )
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
