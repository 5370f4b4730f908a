"""Data exports: ask for one (it runs as a background job), list them, read their files."""

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, undefer

from plaudit.domain import exports as rules
from plaudit.domain import limits
from plaudit.domain.errors import Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.jobs import outbox
from plaudit.services import organizations
from plaudit.services.export_files import ExportFile
from plaudit.store.reporting_tables import DataExport, DataExportFile

JOB_KIND = "data_export.run"


def scoped(scope: Scope) -> Select[tuple[DataExport]]:
    query = select(DataExport).where(DataExport.organization_id == scope.organization_id)
    if scope.department_id is not None:
        query = query.where(DataExport.department_id == scope.department_id)
    return query


def create(session: Session, scope: Scope, entity: object, department_id: object) -> DataExport:
    """A scheduled export, and in the same transaction the job that will run it."""
    entity, department_id = rules.check_request(entity, department_id)
    try:
        department = organizations.department_in_scope(session, scope, department_id)
    except NotFound:
        raise Invalid(fields={"department_id": ["is invalid"]}) from None
    export = DataExport(
        organization_id=scope.organization_id,
        department_id=department.id,
        entity=entity,
        status=rules.SCHEDULED,
        files=[],
    )
    session.add(export)
    session.flush()
    outbox.enqueue(
        session, JOB_KIND, {"data_export_id": export.id}, organization_id=scope.organization_id
    )
    session.flush()
    return export


def list_all(session: Session, scope: Scope) -> list[DataExport]:
    """The scope's exports, newest first."""
    return list(session.scalars(scoped(scope).order_by(DataExport.id.desc())))


def get(session: Session, scope: Scope, export_id: int) -> DataExport:
    export = None
    if limits.is_storable_id(export_id):
        export = session.scalar(scoped(scope).where(DataExport.id == export_id))
    if export is None:
        raise NotFound("data_export")
    return export


def get_file(session: Session, scope: Scope, export_id: int, year: int) -> DataExportFile:
    """A completed export's file of one year, content included."""
    export = get(session, scope, export_id)
    if not limits.INT32_MIN <= year <= limits.INT32_MAX:
        raise NotFound("data_export_file")
    found = session.scalar(
        select(DataExportFile)
        .where(DataExportFile.data_export_id == export.id, DataExportFile.year == year)
        .options(undefer(DataExportFile.content))
    )
    if found is None or export.status != rules.COMPLETED:
        raise NotFound("data_export_file")
    return found


# The export job's steps, each in a transaction of its own. Each is safe to repeat.


def start(session: Session, export_id: int) -> DataExport | None:
    """Mark the export as processing; None when it is gone or already completed."""
    export = session.get(DataExport, export_id)
    if export is None or export.status == rules.COMPLETED:
        return None
    export.status = rules.PROCESSING
    session.flush()
    return export


def complete(session: Session, export_id: int, files: list[ExportFile], *, now: datetime) -> bool:
    """Store the files and mark the export completed, unless a concurrent run already did.

    The row lock (PostgreSQL) or the single writer (SQLite) makes the check and the write one
    step, so two runs of the same job store one set of files.
    """
    export = session.get(DataExport, export_id, with_for_update=True, populate_existing=True)
    if export is None or export.status == rules.COMPLETED:
        return False
    for file in files:
        session.add(
            DataExportFile(
                data_export_id=export.id,
                year=file.year,
                row_count=file.row_count,
                content=file.content,
            )
        )
    export.status = rules.COMPLETED
    export.completed_at = now
    session.flush()
    return True


def mark_errored(session: Session, export_id: int) -> None:
    export = session.get(DataExport, export_id)
    if export is not None and export.status != rules.COMPLETED:
        export.status = rules.ERRORED
        session.flush()
