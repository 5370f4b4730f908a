"""A credential's files: `/c/{encoded_id}/certificate.png`, `certificate.pdf`, `badge.png`,
`badge.svg` and `seo.png`.

They follow the page's rule: anyone may fetch a public credential's files, a private one's only
its signed-in recipient, or whoever holds the key an issuer's `generate_single_pdf` link carries.
Each answer is named by its rendering key (the ETag), so a client revalidates with a 304.
"""

import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain import credential_state
from plaudit.domain.errors import NotFound
from plaudit.http.deps import Work
from plaudit.http.render_slots import in_render_slot
from plaudit.services import public_credentials, renderings
from plaudit.services.public_credentials import PublicCredential
from plaudit.services.renderings import RenderJob
from plaudit.web import conditional, credential_access
from plaudit.web import session as recipient_session
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# A public file may be cached a minute, then is revalidated by its ETag; a private one is
# never stored by a shared cache.
PUBLIC_CACHE = "public, max-age=60"
PRIVATE_CACHE = "private, no-cache"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def file_key(secret: bytes, encoded_id: str) -> str:
    """The key that opens a credential's files even when it is private."""
    digest = hmac.new(secret, b"credential-files\0" + encoded_id.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode()


def _allowed(request: Request, shown: PublicCredential, key: str) -> tuple[bool, bool]:
    """(may fetch, is the signed-in recipient)."""
    state = request.app.state
    credential = shown.credential
    if not credential.approve:
        raise NotFound("credential")
    who = recipient_session.signed_in(request, state.server_secret, state.settings)
    by_recipient = credential_access.is_recipient(who, credential)
    if credential_state.may_view(private=credential.private, by_recipient=by_recipient):
        return True, by_recipient
    keyed = bool(key) and hmac.compare_digest(
        key, file_key(state.server_secret, credential.encoded_id)
    )
    return keyed, by_recipient


async def _serve(request: Request, encoded_id: str, variant: str, key: str) -> Response:
    state = request.app.state
    base_url = state.settings.public_base_url

    def find(session: Session) -> tuple[PublicCredential, bool, bool, RenderJob | None, bytes]:
        shown = public_credentials.find(session, encoded_id)
        allowed, by_recipient = _allowed(request, shown, key)
        if not allowed:
            return shown, False, by_recipient, None, b""
        job = renderings.prepare(session, shown.credential, shown.organization, variant, base_url)
        if conditional.is_current(request, f'"{job.key}"'):
            return shown, True, by_recipient, job, b""
        return shown, True, by_recipient, job, renderings.fetch(session, job.key) or b""

    database = state.database
    shown, allowed, by_recipient, job, content = await Work(database, readonly=True)(find)
    if not allowed or job is None:
        refused = credential_access.refusal(request, credential_access.Visit(shown, by_recipient))
        assert refused is not None
        return refused
    headers = {
        "ETag": f'"{job.key}"',
        "Cache-Control": PRIVATE_CACHE if shown.credential.private else PUBLIC_CACHE,
        "X-Content-Type-Options": "nosniff",
    }
    if job.variant.media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_POLICY
    if job.variant.media_type == "application/pdf":
        headers["Content-Disposition"] = f'inline; filename="certificate-{encoded_id}.pdf"'
    if conditional.is_current(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if not content:
        content = await in_render_slot(renderings.produce, job)
        await Work(database, readonly=False)(lambda session: _keep(session, job, content))
    return Response(content, media_type=job.variant.media_type, headers=headers)


def _keep(session: Session, job: RenderJob, content: bytes) -> None:
    try:
        renderings.keep(session, job, content)
        session.commit()
    except IntegrityError:
        session.rollback()  # a concurrent request stored the same key: the same bytes


def _route(variant: str) -> Callable[..., Awaitable[Response]]:
    async def endpoint(request: Request, encoded_id: str, key: str = "") -> Response:
        return await _serve(request, encoded_id, variant, key)

    endpoint.__name__ = "credential_" + variant.replace(".", "_")
    return endpoint


for _variant in renderings.VARIANTS:
    router.add_api_route(f"/c/{{encoded_id}}/{_variant}", _route(_variant), methods=["GET", "HEAD"])
