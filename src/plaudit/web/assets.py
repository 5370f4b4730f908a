"""The pages' stylesheets, scripts, icons and fonts, served from the installed package (no CDN).

Any file of `web/static/` with a known type can be named; fonts come from the font packages
Plaudit depends on. Each asset's URL carries a hash of its content (`?v=`), so browsers may keep
it for a year and still get a new one after an upgrade.
"""

import re
from dataclasses import dataclass
from functools import cache
from hashlib import sha256
from importlib.resources import files
from importlib.resources.abc import Traversable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plaudit.web import conditional

router = APIRouter(include_in_schema=False)

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.(css|js|svg|png|ttf)")
_TYPES = {
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ttf": "font/ttf",
}
# Open-licence fonts the pages use, by the name the stylesheet gives them.
_FONTS = {
    "lato-400.ttf": ("font_lato", "Lato-Regular.ttf"),
    "lato-700.ttf": ("font_lato", "Lato-Bold.ttf"),
    "lato-400-italic.ttf": ("font_lato", "Lato-Italic.ttf"),
    "caladea-700.ttf": ("font_caladea", "Caladea-Bold.ttf"),
}
_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    version: str


def _source(name: str) -> Traversable | None:
    if name in _FONTS:
        package, file_name = _FONTS[name]
        return files(package) / "files" / file_name
    if _NAME.fullmatch(name):
        return files("plaudit.web") / "static" / name
    return None


@cache
def find(name: str) -> Asset | None:
    source = _source(name)
    if source is None or not source.is_file():
        return None
    body = source.read_bytes()
    extension = name.rsplit(".", 1)[1]
    return Asset(body, _TYPES[extension], sha256(body).hexdigest()[:16])


@router.get("/assets/{name}")
async def asset(request: Request, name: str) -> Response:
    found = find(name)
    if found is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    etag = f'"{found.version}"'
    current = request.query_params.get("v") == found.version
    headers = {
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": f"public, max-age={_YEAR}, immutable"
        if current
        else "public, max-age=3600",
    }
    if conditional.is_current(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)
