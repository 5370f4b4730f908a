"""The most frequent reads, `GET /v1/credentials/{id}` and the public page, are the app's first
included routers (app.py), so that FastAPI does not try ~200 routes before them. Being first,
they must answer no request that another route serves."""

import re
from collections.abc import Iterator

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match

from plaudit.app import create_app
from plaudit.dialects.accredible.credentials import reads_router
from plaudit.settings import Settings
from plaudit.web.credential_page import router as credential_page_router

HOT = [*reads_router.routes, *credential_page_router.routes]


def _leaves(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _leaves(included.routes) if included is not None else [route]


def _example(path: str) -> str:
    """A request path the route template `path` matches: each parameter a plain word."""
    return re.sub(r"\{[^}]+\}", "x1", path)


def test_the_hot_routes_come_first_and_shadow_no_other(settings: Settings) -> None:
    app = create_app(settings)
    included = [route for route in app.router.routes if hasattr(route, "original_router")]
    leaves = [route for route in _leaves(included) if isinstance(route, APIRoute)]
    assert leaves[: len(HOT)] == HOT
    own = [route for route in app.router.routes if isinstance(route, APIRoute)]
    for other in own + leaves[len(HOT) :]:
        for hot in HOT:
            for method in other.methods & hot.methods:
                scope = {"type": "http", "method": method, "path": _example(other.path)}
                assert hot.matches(scope)[0] is not Match.FULL or other.path == hot.path, (
                    f"{method} {other.path} would be answered by {hot.path}"
                )
