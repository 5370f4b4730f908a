"""PDF bundles: the zip of certificate PDFs `POST /v1/credentials/generate_pdf` hands out.

A bundle names credentials, nothing more: its zip is streamed from their renderings when it is
downloaded, one PDF at a time. A small bundle is ready at once (the request renders its PDFs
before answering); a large one is rendered by a background job first.
"""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.errors import Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.jobs import outbox
from plaudit.services import credentials
from plaudit.store.render_tables import PdfBundle
from plaudit.store.tables import Credential, Organization

JOB_KIND = "pdf_bundle.render"
SCHEDULED, COMPLETED, ERRORED = "scheduled", "completed", "errored"
# A bundle's link works this long; then the bundle is forgotten.
LIFETIME = timedelta(days=7)
FIELD = "credential_ids"


def create(session: Session, scope: Scope, refs: list[str], *, sync_max: int) -> PdfBundle:
    """A bundle of the scope's credentials named by `refs` (integer ids), each once, in the
    order given. Unknown ids (or another tenant's) refuse the whole request."""
    if not refs:
        raise Invalid(fields={FIELD: ["can't be blank"]})
    limits.check_items({FIELD: refs})
    ids = list(dict.fromkeys(limits.parse_id(ref.strip()) for ref in refs))
    if None in ids:
        raise Invalid(fields={FIELD: ["is invalid"]})
    found = set(
        session.scalars(
            credentials.scoped(scope).with_only_columns(Credential.id).where(Credential.id.in_(ids))
        )
    )
    if len(found) != len(ids):
        raise Invalid(fields={FIELD: ["is invalid"]})
    small = len(ids) <= sync_max
    bundle = PdfBundle(
        organization_id=scope.organization_id,
        credential_ids=ids,
        status=COMPLETED if small else SCHEDULED,
    )
    session.add(bundle)
    session.flush()
    if not small:
        outbox.enqueue(
            session, JOB_KIND, {"pdf_bundle_id": bundle.id}, organization_id=scope.organization_id
        )
    return bundle


def by_uuid(session: Session, bundle_uuid: str, *, now: datetime) -> PdfBundle:
    """A bundle by the UUID its link carries; NotFound once its lifetime is over."""
    try:
        wanted = UUID(bundle_uuid)
    except ValueError:
        raise NotFound("pdf_bundle") from None
    bundle = session.scalar(select(PdfBundle).where(PdfBundle.uuid == wanted))
    if bundle is None or _utc(bundle.created_at) + LIFETIME < now:
        raise NotFound("pdf_bundle")
    return bundle


def credential_with_issuer(
    session: Session, organization_id: int, credential_id: int
) -> tuple[Credential, Organization] | None:
    """One of a bundle's credentials and its organization; None once it was deleted."""
    row = session.execute(
        select(Credential, Organization)
        .join(Organization, Organization.id == Credential.organization_id)
        .where(Credential.id == credential_id, Credential.organization_id == organization_id)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def complete(session: Session, bundle_id: int, *, now: datetime) -> None:
    bundle = session.get(PdfBundle, bundle_id)
    if bundle is not None and bundle.status != COMPLETED:
        bundle.status = COMPLETED
        bundle.completed_at = now
        session.flush()


def mark_errored(session: Session, bundle_id: int) -> None:
    bundle = session.get(PdfBundle, bundle_id)
    if bundle is not None and bundle.status != COMPLETED:
        bundle.status = ERRORED
        session.flush()


def _utc(moment: datetime) -> datetime:
    """SQLite hands times back without a zone; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
