"""The floor under bulk issuance: what storing and signing credentials costs with no HTTP, no
validation and no ORM, in one process.

The rows the v1 bulk_create stores (credential, status entry, signed forms) are inserted with
SQLAlchemy Core `executemany`, BATCH to a transaction (one bulk_create request's worth), and
signed with Plaudit's own functions, as services/issuance.prepare signs them: the same
unsigned document (signing.unsigned), content hash, Data Integrity proof and VC-JWT.
"""

import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from plaudit.domain.achievements import AchievementFields
from plaudit.domain.recipients import user_uuid
from plaudit.domain.scope import Scope
from plaudit.domain.values import normalize_email
from plaudit.openbadges import did, issuer_dids, keys, status_list
from plaudit.openbadges.data_integrity import add_proof
from plaudit.openbadges.vc_jwt import sign_jwt
from plaudit.services import achievements, organizations
from plaudit.services.credentials import new_encoded_id
from plaudit.services.signing import Signer, content_hash, unsigned
from plaudit.store.db import Database
from plaudit.store.signing_tables import SignedCredential, StatusEntry
from plaudit.store.tables import Achievement, Credential, Organization

BATCH = 100
FLOOR_GROUP_NAME = "Bulk floor group"


@dataclass(frozen=True)
class FloorResult:
    credentials: int
    seconds: float
    cpu_seconds: float  # this process's: the figure to compare on a busy machine

    @property
    def credentials_per_second(self) -> float:
        return self.credentials / self.seconds


def credential_row(
    organization_id: int, achievement: Achievement, label: str, index: int, today: date
) -> dict[str, Any]:
    """The columns the v1 bulk_create stores for a credential with a name, email and group."""
    email = f"{label}-{index}@example.com"
    normalized = normalize_email(email)
    now = datetime.now(UTC)
    return {
        "uuid": uuid.uuid4(),
        "created_at": now,
        "updated_at": now,
        "organization_id": organization_id,
        "department_id": achievement.department_id,
        "achievement_id": achievement.id,
        "encoded_id": new_encoded_id(),
        "recipient_name": f"Learner {label}-{index}",
        "recipient_email": email,
        "recipient_email_normalized": normalized,
        "recipient_user_uuid": user_uuid(normalized),
        "name": achievement.course_name,
        "description": achievement.course_description,
        "issued_on": today,
        "expired_on": None,
        "complete": True,
        "approve": True,
        "private": False,
        "allow_supplemental_evidence": True,
        "allow_supplemental_references": True,
    }


class FloorWriter:
    """Writes and signs batches for one organization and group, drawing status indices from
    one shuffled list (so no look-up for taken ones, as a pre-allocating server could)."""

    def __init__(self, session: Session, signer: Signer, achievement_id: int) -> None:
        self.signer = signer
        self.achievement = session.get_one(Achievement, achievement_id)
        _ = self.achievement.skill_category  # loaded now: the builder reads it once detached
        self.organization = session.get_one(Organization, self.achievement.organization_id)
        self.key_row = keys.ensure_key(session, self.organization, signer.secret)
        self.private_key = keys.unlock(self.key_row, self.organization, signer.secret).private_key
        issuer = did.issuer_did(signer.base_url, self.organization, self.key_row)
        issuer_dids.record(session, self.organization, issuer)
        self.list_number = status_list.open_list(
            session, self.organization.id, status_list.REVOCATION, 1
        )
        taken = set(
            session.scalars(
                select(StatusEntry.index).where(
                    StatusEntry.organization_id == self.organization.id,
                    StatusEntry.purpose == status_list.REVOCATION,
                    StatusEntry.list_number == self.list_number,
                )
            )
        )
        free = [index for index in range(status_list.LIST_SIZE) if index not in taken]
        random.shuffle(free)
        self.free_indices = free

    def write(self, session: Session, rows: list[dict[str, Any]]) -> None:
        ids = session.scalars(
            insert(Credential.__table__).returning(
                Credential.__table__.c.id, sort_by_parameter_order=True
            ),
            rows,
        ).all()
        pairs = zip(rows, ids, strict=True)
        entries = [self._entry(row, credential_id) for row, credential_id in pairs]
        session.execute(insert(StatusEntry.__table__), entries)
        session.execute(
            insert(SignedCredential.__table__),
            [
                self._signed(row, credential_id, entry)
                for row, credential_id, entry in zip(rows, ids, entries, strict=True)
            ],
        )

    def _entry(self, row: dict[str, Any], credential_id: int) -> dict[str, Any]:
        now = datetime.now(UTC)
        return {
            "uuid": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
            "organization_id": row["organization_id"],
            "purpose": status_list.REVOCATION,
            "list_number": self.list_number,
            "index": self.free_indices.pop(),
            "credential_id": credential_id,
            "credential_encoded_id": row["encoded_id"],
            "credential_uuid": row["uuid"],
            "is_set": False,
        }

    def _signed(
        self, row: dict[str, Any], credential_id: int, entry: dict[str, Any]
    ) -> dict[str, Any]:
        # Never added to the session: only the document builder reads them.
        credential = Credential(id=credential_id, achievement=self.achievement, **row)
        credential.evidence_items = []
        credential.references = []
        status = StatusEntry(
            purpose=entry["purpose"], list_number=entry["list_number"], index=entry["index"]
        )
        document, method = unsigned(
            credential, self.organization, self.key_row, status, self.signer
        )
        now = datetime.now(UTC)
        return {
            "uuid": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
            "credential_id": credential_id,
            "content_hash": content_hash(document, method),
            "document": json.dumps(
                add_proof(document, self.private_key, method), ensure_ascii=False
            ),
            "jwt": sign_jwt(document, self.private_key, method),
        }


def floor_group(database: Database) -> int:
    """A group of the organization `plaudit init` made, for the floor's rows alone."""
    with database.transaction() as session:
        (organization,) = organizations.list_organizations(session)
        fields = AchievementFields(
            name=FLOOR_GROUP_NAME,
            course_name="Benchmarking 101",
            course_description="Credentials written by bench/bulk_floor.py.",
        )
        return achievements.create(session, Scope(organization.id), fields).id


def measure_floor(database: Database, signer: Signer, count: int) -> FloorResult:
    """Write and sign `count` credentials, BATCH a transaction; the time it took."""
    achievement_id = floor_group(database)
    with database.transaction() as session:
        writer = FloorWriter(session, signer, achievement_id)
    organization_id, achievement = writer.organization.id, writer.achievement
    today = date.today()
    started, cpu_started = time.perf_counter(), time.process_time()
    for first in range(0, count, BATCH):
        rows = [
            credential_row(organization_id, achievement, "floor", index, today)
            for index in range(first, min(first + BATCH, count))
        ]
        with database.transaction() as session:
            writer.write(session, rows)
    return FloorResult(count, time.perf_counter() - started, time.process_time() - cpu_started)
