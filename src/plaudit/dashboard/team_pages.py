"""`/dashboard/team`: the organization's members, invitations, roles, removals and one-time
links. Only the roles that may manage the team (Action.TEAM: owners and admins) see the page at
all: it lists colleagues' emails and how they sign in, which issuing does not need."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard import links, team
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action, Role, may_grant
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.errors import Conflict, Invalid
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.services import team_members
from plaudit.store.org_tables import TeamMember

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

TEAM = "/dashboard/team"
Manager = Annotated[SignedIn, Depends(require(Action.TEAM))]
DONE = {
    "role": "The role is changed.",
    "removed": "The member is removed; their sessions have ended.",
}


async def _team_page(
    request: Request,
    signed_in: SignedIn,
    *,
    notice: str | None = None,
    error: str | None = None,
    invite: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    listed = await Work(request.app.state.database, readonly=True)(
        lambda session: team.listing(session, signed_in.organization_id)
    )
    context: dict[str, Any] = {
        "title": "Team",
        "notice": notice,
        "error": error,
        "listed": listed,
        "grantable": [role for role in Role if may_grant(signed_in.role, role)],
        "may_grant": may_grant,
        "invite": invite or {"name": "", "email": "", "role": Role.VIEWER},
        "errors": errors or {},
    }
    return show(request, signed_in, "team.html", context, status_code=status_code)


@router.get(TEAM)
async def team_page(request: Request, signed_in: Manager, done: str | None = None) -> Response:
    return await _team_page(request, signed_in, notice=DONE.get(done or ""))


def _link_page(
    request: Request, signed_in: SignedIn, member: TeamMember, purpose: str, link: str
) -> HTMLResponse:
    context = {
        "title": "Invitation link" if purpose == links.INVITE else "Password reset link",
        "member_name": member.name,
        "member_email": member.email,
        "purpose": purpose,
        "link": link,
        "hours": int(links.LIFETIMES[purpose].total_seconds() // 3600),
    }
    return show(request, signed_in, "team_link.html", context)


@router.post(f"{TEAM}/invite")
async def invite(
    request: Request,
    signed_in: Manager,
    settings: AppSettings,
    secret: ServerSecret,
    name: Annotated[str, Form(max_length=1024)] = "",
    email: Annotated[str, Form(max_length=1024)] = "",
    role: Annotated[str, Form(max_length=32)] = Role.VIEWER,
) -> Response:
    now = datetime.now(UTC)

    def run(session: Session) -> tuple[TeamMember, str]:
        member = team.invite(
            session, signed_in.organization_id, signed_in.role, name=name, email=email, role=role
        )
        token = links.make(
            session,
            organization_id=signed_in.organization_id,
            purpose=links.INVITE,
            secret=secret,
            now=now,
            member_id=member.id,
        )
        session.commit()
        return member, token

    try:
        member, token = await Work(request.app.state.database, readonly=False)(run)
    except Invalid as error:
        given = {"name": name, "email": email, "role": role}
        return await _team_page(
            request, signed_in, invite=given, errors=error.fields, status_code=422
        )
    link = links.url(settings.public_base_url, links.INVITE, token)
    return _link_page(request, signed_in, member, links.INVITE, link)


@router.post(f"{TEAM}/{{member_id}}/role")
async def change_role(
    request: Request,
    signed_in: Manager,
    member_id: int,
    role: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    def run(session: Session) -> None:
        team.change_role(
            session,
            signed_in.organization_id,
            signed_in.role,
            member_id,
            role,
            by=signed_in.member_id,
        )
        session.commit()

    try:
        await Work(request.app.state.database, readonly=False)(run)
    except (Conflict, Invalid) as error:
        text = str(error) if isinstance(error, Conflict) else "That is not a role."
        return await _team_page(request, signed_in, error=text, status_code=409)
    return RedirectResponse(f"{TEAM}?done=role", status_code=303)


@router.get(f"{TEAM}/{{member_id}}/remove")
async def remove_page(request: Request, signed_in: Manager, member_id: int) -> Response:
    member = await Work(request.app.state.database, readonly=True)(
        lambda session: team_members.get(session, signed_in.scope, member_id)
    )
    context = {"title": "Remove a team member", "target": member}
    return show(request, signed_in, "team_remove.html", context)


@router.post(f"{TEAM}/{{member_id}}/remove")
async def remove(request: Request, signed_in: Manager, member_id: int) -> Response:
    def run(session: Session) -> None:
        team.remove(session, signed_in.organization_id, signed_in.role, member_id)
        session.commit()

    try:
        await Work(request.app.state.database, readonly=False)(run)
    except Conflict as error:
        return await _team_page(request, signed_in, error=str(error), status_code=409)
    if member_id == signed_in.member_id:
        return RedirectResponse("/dashboard/sign-in", status_code=303)
    return RedirectResponse(f"{TEAM}?done=removed", status_code=303)


@router.post(f"{TEAM}/{{member_id}}/link")
async def make_link(
    request: Request,
    signed_in: Manager,
    settings: AppSettings,
    secret: ServerSecret,
    member_id: int,
) -> Response:
    """A reset link for a member with a password, an invitation for one without; shown to
    the admin this once, to hand over (when the server sends no mail, or the mail is lost)."""
    now = datetime.now(UTC)

    def run(session: Session) -> tuple[TeamMember, str, str]:
        member = team_members.get(session, signed_in.scope, member_id)
        team.check_may_link(signed_in.role, member)
        purpose = links.RESET if member.password_hash else links.INVITE
        token = links.make(
            session,
            organization_id=signed_in.organization_id,
            purpose=purpose,
            secret=secret,
            now=now,
            member_id=member.id,
        )
        session.commit()
        return member, purpose, token

    member, purpose, token = await Work(request.app.state.database, readonly=False)(run)
    link = links.url(settings.public_base_url, purpose, token)
    return _link_page(request, signed_in, member, purpose, link)
