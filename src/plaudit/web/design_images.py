"""`/designs/{uuid}/rasterized.png` and `/designs/{uuid}/preview.png`: a design drawn with
sample data, or with the values a signed preview link carries. Public like Accredible's image
links; the design's UUID is what makes them unguessable."""

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.http.deps import DbWork, ServerSecret
from plaudit.http.render_slots import in_render_slot
from plaudit.services import design_images, designs, organizations
from plaudit.store.tables import Design
from plaudit.web import conditional, preview_data
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
# A design may change: a cache keeps an image a little while, then revalidates by its ETag.
CACHE_CONTROL = "public, max-age=300"


@router.get("/designs/{design_uuid}/rasterized.png")
async def rasterized(request: Request, design_uuid: str, work: DbWork) -> Response:
    def run(session: Session) -> tuple[str, dict[str, str], str]:
        design = designs.by_uuid(session, design_uuid)
        fields = design_images.sample_values(session, design)
        return _template(session, design), fields, design.kind

    return await _image(request, *await work(run))


@router.get("/designs/{design_uuid}/preview.png")
async def preview(
    request: Request, design_uuid: str, work: DbWork, secret: ServerSecret, data: str = ""
) -> Response:
    given = preview_data.read(secret, design_uuid, data)
    if given is None:
        raise NotFound("design preview")

    def run(session: Session) -> tuple[str, dict[str, str], str]:
        design = designs.by_uuid(session, design_uuid)
        fields = design_images.sample_values(session, design, given)
        return _template(session, design), fields, design.kind

    return await _image(request, *await work(run))


def _template(session: Session, design: Design) -> str:
    """The design in its organization's colours, as its credentials show it."""
    organization = organizations.get_organization(session, design.organization_id)
    return designs.branded_template_of(design, organization)


async def _image(request: Request, template: str, fields: dict[str, str], kind: str) -> Response:
    tag = f'"{design_images.etag(template, fields, kind)}"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    if conditional.is_current(request, tag):
        return Response(status_code=304, headers=headers)
    image = await in_render_slot(design_images.render, template, fields, kind)
    return Response(image.png, media_type="image/png", headers=headers)
