"""A credential as its public page shows it: found by its encoded id, with its achievement,
issuer, revocation, evidence and references, in three queries whatever it holds.

Revocation is the credential's revocation bit in its organization's status list
(openbadges/status_list.py): set with the reason `revoked`. A signed credential that was deleted
leaves its status entry behind, named by its encoded id: that is the tombstone that tells
"deleted" from "never existed".
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, joinedload

from plaudit.domain import limits
from plaudit.domain.credential_state import CredentialDeleted
from plaudit.domain.errors import NotFound
from plaudit.openbadges import status_list
from plaudit.store.signing_tables import StatusEntry
from plaudit.store.tables import Achievement, Credential, Department, Organization

MAX_ENCODED_ID = 32


@dataclass(frozen=True)
class PublicCredential:
    """Loaded rows only: safe to read after the session that found them has closed."""

    credential: Credential
    organization: Organization
    department: Department
    revoked: bool


def find(session: Session, encoded_id: str) -> PublicCredential:
    """Any organization's credential by its encoded id: the public URL names no tenant.
    NotFound for an unknown id, CredentialDeleted (a NotFound) for a deleted signed one."""
    if not encoded_id or len(encoded_id) > MAX_ENCODED_ID or limits.contains_nul(encoded_id):
        raise NotFound("credential")
    row = session.execute(
        select(Credential, Organization, Department, StatusEntry.reason)
        .join(Organization, Organization.id == Credential.organization_id)
        .join(Department, Department.id == Credential.department_id)
        .outerjoin(StatusEntry, _revocation_bit_set())
        .options(joinedload(Credential.achievement).joinedload(Achievement.skill_category))
        .where(Credential.encoded_id == encoded_id)
    ).one_or_none()
    if row is None:
        raise _missing(session, encoded_id)
    credential, organization, department, reason = row
    return PublicCredential(credential, organization, department, reason == status_list.REVOKED)


def revoked_among(session: Session, credential_ids: Iterable[int]) -> set[int]:
    """Which of these credentials are revoked, in one query."""
    ids = list(credential_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(StatusEntry.credential_id).where(
                StatusEntry.credential_id.in_(ids),
                StatusEntry.purpose == status_list.REVOCATION,
                StatusEntry.is_set.is_(True),
                StatusEntry.reason == status_list.REVOKED,
            )
        )
    )


def _revocation_bit_set() -> ColumnElement[bool]:
    return and_(
        StatusEntry.credential_id == Credential.id,
        StatusEntry.purpose == status_list.REVOCATION,
        StatusEntry.is_set.is_(True),
    )


def _missing(session: Session, encoded_id: str) -> NotFound:
    tombstone = session.scalar(
        select(StatusEntry.id)
        .where(
            StatusEntry.credential_encoded_id == encoded_id,
            StatusEntry.reason == status_list.DELETED,
        )
        .limit(1)
    )
    return CredentialDeleted("credential") if tombstone is not None else NotFound("credential")
