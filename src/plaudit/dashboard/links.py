"""One-time links of the dashboard (one_time_links): the first owner's, an invitation, a
password reset. The link carries a random token; the table keeps only its keyed hash. A link
works once (a conditional update marks it used, so two tabs following it at once cannot both
win) and until it expires."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from plaudit.dashboard import passwords, sessions, team
from plaudit.dashboard.roles import Role
from plaudit.dashboard.tokens import new_token, token_hash
from plaudit.domain import limits
from plaudit.domain.dates import as_utc
from plaudit.domain.errors import Conflict, DomainError, Invalid, NotFound
from plaudit.domain.values import is_blank, is_valid_email, normalize_email
from plaudit.store.dashboard_tables import OneTimeLink
from plaudit.store.org_tables import TeamMember
from plaudit.store.tables import Organization

FIRST_OWNER = "first_owner"
INVITE = "invite"
RESET = "reset"
LIFETIMES = {
    FIRST_OWNER: timedelta(days=7),
    INVITE: timedelta(days=7),
    RESET: timedelta(hours=1),
}
WELCOME_PATH = "/dashboard/welcome/"
RESET_PATH = "/dashboard/reset/"
_HASH_PURPOSE = "one_time_link"
HAS_OWNER = "This organization already has an owner: ask them to invite you."


@dataclass
class LinkGone(DomainError):
    """A real link that no longer works: `reason` is `used` or `expired`."""

    reason: str


def url(base_url: str, purpose: str, token: str) -> str:
    path = RESET_PATH if purpose == RESET else WELCOME_PATH
    return f"{base_url.rstrip('/')}{path}{token}"


def has_owner(session: Session, organization_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    TeamMember.organization_id == organization_id, TeamMember.role == Role.OWNER
                )
            )
        )
    )


def make(
    session: Session,
    *,
    organization_id: int,
    purpose: str,
    secret: bytes,
    now: datetime,
    member_id: int | None = None,
) -> str:
    """A new link; returns its token. Earlier unused links of the same purpose for the same
    member (or, for first_owner, organization) stop working: only the newest one counts."""
    if purpose == FIRST_OWNER:
        if session.get(Organization, organization_id) is None:
            raise NotFound("organization")
        if has_owner(session, organization_id):
            raise Conflict("dashboard.has_owner", HAS_OWNER)
    same = (
        OneTimeLink.organization_id == organization_id,
        OneTimeLink.purpose == purpose,
        OneTimeLink.used_at.is_(None),
        OneTimeLink.team_member_id.is_(None)
        if member_id is None
        else OneTimeLink.team_member_id == member_id,
    )
    session.execute(delete(OneTimeLink).where(*same))
    token = new_token()
    session.add(
        OneTimeLink(
            organization_id=organization_id,
            team_member_id=member_id,
            purpose=purpose,
            token_hash=token_hash(secret, _HASH_PURPOSE, token),
            expires_at=now + LIFETIMES[purpose],
        )
    )
    session.flush()
    return token


def find(
    session: Session, token: str, *, purposes: set[str], secret: bytes, now: datetime
) -> OneTimeLink:
    """The live link of `token`: NotFound for a token that never was one (of these
    purposes), LinkGone for a used or expired one."""
    link = None
    if 0 < len(token) <= 128:
        link = session.scalar(
            select(OneTimeLink).where(
                OneTimeLink.token_hash == token_hash(secret, _HASH_PURPOSE, token)
            )
        )
    if link is None or link.purpose not in purposes:
        raise NotFound("link")
    if link.used_at is not None:
        raise LinkGone("used")
    if as_utc(link.expires_at) <= now:
        raise LinkGone("expired")
    if link.purpose == FIRST_OWNER and has_owner(session, link.organization_id):
        raise Conflict("dashboard.has_owner", HAS_OWNER)
    return link


def member_of(session: Session, link: OneTimeLink) -> TeamMember | None:
    if link.team_member_id is None:
        return None
    return session.get(TeamMember, link.team_member_id)


@dataclass(frozen=True)
class NewAccount:
    """What a welcome form gives: the email only for the first owner (an invitee's is set)."""

    name: str
    password: str
    password_again: str
    email: str | None = None


def check(account: NewAccount) -> None:
    """Every problem of the form at once, by field."""
    problems: dict[str, list[str]] = {}
    if is_blank(account.name):
        problems["name"] = ["can't be blank"]
    elif len(account.name.strip()) > limits.NAME:
        problems["name"] = [limits.too_long(limits.NAME)]
    if account.email is not None and not is_valid_email(account.email):
        problems["email"] = ["is not a valid email address"]
    try:
        passwords.check_new(account.password)
    except Invalid as error:
        problems.update(error.fields)
    if account.password != account.password_again:
        problems["password_again"] = ["does not match the password"]
    if problems:
        raise Invalid(fields=problems)


def welcome(session: Session, link: OneTimeLink, account: NewAccount, now: datetime) -> TeamMember:
    """Uses a first_owner or invite link: the member it makes (first owner) or completes
    (invitee), with its password. The caller signs the member in and commits."""
    check(account)
    member = member_of(session, link)
    if link.purpose == FIRST_OWNER:
        assert account.email is not None
        member = _first_owner(session, link.organization_id, account.email.strip())
    elif member is None:  # the invitee was removed since
        raise LinkGone("used")
    member.name = account.name.strip()
    member.password_hash = passwords.hash_password(account.password)
    _use(session, link, now)
    session.flush()
    return member


def _first_owner(session: Session, organization_id: int, email: str) -> TeamMember:
    """The owner: a new member, or the one with this email already (made through the API)."""
    member = team.by_email(session, organization_id, email)
    if member is None:
        member = TeamMember(
            organization_id=organization_id,
            email=email,
            email_normalized=normalize_email(email),
            department_permissions=[],
        )
        session.add(member)
    else:
        sessions.end_all(session, member.id)
    member.role = Role.OWNER
    return member


def reset(
    session: Session, link: OneTimeLink, password: str, password_again: str, now: datetime
) -> TeamMember:
    """Uses a reset link: the new password, the lockout lifted, every session ended (the
    caller starts the new one and commits)."""
    problems: dict[str, list[str]] = {}
    try:
        passwords.check_new(password)
    except Invalid as error:
        problems.update(error.fields)
    if password != password_again:
        problems["password_again"] = ["does not match the password"]
    if problems:
        raise Invalid(fields=problems)
    member = member_of(session, link)
    if member is None:
        raise LinkGone("used")
    member.password_hash = passwords.hash_password(password)
    member.failed_sign_ins = 0
    member.locked_until = None
    sessions.end_all(session, member.id)
    _use(session, link, now)
    session.flush()
    return member


def _use(session: Session, link: OneTimeLink, now: datetime) -> None:
    used = session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkGone("used")


def resettable(session: Session, email: str) -> list[TeamMember]:
    """The members with a password whose email this is (one per organization)."""
    if not is_valid_email(email):
        return []
    return list(
        session.scalars(
            select(TeamMember)
            .where(
                TeamMember.email_normalized == normalize_email(email),
                TeamMember.password_hash.is_not(None),
            )
            .order_by(TeamMember.id)
            .limit(10)
        )
    )


def for_member(
    session: Session, organization_id: int, email: str, *, secret: bytes, now: datetime
) -> tuple[TeamMember, str, str]:
    """A link that lets a member in again (an operator's `plaudit orgs reset-link`): a reset
    for one with a password, an invitation for one without. The member, purpose and token."""
    member = team.by_email(session, organization_id, email)
    if member is None:
        raise NotFound("team member")
    purpose = RESET if member.password_hash else INVITE
    token = make(
        session,
        organization_id=organization_id,
        purpose=purpose,
        secret=secret,
        now=now,
        member_id=member.id,
    )
    return member, purpose, token
