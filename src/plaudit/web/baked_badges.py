"""`/c/{encoded_id}/badge-baked.png` and `.svg`: the credential's badge image with the credential
baked in, so that the image alone can be verified (openbadges/baking.py).

By default the signed Open Badges 3.0 credential is baked (PNG `iTXt` keyword
`openbadgecredential`, SVG `<openbadges:credential>`), as JSON-LD or, with `?format=jwt`, as its
VC-JWT. `?ob=2` bakes the Open Badges 2.0 hosted assertion instead (keyword `openbadges`,
`<openbadges:assertion verify="...">`). Who may fetch them follows the credential page's rule.
"""

import hashlib
import json
from typing import Literal

from fastapi import APIRouter, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain import credential_state
from plaudit.domain.errors import NotFound
from plaudit.http.deps import Work
from plaudit.http.render_slots import in_render_slot
from plaudit.http.signer import server_signer
from plaudit.openbadges import baking, ob2
from plaudit.services import public_credentials, renderings, signing
from plaudit.services.public_credentials import PublicCredential
from plaudit.services.renderings import RenderJob
from plaudit.web import conditional, credential_access
from plaudit.web import session as recipient_session
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
Extension = Literal["png", "svg"]


async def _signed(
    request: Request, encoded_id: str
) -> tuple[PublicCredential, bool, signing.SignedForms | None]:
    """The credential, whether the visitor is its recipient, and its signed forms (signed now,
    in a writing session, when they are missing or stale)."""
    state = request.app.state
    signer = server_signer(request)
    who = recipient_session.signed_in(request, state.server_secret, state.settings)

    def read(session: Session) -> tuple[PublicCredential, bool, signing.SignedForms | None]:
        shown = public_credentials.find(session, encoded_id)
        if not shown.credential.approve:
            raise NotFound("credential")
        by_recipient = credential_access.is_recipient(who, shown.credential)
        forms = signing.current(session, shown.credential, shown.organization, signer)
        return shown, by_recipient, forms

    def write(session: Session) -> signing.SignedForms:
        shown = public_credentials.find(session, encoded_id)
        forms = signing.sign(session, shown.credential, shown.organization, signer)
        session.commit()
        return forms

    shown, by_recipient, forms = await Work(state.database, readonly=True)(read)
    if forms is None and credential_state.may_view(
        private=shown.credential.private, by_recipient=by_recipient
    ):
        forms = await Work(state.database, readonly=False)(write)
    return shown, by_recipient, forms


async def _image(
    request: Request, shown: PublicCredential, variant: str
) -> tuple[RenderJob, bytes]:
    """The unbaked badge (renderings cache, else drawn now and kept)."""
    database = request.app.state.database
    base_url = request.app.state.settings.public_base_url

    def find(session: Session) -> tuple[RenderJob, bytes]:
        job = renderings.prepare(session, shown.credential, shown.organization, variant, base_url)
        return job, renderings.fetch(session, job.key) or b""

    job, content = await Work(database, readonly=True)(find)
    if not content:
        content = await in_render_slot(renderings.produce, job)
        await Work(database, readonly=False)(lambda session: _keep(session, job, content))
    return job, content


def _keep(session: Session, job: RenderJob, content: bytes) -> None:
    try:
        renderings.keep(session, job, content)
        session.commit()
    except IntegrityError:
        session.rollback()  # a concurrent request stored the same rendering


def _payload(
    request: Request, shown: PublicCredential, forms: signing.SignedForms
) -> tuple[baking.Version, str, str]:
    """(version, text to bake, the verify URL of an OB 2.0 assertion)."""
    base_url = request.app.state.settings.public_base_url
    if request.query_params.get("ob") == "2":
        document = ob2.assertion(shown.credential, base_url, request.app.state.server_secret)
        return "ob2", json.dumps(document, ensure_ascii=False), document["id"]
    if request.query_params.get("format") == "jwt":
        return "ob3", forms.jwt, ""
    return "ob3", forms.document, ""


async def _baked(request: Request, encoded_id: str, extension: Extension) -> Response:
    shown, by_recipient, forms = await _signed(request, encoded_id)
    refused = credential_access.refusal(request, credential_access.Visit(shown, by_recipient))
    if refused is not None:
        return refused
    assert forms is not None
    version, text, verify = _payload(request, shown, forms)
    job, image = await _image(request, shown, f"badge.{extension}")
    tag = '"' + hashlib.sha256(f"{job.key}\n{version}\n{text}".encode()).hexdigest()[:32] + '"'
    headers = {
        "ETag": tag,
        "Cache-Control": "private, no-cache" if shown.credential.private else "public, max-age=60",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="badge-{encoded_id}.{extension}"',
    }
    if conditional.is_current(request, tag):
        return Response(status_code=304, headers=headers)
    if extension == "png":
        return Response(
            baking.bake_png(image, text, version), media_type="image/png", headers=headers
        )
    headers["Content-Security-Policy"] = SVG_POLICY
    baked = baking.bake_svg(image, text, version, verify=verify)
    return Response(baked, media_type="image/svg+xml", headers=headers)


@router.get("/c/{encoded_id}/badge-baked.png")
async def baked_png(request: Request, encoded_id: str) -> Response:
    return await _baked(request, encoded_id, "png")


@router.get("/c/{encoded_id}/badge-baked.svg")
async def baked_svg(request: Request, encoded_id: str) -> Response:
    return await _baked(request, encoded_id, "svg")
