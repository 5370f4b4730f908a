"""The job of a large PDF bundle: render each credential's PDF (one at a time, each stored in a
transaction of its own), then mark the bundle ready. Safe to repeat: rendered PDFs are found by
their keys and not drawn again."""

from typing import Any

from sqlalchemy.orm import Session

from plaudit.jobs.registry import JobContext
from plaudit.jobs.rendering import ensure_rendered
from plaudit.services import pdf_bundles
from plaudit.store.render_tables import PdfBundle
from plaudit.store.tables import utcnow


def run(context: JobContext) -> None:
    bundle_id = int(context.payload["pdf_bundle_id"])
    with context.database.session(readonly=True) as session:
        bundle = session.get(PdfBundle, bundle_id)
        if bundle is None or bundle.status == pdf_bundles.COMPLETED:
            return
        organization_id, ids = bundle.organization_id, list(bundle.credential_ids)
    base_url = context.settings.public_base_url
    for credential_id in ids:
        ensure_rendered(
            context.database, organization_id, int(credential_id), "certificate.pdf", base_url
        )
    with context.database.transaction() as session:
        pdf_bundles.complete(session, bundle_id, now=utcnow())


def give_up(session: Session, payload: dict[str, Any]) -> None:
    pdf_bundles.mark_errored(session, int(payload["pdf_bundle_id"]))
