"""Every hostile input we know of, through every upload surface of a live server: each gets a
clear answer (never a 5xx) within a bounded time, without the server's memory jumping, and
/healthz answers within a second right after.

The corpus is tests/data/hostile/<surface>/ (small files), the `make_<surface>_<name>()`
generators of tests/support/hostile_inputs.py (inputs too large to commit), and the hostile SVG
fixtures the design and rendering tests already use."""

import inspect
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.designs import helpers as design_fixtures
from tests.designs.helpers import b64, design_body
from tests.designs.test_designer import initialize
from tests.render.test_render_cost import HOSTILE as COSTLY_SVG
from tests.support import hostile_inputs

CORPUS = Path(__file__).parent / "data" / "hostile"
SVG_SURFACES = ("design", "designer")
VERIFY_TYPES = {
    "verify-json": ("application/json", "credential.json"),
    "verify-jwt": ("text/plain", "credential.jwt"),
    "verify-png": ("image/png", "badge.png"),
    "verify-svg": ("image/svg+xml", "badge.svg"),
}
SECONDS_PER_INPUT = 5.0  # the server's own bounds are 1-2 s; CI machines are busy
MEMORY_PER_INPUT = 200 * 1024 * 1024  # the live server runs in this process


@dataclass(frozen=True)
class HostileInput:
    surface: str
    name: str
    content: Callable[[], bytes]


def _corpus() -> Iterator[HostileInput]:
    for folder in sorted(CORPUS.iterdir()):
        for path in sorted(folder.iterdir()):
            yield HostileInput(folder.name, path.name, path.read_bytes)
    for name, make in inspect.getmembers(hostile_inputs, inspect.isfunction):
        surface = next(
            (
                s
                for s in (*SVG_SURFACES, *VERIFY_TYPES)
                if name.startswith(f"make_{s.replace('-', '_')}_")
            ),
            None,
        )
        if surface is not None:
            yield HostileInput(surface, name, make)
    named = {
        "scripted": design_fixtures.SCRIPTED_SVG,
        "billion-laughs": design_fixtures.BILLION_LAUGHS,
        "external-entity": design_fixtures.EXTERNAL_ENTITY,
        **{name: svg for name, (svg, _reason) in COSTLY_SVG.items()},
    }
    for name, svg in named.items():
        yield HostileInput("design", name, svg.encode)


INPUTS = list(_corpus())
# SVG inputs go through both the API's designs and the embedded designer's save.
CASES = [
    (surface, hostile)
    for hostile in INPUTS
    for surface in ((SVG_SURFACES) if hostile.surface in SVG_SURFACES else (hostile.surface,))
]


def test_the_corpus_covers_every_upload_surface() -> None:
    assert {surface for surface, _ in CASES} == {*SVG_SURFACES, *VERIFY_TYPES}


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _submit(api: httpx.Client, http: httpx.Client, surface: str, content: bytes) -> list[int]:
    """The status codes of what submitting content on surface leads to."""
    if surface == "design":
        response = api.post("/v1/designs", json=design_body(encoded_content=b64(content.decode())))
        codes = [response.status_code]
        if response.status_code == 200:  # stored: it is drawn when its image is asked for
            codes.append(http.get(response.json()["design"]["rasterized_content_url"]).status_code)
        return codes
    if surface == "designer":
        token = initialize(api)["token"]
        body = {"name": "Hostile", "base": "svg", "svg": content.decode("utf-8", "replace")}
        response = http.post("/designer/save", json=body, headers={"X-Designer-Token": token})
        return [response.status_code]
    media_type, filename = VERIFY_TYPES[surface]
    raw = http.post("/verify", content=content, headers={"Content-Type": media_type})
    upload = http.post("/verify", files={"file": (filename, content, media_type)})
    for response in (raw, upload):
        assert response.json()["valid"] is False, response.text[:300]
    return [raw.status_code, upload.status_code]


@pytest.mark.parametrize(
    ("surface", "hostile"), CASES, ids=[f"{surface}:{hostile.name}" for surface, hostile in CASES]
)
def test_a_hostile_input_is_answered_within_bounds(
    api: httpx.Client, http: httpx.Client, surface: str, hostile: HostileInput
) -> None:
    content = hostile.content()
    peak_before = _peak_rss()
    started = time.monotonic()
    codes = _submit(api, http, surface, content)
    elapsed = time.monotonic() - started
    assert all(code < 500 for code in codes), codes
    assert elapsed < SECONDS_PER_INPUT * len(codes), f"{elapsed:.1f} s"
    assert _peak_rss() - peak_before < MEMORY_PER_INPUT
    started = time.monotonic()
    assert http.get("/healthz").status_code == 200
    assert time.monotonic() - started < 1.0
