"""A credential as its public page shows it: found by its encoded id, with its achievement,
issuer, revocation, evidence and references, in at most three queries whatever it holds.

Revocation is the credential's revocation bit in its organization's status list
(openbadges/status_list.py): set with the reason `revoked`. A signed credential that was deleted
leaves its status entry behind, named by its encoded id: that is the tombstone that tells
"deleted" from "never existed".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, exists, select
from sqlalchemy.orm import Session, joinedload

from plaudit.domain import limits
from plaudit.domain.credential_state import CredentialDeleted
from plaudit.domain.errors import NotFound
from plaudit.openbadges import status_list
from plaudit.services import credential_reads
from plaudit.services.credential_reads import Columns, CredentialRead
from plaudit.store.group_tables import SkillCategory
from plaudit.store.signing_tables import StatusEntry
from plaudit.store.tables import (
    Achievement,
    Credential,
    Department,
    EvidenceItem,
    Organization,
    Reference,
)

MAX_ENCODED_ID = 32


@dataclass(frozen=True)
class PublicCredential:
    """Loaded rows only: safe to read after the session that found them has closed. ORM
    objects from `find`; the same columns, read-only, from `read`."""

    credential: Credential | CredentialRead
    organization: Organization | Columns
    department: Department | Columns
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


def read(connection: Connection | Session, encoded_id: str) -> PublicCredential:
    """What `find` finds, read with Core statements for the pages that only show it (rows with
    the ORM objects' attribute names: services/credential_reads.py): one, and one more for each
    of its evidence items and references if it has any. Its rows cannot be written back; pages
    that sign or render use `find`."""
    if not encoded_id or len(encoded_id) > MAX_ENCODED_ID or limits.contains_nul(encoded_id):
        raise NotFound("credential")
    row = connection.execute(_READ, {"encoded_id": encoded_id}).first()
    if row is None:
        raise _missing(connection, encoded_id)
    values = tuple(row)
    credential, achievement, organization, department = (
        dict(zip(names, values[start : start + len(names)], strict=True))
        for names, start in _READ_PARTS
    )
    category_id, category_name, reason, has_evidence_items, has_references = values[
        len(values) - 5 :
    ]
    achievement["skill_category"] = (
        None if category_id is None else Columns({"id": category_id, "name": category_name})
    )
    evidence_items, references = credential_reads.collections_of(
        connection,
        credential["id"],
        evidence_items=has_evidence_items,
        references=has_references,
    )
    shown = CredentialRead(Columns(credential), Columns(achievement), evidence_items, references)
    return PublicCredential(
        shown, Columns(organization), Columns(department), reason == status_list.REVOKED
    )


def _read_statement() -> tuple[Select[Any], list[tuple[list[str], int]]]:
    """One row: the credential's, its achievement's, organization's and department's columns,
    its skill category, its revocation reason and whether it has evidence items and references.
    With where each table's columns start."""
    tables = [
        Credential.__table__,
        Achievement.__table__,
        Organization.__table__,
        Department.__table__,
    ]
    columns: list[Any] = []
    parts: list[tuple[list[str], int]] = []
    for table in tables:
        # Not the organization's logo: a page links to it (web/organization_files.py).
        kept = [column for column in table.columns if column is not Organization.__table__.c.logo]
        parts.append(([column.key for column in kept], len(columns)))
        columns.extend(kept)
    credentials, achievements, organizations, departments = tables
    categories = SkillCategory.__table__
    statement = (
        select(
            *columns,
            categories.c.id,
            categories.c.name,
            StatusEntry.reason,
            exists().where(EvidenceItem.credential_id == credentials.c.id),
            exists().where(Reference.credential_id == credentials.c.id),
        )
        .select_from(credentials)
        .join(achievements, achievements.c.id == credentials.c.achievement_id)
        .join(organizations, organizations.c.id == credentials.c.organization_id)
        .join(departments, departments.c.id == credentials.c.department_id)
        .outerjoin(categories, categories.c.id == achievements.c.skill_category_id)
        .outerjoin(StatusEntry, _revocation_bit_set())
        .where(credentials.c.encoded_id == bindparam("encoded_id"))
    )
    return statement, parts


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


def _missing(connection: Connection | Session, encoded_id: str) -> NotFound:
    tombstone = connection.scalar(
        select(StatusEntry.id)
        .where(
            StatusEntry.credential_encoded_id == encoded_id,
            StatusEntry.reason == status_list.DELETED,
        )
        .limit(1)
    )
    return CredentialDeleted("credential") if tombstone is not None else NotFound("credential")


_READ, _READ_PARTS = _read_statement()
