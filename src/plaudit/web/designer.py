"""`GET /designer?token=...`: the embedded design editor, opened by a token from
`POST /v1/designers/{kind}/initialize` on one design.

The page is framable (an issuer embeds it in its own app) and runs one script of Plaudit's own
(web/static/designer.js): uploads are read in the browser and sent as JSON, previews come back
as PNG images (hence `blob:` images in its policy), and a save is posted to the embedding window
as Accredible's embedded designer posts it.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from plaudit.domain.designs import MAX_BACKGROUND_BYTES, MAX_TEMPLATE_BYTES
from plaudit.domain.errors import Unauthenticated
from plaudit.http.deps import AppSettings, DbWork, ServerSecret
from plaudit.render.fields import FIELD_NAMES
from plaudit.services import design_editor
from plaudit.web import designer_token
from plaudit.web.designer_api import TOKEN_HEADER
from plaudit.web.pages import WebRoute, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
    "connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors *"
)
FIELD_LABELS = {design_editor.QR_FIELD: "credential.url (QR code)"}


@router.get("/designer")
async def designer(
    request: Request,
    work: DbWork,
    settings: AppSettings,
    secret: ServerSecret,
    token: str = "",
) -> HTMLResponse:
    grant = designer_token.read(secret, token, settings.designer_token_ttl_seconds)
    if grant is None:
        raise Unauthenticated()

    def run(session: Session) -> dict[str, Any]:
        design = design_editor.design_for(session, grant.organization_id, grant.design_id)
        names = [*FIELD_NAMES, *design_editor.merge_field_names(session, design)]
        return {
            "title": f"Edit {design.name}",
            "design": {
                "id": design.id,
                "name": design.name,
                "kind": design.kind,
                "orientation": design.orientation,
                "size": design.size,
                "background_bleeds": design.background_bleeds,
            },
            "token": token,
            "token_header": TOKEN_HEADER,
            "fields": [(name, FIELD_LABELS.get(name, name)) for name in names],
            "fonts": design_editor.FONTS,
            "max_svg_bytes": MAX_TEMPLATE_BYTES,
            "max_image_bytes": MAX_BACKGROUND_BYTES,
        }

    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
    return page(request, "designer.html", await work(run), embed=True, headers=headers)
