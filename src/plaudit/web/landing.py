"""`GET /`: what this server is and the way in, for whoever opens its address first: the
verify page, the API docs and the README's first request, with this server's own address."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plaudit.http.deps import AppSettings
from plaudit.web import urls
from plaudit.web.pages import WebRoute, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


# HEAD as GET without the body: uptime monitors and link checkers send it to the root.
@router.api_route("/", methods=["GET", "HEAD"])
async def landing_page(request: Request, settings: AppSettings) -> Response:
    base_url = settings.public_base_url
    context = {
        "base_url": base_url,
        "verify_url": urls.verify_page(base_url),
        "docs_url": urls.api_docs(base_url),
        "openapi_url": urls.openapi_document(base_url),
    }
    return page(request, "landing.html", context)
