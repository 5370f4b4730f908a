"""Designs that attacked the server: each is refused, bounded or drawn where it cannot hurt,
and the server keeps answering everyone meanwhile."""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree
from sqlalchemy import update

from plaudit.render import isolation
from plaudit.store.db import Database
from plaudit.store.tables import Design
from tests.accredible.helpers import create_group, issue
from tests.designs.helpers import b64, create_design, design_body
from tests.support import render_probes
from tests.support.live_server import LiveServer
from tests.support.tenants import make_tenant

HOSTILE = Path(__file__).parents[1] / "data" / "hostile" / "design"
FILES = ("certificate.png", "certificate.pdf", "seo.png")


def _hostile(name: str) -> str:
    return (HOSTILE / name).read_text()


def _healthz_within(http: httpx.Client, seconds: float) -> None:
    started = time.monotonic()
    assert http.get("/healthz").status_code == 200
    assert time.monotonic() - started < seconds


@pytest.fixture(scope="module")
def warm_server(live_server: LiveServer, database: Database) -> None:
    """An ordinary credential viewed once: what a server's first view does (imports, starting
    the render workers) is done before the tests measure how quickly it answers."""
    headers = {"Authorization": f"Token token={make_tenant(database).api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=60) as api:
        encoded = issue(api, create_group(api)["id"])["encoded_id"]
        for path in ("", *(f"/{variant}" for variant in FILES)):
            assert api.get(f"/c/{encoded}{path}").status_code == 200


def _while_checking_health(http: httpx.Client, load: Any) -> list[Any]:
    """Runs load() in the background while /healthz is asked every 0.1 s; each answer comes
    within a second."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(load)
        while not future.done():
            _healthz_within(http, 1.0)
            time.sleep(0.1)
        return future.result()


def test_a_design_nested_too_deeply_is_refused_when_stored(api: httpx.Client) -> None:
    response = api.post(
        "/v1/designs", json=design_body(encoded_content=b64(_hostile("nested-250-groups.svg")))
    )
    assert response.status_code == 422, response.text
    assert "nested more than" in str(response.json()["errors"]["encoded_content"])


def test_a_deep_design_stored_before_the_bound_is_drawn_as_the_default(
    api: httpx.Client, http: httpx.Client, database: Database, warm_server: None
) -> None:
    """A design stored before the sanitizer bounded nesting: viewing its credential used to
    kill the server with a segfault in resvg, on every restart."""
    design = create_design(api)
    with database.transaction() as session:
        session.execute(
            update(Design)
            .where(Design.id == design["id"])
            .values(content_svg=_hostile("nested-250-groups.svg"))
        )
    credential = issue(api, create_group(api, certificate_design_id=design["id"])["id"])
    base = f"/c/{credential['encoded_id']}"

    def view() -> list[httpx.Response]:
        pages = [http.get(base), http.get(design["rasterized_content_url"])]
        return pages + [http.get(f"{base}/{variant}") for variant in FILES]

    for response in _while_checking_health(http, view):
        assert response.status_code == 200, response.text[:300]
    _healthz_within(http, 1.0)


def test_render_workers_killed_by_a_signal_are_replaced(
    api: httpx.Client, http: httpx.Client, warm_server: None
) -> None:
    """What a segfault in the renderer does to its process: the API does not notice."""
    for _ in range(4):
        os.kill(isolation.run(render_probes.pid), signal.SIGSEGV)
    credential = issue(api, create_group(api)["id"])
    for variant in FILES:
        response = http.get(f"/c/{credential['encoded_id']}/{variant}")
        assert response.status_code == 200, response.text[:300]
    _healthz_within(http, 1.0)


def test_a_design_fitting_text_into_no_width_draws_quickly(
    api: httpx.Client, http: httpx.Client, warm_server: None
) -> None:
    """data-fit-width="0.001" with data-min-size="0" shrank the font about 11,000 times per
    render: 6 s each, and 45 concurrent views starved the API."""
    design = create_design(api, encoded_content=b64(_hostile("fit-width-tiny.svg")))
    description = "A long course description that will never fit. " * 40
    group = create_group(api, certificate_design_id=design["id"], course_description=description)
    credentials = [issue(api, group["id"]) for _ in range(3)]
    urls = [design["rasterized_content_url"]] + [
        f"/c/{credential['encoded_id']}/{variant}"
        for credential in credentials
        for variant in ("certificate.png", "seo.png")
    ]

    def views() -> list[int]:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            codes = list(pool.map(lambda url: http.get(url).status_code, urls * 4))
        assert time.monotonic() - started < 20
        return codes

    assert set(_while_checking_health(http, views)) == {200}


def _badge_with(api: httpx.Client, svg: str, **credential: Any) -> str:
    design = create_design(api, kind="badge", encoded_content=b64(svg))
    group = create_group(api, badge_design_id=design["id"])
    return issue(api, group["id"], **credential)["encoded_id"]


def _styling(svg: bytes) -> str:
    """What of an SVG a viewer reads as CSS or as a reference: its stylesheets and every
    attribute (a baked badge also carries the signed credential as data, values included)."""
    root = etree.fromstring(svg)
    sheets = [style.text or "" for style in root.iter("{http://www.w3.org/2000/svg}style")]
    values = [value for element in root.iter() for value in element.attrib.values()]
    return "\n".join(sheets + values)


def test_css_escapes_cannot_bring_in_outside_resources(
    api: httpx.Client, http: httpx.Client
) -> None:
    encoded_id = _badge_with(api, _hostile("css-escaped-import.svg"))
    for variant in ("badge.svg", "badge-baked.svg"):
        styling = _styling(http.get(f"/c/{encoded_id}/{variant}").content)
        assert "attacker.invalid" not in styling and "import" not in styling, styling
        assert "#336699" in styling  # the harmless rule stays


def test_merged_values_cannot_bring_css_into_a_stylesheet(
    api: httpx.Client, http: httpx.Client
) -> None:
    encoded_id = _badge_with(
        api,
        _hostile("css-merged-stylesheet.svg"),
        custom_attributes={
            "css": '@import "http://attacker.invalid/a.css"; '
            "text{fill:u\\72l(http://attacker.invalid/b)} rect{stroke:#112233}",
            "color": "url(http://attacker.invalid/c)",
        },
    )
    for variant in ("badge.svg", "badge-baked.svg"):
        styling = _styling(http.get(f"/c/{encoded_id}/{variant}").content)
        assert "attacker.invalid" not in styling and "import" not in styling, styling
        assert "stroke:#112233" in styling
