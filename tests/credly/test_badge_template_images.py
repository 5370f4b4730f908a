"""A badge template's `image` becomes its badge design, and `image_url` serves that design
drawn as a PNG. Base64 (data URI or bare) PNG, JPEG or SVG (sanitized); a URL is fetched once,
over HTTPS only, at most 5 MB, never from a private or loopback address unless
PLAUDIT_TEMPLATE_IMAGE_FETCH_ALLOW_HOSTS names the host (which also allows plain HTTP)."""

import base64
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Design
from tests.credly.badge_images import data_uri, png
from tests.credly.helpers import basic, organization_uuid
from tests.support.live_server import LiveServer, start_live_server
from tests.support.tenants import Tenant

NEW: dict[str, Any] = {
    "name": "Pictured",
    "description": "Has a picture",
    "global_activity_url": "https://example.com/p",
    "skills": ["Drawing"],
    "badge_template_activities": [{"activity_type": "Award", "title": "Draw"}],
}
RED = (220, 30, 30)
HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(1)</script><rect width="100" height="100" fill="rgb(220,30,30)" '
    b'onload="alert(2)"/></svg>'
)


def _base(database: Database, tenant: Tenant) -> str:
    return f"/v1/organizations/{organization_uuid(database, tenant)}/badge_templates"


def _post(client: httpx.Client, database: Database, tenant: Tenant, image: str) -> httpx.Response:
    return client.post(
        _base(database, tenant), headers=basic(tenant.api_key), json={**NEW, "image": image}
    )


def _center(png_bytes: bytes) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(png_bytes)) as image:
        rgb = image.convert("RGB")
        return rgb.getpixel((rgb.width // 2, rgb.height // 2))  # type: ignore[return-value]


def _close(color: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(color, wanted, strict=True))


def _shown_image(client: httpx.Client, template: dict[str, Any]) -> bytes:
    assert template["image"]["url"] == template["image_url"]
    assert template["image_url"].startswith(str(client.base_url).rstrip("/") + "/")
    response = httpx.get(template["image_url"], timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return response.content


@pytest.mark.parametrize(
    "encode",
    [
        lambda: data_uri(png("rgb(220,30,30)", 600)),
        lambda: base64.b64encode(png("rgb(220,30,30)", 40)).decode(),
        lambda: _jpeg_data_uri(),
        lambda: data_uri(HOSTILE_SVG, "image/svg+xml"),
    ],
    ids=["png-data-uri", "bare-base64-png", "jpeg", "svg"],
)
def test_image_becomes_the_badge_design_drawn_at_image_url(
    http: httpx.Client, database: Database, tenant: Tenant, encode: Any
) -> None:
    response = _post(http, database, tenant, encode())
    assert response.status_code == 201, response.text
    template = response.json()["data"]
    assert _close(_center(_shown_image(http, template)), RED)
    with database.session(readonly=True) as session:
        achievement = session.scalar(
            select(Achievement).where(Achievement.organization_id == tenant.organization_id)
        )
        assert achievement is not None and achievement.badge_design_id is not None
        design = session.get(Design, achievement.badge_design_id)
        assert design is not None and design.kind == "badge"
        assert design.organization_id == achievement.organization_id
        assert "script" not in (design.content_svg or "")
        assert "onload" not in (design.content_svg or "")


def _jpeg_data_uri() -> str:
    out = io.BytesIO()
    Image.new("RGB", (80, 80), RED).save(out, format="JPEG")
    return data_uri(out.getvalue(), "image/jpeg")


def test_an_update_with_an_image_changes_the_drawn_badge(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    created = _post(http, database, tenant, data_uri(png("rgb(220,30,30)"))).json()["data"]
    response = http.put(
        f"{_base(database, tenant)}/{created['id']}",
        headers=basic(tenant.api_key),
        json={"image": data_uri(png("rgb(30,30,220)"))},
    )
    assert response.status_code == 200, response.text
    assert _close(_center(_shown_image(http, response.json()["data"])), (30, 30, 220))


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("data:image/png;base64,%%%not-base64", "must be a PNG, JPEG or SVG"),
        (base64.b64encode(b"GIF89a not really").decode(), "must be a PNG, JPEG or SVG"),
        (data_uri(b"<svg><unclosed"), "SVG"),
        ("http://example.com/badge.png", "must be an https URL"),
        ("https://127.0.0.1:9/badge.png", "loopback"),
        ("https://10.1.2.3:9/badge.png", "private"),
        ("https://[::1]:9/badge.png", "loopback"),
    ],
    ids=["bad-base64", "gif", "broken-svg", "plain-http", "loopback", "private", "ipv6-loopback"],
)
def test_unusable_images_are_a_422_naming_image(
    http: httpx.Client, database: Database, tenant: Tenant, image: str, reason: str
) -> None:
    response = _post(http, database, tenant, image)
    assert response.status_code == 422, response.text
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] == "image"
    assert reason in error["messages"][0]
    with database.session(readonly=True) as session:  # nothing written
        mine = select(Achievement).where(Achievement.organization_id == tenant.organization_id)
        assert session.scalar(mine) is None


class _Images(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        if self.path == "/badge.png":
            body = png("rgb(220,30,30)", 300)
            self.send_response(200)
        elif self.path == "/huge.png":
            body = b"\0" * (5 * 1024 * 1024 + 10)
            self.send_response(200)
        elif self.path == "/moved.png":
            body = b""
            self.send_response(302)
            self.send_header("Location", "/badge.png")
        else:
            body = b"missing"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def image_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def allowing(settings: Settings, database: Database, image_host: str) -> Iterator[httpx.Client]:
    """A server whose setting allows the local image host."""
    server: LiveServer = start_live_server(
        settings.model_copy(update={"template_image_fetch_allow_hosts": image_host}), database
    )
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        yield client
    server.stop()


def test_an_allowed_host_is_fetched_once(
    allowing: httpx.Client, database: Database, tenant: Tenant, image_host: str
) -> None:
    _Images.hits.clear()
    response = _post(allowing, database, tenant, f"http://{image_host}/badge.png")
    assert response.status_code == 201, response.text
    template = response.json()["data"]
    assert _close(_center(_shown_image(allowing, template)), RED)
    _shown_image(allowing, template)
    assert _Images.hits == ["/badge.png"]  # drawing it never fetches it again


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/huge.png", "too large (maximum is 5 MB)"),
        ("/moved.png", "HTTP 302"),
        ("/gone.png", "HTTP 404"),
    ],
    ids=["over-5-mb", "redirect", "not-found"],
)
def test_an_allowed_host_still_has_limits(
    allowing: httpx.Client,
    database: Database,
    tenant: Tenant,
    image_host: str,
    path: str,
    reason: str,
) -> None:
    response = _post(allowing, database, tenant, f"http://{image_host}{path}")
    assert response.status_code == 422, response.text
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] == "image" and reason in error["messages"][0]


def test_nothing_is_fetched_for_an_unauthorized_caller(
    allowing: httpx.Client, database: Database, tenant: Tenant, image_host: str
) -> None:
    _Images.hits.clear()
    response = allowing.post(
        _base(database, tenant),
        headers=basic("not-a-key"),
        json={**NEW, "image": f"http://{image_host}/badge.png"},
    )
    assert response.status_code == 401, response.text
    incomplete = allowing.post(
        _base(database, tenant),
        headers=basic(tenant.api_key),
        json={"name": "x", "image": f"http://{image_host}/badge.png"},
    )
    assert incomplete.status_code == 422
    assert _Images.hits == []
