"""The rows behind Open Badges 2.0 hosted documents, found by UUID in any organization: the
public URLs name no tenant. Only published, public credentials are hosted."""

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound, found_uuid
from plaudit.openbadges import status_list
from plaudit.services import organizations
from plaudit.services.events import BADGE_DELETED
from plaudit.store.event_tables import Event
from plaudit.store.signing_tables import StatusEntry
from plaudit.store.tables import Achievement, Credential, Design, Organization

# Why a hosted assertion is gone (410). An expired one is still served: its `expires` says so.
GONE = (status_list.REVOKED, status_list.DELETED)


@dataclass(frozen=True)
class Hosted:
    """A hosted assertion: its credential, or the reason it is gone (revoked or deleted)."""

    credential: Credential | None
    gone: str | None = None


def assertion(session: Session, credential_uuid: str) -> Hosted:
    """A published, public credential by UUID. A revoked one, or one deleted after it was
    signed (its status entry outlives it), is gone; anything else is a NotFound."""
    wanted = found_uuid(credential_uuid, "badge")
    found = session.scalar(
        select(Credential).where(
            Credential.uuid == wanted,
            Credential.approve.is_(True),
            Credential.private.is_(False),
        )
    )
    entry = session.scalar(
        select(StatusEntry).where(
            StatusEntry.credential_uuid == wanted,
            StatusEntry.purpose == status_list.REVOCATION,
            StatusEntry.is_set.is_(True),
            StatusEntry.reason.in_(GONE),
        )
    )
    if entry is not None and (found is not None or entry.credential_id is None):
        return Hosted(None, entry.reason)
    if found is not None and found.state == "revoked":  # revoked through Credly
        return Hosted(None, status_list.REVOKED)
    if found is None:
        if _deleted(session, wanted):
            return Hosted(None, status_list.DELETED)
        raise NotFound("badge assertion")
    return Hosted(found)


def _deleted(session: Session, credential_uuid: UUID) -> bool:
    """Whether a badge of that UUID was deleted (its badge.deleted event outlives it), signed
    or not."""
    deleted = exists().where(
        Event.subject_uuid == credential_uuid,
        Event.subject_type == "badge",
        Event.event_type == BADGE_DELETED,
    )
    return bool(session.scalar(select(deleted)))


def achievement(session: Session, achievement_uuid: str) -> tuple[Achievement, Organization]:
    row = session.execute(
        select(Achievement, Organization)
        .join(Organization, Organization.id == Achievement.organization_id)
        .where(Achievement.uuid == found_uuid(achievement_uuid, "badge"))
    ).one_or_none()
    if row is None:
        raise NotFound("badge class")
    return row[0], row[1]


def organization(session: Session, organization_uuid: str) -> Organization:
    found = session.scalar(
        select(Organization).where(Organization.uuid == found_uuid(organization_uuid, "badge"))
    )
    if found is None:
        raise NotFound("issuer")
    return found


def badge_design(session: Session, achievement: Achievement) -> Design:
    """The design the achievement's badges are drawn with: its own, else the organization's
    default badge design."""
    design = (
        session.get(Design, achievement.badge_design_id) if achievement.badge_design_id else None
    )
    design = design or organizations.default_design(
        session, achievement.organization_id, "badge", achievement.department_id
    )
    if design is None:
        raise NotFound("badge design")
    return design


def revoked(session: Session, organization_id: int) -> list[tuple[UUID, str | None]]:
    """The organization's revoked and deleted credentials, for its OB 2.0 revocation list."""
    rows = session.execute(
        select(StatusEntry.credential_uuid, StatusEntry.reason)
        .where(
            StatusEntry.organization_id == organization_id,
            StatusEntry.purpose == status_list.REVOCATION,
            StatusEntry.is_set.is_(True),
            StatusEntry.reason.in_(GONE),
        )
        .order_by(StatusEntry.id)
    )
    return [(row.credential_uuid, row.reason) for row in rows]
