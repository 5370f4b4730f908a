"""Credentials read for display only (`GET /v1/credentials/{id}`, and the public page through
services/public_credentials.py): Core statements, no ORM objects.

Loading a `Credential` through the ORM, with its joined achievement and its two `selectin`
collections, cost about 1.5 ms of CPU a request: five times the same rows read by these
statements. The rows carry the ORM objects' attribute names, so the dialect mappings read
either. Nothing here writes, and nothing read here can be written back.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.scope import Scope
from plaudit.services.credentials import first_named
from plaudit.store.tables import Achievement, Credential, EvidenceItem, Organization, Reference

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


def _by_reference(with_department: bool) -> Select[Any]:
    query = (
        select(
            _CREDENTIALS,
            _ACHIEVEMENTS.c.name.label("achievement_name"),
            _ACHIEVEMENTS.c.course_link.label("achievement_course_link"),
            _ORGANIZATIONS.c.name.label("issuer_name"),
            _ORGANIZATIONS.c.description.label("issuer_description"),
            _ORGANIZATIONS.c.url.label("issuer_url"),
        )
        .join(_ACHIEVEMENTS, _ACHIEVEMENTS.c.id == _CREDENTIALS.c.achievement_id)
        .join(_ORGANIZATIONS, _ORGANIZATIONS.c.id == _CREDENTIALS.c.organization_id)
        .where(
            _CREDENTIALS.c.organization_id == bindparam("organization_id"),
            or_(
                _CREDENTIALS.c.license_id == bindparam("ref"),
                _CREDENTIALS.c.encoded_id == bindparam("ref"),
                _CREDENTIALS.c.id == bindparam("number"),
            ),
        )
    )
    if with_department:
        query = query.where(_CREDENTIALS.c.department_id == bindparam("department_id"))
    return query


# Built once: the statement cache then finds them by identity, not by walking a new tree.
_IN_ORGANIZATION = _by_reference(with_department=False)
_IN_DEPARTMENT = _by_reference(with_department=True)
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


def shown(session: Session, scope: Scope, ref: str) -> Shown:
    """The credential `credentials.get` finds for this reference, with its issuer; the same
    NotFound when there is none."""
    ref = ref.strip()
    parameters = {
        "organization_id": scope.organization_id,
        "department_id": scope.department_id,
        "ref": ref,
        "number": limits.parse_id(ref),
    }
    statement = _IN_ORGANIZATION if scope.department_id is None else _IN_DEPARTMENT
    row = first_named(ref, session.execute(statement, parameters).all())
    evidence_items, references = collections_of(session, row.id)
    achievement = AchievementRead(
        row.achievement_id, row.achievement_name, row.achievement_course_link
    )
    credential = CredentialRead(row, achievement, evidence_items, references)
    issuer = IssuerRead(
        row.organization_id, row.issuer_name, row.issuer_description, row.issuer_url
    )
    return Shown(credential, issuer)


def collections_of(session: Session, credential_id: int) -> tuple[list[Row[Any]], list[Row[Any]]]:
    """A credential's evidence items and references, each in its order."""
    by_id = {"credential_id": credential_id}
    return (
        list(session.execute(_EVIDENCE_OF, by_id)),
        list(session.execute(_REFERENCES_OF, by_id)),
    )
