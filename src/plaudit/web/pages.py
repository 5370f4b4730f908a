"""Server-rendered pages: templates (autoescaped), the headers every page carries, and every
error of a page route rendered as a page of its own."""

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from plaudit.domain.credential_state import CredentialDeleted
from plaudit.domain.errors import DomainError, NotFound, RateLimited, Unauthenticated
from plaudit.domain.sso import LinkUnusable
from plaudit.http.rate_limit import limits_of
from plaudit.http.unavailable import outage_of, retry_after
from plaudit.openbadges.keys import KeyUnavailable
from plaudit.web import assets, urls
from plaudit.web.rendered_pages import RenderedPages

logger = logging.getLogger("plaudit.web")


def _asset_urls(request: Request) -> dict[str, Any]:
    """`asset("plaudit.css")` in a template: the versioned URL of a file of web/assets.py."""
    base_url = request.app.state.settings.public_base_url

    def asset(name: str) -> str:
        found = assets.find(name)
        if found is None:
            raise LookupError(f"no asset named {name}")
        return urls.asset(base_url, name, found.version)

    return {"asset": asset}


TEMPLATES = Jinja2Templates(
    directory=Path(__file__).parent / "templates", context_processors=[_asset_urls]
)


def compile_templates() -> None:
    """Compiles every page template now, so the first visitor's request does not hold the
    event loop while Jinja compiles (tens of milliseconds each, far more on a busy machine)."""
    for name in TEMPLATES.env.list_templates():
        TEMPLATES.env.get_template(name)


def _headers(embed: bool) -> dict[str, str]:
    """Pages show one recipient's data: never cached, never framed unless meant to be embedded."""
    ancestors = "*" if embed else "'none'"
    headers = {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # Scripts, styles and fonts only from Plaudit's own files (web/assets.py): no inline
        # code at all. Images may come from issuers' https sites (logos, evidence previews).
        "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
        "font-src 'self'; connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; "
        f"form-action 'self'; frame-ancestors {ancestors}",
    }
    if not embed:
        headers["X-Frame-Options"] = "DENY"
    return headers


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    embed: bool = False,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(
        request, template, {"embed": embed, **context}, status_code=status_code
    )
    response.headers.update({**_headers(embed), **(headers or {})})
    return response


def cached_page(
    request: Request, template: str, context: dict[str, Any], pages: RenderedPages
) -> HTMLResponse:
    """As `page` (200, not embedded), rendered once per distinct context (web/rendered_pages.py).
    The template may use the context, `asset` and nothing else of the request."""
    full = {"embed": False, **context}
    key = {"base_url": request.app.state.settings.public_base_url, **full}

    def render() -> str:
        return TEMPLATES.get_template(template).render(
            {"request": request, **_asset_urls(request), **full}
        )

    html = pages.get_or_render(template, key, render)
    return HTMLResponse(html, headers=_headers(embed=False))


def message_page(
    request: Request,
    status_code: int,
    title: str,
    text: str,
    *,
    return_url: str | None = None,
    headers: dict[str, str] | None = None,
    embed: bool = False,
) -> HTMLResponse:
    """`embed`: shown inside the embedded wallet's frame, so framable (it holds no one's data)."""
    context = {"title": title, "text": text, "return_url": return_url}
    return page(
        request, "message.html", context, status_code=status_code, embed=embed, headers=headers
    )


def error_page(request: Request, error: DomainError) -> HTMLResponse:
    if isinstance(error, LinkUnusable):
        title = (
            "This sign-in link has already been used"
            if error.reason == "used"
            else "This sign-in link has expired"
        )
        text = "Each link signs you in once, for a limited time. Ask for a new one."
        return message_page(request, 410, title, text, return_url=error.return_url)
    if isinstance(error, CredentialDeleted):
        text = "Its issuer has deleted this credential: it no longer certifies anything."
        return message_page(request, 410, "This credential has been deleted", text)
    if isinstance(error, NotFound) and error.entity == "sso code":
        text = "Check that you copied the whole link, or ask for a new one."
        return message_page(request, 404, "This sign-in link is not valid", text)
    if isinstance(error, NotFound):
        return message_page(request, 404, "Not found", "There is nothing at this address.")
    if isinstance(error, Unauthenticated):
        text = "Open the sign-in link that your organization gave you to see your credentials."
        return message_page(request, 401, "You are not signed in", text)
    if isinstance(error, RateLimited):
        text = f"Too many requests. Try again in {error.retry_after} seconds."
        headers = {"Retry-After": str(error.retry_after)}
        return message_page(request, 429, "Slow down", text, headers=headers)
    return message_page(request, 400, "Bad request", "This request cannot be served.")


class WebRoute(APIRoute):
    """Counts every page request against the rate limits and renders every error as a page."""

    def error_response(self, request: Request, error: DomainError) -> Response:
        """The answer to a refused request: a page of its own (a subclass may answer more)."""
        return error_page(request, error)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                await limits_of(request).admit(request)
                return await handler(request)
            except DomainError as error:
                return self.error_response(request, error)
            except RequestValidationError:
                return message_page(request, 400, "Bad request", "This address is not valid.")
            except HTTPException:
                raise  # deliberate answers (413 for an oversized body...): not failures
            except KeyUnavailable as error:
                # The operator's to fix (start-up reported it too).
                fields = {"request_id": request.state.request_id, "reason": str(error)}
                logger.error("web.signing_key_unavailable", extra={"fields": fields})
                text = "This credential's signed form cannot be made right now. Try again later."
                return message_page(request, 503, "Temporarily unavailable", text)
            except Exception as error:
                if (outage := outage_of(request, error)) is not None:
                    text = f"Please try again in {outage.retry_after} seconds."
                    title = "Temporarily unavailable"
                    return message_page(request, 503, title, text, headers=retry_after(outage))
                logger.exception(
                    "web.unhandled_error",
                    extra={"fields": {"request_id": request.state.request_id}},
                )
                text = "Something went wrong on our side. Please try again later."
                return message_page(request, 500, "Server error", text)

        return route
