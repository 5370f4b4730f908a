"""Signing a team member in with an email and a password, with lockout: after
`PLAUDIT_DASHBOARD_LOCKOUT_ATTEMPTS` wrong passwords in a row a member is locked for
`PLAUDIT_DASHBOARD_LOCKOUT_MINUTES`, whoever tries (the per-address rate limit is apart)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.dashboard import passwords
from plaudit.domain.dates import as_utc
from plaudit.domain.values import normalize_email
from plaudit.settings import Settings
from plaudit.store.org_tables import TeamMember

# The most organizations one email is tried in: a sign-in costs one argon2 check each.
MAX_ACCOUNTS_PER_EMAIL = 10


@dataclass(frozen=True)
class Refused:
    """Why a sign-in failed, in words that tell an attacker nothing about which part was
    wrong; `locked` says the account is locked (the owner of the email learns it by mail)."""

    locked: bool


def by_password(
    session: Session, email: str, password: str, *, settings: Settings, now: datetime
) -> TeamMember | Refused:
    """The member `email` and `password` sign in, or why not. Failures are counted (the caller
    commits either way)."""
    members = session.scalars(
        select(TeamMember)
        .where(TeamMember.email_normalized == normalize_email(email))
        .order_by(TeamMember.signed_in_at.desc().nulls_last(), TeamMember.id)
        .limit(MAX_ACCOUNTS_PER_EMAIL)
    ).all()
    if not members:
        passwords.matches(None, password)
        return Refused(locked=False)
    locked = False
    for member in members:
        if member.locked_until is not None and as_utc(member.locked_until) > now:
            locked = True
            continue
        if passwords.matches(member.password_hash, password):
            if member.password_hash and passwords.needs_rehash(member.password_hash):
                member.password_hash = passwords.hash_password(password)
            return member
        if member.password_hash is not None:
            _count_failure(member, settings, now)
            locked = locked or member.locked_until is not None
    return Refused(locked=locked)


def _count_failure(member: TeamMember, settings: Settings, now: datetime) -> None:
    member.failed_sign_ins += 1
    if member.failed_sign_ins >= settings.dashboard_lockout_attempts:
        member.locked_until = now + timedelta(minutes=settings.dashboard_lockout_minutes)
        member.failed_sign_ins = 0
