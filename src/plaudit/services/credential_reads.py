"""Credentials read for display only (`GET /v1/credentials/{id}`, and the public page through
services/public_credentials.py): Core statements on a connection, no ORM objects.

Loading a `Credential` through the ORM, with its joined achievement and its two `selectin`
collections, cost about 1.5 ms of CPU a request: five times the same rows read by Core
statements. `GET /v1/credentials/{id}` reads the presented API key, the credential, its
achievement and issuer in one statement, and its evidence items and references only when it
has some. The rows carry the ORM objects' attribute names, so the dialect mappings read either.
Nothing here writes, and nothing read here can be written back.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Exists, Row, Select, Table, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.errors import Unauthenticated
from plaudit.services import api_keys
from plaudit.services.credentials import first_named
from plaudit.store.tables import (
    Achievement,
    ApiKey,
    Credential,
    EvidenceItem,
    Organization,
    Reference,
)

_KEYS = ApiKey.__table__
_CREDENTIALS = Credential.__table__
_ACHIEVEMENTS = Achievement.__table__
_ORGANIZATIONS = Organization.__table__
_EVIDENCE = EvidenceItem.__table__
_REFERENCES = Reference.__table__


@dataclass(frozen=True)
class AchievementRead:
    id: int
    name: str
    course_link: str | None


@dataclass(frozen=True)
class IssuerRead:
    id: int
    name: str
    description: str | None
    url: str | None


class Columns:
    """One table's columns out of a joined row, as attributes named as the ORM object's."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None


class CredentialRead:
    """A credential's columns as attributes (named as `Credential`'s), with its achievement,
    evidence items and references."""

    __slots__ = ("_row", "achievement", "evidence_items", "references")

    def __init__(
        self,
        row: Row[Any] | Columns,
        achievement: AchievementRead | Columns,
        evidence_items: list[Row[Any]],
        references: list[Row[Any]],
    ) -> None:
        self._row = row
        self.achievement = achievement
        self.evidence_items = evidence_items
        self.references = references

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


@dataclass(frozen=True)
class Shown:
    credential: CredentialRead
    issuer: IssuerRead


def _for_key() -> Select[Any]:
    """The key's secret hash and the credentials a reference names within the key's reach, each
    with its achievement and issuer: one row per credential, one with NULL credential columns
    when the key reaches none, no row when no live key has the prefix. Whether each has
    evidence items or references comes along, so that empty collections cost no statement."""
    key = _KEYS
    credential = _CREDENTIALS
    within_reach = and_(
        # Each name by its own index (SQLite: MULTI-INDEX OR). The organization is checked
        # after: `+ 0` keeps SQLite from walking the organization's index instead, which read
        # every credential of the organization.
        or_(
            and_(
                credential.c.organization_id == key.c.organization_id,
                credential.c.license_id == bindparam("ref"),
            ),
            credential.c.encoded_id == bindparam("ref"),
            credential.c.id == bindparam("number"),
        ),
        credential.c.organization_id + 0 == key.c.organization_id,
        or_(key.c.department_id.is_(None), credential.c.department_id == key.c.department_id),
    )
    return (
        select(
            key.c.secret_hash,
            *(credential.c[name] for name in _SHOWN_COLUMNS),
            _ACHIEVEMENTS.c.name.label("achievement_name"),
            _ACHIEVEMENTS.c.course_link.label("achievement_course_link"),
            _ORGANIZATIONS.c.name.label("issuer_name"),
            _ORGANIZATIONS.c.description.label("issuer_description"),
            _ORGANIZATIONS.c.url.label("issuer_url"),
            _has(_EVIDENCE).label("has_evidence_items"),
            _has(_REFERENCES).label("has_references"),
        )
        .select_from(key)
        .outerjoin(credential, within_reach)
        .outerjoin(_ACHIEVEMENTS, _ACHIEVEMENTS.c.id == credential.c.achievement_id)
        .outerjoin(_ORGANIZATIONS, _ORGANIZATIONS.c.id == credential.c.organization_id)
        .where(key.c.prefix == bindparam("prefix"), key.c.revoked_at.is_(None))
    )


def _has(table: Table) -> Exists:
    return exists().where(table.c.credential_id == _CREDENTIALS.c.id)


# What the API's answer shows of a credential (dialects/accredible/mapping.py `credential_out`)
# and `first_named` compares: only these, as each column read costs its type's processing.
_SHOWN_COLUMNS = (
    "id",
    "organization_id",
    "achievement_id",
    "encoded_id",
    "license_id",
    "name",
    "description",
    "approve",
    "grade",
    "complete",
    "issued_on",
    "expired_on",
    "private",
    "custom_attributes",
    "meta_data",
    "recipient_name",
    "recipient_email",
    "recipient_phone_number",
    "recipient_external_id",
    "recipient_meta_data",
)
# Built once: the statement cache then finds them by identity, not by walking a new tree.
_FOR_KEY = _for_key()
_EVIDENCE_OF = (
    select(_EVIDENCE)
    .where(_EVIDENCE.c.credential_id == bindparam("credential_id"))
    .order_by(_EVIDENCE.c.position, _EVIDENCE.c.id)
)
_REFERENCES_OF = (
    select(_REFERENCES)
    .where(_REFERENCES.c.credential_id == bindparam("credential_id"))
    .order_by(_REFERENCES.c.position, _REFERENCES.c.id)
)


def shown_to_key(connection: Connection, key: str | None, ref: str) -> Shown:
    """What `credentials.get` finds for this reference in the presented key's scope, with its
    issuer: Unauthenticated when the key is not a live one (revoked by any process: the check
    is part of the same statement), the same NotFound as `get` when the key reaches none."""
    parts = api_keys.parts(key) if key else None
    if parts is None:
        raise Unauthenticated()
    prefix, secret = parts
    ref = ref.strip()
    parameters = {"prefix": prefix, "ref": ref, "number": limits.parse_id(ref)}
    rows = connection.execute(_FOR_KEY, parameters).all()
    if not rows or not api_keys.secret_matches(rows[0].secret_hash, secret):
        raise Unauthenticated()
    row = first_named(ref, [row for row in rows if row.id is not None])
    evidence_items, references = collections_of(
        connection,
        row.id,
        evidence_items=row.has_evidence_items,
        references=row.has_references,
    )
    achievement = AchievementRead(
        row.achievement_id, row.achievement_name, row.achievement_course_link
    )
    credential = CredentialRead(row, achievement, evidence_items, references)
    issuer = IssuerRead(
        row.organization_id, row.issuer_name, row.issuer_description, row.issuer_url
    )
    return Shown(credential, issuer)


def collections_of(
    connection: Connection | Session,
    credential_id: int,
    *,
    evidence_items: bool = True,
    references: bool = True,
) -> tuple[list[Row[Any]], list[Row[Any]]]:
    """A credential's evidence items and references, each in its order; a collection known to
    be empty (False) is not read."""
    by_id = {"credential_id": credential_id}
    return (
        list(connection.execute(_EVIDENCE_OF, by_id)) if evidence_items else [],
        list(connection.execute(_REFERENCES_OF, by_id)) if references else [],
    )
