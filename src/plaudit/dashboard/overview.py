"""`/dashboard`: the organization at a glance, and the latest credentials."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.http.deps import Work
from plaudit.store.tables import Achievement, Credential

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

LATEST = 10


@dataclass(frozen=True)
class Overview:
    achievements: int
    credentials: int
    issued_last_30_days: int
    latest: list[tuple[Credential, str]]


def _overview(session: Session, organization_id: int, now: datetime) -> Overview:
    def count(query: object) -> int:
        return session.scalar(query) or 0  # type: ignore[call-overload]

    of_org = Credential.organization_id == organization_id
    latest = session.execute(
        select(Credential, Achievement.name)
        .join(Achievement, Achievement.id == Credential.achievement_id)
        .where(of_org)
        .order_by(Credential.id.desc())
        .limit(LATEST)
    ).all()
    return Overview(
        achievements=count(
            select(func.count())
            .select_from(Achievement)
            .where(Achievement.organization_id == organization_id, Achievement.state == "active")
        ),
        credentials=count(select(func.count()).select_from(Credential).where(of_org)),
        issued_last_30_days=count(
            select(func.count())
            .select_from(Credential)
            .where(of_org, Credential.created_at >= now - timedelta(days=30))
        ),
        latest=[(credential, name) for credential, name in latest],
    )


@router.get("/dashboard")
async def overview(
    request: Request, signed_in: Annotated[SignedIn, Depends(require(Action.READ))]
) -> HTMLResponse:
    now = datetime.now(UTC)
    found = await Work(request.app.state.database, readonly=True)(
        lambda session: _overview(session, signed_in.organization_id, now)
    )
    return show(request, signed_in, "overview.html", {"title": "Overview", "overview": found})
