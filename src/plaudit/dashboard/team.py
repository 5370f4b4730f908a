"""The team as the dashboard manages it: invite, change a role, remove, on the same rows as
Accredible's team-members API (services/team_members.py). Only an owner makes or unmakes an
owner, and the last owner can be neither demoted nor removed."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from plaudit.dashboard import sessions
from plaudit.dashboard.roles import Role, may_grant
from plaudit.domain import limits
from plaudit.domain.errors import Conflict, Duplicate, Forbidden, Invalid
from plaudit.domain.scope import Scope
from plaudit.domain.values import is_blank, is_valid_email, normalize_email
from plaudit.services import team_members
from plaudit.store.dashboard_tables import TeamMemberIdentity
from plaudit.store.org_tables import TeamMember
from plaudit.store.tables import Organization

LAST_OWNER = "The organization's last owner can be neither demoted nor removed."
OWNERS_ONLY = "Only an owner can make or unmake an owner."


@dataclass(frozen=True)
class Listed:
    member: TeamMember
    signs_in_with: str  # "password", "single sign-on", both, or "invited" (not yet)

    @property
    def signed_in_at(self) -> datetime | None:
        return self.member.signed_in_at


def listing(session: Session, organization_id: int) -> list[Listed]:
    sso = exists().where(TeamMemberIdentity.team_member_id == TeamMember.id)
    rows = session.execute(
        select(TeamMember, sso.label("sso"))
        .where(TeamMember.organization_id == organization_id)
        .order_by(TeamMember.name, TeamMember.id)
    ).all()
    return [Listed(member, _signs_in_with(member, bool(has_sso))) for member, has_sso in rows]


def _signs_in_with(member: TeamMember, has_sso: bool) -> str:
    ways = [
        way for way, has in (("password", member.password_hash), ("single sign-on", has_sso)) if has
    ]
    return " and ".join(ways) or "invited"


def by_email(session: Session, organization_id: int, email: str) -> TeamMember | None:
    """The organization's member with this email (compared normalized), if any."""
    return session.scalar(
        select(TeamMember).where(
            TeamMember.organization_id == organization_id,
            TeamMember.email_normalized == normalize_email(email),
        )
    )


def invite(
    session: Session, organization_id: int, granter: str, *, name: str, email: str, role: str
) -> TeamMember:
    """A member without a password yet, with its role; the caller makes the invitation link."""
    problems: dict[str, list[str]] = {}
    if is_blank(name):
        problems["name"] = ["can't be blank"]
    elif len(name.strip()) > limits.NAME:
        problems["name"] = [limits.too_long(limits.NAME)]
    if not is_valid_email(email):
        problems["email"] = ["is not a valid email address"]
    if role not in set(Role):
        problems["role"] = ["is not a role"]
    if problems:
        raise Invalid(fields=problems)
    _check_may_grant(granter, role)
    if by_email(session, organization_id, email) is not None:
        raise Duplicate(fields=team_members.TAKEN)
    member = TeamMember(
        organization_id=organization_id,
        name=name.strip(),
        email=email.strip(),
        email_normalized=normalize_email(email),
        role=role,
        department_permissions=[],
    )
    session.add(member)
    session.flush()
    return member


def change_role(
    session: Session, organization_id: int, granter: str, member_id: int, role: str, *, by: int
) -> TeamMember:
    """`by`: the member making the change, whose own session goes on (another's ends)."""
    if role not in set(Role):
        raise Invalid(fields={"role": ["is not a role"]})
    member = team_members.get(session, Scope(organization_id=organization_id), member_id)
    if member.role == role:
        return member
    _check_may_grant(granter, member.role)
    _check_may_grant(granter, role)
    if member.role == Role.OWNER:
        _check_not_last_owner(session, organization_id)
    member.role = role
    if member.id != by:
        sessions.end_all(session, member.id)
    session.flush()
    return member


def remove(session: Session, organization_id: int, granter: str, member_id: int) -> TeamMember:
    scope = Scope(organization_id=organization_id)
    member = team_members.get(session, scope, member_id)
    _check_may_grant(granter, member.role)
    if member.role == Role.OWNER:
        _check_not_last_owner(session, organization_id)
    sessions.end_all(session, member.id)
    return team_members.delete(session, scope, member.id)


def check_may_link(granter: str, member: TeamMember) -> None:
    """A reset or invitation link opens the member's account: an admin makes none for an
    owner (it would make the admin one)."""
    _check_may_grant(granter, member.role)


def _check_may_grant(granter: str, role: str) -> None:
    if not may_grant(granter, role):
        raise Forbidden("dashboard.owner_only", OWNERS_ONLY)


def _check_not_last_owner(session: Session, organization_id: int) -> None:
    # The organization's row is locked first (PostgreSQL; SQLite writes one at a time), so two
    # owners demoting each other at once cannot leave none.
    session.execute(
        select(Organization.id).where(Organization.id == organization_id).with_for_update()
    )
    owners = session.scalar(
        select(func.count())
        .select_from(TeamMember)
        .where(TeamMember.organization_id == organization_id, TeamMember.role == Role.OWNER)
    )
    if (owners or 0) <= 1:
        raise Conflict("dashboard.last_owner", LAST_OWNER)
