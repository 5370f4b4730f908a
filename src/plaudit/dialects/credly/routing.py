"""Every Credly path answers with and without a trailing slash (Open edX's client sends
`organizations/{org}/`), and every error in Credly's envelope."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from plaudit.dialects.credly.errors import CredlyRoute


class CredlyRouter(APIRouter):
    """An APIRouter whose every route is mounted twice: as declared, and with a trailing slash.
    No redirect: clients that POST or PUT would not follow one.

    /openapi.json lists each operation once, as declared (not its trailing-slash twin), tagged
    `Credly...` (the router's own tags, else `Credly`); operations that take the token carry the
    `CredlyBasic` scheme (auth.BasicToken), which tells them apart from Accredible's."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("tags", ["Credly"])
        super().__init__(route_class=CredlyRoute, **kwargs)

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # One route per method, so that each operation has its own operation id.
        for method in kwargs.pop("methods", None) or ["GET"]:
            super().add_api_route(path, endpoint, methods=[method], **kwargs)
            if not path.endswith("/"):
                twin = {**kwargs, "include_in_schema": False}
                super().add_api_route(path + "/", endpoint, methods=[method], **twin)
