"""Certificate PDFs through the API: `POST /v1/credentials/generate_single_pdf/{id}` and
`POST /v1/credentials/generate_pdf`. Both answer `{"file": URL}` as the OpenAPI file shows; the
PDFs are drawn before the answer unless there are more than `PLAUDIT_PDF_BUNDLE_SYNC_MAX` of
them, when a background job draws them and the zip link answers 202 until it is done."""

from typing import Any

from fastapi import APIRouter
from pydantic import AliasChoices, Field
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.schemas import Body, LooseStr
from plaudit.domain.errors import NotFound
from plaudit.http.deps import AppSettings, DbWork, ServerSecret
from plaudit.http.render_slots import in_render_slot
from plaudit.jobs.rendering import ensure_rendered
from plaudit.services import credentials, pdf_bundles
from plaudit.web import urls
from plaudit.web.credential_files import file_key

router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])
Json = dict[str, Any]


class PdfBundleBody(Body):
    """`credential_ids`, as the file names them; pyaccredible's `generate_bulk_pdf` sends
    `credentials`, which is read the same way."""

    credential_ids: list[LooseStr] = Field(
        default_factory=list, validation_alias=AliasChoices("credential_ids", "credentials")
    )


@router.post(
    "/v1/credentials/generate_single_pdf/{id}", summary="Generate PDF for a single credential"
)
async def generate_single_pdf(
    id: str, key: ApiKey, work: DbWork, settings: AppSettings, secret: ServerSecret
) -> Json:
    def run(session: Session) -> tuple[int, int, str]:
        scope = authorize(session, key)
        credential = credentials.get(session, scope, id)
        if not credential.approve:
            raise NotFound("credential")  # only a published credential has a certificate
        return credential.organization_id, credential.id, credential.encoded_id

    organization_id, credential_id, encoded_id = await work(run)
    base_url = settings.public_base_url
    await _render(work, organization_id, [credential_id], base_url)
    return {"file": urls.keyed_certificate_pdf(base_url, encoded_id, file_key(secret, encoded_id))}


@router.post("/v1/credentials/generate_pdf", summary="Generate PDF for credentials")
async def generate_pdf(
    body: PdfBundleBody, key: ApiKey, work: DbWork, settings: AppSettings
) -> Json:
    sync_max = settings.pdf_bundle_sync_max

    def run(session: Session) -> tuple[str, int, list[int], str]:
        scope = authorize(session, key)
        bundle = pdf_bundles.create(session, scope, body.credential_ids, sync_max=sync_max)
        session.commit()
        return str(bundle.uuid), bundle.organization_id, bundle.credential_ids, bundle.status

    bundle_uuid, organization_id, ids, status = await work(run)
    base_url = settings.public_base_url
    if status == pdf_bundles.COMPLETED:
        await _render(work, organization_id, ids, base_url)
    return {"file": urls.pdf_bundle(base_url, bundle_uuid)}


async def _render(work: DbWork, organization_id: int, ids: list[int], base_url: str) -> None:
    """Draws (and keeps) the PDFs that are not drawn yet, one at a time."""
    for credential_id in ids:
        await in_render_slot(
            ensure_rendered,
            work.database,
            organization_id,
            credential_id,
            "certificate.pdf",
            base_url,
        )
