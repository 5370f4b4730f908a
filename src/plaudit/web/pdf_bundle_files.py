"""`GET /files/pdf-bundles/{uuid}.zip`: the zip of certificate PDFs a `generate_pdf` call asked
for. The link is the capability (an unguessable UUID, handed only to the issuer's API key), and
lives a week.

The zip is streamed: one PDF is read (or drawn) at a time and written out before the next, so a
bundle of thousands of credentials takes the memory of one PDF. While the background job of a
large bundle still runs, the link answers 202 with Retry-After.
"""

import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session

from plaudit.http.deps import Work
from plaudit.http.render_slots import in_render_slot
from plaudit.jobs.rendering import ensure_rendered
from plaudit.services import pdf_bundles
from plaudit.store.db import Database
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
RETRY_SECONDS = 5
# Fixed entry times make the same bundle the same bytes.
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


class _Chunks:
    """A write-only file that hands over what was written to it: zipfile writes a stream
    (with data descriptors) when its file cannot seek."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


@router.get("/files/pdf-bundles/{bundle_uuid}.zip")
async def pdf_bundle(request: Request, bundle_uuid: str) -> Response:
    state = request.app.state
    database: Database = state.database

    def find(session: Session) -> tuple[str, int, list[int]]:
        bundle = pdf_bundles.by_uuid(session, bundle_uuid, now=datetime.now(UTC))
        return bundle.status, bundle.organization_id, [int(i) for i in bundle.credential_ids]

    status, organization_id, ids = await Work(database, readonly=True)(find)
    if status == pdf_bundles.SCHEDULED:
        return JSONResponse(
            {"status": "processing"},
            status_code=202,
            headers={"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"},
        )
    if status == pdf_bundles.ERRORED:
        return JSONResponse(
            {"errors": "The PDFs of this bundle could not be generated"}, status_code=410
        )
    base_url = state.settings.public_base_url
    return StreamingResponse(
        _zip(database, organization_id, ids, base_url),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="certificates-{bundle_uuid}.zip"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _zip(
    database: Database, organization_id: int, ids: list[int], base_url: str
) -> AsyncIterator[bytes]:
    out = _Chunks()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for credential_id in ids:
            pdf = await in_render_slot(
                ensure_rendered,
                database,
                organization_id,
                credential_id,
                "certificate.pdf",
                base_url,
            )
            if pdf is None:
                continue  # deleted since the bundle was asked for
            entry = zipfile.ZipInfo(f"{credential_id}.pdf", date_time=ENTRY_TIME)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, pdf)
            yield out.take()
    yield out.take()
