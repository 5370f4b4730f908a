"""`/verify`: anyone checks a credential. GET is the page; POST takes a credential as JSON-LD
(`application/json`, `application/vc`, `application/vc+ld+json`), a JWT (`application/vc+jwt`,
`text/plain`), or a form (multipart: a `file` — a baked PNG or SVG, or a credential file — or a
pasted `credential`). It answers JSON (openbadges/verify.py `as_json()`), or the page with the
result when a browser posts the form without JavaScript.

This server's issuers resolve from its database and did:key from the key; another issuer's
did:web document, and its status list on the same host, are fetched (services/remote_issuers.py
says how carefully) unless PLAUDIT_VERIFY_FETCH is false. A check that could not be made reads
"could not be checked", never "failed".
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from plaudit.http.deps import Work
from plaudit.http.signer import server_signer
from plaudit.openbadges.verify import MAX_INPUT_BYTES, Examined, Verification
from plaudit.services import verification
from plaudit.services.remote_issuers import Fetched, Wanted
from plaudit.web import urls, verifications
from plaudit.web.pages import WebRoute, page

# WebRoute: both count against the rate limits, and an unexpected error is a page, not a 500
# with a traceback.
router = APIRouter(route_class=WebRoute, tags=["Verification"])

CHECK_LABELS = {
    "proof": "Signature",
    "issuer": "Issuer's key",
    "status": "Not revoked or suspended",
    "validity": "Validity dates",
    "schema": "Open Badges 3.0 schema",
}
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def page_context(
    request: Request, result: dict[str, Any] | None, pasted: str = ""
) -> dict[str, Any]:
    base_url = request.app.state.settings.public_base_url
    return {
        "title": "Verify a credential",
        "action": urls.verify_page(base_url),
        "result": result,
        "pasted": pasted,
        "check_labels": CHECK_LABELS,
    }


@router.get("/verify", include_in_schema=False)
async def verify_page(request: Request) -> Response:
    return page(request, "verify.html", page_context(request, None))


async def _submitted(request: Request) -> tuple[bytes, str, bool]:
    """The bytes to verify, the pasted text (to show again), and whether a form was posted."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in FORMS:
        return await request.body(), "", False
    form = await request.form(max_files=1, max_fields=4)
    upload, pasted = form.get("file"), form.get("credential")
    pasted_text = pasted if isinstance(pasted, str) else ""
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_INPUT_BYTES + 1)
        if data:
            return data, "", True
    return pasted_text.encode("utf-8"), pasted_text, True


def _wants_page(request: Request, from_form: bool) -> bool:
    accept = request.headers.get("accept", "")
    return from_form and "text/html" in accept and "application/json" not in accept


Concluded = tuple[Verification, Wanted, verifications.Verified | None]
"""The verification, what it still wants fetched, and which of our credentials it proved."""


async def _conclude(request: Request, examined: Examined, fetched: Fetched | None) -> Concluded:
    signer = server_signer(request)
    database = request.app.state.database

    def read(session: Session) -> Concluded:
        result, wanted = verification.verify_examined(session, signer, examined, fetched=fetched)
        return result, wanted, verifications.of_submission(session, result)

    def write(session: Session) -> Concluded:
        result, wanted = verification.verify_examined(
            session, signer, examined, may_sign=True, fetched=fetched
        )
        session.commit()  # keeps the status list it had to sign again
        return result, wanted, verifications.of_submission(session, result)

    try:
        return await Work(database, readonly=True)(read)
    except verification.ListNeedsSigning:
        return await Work(database, readonly=False)(write)


@router.post(
    "/verify",
    summary="Verify a credential",
    description="Checks an OB 3.0 credential (JSON-LD with a Data Integrity proof, a VC-JWT, "
    "or a baked PNG/SVG badge): proof, issuer, status, validity, schema.",
)
async def verify_credential(request: Request) -> Response:
    data, pasted, from_form = await _submitted(request)
    # The costly part, in a worker process with a time limit; no session is held meanwhile.
    examined = await request.app.state.verification_workers.examine(data)
    verified, wanted, ours = await _conclude(request, examined, None)
    if wanted:  # other issuers' documents, fetched outside any session, then checked
        fetched = await run_in_threadpool(request.app.state.remote_issuers.fetch, wanted)
        verified, _, ours = await _conclude(request, examined, fetched)
    verifications.record(request, ours, channel=verifications.SUBMITTED)
    result = verified.as_json()
    if _wants_page(request, from_form):
        return page(request, "verify.html", page_context(request, result, pasted))
    status_code = 400 if not data.strip() else 200
    return JSONResponse(result, status_code=status_code, headers={"Cache-Control": "no-store"})
