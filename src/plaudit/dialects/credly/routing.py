"""Every Credly path answers with and without a trailing slash (Open edX's client sends
`organizations/{org}/`), and every error in Credly's envelope."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from plaudit.dialects.credly.errors import CredlyRoute


class CredlyRouter(APIRouter):
    """An APIRouter whose every route is mounted twice: as declared, and with a trailing slash.
    No redirect: clients that POST or PUT would not follow one.

    Credly routes stay out of /openapi.json for now: that document is Accredible's (its tests
    hold every `/v1/` operation to Accredible's security schemes); publishing Credly's routes
    there needs those checks to tell the dialects apart first."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(route_class=CredlyRoute, **kwargs)

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["include_in_schema"] = False
        super().add_api_route(path, endpoint, **kwargs)
        if not path.endswith("/"):
            super().add_api_route(path + "/", endpoint, **kwargs)
