"""Signed documents at stable public URLs:

- `/c/{encoded_id}/credential.json` and `/credential.jwt`: the credential as a signed Open
  Badges 3.0 credential (Data Integrity `eddsa-rdfc-2022` / VC-JOSE-COSE), and the same by
  content negotiation on the credential page (`negotiated`);
- `/orgs/{uuid}/did.json`: the organization's did:web document;
- `/orgs/{uuid}/status/{purpose}[/{n}]`: its signed Bitstring Status List credentials (JSON-LD,
  or the JWT for `Accept: application/vc+jwt`).

Documents are read in a read-only session and signed (then stored) only when what went into
them changed. Every answer carries an ETag and honours If-None-Match. A deleted credential that
was signed answers 410; an unknown one 404; someone else's private one 403.
"""

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from plaudit.domain import credential_state
from plaudit.domain.credential_state import CredentialDeleted
from plaudit.domain.errors import NotFound
from plaudit.http.deps import Work
from plaudit.http.signer import server_signer
from plaudit.openbadges import did, keys
from plaudit.services import public_credentials, signing, status_lists
from plaudit.services.signing import SignedForms, Signer
from plaudit.web import conditional
from plaudit.web import session as recipient_session
from plaudit.web.credential_access import PRIVATE_ERROR, is_recipient
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
T = TypeVar("T")

JSON_LD = "application/vc+ld+json"
JWT = "application/vc+jwt"
_JSON_TYPES = (JSON_LD, "application/vc", "application/ld+json")
_PUBLIC = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}


def preferred(accept: str, offered: tuple[str, ...]) -> str | None:
    """The media type of `offered` the Accept header ranks highest (None: none acceptable).
    Wildcards do not count: a browser's `*/*` must still get the page."""
    best, best_q = None, 0.0
    for part in accept.split(","):
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type.lower() in offered and quality > best_q:
            best, best_q = media_type.lower(), quality
    return best


async def _read_then_write(
    request: Request, read: Callable[[Session], T | None], write: Callable[[Session], T]
) -> T:
    """`read` in a read-only session; when it finds nothing usable, `write` in a writing one
    (which commits)."""
    database = request.app.state.database
    found = await Work(database, readonly=True)(read)
    if found is not None:
        return found

    def committed(session: Session) -> T:
        result = write(session)
        session.commit()
        return result

    return await Work(database, readonly=False)(committed)


def _answer(request: Request, body: str, media_type: str, *, private: bool) -> Response:
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {
        **_PUBLIC,
        "ETag": etag,
        "Cache-Control": "private, no-store" if private else "no-cache",
        "Vary": "Accept",
    }
    if conditional.is_current(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _gone() -> JSONResponse:
    return JSONResponse({"errors": "This credential was deleted"}, status_code=410, headers=_PUBLIC)


def _not_found() -> JSONResponse:
    return JSONResponse({"errors": "Doesn't exist"}, status_code=404, headers=_PUBLIC)


async def _credential(request: Request, encoded_id: str, media_type: str) -> Response:
    state = request.app.state
    signer: Signer = server_signer(request)
    who = recipient_session.signed_in(request, state.server_secret, state.settings)
    seen = {"private": False, "refused": False}

    def read(session: Session) -> SignedForms | None:
        shown = public_credentials.find(session, encoded_id)
        credential = shown.credential
        if not credential.approve:
            raise NotFound("credential")
        seen["private"] = credential.private
        if not credential_state.may_view(
            private=credential.private, by_recipient=is_recipient(who, credential)
        ):
            seen["refused"] = True
            return SignedForms("", "")
        return signing.current(session, credential, shown.organization, signer)

    def write(session: Session) -> SignedForms:
        shown = public_credentials.find(session, encoded_id)
        return signing.sign(session, shown.credential, shown.organization, signer)

    try:
        forms = await _read_then_write(request, read, write)
    except CredentialDeleted:
        return _gone()
    except NotFound:
        return _not_found()
    if seen["refused"]:
        return JSONResponse(PRIVATE_ERROR, status_code=403, headers={"Cache-Control": "no-store"})
    body = forms.jwt if media_type == JWT else forms.document
    return _answer(request, body, media_type, private=seen["private"])


@router.get("/c/{encoded_id}/credential.json")
async def credential_json(request: Request, encoded_id: str) -> Response:
    media_type = preferred(request.headers.get("accept", ""), _JSON_TYPES) or JSON_LD
    return await _credential(request, encoded_id, media_type)


@router.get("/c/{encoded_id}/credential.jwt")
async def credential_jwt(request: Request, encoded_id: str) -> Response:
    return await _credential(request, encoded_id, JWT)


async def negotiated(request: Request, encoded_id: str) -> Response | None:
    """The signed credential when the Accept header asks for one (the credential page calls
    this first); None when it asks for anything else, such as HTML."""
    media_type = preferred(request.headers.get("accept", ""), (*_JSON_TYPES, JWT))
    if media_type is None:
        return None
    return await _credential(request, encoded_id, media_type)


@router.get("/orgs/{organization_uuid}/did.json")
async def did_document(request: Request, organization_uuid: str) -> Response:
    signer = server_signer(request)

    def read(session: Session) -> str | None:
        organization = status_lists.organization_by_uuid(session, organization_uuid)
        published = keys.published_keys(session, organization.id)
        if not published:
            return None
        return _json(did.did_web_document(signer.base_url, organization, published))

    def write(session: Session) -> str:
        organization = status_lists.organization_by_uuid(session, organization_uuid)
        keys.ensure_key(session, organization, signer.secret)
        published = keys.published_keys(session, organization.id)
        return _json(did.did_web_document(signer.base_url, organization, published))

    try:
        body = await _read_then_write(request, read, write)
    except NotFound:
        return _not_found()
    return _answer(request, body, "application/did+ld+json", private=False)


@router.get("/orgs/{organization_uuid}/status/{purpose}")
@router.get("/orgs/{organization_uuid}/status/{purpose}/{number}")
async def status_list_credential(
    request: Request, organization_uuid: str, purpose: str, number: int = 1
) -> Response:
    signer = server_signer(request)

    def read(session: Session) -> status_lists.SignedList | None:
        ref = status_lists.find(session, organization_uuid, purpose, number)
        return status_lists.current(session, ref, signer)

    def write(session: Session) -> status_lists.SignedList:
        ref = status_lists.find(session, organization_uuid, purpose, number)
        return status_lists.sign(session, ref, signer)

    try:
        signed = await _read_then_write(request, read, write)
    except NotFound:
        return _not_found()
    media_type = preferred(request.headers.get("accept", ""), (*_JSON_TYPES, JWT)) or JSON_LD
    body = signed.forms.jwt if media_type == JWT else signed.forms.document
    return _answer(request, body, media_type, private=False)


def _json(document: object) -> str:
    return json.dumps(document, ensure_ascii=False)
