"""Issuing from a spreadsheet (the dashboard's import, issue 15): an upload is kept with its
cells (dashboard_imports), mapped to credential fields, checked row by row with the issuing
rules of `POST /v1/credentials/bulk_create` (services/issuance.py: the same checks, duplicates
against the achievement's credentials and within the file), then issued in batches by a job
(jobs/import_job.py) through the same `issuance.prepare` and `issuance.write`.

States: uploaded (mapped or not, maybe checked with errors) -> checked (every row passed) ->
issuing -> done, or failed when the job gives up. The caller commits."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session, defer

from plaudit.domain import import_mapping
from plaudit.domain.dates import as_utc
from plaudit.domain.errors import Conflict, DomainError, Duplicate, Invalid, NotFound, found_uuid
from plaudit.domain.import_mapping import CellError
from plaudit.domain.scope import Scope
from plaudit.domain.values import normalize_email
from plaudit.jobs import outbox
from plaudit.services import achievements, issuance
from plaudit.services.credentials import DUPLICATE_EMAIL_REASON, BatchKeys, Issued
from plaudit.services.import_files import Sheet
from plaudit.services.issuance import Prepared
from plaudit.store.dashboard_tables import DashboardImport
from plaudit.store.tables import Achievement, Credential

JOB_KIND = "dashboard_import.issue"
UPLOADED, CHECKED, ISSUING, DONE, FAILED = "uploaded", "checked", "issuing", "done", "failed"
MAPPABLE = (UPLOADED, CHECKED)
PREVIEW_ROWS = 5
CHECK_CHUNK = 2000


def create(
    session: Session,
    scope: Scope,
    *,
    member_id: int,
    achievement_id: int,
    filename: str,
    sheet: Sheet,
) -> DashboardImport:
    """A new import of `sheet` into an achievement of the organization, its mapping guessed
    from the header names."""
    achievement = achievements.get_or_none(session, scope, achievement_id)
    if achievement is None:
        raise Invalid(fields={"achievement_id": ["Choose an achievement from the list."]})
    if achievement.state == "archived":
        raise Invalid(fields={"achievement_id": ["This achievement is archived."]})
    found = DashboardImport(
        organization_id=scope.organization_id,
        team_member_id=member_id,
        achievement_id=achievement.id,
        filename=filename[:255],
        columns=sheet.columns,
        rows=sheet.rows,
        mapping=import_mapping.guess(sheet.columns),
        state=UPLOADED,
        total=len(import_mapping.issuable(sheet.rows)),
        done=0,
        failed=0,
    )
    session.add(found)
    session.flush()
    return found


def get(session: Session, scope: Scope, ref: str, *, cells: bool = True) -> DashboardImport:
    """An import of the organization by its UUID; another organization's is not found.
    Without `cells` its rows are left unread (megabytes for a large file)."""
    query = select(DashboardImport).where(
        DashboardImport.uuid == found_uuid(ref, "import"),
        DashboardImport.organization_id == scope.organization_id,
    )
    found = session.scalar(query if cells else query.options(defer(DashboardImport.rows)))
    if found is None:
        raise NotFound("import")
    return found


@dataclass(frozen=True)
class Listed:
    uuid: UUID
    filename: str
    achievement: str | None
    state: str
    total: int
    done: int
    failed: int
    created_at: datetime


def recent(session: Session, scope: Scope, limit: int = 50) -> list[Listed]:
    """The organization's latest imports, without their cells."""
    rows = session.execute(
        select(
            DashboardImport.uuid,
            DashboardImport.filename,
            Achievement.name,
            DashboardImport.state,
            DashboardImport.total,
            DashboardImport.done,
            DashboardImport.failed,
            DashboardImport.created_at,
        )
        .outerjoin(Achievement, Achievement.id == DashboardImport.achievement_id)
        .where(DashboardImport.organization_id == scope.organization_id)
        .order_by(DashboardImport.id.desc())
        .limit(limit)
    ).all()
    return [Listed(*row) for row in rows]


def achievement_name(session: Session, scope: Scope, found: DashboardImport) -> str:
    achievement = (
        achievements.get_or_none(session, scope, found.achievement_id)
        if found.achievement_id is not None
        else None
    )
    return achievement.name if achievement is not None else "(deleted achievement)"


def recipients(
    session: Session, scope: Scope, credential_ids: Sequence[int]
) -> list[tuple[int, str]]:
    """The recipient's name of each of a few credentials the import issued, in their order."""
    rows = session.execute(
        select(Credential.id, Credential.recipient_name).where(
            Credential.id.in_(list(credential_ids)),
            Credential.organization_id == scope.organization_id,
        )
    ).all()
    names = {row.id: row.recipient_name for row in rows}
    return [(id, names[id]) for id in credential_ids if id in names]


# --- checking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    """A row as it will be issued (its credential built, not saved), or its errors."""

    row: int
    credential: Credential | None
    errors: list[CellError]


def _items(found: DashboardImport, mapping: dict[str, Any], indices: Sequence[int]) -> list[Any]:
    achievement_id = found.achievement_id or 0
    return [
        import_mapping.credential_fields(found.rows[index], mapping, achievement_id)
        for index in indices
    ]


def preview(
    session: Session, scope: Scope, found: DashboardImport, mapping: dict[str, Any], today: date
) -> list[PreviewRow]:
    """The first rows built as the issuing rules build them (defaults applied). Reads only."""
    indices = import_mapping.issuable(found.rows)[:PREVIEW_ROWS]
    built = issuance.prepare(
        session, scope, _items(found, mapping, indices), today=today, signer=None
    )
    rows = []
    for index, outcome in zip(indices, built, strict=True):
        if isinstance(outcome, DomainError):
            errors = import_mapping.cell_errors(
                index, found.rows[index], outcome, found.columns, mapping
            )
            rows.append(PreviewRow(import_mapping.spreadsheet_row(index), None, errors))
        else:
            rows.append(PreviewRow(import_mapping.spreadsheet_row(index), outcome.credential, []))
    return rows


def check(
    session: Session, scope: Scope, found: DashboardImport, mapping: dict[str, Any], today: date
) -> list[CellError]:
    """Every row checked with `mapping` as bulk issuance checks a request (`prepare`, without
    signing), `CHECK_CHUNK` rows at a time so that a large file is never all in memory as
    credentials: each error on its row and column. Reads only.

    `prepare` refuses a second credential to one email within its chunk; across chunks the
    duplicate keys it gave earlier rows' credentials are held, as it holds them within one."""
    indices = import_mapping.issuable(found.rows)
    held = BatchKeys()
    first_row_of: dict[str | None, int] = {}
    errors: list[CellError] = []
    for start in range(0, len(indices), CHECK_CHUNK):
        chunk = indices[start : start + CHECK_CHUNK]
        items = _items(found, mapping, chunk)
        built = issuance.prepare(session, scope, items, today=today, signer=None)
        for index, outcome in zip(chunk, built, strict=True):
            number = import_mapping.spreadsheet_row(index)
            if isinstance(outcome, Prepared):
                credential = outcome.credential
                if (credential.achievement_id, credential.duplicate_key) not in held.duplicate_keys:
                    held.hold(credential)
                    first_row_of.setdefault(credential.duplicate_key, number)
                    continue
                outcome = Duplicate(fields={"recipient.email": [DUPLICATE_EMAIL_REASON]})
            row = found.rows[index]
            key = _duplicate_key(row, mapping)
            errors.extend(
                _named_duplicate(error, first_row_of.get(key))
                for error in import_mapping.cell_errors(index, row, outcome, found.columns, mapping)
            )
    return errors


def _duplicate_key(row: Sequence[str], mapping: dict[str, Any]) -> str | None:
    """The row's email as duplicate keys hold it (the rule's normal form), to name the earlier
    row that holds it."""
    column = mapping.get(import_mapping.RECIPIENT_EMAIL)
    return normalize_email(row[column]) if isinstance(column, int) else None


def _named_duplicate(error: CellError, earlier_row: int | None) -> CellError:
    """A duplicate email that an earlier row of the file holds says which row."""
    if earlier_row is None or error.message != DUPLICATE_EMAIL_REASON:
        return error
    message = f"{error.message} (row {earlier_row} of this file has the same email)"
    return CellError(error.row, error.column, message)


def record_check(
    session: Session,
    scope: Scope,
    ref: str,
    mapping: dict[str, Any],
    errors: Sequence[CellError],
) -> None:
    """Keeps the mapping and what checking it found: the import is ready to issue when no row
    failed. Refused once issuing has started."""
    found = get(session, scope, ref)
    if found.state not in MAPPABLE:
        raise Conflict("import.started", "This import has already been issued.")
    found.mapping = mapping
    found.row_errors = [error.as_json() for error in errors]
    found.state = UPLOADED if errors else CHECKED


def keep_mapping(session: Session, scope: Scope, ref: str, mapping: dict[str, Any]) -> None:
    """A changed mapping, not yet checked: the import must be checked again."""
    found = get(session, scope, ref)
    if found.state not in MAPPABLE:
        raise Conflict("import.started", "This import has already been issued.")
    found.mapping = mapping
    found.row_errors = None
    found.state = UPLOADED


def start(session: Session, scope: Scope, ref: str, now: datetime) -> None:
    """Queues the issuing job of a checked import, once: of two clicks, one starts it."""
    found_id = get(session, scope, ref).id
    started = session.execute(
        update(DashboardImport)
        .where(DashboardImport.id == found_id, DashboardImport.state == CHECKED)
        .values(state=ISSUING, started_at=now)
        .execution_options(synchronize_session=False)
    )
    if started.rowcount != 1:
        raise Conflict("import.not_checked", "Check every row before issuing.")
    outbox.enqueue(
        session, JOB_KIND, {"import_id": found_id}, organization_id=scope.organization_id
    )


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    state: str
    total: int
    done: int
    failed: int
    started_at: datetime | None
    finished_at: datetime | None

    def as_json(self, now: datetime) -> dict[str, Any]:
        """What a progress bar shows: rows done of the total, the rate since the start, the
        seconds left at that rate (None until there is a rate)."""
        processed = self.done + self.failed
        end = as_utc(self.finished_at) if self.finished_at else now
        seconds = (end - as_utc(self.started_at)).total_seconds() if self.started_at else 0.0
        rate = processed / seconds if seconds > 0 and processed else None
        left = (self.total - processed) / rate if rate else None
        return {
            "state": self.state,
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "rows_per_second": round(rate, 1) if rate else None,
            "seconds_left": round(left) if left is not None and self.state == ISSUING else None,
            "finished": self.state in (DONE, FAILED),
        }


def progress(session: Session, scope: Scope, ref: str) -> Progress:
    """The import's progress, read without its cells (a poll every second stays cheap)."""
    row = session.execute(
        select(
            DashboardImport.state,
            DashboardImport.total,
            DashboardImport.done,
            DashboardImport.failed,
            DashboardImport.started_at,
            DashboardImport.finished_at,
        ).where(
            DashboardImport.uuid == found_uuid(ref, "import"),
            DashboardImport.organization_id == scope.organization_id,
        )
    ).first()
    if row is None:
        raise NotFound("import")
    return Progress(*row)


# --- issuing (jobs/import_job.py) ---------------------------------------------------------------


@dataclass(frozen=True)
class Committed:
    """What the import has recorded as issued: rows `position` onwards are still to do."""

    position: int
    state: str


def committed(session: Session, import_id: int, *, lock: bool) -> Committed | None:
    """The import's position; `lock` holds its row until the transaction ends, so that two
    runs of its job (a worker presumed dead and its successor) never write the same batch."""
    query = select(DashboardImport.done, DashboardImport.failed, DashboardImport.state).where(
        DashboardImport.id == import_id
    )
    row: Row[Any] | None = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        return None
    return Committed(row.done + row.failed, row.state)


def record_batch(
    session: Session,
    import_id: int,
    rows: Sequence[tuple[int, list[str]]],
    outcomes: Sequence[Issued | DomainError],
) -> None:
    """Adds a written batch to the import's progress, in the batch's transaction: its issued
    credentials' ids, and the rows refused since they were checked (a credential issued to the
    same email meanwhile, an achievement archived meanwhile) with their errors."""
    found = session.execute(
        select(
            DashboardImport.done,
            DashboardImport.failed,
            DashboardImport.credential_ids,
            DashboardImport.row_errors,
            DashboardImport.columns,
            DashboardImport.mapping,
        ).where(DashboardImport.id == import_id)
    ).one()
    issued = [outcome.credential.id for outcome in outcomes if isinstance(outcome, Issued)]
    refused = [
        error.as_json()
        for (index, row), outcome in zip(rows, outcomes, strict=True)
        if isinstance(outcome, DomainError)
        for error in import_mapping.cell_errors(
            index, row, outcome, found.columns, found.mapping or {}
        )
    ]
    values: dict[str, Any] = {
        "done": found.done + len(issued),
        "failed": found.failed + len(outcomes) - len(issued),
        "credential_ids": [*(found.credential_ids or []), *issued],
    }
    if refused:
        values["row_errors"] = [*(found.row_errors or []), *refused]
    session.execute(
        update(DashboardImport)
        .where(DashboardImport.id == import_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def finish(session: Session, import_id: int, now: datetime, *, state: str = DONE) -> None:
    session.execute(
        update(DashboardImport)
        .where(DashboardImport.id == import_id, DashboardImport.state == ISSUING)
        .values(state=state, finished_at=now)
        .execution_options(synchronize_session=False)
    )


def write_batch(
    session: Session,
    import_id: int,
    position: int,
    rows: Sequence[tuple[int, list[str]]],
    prepared: Sequence[Prepared | DomainError],
) -> bool:
    """Writes one prepared batch (`rows`: each row's index and cells) that starts at
    `position`, and the progress it makes, in the caller's transaction; False (nothing
    written) when the import is no longer at `position` (another run of the job wrote this
    batch) or no longer issuing."""
    now_at = committed(session, import_id, lock=True)
    if now_at is None or now_at.state != ISSUING or now_at.position != position:
        return False
    record_batch(session, import_id, rows, issuance.write(session, prepared))
    return True


# --- the errors as a file -----------------------------------------------------------------------


def errors_csv(found: DashboardImport) -> str:
    """Every row of the file as it was uploaded, with an `error` column saying what is wrong
    with it (empty for a good row): fixed where it says, the file can be uploaded again."""
    by_row: dict[int, list[str]] = {}
    for error in found.row_errors or []:
        text = f"{error['column']}: {error['message']}" if error["column"] else error["message"]
        by_row.setdefault(error["row"], []).append(text)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*found.columns, "error"])
    for index, row in enumerate(found.rows):
        writer.writerow([*row, "; ".join(by_row.get(import_mapping.spreadsheet_row(index), []))])
    return "\ufeff" + out.getvalue()
