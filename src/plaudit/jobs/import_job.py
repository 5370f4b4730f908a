"""The job that issues a checked spreadsheet import (services/spreadsheet_imports.py), `BATCH`
rows at a time, through the path of `POST /v1/credentials/bulk_create`: `issuance.prepare`
(checks, signing, status list places) in a read-only session, then `issuance.write`
(credentials, `badge.created` events that become mail and webhooks, status entries, signed
forms) in a transaction that also records the batch's progress.

Each row is issued exactly once, however often the job runs: a row's key is its position in
the file, and the import's `done + failed` is the position up to which rows are issued. A
batch's credentials and the position that follows it are committed in one transaction, under
a lock on the import's row, and only when the position is still the one the batch started
from. A crash loses the batch under way (it rolls back whole) and nothing acknowledged; the
job's next run starts after the last committed batch; a run that outlived its lease and
wakes beside its successor finds the position moved and writes nothing. (The achievement's
duplicate rule guards the same way for achievements that refuse duplicates, but an
achievement may allow them: the position is what holds for every achievement.)"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from plaudit.domain import import_mapping
from plaudit.domain.errors import DomainError
from plaudit.domain.scope import Scope
from plaudit.jobs.registry import JobContext
from plaudit.server_secret import server_secret
from plaudit.services import issuance, spreadsheet_imports
from plaudit.services.issuance import Prepared
from plaudit.services.signing import Signer
from plaudit.store.dashboard_tables import DashboardImport

BATCH = 250
Batch = list[tuple[int, list[str]]]  # each row's index in the file, and its cells


@dataclass(frozen=True)
class _Import:
    """What the job reads of its import once: the rows to issue, in order, and how."""

    id: int
    scope: Scope
    rows: list[list[str]]
    order: list[int]
    mapping: dict[str, Any]
    achievement_id: int

    def batch(self, position: int) -> Batch:
        return [(index, self.rows[index]) for index in self.order[position : position + BATCH]]


def run(context: JobContext) -> None:
    """Issues the import's rows from its committed position on. Each batch is prepared (the
    costly signing) in a thread of its own while the batch before it is written, as bulk
    requests side by side are."""
    with context.database.session(readonly=True) as session:
        found = session.get(DashboardImport, int(context.payload["import_id"]))
        if found is None or found.state != spreadsheet_imports.ISSUING:
            return
        job = _Import(
            found.id,
            Scope(organization_id=found.organization_id),
            found.rows,
            import_mapping.issuable(found.rows),
            found.mapping or {},
            found.achievement_id or 0,
        )
        position = found.done + found.failed
    settings = context.settings
    signer = (
        Signer(settings.public_base_url, server_secret(settings))
        if settings.sign_at_issuance
        else None
    )

    def prepare(start: int) -> list[Prepared | DomainError]:
        items = [
            import_mapping.credential_fields(row, job.mapping, job.achievement_id)
            for _, row in job.batch(start)
        ]
        today = datetime.now(UTC).date()
        with context.database.session(readonly=True) as session:
            return issuance.prepare(session, job.scope, items, today=today, signer=signer)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="plaudit-import") as preparing:
        upcoming = preparing.submit(prepare, position)
        while position < len(job.order):
            batch, prepared = job.batch(position), upcoming.result()
            following = position + len(batch)
            if following < len(job.order):
                upcoming = preparing.submit(prepare, following)
            with context.database.transaction() as session:
                written = spreadsheet_imports.write_batch(
                    session, job.id, position, batch, prepared
                )
            if written:
                position = following
                continue
            with context.database.session(readonly=True) as session:
                now_at = spreadsheet_imports.committed(session, job.id, lock=False)
            if now_at is None or now_at.state != spreadsheet_imports.ISSUING:
                return
            position = now_at.position  # another run wrote this batch: go on after it
            upcoming = preparing.submit(prepare, position)
    with context.database.transaction() as session:
        spreadsheet_imports.finish(session, job.id, datetime.now(UTC))


def give_up(session: Session, payload: dict[str, Any]) -> None:
    """The job failed for good: the import says so, with the rows issued until then."""
    spreadsheet_imports.finish(
        session, int(payload["import_id"]), datetime.now(UTC), state=spreadsheet_imports.FAILED
    )
