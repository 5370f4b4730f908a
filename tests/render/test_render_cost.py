"""SVG that is safe but would hold a rendering thread for tens of seconds or minutes (each case
below used to pass the sanitizer): refused with UnsafeSvg, or neutralised so that it draws
quickly. Friendly filters, markers, `<use>` and images still pass."""

import base64
import io
import time

import httpx
import pytest
from PIL import Image

from plaudit.render import UnsafeSvg, sanitize_svg, svg_to_png
from plaudit.render.builtin import BUILTIN_DESIGNS, builtin_design
from plaudit.render.cost import MAX_FILTER_RUNS, MAX_MARKERS, limit
from plaudit.render.sanitize import parse_svg
from tests.designs.helpers import b64, create_design, design_body

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1400 990" width="1400" height="990">'
PAGE = '<rect width="1400" height="990" fill="red"'


def _png_uri(size: tuple[int, int]) -> str:
    out = io.BytesIO()
    Image.new("1", size).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _blur(deviation: float = 5, region: str = "") -> str:
    return f'<filter id="f"{region}><feGaussianBlur stdDeviation="{deviation}"/></filter>'


def _path(points: int) -> str:
    return "M0 0 " + " ".join(f"L{i * 7 % 1400} {i * 13 % 990}" for i in range(points))


MARKER = (
    '<marker id="m" markerWidth="400" markerHeight="400" markerUnits="userSpaceOnUse">'
    '<circle cx="200" cy="200" r="190" fill-opacity="0.5"/></marker>'
)
# Before these limits, at 1400 pixels on the 2-core test machine: 40 s to minutes each.
HOSTILE = {
    "500 chained blurs": (
        HEAD + '<filter id="f">' + '<feGaussianBlur stdDeviation="5"/>' * 500 + "</filter>"
        f'{PAGE} filter="url(#f)"/></svg>',
        "filter primitives",
    ),
    "2000 blurred shapes": (
        HEAD + _blur(20) + f'{PAGE} filter="url(#f)"/>' * 2000 + "</svg>",
        "filter primitives",
    ),
    "blurs in CSS filter functions": (
        HEAD + f'{PAGE} filter="{" ".join(["blur(5)"] * 100)}"/></svg>',
        "filter primitives",
    ),
    "a filtered shape copied by <use>": (
        HEAD
        + _blur()
        + f'<g id="g">{PAGE} filter="url(#f)"/></g>'
        + '<use href="#g"/>' * 100
        + "</svg>",
        "filter primitives",
    ),
    "a huge blur": (HEAD + _blur(5000) + f'{PAGE} filter="url(#f)"/></svg>', "radius"),
    "a huge filter region": (
        HEAD
        + _blur(5, ' x="-1000%" y="-1000%" width="2100%" height="2100%"')
        + f'{PAGE} filter="url(#f)"/></svg>',
        "filter region",
    ),
    "a wide feMorphology": (
        HEAD + '<filter id="f"><feMorphology operator="dilate" radius="500"/></filter>'
        f'{PAGE} filter="url(#f)"/></svg>',
        "radius",
    ),
    "a marker on a 5000-point path": (
        HEAD + MARKER + f'<path d="{_path(5000)}" stroke="black" marker-mid="url(#m)"/></svg>',
        "markers",
    ),
    "an inherited marker": (
        HEAD
        + MARKER
        + '<g style="marker-mid:url(#m)">'
        + f'<polyline points="{" ".join(["1,1"] * 500)}"/></g></svg>',
        "markers",
    ),
    "500 copies of a 6000 x 6000 image": (
        HEAD + f'<defs><image id="i" width="1400" height="990" href="{_png_uri((6000, 6000))}"/>'
        "</defs>" + '<use href="#i"/>' * 500 + "</svg>",
        "image pixels",
    ),
    "a <use> bomb": (
        HEAD
        + '<defs><rect id="a0" width="1" height="1"/>'
        + "".join(f'<g id="a{i}">' + f'<use href="#a{i - 1}"/>' * 10 + "</g>" for i in range(1, 6))
        + '</defs><use href="#a5"/></svg>',
        "elements drawn",
    ),
    "a pattern painting 100 shapes 300 times": (
        HEAD
        + '<pattern id="p" width="10" height="10">'
        + '<circle r="5"/>' * 300
        + "</pattern>"
        + f"{PAGE.replace('red', 'url(#p)')}/>" * 100
        + "</svg>",
        "elements drawn",
    ),
    "a <use> cycle": (
        HEAD + '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>',
        "refers to itself",
    ),
    "<use> nested too deep": (
        HEAD
        + '<rect id="a0" width="1" height="1"/>'
        + "".join(f'<g id="a{i}"><use href="#a{i - 1}"/></g>' for i in range(1, 12))
        + "</svg>",
        "nested",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_costly_svg_is_refused(name: str) -> None:
    svg, reason = HOSTILE[name]
    # This thread's CPU time: what the refusal costs, not how busy the machine is (about 10 ms
    # here; these inputs used to take minutes).
    started = time.thread_time()
    with pytest.raises(UnsafeSvg, match=reason):
        sanitize_svg(svg)
    assert time.thread_time() - started < 2


def test_filters_and_markers_set_by_stylesheets_are_dropped() -> None:
    svg = (
        HEAD
        + _blur(20)
        + MARKER
        + "<style>rect { filter: url(#f); fill: green } path { marker-mid: url(#m) }</style>"
        + '<rect width="1400" height="990"/>' * 2000
        + f'<path d="{_path(5000)}"/></svg>'
    )
    clean = sanitize_svg(svg)
    assert "fill:green" in clean and "filter:" not in clean and "marker-mid:" not in clean
    started = time.perf_counter()
    svg_to_png(clean, 1400)
    assert time.perf_counter() - started < 10  # minutes with the blur and the markers


def test_friendly_effects_pass_and_draw() -> None:
    shadow = (
        '<filter id="shadow" x="-20%" y="-20%" width="140%" height="140%">'
        '<feGaussianBlur in="SourceAlpha" stdDeviation="4"/><feOffset dx="3" dy="3"/>'
        '<feFlood flood-color="#000" flood-opacity="0.4"/><feComposite operator="in" in2="o"/>'
        '<feMerge><feMergeNode/><feMergeNode in="SourceGraphic"/></feMerge></filter>'
    )
    arrow = (
        '<marker id="m" markerWidth="10" markerHeight="10"><path d="M0 0 L10 5 L0 10z"/></marker>'
    )
    svg = (
        f"{HEAD}<defs>{shadow}{arrow}<image id='i' width='140' height='99' "
        f"href='{_png_uri((600, 400))}'/></defs>"
        + '<rect x="100" y="100" width="400" height="200" filter="url(#shadow)"/>'
        * 3
        + '<path d="M10 10 L200 200 L400 10" stroke="black" marker-end="url(#m)" '
        'marker-mid="url(#m)"/>' + '<use href="#i"/>' * 20 + "</svg>"
    )
    clean = sanitize_svg(svg)
    assert clean.count("<use") == 20 and "marker-mid" in clean and 'filter="url(#shadow)"' in clean
    svg_to_png(clean, 1400)


def test_the_limits_hold_what_they_count() -> None:
    at_limit = (
        HEAD
        + '<filter id="f"><feOffset dx="1"/></filter>'
        + f'{PAGE} filter="url(#f)"/>' * MAX_FILTER_RUNS
        + MARKER
        + f'<polyline points="{" ".join(["1,1"] * (MAX_MARKERS + 2))}" '
        'marker-mid="url(#m)"/></svg>'
    )
    cost = limit(parse_svg(at_limit))
    assert (cost.filter_runs, cost.markers) == (MAX_FILTER_RUNS, MAX_MARKERS)
    sanitize_svg(at_limit)
    with pytest.raises(UnsafeSvg):
        sanitize_svg(at_limit.replace("</svg>", f'{PAGE} filter="url(#f)"/></svg>'))


@pytest.mark.parametrize("key", BUILTIN_DESIGNS)
def test_builtin_designs_are_cheap(key: str) -> None:
    design = builtin_design(key)
    assert design is not None
    cost = limit(parse_svg(design.template_svg))
    assert cost.elements < 100 and cost.filter_runs == cost.markers == cost.image_pixels == 0


def test_the_designs_api_refuses_costly_content(api: httpx.Client) -> None:
    hostile, _ = HOSTILE["2000 blurred shapes"]
    response = api.post("/v1/designs", json=design_body(encoded_content=b64(hostile)))
    assert response.status_code == 422, response.text
    assert "filter primitives" in str(response.json()["errors"]["encoded_content"])
    design = create_design(api)
    update = api.put(
        f"/v1/designs/{design['id']}", json={"design": {"encoded_content": b64(hostile)}}
    )
    assert update.status_code == 422, update.text
    assert "encoded_content" in update.json()["errors"]


def test_the_designer_says_a_background_image_is_too_large(
    api: httpx.Client, http: httpx.Client
) -> None:
    started = api.post("/v1/designers/certificate/initialize", json={}).json()
    body = {"name": "Big", "base": "image", "image": _png_uri((6001, 6000))}
    response = http.post(
        "/designer/save", json=body, headers={"X-Designer-Token": started["token"]}
    )
    assert response.status_code == 422, response.text
    assert "too large" in response.json()["errors"]["image"][0]
