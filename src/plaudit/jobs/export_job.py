"""The data export job.

Three short steps, each its own transaction: mark the export processing; read its rows and write
the files in memory (reading only); store the files and mark the export completed. The files are
stored in the same transaction that completes the export, and that transaction first checks,
under a row lock, that no other run completed it: a crash at any point leaves either nothing or
the whole result, and a run repeated after a crash stores one set of files, not two.
"""

from typing import Any

from sqlalchemy.orm import Session

from plaudit.jobs.registry import JobContext
from plaudit.services import data_exports, export_files
from plaudit.store.tables import utcnow


def run(context: JobContext) -> None:
    export_id = int(context.payload["data_export_id"])
    with context.database.transaction() as session:
        export = data_exports.start(session, export_id)
        if export is None:
            return
        spec = export_files.ExportSpec.of(export)
    with context.database.session(readonly=True) as session:
        names, rows = export_files.read(session, spec, context.settings.public_base_url)
        files = export_files.encode(names, rows, spec.year)
    with context.database.transaction() as session:
        data_exports.complete(session, export_id, files, now=utcnow())


def give_up(session: Session, payload: dict[str, Any]) -> None:
    data_exports.mark_errored(session, int(payload["data_export_id"]))
