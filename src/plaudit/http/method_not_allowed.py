"""405 answers that name every method the path has, in the error format of the path's dialect.

Starlette answers a method a path lacks from the first route whose path matches, so `Allow`
named that route's methods only and the body was FastAPI's `{"detail": ...}` even on dialect
paths. Here `Allow` lists every method some route serves at the path, and a route class whose
dialect has its own error format (the partly matched route, which Starlette puts in the scope)
gives the body through `method_not_allowed(allow)`.
"""

from typing import Protocol, runtime_checkable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.routing import Match

METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


@runtime_checkable
class OwnErrorFormat(Protocol):
    """A route class whose dialect renders its own 405."""

    def method_not_allowed(self, allow: str) -> Response: ...


def allowed_methods(app: FastAPI, path: str, root_path: str = "") -> list[str]:
    """The methods some route of the app serves at `path`, asked of the router itself so that
    included routers count too."""
    allowed = []
    for method in METHODS:
        probe = {"type": "http", "method": method, "path": path, "root_path": root_path}
        if any(route.matches(probe)[0] is Match.FULL for route in app.router.routes):
            allowed.append(method)
    return allowed


async def _method_not_allowed(request: Request, _: Exception) -> Response:
    allow = ", ".join(allowed_methods(request.app, request.url.path, request.scope["root_path"]))
    route = request.scope.get("route")
    if isinstance(route, OwnErrorFormat):
        return route.method_not_allowed(allow)
    return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": allow})


def install_method_not_allowed(app: FastAPI) -> None:
    app.add_exception_handler(405, _method_not_allowed)
