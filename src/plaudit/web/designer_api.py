"""What the design editor's page calls: `POST /designer/preview` (the document drawn with sample
data, as a PNG) and `POST /designer/save` (the document saved into the token's design).

Both take the designer token in the `X-Designer-Token` header (a header no other site can make a
browser send) and answer errors as JSON, for the page to show.
"""

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from plaudit.domain import designs as rules
from plaudit.domain.designs import MAX_BACKGROUND_BYTES, MAX_TEMPLATE_BYTES
from plaudit.domain.errors import DomainError, Invalid, NotFound, RateLimited, Unauthenticated
from plaudit.domain.limits import contains_nul
from plaudit.http.deps import AppSettings, DbWork
from plaudit.http.rate_limit import limits_of
from plaudit.http.render_slots import in_render_slot
from plaudit.render.layout import Layout
from plaudit.services import design_editor, design_images, designs
from plaudit.web import designer_token, urls

logger = logging.getLogger("plaudit.web")
TOKEN_HEADER = "X-Designer-Token"
FIELD_NAME = r"^(recipient|group|credential|issuer|custom)\.[A-Za-z0-9_.\-]{1,200}$"


class PlacedFieldIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(pattern=FIELD_NAME)
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    size: float = Field(gt=0, le=1)
    color: str = Field(default="#1d2733", pattern=r"^#[0-9a-fA-F]{6}$")
    anchor: Literal["start", "middle", "end"] = "middle"
    font: Literal[design_editor.FONTS] = design_editor.FONTS[0]  # type: ignore[valid-type]
    bold: bool = False


class EditorDocumentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=255)
    orientation: Literal["landscape", "portrait"] = "landscape"
    size: Literal["a4", "us-letter"] = "a4"
    background_bleeds: bool = False
    base: Literal["current", "svg", "image"] = "current"
    svg: str | None = Field(default=None, max_length=MAX_TEMPLATE_BYTES)
    image: str | None = Field(default=None, max_length=MAX_BACKGROUND_BYTES * 4 // 3 + 64)
    fields: list[PlacedFieldIn] = Field(default_factory=list, max_length=50)


class EditorRoute(APIRoute):
    """Rate limits, and every error as `{"errors": ...}` JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                await limits_of(request).admit(request)
                return await handler(request)
            except RequestValidationError as error:
                fields = {
                    ".".join(str(part) for part in problem.get("loc", ())[1:]) or "body": [
                        str(problem.get("msg", "is invalid"))
                    ]
                    for problem in error.errors()
                }
                return JSONResponse({"errors": fields}, status_code=422)
            except Unauthenticated:
                return JSONResponse({"errors": "This editor link has expired"}, status_code=401)
            except NotFound:
                return JSONResponse({"errors": "This design no longer exists"}, status_code=404)
            except Invalid as error:
                return JSONResponse({"errors": error.fields or error.code}, status_code=422)
            except RateLimited as error:
                headers = {"Retry-After": str(error.retry_after)}
                return JSONResponse({"errors": "Slow down"}, status_code=429, headers=headers)
            except DomainError as error:
                return JSONResponse({"errors": str(error)}, status_code=400)
            except HTTPException as error:
                return JSONResponse({"errors": error.detail}, status_code=error.status_code)
            except Exception:
                logger.exception(
                    "designer.unhandled_error",
                    extra={"fields": {"request_id": request.state.request_id}},
                )
                return JSONResponse({"errors": "Internal server error"}, status_code=500)

        return route


router = APIRouter(route_class=EditorRoute, include_in_schema=False)


async def designer_grant(request: Request) -> designer_token.DesignerGrant:
    """The grant of the request's designer token; checked before the body is read."""
    settings = request.app.state.settings
    token = request.headers.get(TOKEN_HEADER, "")
    grant = (
        designer_token.read(
            request.app.state.server_secret, token, settings.designer_token_ttl_seconds
        )
        if token
        else None
    )
    if grant is None:
        raise Unauthenticated()
    return grant


Grant = Annotated[designer_token.DesignerGrant, Depends(designer_grant)]


@router.post("/designer/preview")
async def preview(grant: Grant, body: EditorDocumentIn, work: DbWork) -> Response:
    def run(session: Session) -> tuple[str, dict[str, str], str]:
        design = design_editor.design_for(session, grant.organization_id, grant.design_id)
        template = design_editor.compose(design, _document(body, design.kind))
        return template, design_images.sample_values(session, design), design.kind

    template, fields, kind = await work(run)
    image = await in_render_slot(design_images.render, template, fields, kind)
    return Response(image.png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/designer/save")
async def save(
    grant: Grant, body: EditorDocumentIn, work: DbWork, settings: AppSettings
) -> dict[str, Any]:
    """Saves the document into the token's design; answers the design as the page posts it
    to the window that embeds the editor."""

    def run(session: Session) -> dict[str, Any]:
        design = design_editor.design_for(session, grant.organization_id, grant.design_id)
        document = _document(body, design.kind)
        design_editor.save(design, document, design_editor.compose(design, document))
        session.flush()
        response = {
            "design": {
                "id": design.id,
                "name": design.name,
                "kind": design.kind,
                "rasterized_content_url": urls.design_image(settings.public_base_url, design.uuid),
                "encoded_content": rules.encode_content(designs.template_of(design)),
            }
        }
        session.commit()
        return response

    return await work(run)


def _document(body: EditorDocumentIn, kind: str) -> design_editor.EditorDocument:
    if contains_nul([body.name, body.svg, body.image]):
        raise Invalid(fields={"body": ["contains a NUL character"]})
    if not body.name.strip():
        raise Invalid(fields={"name": ["can't be blank"]})
    layout = Layout(
        kind=kind,  # type: ignore[arg-type]
        orientation=body.orientation,
        size=body.size,
        bleeds=body.background_bleeds,
    )
    return design_editor.EditorDocument(
        name=body.name.strip(),
        layout=layout,
        base=body.base,
        svg=body.svg,
        image=body.image,
        fields=tuple(design_editor.PlacedField(**field.model_dump()) for field in body.fields),
    )
