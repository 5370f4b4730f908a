"""Team members' dashboard sessions, kept server-side (dashboard_sessions): the cookie holds a
random token, the table its keyed hash. A session ends when it expires, when its member signs
out, and for all of a member's sessions when the password is reset or the member is removed;
signing in always starts a new one (the token rotates)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plaudit.dashboard import roles
from plaudit.dashboard.tokens import new_token, token_hash
from plaudit.domain.scope import Scope
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import DashboardSession
from plaudit.store.org_tables import TeamMember
from plaudit.store.tables import Organization

COOKIE = "plaudit_dashboard"
PATH = "/dashboard"
_PURPOSE = "session"


@dataclass(frozen=True)
class SignedIn:
    """The team member a request is signed in as."""

    session_id: int
    token: str
    member_id: int
    organization_id: int
    organization_name: str
    name: str
    email: str
    role: str

    def can(self, action: roles.Action) -> bool:
        return roles.allows(self.role, action)

    @property
    def scope(self) -> Scope:
        """The services' scope of a dashboard member: the whole organization."""
        return Scope(organization_id=self.organization_id)


def start(
    session: Session,
    member: TeamMember,
    *,
    via: str,
    secret: bytes,
    settings: Settings,
    now: datetime,
) -> str:
    """A new session for `member`; returns the token for the cookie. The caller commits."""
    token = new_token()
    session.execute(delete(DashboardSession).where(DashboardSession.expires_at < now))
    session.add(
        DashboardSession(
            organization_id=member.organization_id,
            team_member_id=member.id,
            token_hash=token_hash(secret, _PURPOSE, token),
            expires_at=now + timedelta(hours=settings.dashboard_session_hours),
            via=via,
        )
    )
    member.signed_in_at = now
    member.failed_sign_ins = 0
    member.locked_until = None
    session.flush()
    return token


def replace(
    session: Session,
    old: str | None,
    member: TeamMember,
    *,
    via: str,
    secret: bytes,
    settings: Settings,
    now: datetime,
) -> str:
    """Signs `member` in on a browser that may hold a session (`old`, its cookie's token): that
    one ends and a new one starts, so a token known before signing in never carries one."""
    if old is not None:
        end(session, old, secret=secret)
    return start(session, member, via=via, secret=secret, settings=settings, now=now)


def find(session: Session, token: str, *, secret: bytes, now: datetime) -> SignedIn | None:
    """The live session of `token`, or None for an unknown, ended or expired one."""
    row = session.execute(
        select(DashboardSession, TeamMember, Organization.name)
        .join(TeamMember, TeamMember.id == DashboardSession.team_member_id)
        .join(Organization, Organization.id == DashboardSession.organization_id)
        .where(
            DashboardSession.token_hash == token_hash(secret, _PURPOSE, token),
            DashboardSession.expires_at > now,
        )
    ).first()
    if row is None:
        return None
    dashboard_session, member, organization_name = row
    return SignedIn(
        session_id=dashboard_session.id,
        token=token,
        member_id=member.id,
        organization_id=member.organization_id,
        organization_name=organization_name,
        name=member.name,
        email=member.email,
        role=member.role,
    )


def end(session: Session, token: str, *, secret: bytes) -> None:
    session.execute(
        delete(DashboardSession).where(
            DashboardSession.token_hash == token_hash(secret, _PURPOSE, token)
        )
    )


def end_all(session: Session, member_id: int) -> None:
    """Every session of one member: after a password reset, a role change, a removal."""
    session.execute(delete(DashboardSession).where(DashboardSession.team_member_id == member_id))


def cookie_token(request: Request) -> str | None:
    return request.cookies.get(COOKIE) or None


def set_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.dashboard_session_hours * 3600,
        path=PATH,
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE,
        path=PATH,
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )
