"""`GET /c/{encoded_id}`: a credential's public page, the address every credential's `url`
gives. Anyone may see a public credential; a private one only its signed-in recipient (403
for anyone else, as a page or, for API clients, Accredible's JSON). Each view is counted (in
batches: web/page_views.py). A replaced credential's page redirects to its replacement's."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from plaudit.web import (
    credential_access,
    credential_view,
    live_verification,
    page_views,
    urls,
    verifiable,
)
from plaudit.web.pages import WebRoute, cached_page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


# HEAD answers as GET does, without the body, and is not counted as a view (link checkers and
# unfurlers send it).
@router.api_route("/c/{encoded_id}", methods=["GET", "HEAD"])
async def credential_page(request: Request, encoded_id: str) -> Response:
    # `Accept: application/vc+ld+json` or `application/vc+jwt`: the signed credential instead.
    if (signed := await verifiable.negotiated(request, encoded_id)) is not None:
        return signed
    settings = request.app.state.settings
    visit = await credential_access.visit(request, encoded_id)
    if visit.replaced_by is not None and visit.replaced_by != encoded_id:
        # Credly: "attempts to access the old badge return a redirect to the new badge".
        target = urls.credential_page(settings.public_base_url, visit.replaced_by)
        return RedirectResponse(target, status_code=302)
    if (refused := credential_access.refusal(request, visit)) is not None:
        return refused
    if request.method == "GET":
        page_views.of(request).add(visit.credential, by_recipient=visit.by_recipient)
    today = datetime.now(UTC).date()
    context = credential_view.context(visit, settings.public_base_url, today=today)
    context.update(live_verification.links(settings.public_base_url, encoded_id))
    return cached_page(request, "credential.html", context, request.app.state.rendered_pages)
