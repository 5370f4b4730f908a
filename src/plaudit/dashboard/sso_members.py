"""Just-in-time membership: who a verified identity signs in as.

In order: the member already linked to the provider's subject; else the member of the
organization with that email (the link is recorded); else, a new member with the connection's
default role. An email outside the connection's allowed domains matches nobody and makes
nobody: an identity provider may only vouch for the domains the organization trusts it with."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.dashboard import team
from plaudit.dashboard.sso_identity import Identity, SignInRefused
from plaudit.domain import limits
from plaudit.domain.values import is_valid_email, normalize_email
from plaudit.store.dashboard_tables import SsoConnection, TeamMemberIdentity
from plaudit.store.org_tables import TeamMember

SUBJECT_LENGTH = 255


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def domain_allowed(connection: SsoConnection, email: str) -> bool:
    domains = connection.allowed_domains
    return domains is None or email_domain(email) in domains


def member_for(session: Session, connection: SsoConnection, identity: Identity) -> TeamMember:
    """The member `identity` signs in as, made or linked as needed (the caller commits)."""
    if not identity.subject or len(identity.subject) > SUBJECT_LENGTH:
        raise SignInRefused("The identity provider sent an unusable subject identifier.")
    linked = session.scalar(
        select(TeamMember)
        .join(TeamMemberIdentity, TeamMemberIdentity.team_member_id == TeamMember.id)
        .where(
            TeamMemberIdentity.sso_connection_id == connection.id,
            TeamMemberIdentity.subject == identity.subject,
        )
    )
    if linked is not None:
        return linked
    if not is_valid_email(identity.email) or len(identity.email) > limits.EMAIL:
        raise SignInRefused("The identity provider sent an unusable email address.")
    if not domain_allowed(connection, identity.email):
        raise SignInRefused(
            f"This sign-in does not accept addresses at {email_domain(identity.email)}. "
            "Ask an administrator of your organization."
        )
    member = team.by_email(session, connection.organization_id, identity.email)
    if member is None:
        member = _new_member(connection, identity)
        session.add(member)
        session.flush()
    session.add(
        TeamMemberIdentity(
            organization_id=connection.organization_id,
            team_member_id=member.id,
            sso_connection_id=connection.id,
            subject=identity.subject,
        )
    )
    session.flush()
    return member


def _new_member(connection: SsoConnection, identity: Identity) -> TeamMember:
    name = (identity.name or "").strip()[: limits.NAME] or identity.email.partition("@")[0]
    return TeamMember(
        organization_id=connection.organization_id,
        name=name,
        email=identity.email,
        email_normalized=normalize_email(identity.email),
        role=connection.default_role,
        password_hash=None,
        department_permissions=[],
    )
