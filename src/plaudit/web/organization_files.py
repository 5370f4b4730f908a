"""An organization's logo and colour stylesheet, at content-addressed URLs: the address names
the content (its SHA-256), so it is cached for good, and a new logo or new colours get a new
address (pages then link to it, and their own caches key on the link)."""

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from plaudit.http.deps import DbWork
from plaudit.render.logos import SVG
from plaudit.services import organization_branding
from plaudit.services.credential_reads import Columns
from plaudit.store.tables import Organization
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
IMMUTABLE = "public, max-age=31536000, immutable"


def logo_url(base_url: str, organization: Organization | Columns) -> str | None:
    """Where the organization's logo is served, or None when it has none."""
    if not organization.logo_sha256:
        return None
    return f"{base_url}/orgs/{organization.uuid}/logo/{organization.logo_sha256}"


def theme_url(base_url: str, organization: Organization | Columns) -> str | None:
    """The stylesheet of the organization's colours, or None when it chose none."""
    digest = organization_branding.theme_digest(
        organization.primary_color, organization.accent_color
    )
    if digest is None:
        return None
    return f"{base_url}/orgs/{organization.uuid}/theme/{digest}.css"


@router.get("/orgs/{organization_uuid}/logo/{sha256}")
async def logo(organization_uuid: str, sha256: str, work: DbWork) -> Response:
    def run(session: Session) -> tuple[bytes, str]:
        return organization_branding.logo_of(session, organization_uuid, sha256)

    content, media_type = await work(run)
    headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
    if media_type == SVG:
        # Opened on its own, an SVG is a document: it may run nothing and load nothing.
        headers["Content-Security-Policy"] = "default-src 'none'"
    return Response(content, media_type=media_type, headers=headers)


@router.get("/orgs/{organization_uuid}/theme/{digest}.css")
async def theme(organization_uuid: str, digest: str, work: DbWork) -> Response:
    def run(session: Session) -> str:
        return organization_branding.theme_of(session, organization_uuid, digest)

    headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
    return Response(await work(run), media_type="text/css", headers=headers)
