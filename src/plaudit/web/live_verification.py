"""The live verification every public credential page shows: its signed Open Badges 3.0 form run
through the same checks as `POST /verify` at the moment it is asked for.

The page itself only carries the panel (`links`): a script fills it from
`GET /c/{encoded_id}/verification`, so that the page keeps its few queries and the checks (a few
milliseconds of CPU) do not hold it up. Without JavaScript the panel links to that address,
which shows the result as a page to a browser and as JSON to anyone else.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from plaudit.http.deps import Work
from plaudit.http.signer import server_signer
from plaudit.openbadges.verify import Verification
from plaudit.services import public_credentials, signing, verification
from plaudit.web import credential_access, urls, verifications
from plaudit.web.pages import WebRoute, page
from plaudit.web.verify_page import CHECK_LABELS, page_context

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def live_url(base_url: str, encoded_id: str) -> str:
    return f"{urls.credential_page(base_url, encoded_id)}/verification"


def links(base_url: str, encoded_id: str) -> dict[str, Any]:
    """What the page's verification panel needs: no database work."""
    return {
        "check_labels": CHECK_LABELS,
        "verifiable": {
            "live": live_url(base_url, encoded_id),
            "verify_page": urls.verify_page(base_url),
            "json": urls.credential_json(base_url, encoded_id),
            "jwt": urls.credential_jwt(base_url, encoded_id),
            "png": urls.baked_badge(base_url, encoded_id, "png"),
            "svg": urls.baked_badge(base_url, encoded_id, "svg"),
        },
    }


async def _verify(request: Request, encoded_id: str) -> Verification | None:
    signer = server_signer(request)
    database = request.app.state.database

    def read(session: Session) -> Verification | None:
        shown = public_credentials.find(session, encoded_id)
        return verification.verify_issued(session, signer, shown.credential, shown.organization)

    def write(session: Session) -> Verification | None:
        shown = public_credentials.find(session, encoded_id)
        signing.sign(session, shown.credential, shown.organization, signer)
        result = verification.verify_issued(
            session, signer, shown.credential, shown.organization, may_sign=True
        )
        session.commit()  # keeps what had to be signed (again)
        return result

    try:
        result = await Work(database, readonly=True)(read)
    except verification.ListNeedsSigning:
        result = None
    return result or await Work(database, readonly=False)(write)


# Sent by live-verification.js, the credential page's panel.
PANEL_HEADER = "x-plaudit-panel"


@router.get("/c/{encoded_id}/verification")
async def live_verification(request: Request, encoded_id: str) -> Response:
    visit = await credential_access.visit(request, encoded_id)
    if (refused := credential_access.refusal(request, visit)) is not None:
        return refused
    found = await _verify(request, encoded_id)
    # The page's own panel checks on every load: that is part of a view, not a verification
    # someone asked for, so it is not counted as one (analytics would track views otherwise).
    if found is not None and PANEL_HEADER not in request.headers:
        credential = visit.credential
        verifications.record(
            request,
            (credential.organization_id, credential.id),
            channel=verifications.CREDENTIAL_PAGE,
            by_recipient=visit.by_recipient,
        )
    result = found.as_json() if found is not None else {"valid": False, "checks": []}
    if "text/html" in request.headers.get("accept", ""):
        return page(request, "verify.html", page_context(request, result))
    return JSONResponse(result, headers={"Cache-Control": "no-store"})
