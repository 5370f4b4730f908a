"""Rendering outside a request's own transaction: read in one session, draw with no session
open (it is CPU work, and on SQLite a writer would hold the write lock meanwhile), store in a
short transaction of its own."""

from sqlalchemy.exc import IntegrityError

from plaudit.services import pdf_bundles, renderings
from plaudit.services.renderings import RenderJob
from plaudit.store.db import Database


def store(database: Database, job: RenderJob, content: bytes) -> None:
    """Keeps a fresh rendering; a concurrent run that stored the same key first wins."""
    try:
        with database.transaction() as session:
            renderings.keep(session, job, content)
    except IntegrityError:
        pass  # the same key means the same bytes


def ensure_rendered(
    database: Database, organization_id: int, credential_id: int, variant: str, base_url: str
) -> bytes | None:
    """The credential's file, rendered and stored if it was not yet; None once deleted."""
    with database.session(readonly=True) as session:
        found = pdf_bundles.credential_with_issuer(session, organization_id, credential_id)
        if found is None:
            return None
        job = renderings.prepare(session, *found, variant, base_url)
        content = renderings.fetch(session, job.key)
    if content is None:
        content = renderings.produce(job)
        store(database, job, content)
    return content
