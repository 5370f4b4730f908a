"""SVG that passes the sanitizer but that the renderers cannot draw (resvg panics on some
geometry): no 500, no crash; the credential's files and the design's images fall back to the
built-in default design. (Runaway `<use>` nesting is refused when stored: test_render_cost.)"""

import io

import httpx
import pytest
from PIL import Image

from plaudit.render import svg_to_png
from tests.accredible.helpers import create_group, issue
from tests.designs.helpers import b64, create_design

# tiny-skia panics (`Option::unwrap()` on None) stroking this at any usual width.
PANICKING_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 800 600">'
    '<path d="M0 300 L800 300 L400 0 Z" stroke="black" stroke-width="1e20" '
    'stroke-linejoin="round"/></svg>'
)


@pytest.mark.parametrize("width", [600, 1200, 1400])
def test_a_resvg_panic_is_a_value_error(width: int) -> None:
    with pytest.raises(ValueError, match="cannot be drawn"):
        svg_to_png(PANICKING_SVG, width)


def _png(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG"


def test_undrawable_designs_fall_back_to_the_builtin_default(
    api: httpx.Client, http: httpx.Client
) -> None:
    certificate = create_design(api, encoded_content=b64(PANICKING_SVG))
    badge = create_design(api, kind="badge", encoded_content=b64(PANICKING_SVG))
    for design in (certificate, badge):
        _png(http.get(design["rasterized_content_url"]))
        link = api.post(f"/v1/designs/{design['id']}/preview", json={"recipient.name": "Ada"})
        assert link.status_code == 200, link.text
        _png(http.get(link.json()["link"]))

    group = create_group(api, certificate_design_id=certificate["id"], badge_design_id=badge["id"])
    credential = issue(api, group["id"])
    base = f"/c/{credential['encoded_id']}"
    for variant in ("certificate.png", "badge.png", "seo.png"):
        _png(http.get(f"{base}/{variant}"))
    pdf = http.get(f"{base}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
