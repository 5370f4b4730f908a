"""Every download, share and outgoing link of a credential page passes through Plaudit:
`GET /c/{encoded_id}/go/{target}` records the event, then redirects. Destinations are built
here from the stored credential, never taken from the request, so this is no open redirect.
`POST /c/{encoded_id}/go/copy-link` is the beacon the page's "Copy link" button sends."""

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from plaudit.domain import analytics as events
from plaudit.domain.errors import NotFound
from plaudit.domain.sso import is_web_address
from plaudit.http.deps import AppSettings
from plaudit.services.public_credentials import PublicCredential
from plaudit.web import credential_access, page_events, share_links, urls
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

COPY_LINK = "copy-link"


@dataclass(frozen=True)
class Outgoing:
    kind: str
    channel: str
    url: str


def destination(shown: PublicCredential, target: str, base_url: str) -> Outgoing:
    """Where `target` leads from this credential's page; NotFound for a target it has not."""
    credential, achievement = shown.credential, shown.credential.achievement
    page_url = urls.credential_page(base_url, credential.encoded_id)
    if target == "pdf":
        return Outgoing(
            events.DOWNLOAD, "pdf", urls.certificate_pdf(base_url, credential.encoded_id)
        )
    if target == "badge":
        return Outgoing(events.DOWNLOAD, "badge", urls.badge_image(base_url, credential.encoded_id))
    if target == "linkedin-profile":
        url = share_links.linkedin_add_to_profile(
            name=credential.name,
            organization_name=shown.organization.name,
            linkedin_company_id=shown.department.linkedin_company_id,
            issued_on=credential.issued_on,
            expired_on=credential.expired_on,
            credential_url=page_url,
            credential_id=credential.license_id or credential.encoded_id,
        )
        return Outgoing(events.SHARE, events.LINKEDIN_PROFILE, url)
    if target == "linkedin":
        return Outgoing(events.SHARE, events.LINKEDIN, share_links.linkedin_share(page_url))
    if target == "x":
        text = f"{credential.name}, from {shown.organization.name}"
        return Outgoing(events.SHARE, "twitter", share_links.x_share(page_url, text))
    if target == "course" and is_link(achievement.course_link):
        return Outgoing(events.LINK_CLICK, "course_link", str(achievement.course_link))
    if target == "issuer" and (issuer_url := issuer_link(shown)):
        return Outgoing(events.LINK_CLICK, "organization_link", issuer_url)
    if target.startswith("evidence-"):
        for item in credential.evidence_items:
            if target == f"evidence-{item.id}" and is_link(item.link_url):
                return Outgoing(events.LINK_CLICK, "evidence", str(item.link_url))
    raise NotFound("link")


def issuer_link(shown: PublicCredential) -> str | None:
    """The issuer's web site: its department's, else the organization's."""
    for url in (shown.department.url, shown.organization.url):
        if is_link(url):
            return str(url)
    return None


def is_link(url: str | None) -> bool:
    """A stored URL the page may link to: an absolute http(s) one."""
    return bool(url) and is_web_address(str(url))


@router.get("/c/{encoded_id}/go/{target}")
async def go(request: Request, encoded_id: str, target: str, settings: AppSettings) -> Response:
    visit = await credential_access.visit(request, encoded_id)
    if (refused := credential_access.refusal(request, visit)) is not None:
        return refused
    out = destination(visit.shown, target, settings.public_base_url)
    await page_events.record(request, visit, out.kind, out.channel)
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return RedirectResponse(out.url, status_code=303, headers=headers)


@router.post(f"/c/{{encoded_id}}/go/{COPY_LINK}", status_code=204)
async def copied(request: Request, encoded_id: str) -> Response:
    visit = await credential_access.visit(request, encoded_id)
    if (refused := credential_access.refusal(request, visit)) is not None:
        return refused
    await page_events.record(request, visit, events.SHARE, "copy_link")
    return Response(status_code=204)
