"""Organization logos and colours without a server: what an upload becomes, what the designs
draw of it, and the contrast rule of the primary colour."""

import base64
import io

import pytest
from PIL import Image

from plaudit.domain import colors
from plaudit.render import logos


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def test_contrast_follows_wcag() -> None:
    assert colors.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert colors.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert colors.primary_problem("#767676") is None
    assert "contrast of 4.48:1" in (colors.primary_problem("#777777") or "")
    assert colors.normalized(" #1F4E8C ") == "#1f4e8c"
    assert colors.normalized("#1f4e8") is None and colors.normalized("red") is None
    assert colors.darker("#808080", 0.5) == "#404040"


def test_a_jpeg_is_stored_as_a_png_without_its_metadata() -> None:
    exif = Image.Exif()
    exif[0x010E] = "secret location"  # ImageDescription
    jpeg = encoded(Image.new("RGB", (40, 20), (10, 120, 60)), "JPEG", exif=exif.tobytes())
    logo = logos.prepared(jpeg)
    assert logo.media_type == "image/png"
    assert b"secret location" not in logo.content
    with Image.open(io.BytesIO(logo.content)) as image:
        assert (image.format, image.size) == ("PNG", (40, 20))


def test_too_many_pixels_is_refused_before_decoding() -> None:
    huge = encoded(Image.new("1", (5000, 4000)), "PNG")
    assert len(huge) < logos.MAX_LOGO_BYTES
    with pytest.raises(logos.UnusableLogo, match="million pixels"):
        logos.prepared(huge)


def test_an_svg_is_sanitized_and_a_hostile_one_refused() -> None:
    kept = logos.prepared(
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 1">'
        b'<rect width="2" height="1" fill="#123456" data-x="1"/></svg>'
    )
    assert kept.media_type == "image/svg+xml"
    assert b"#123456" in kept.content and b"<?xml" not in kept.content
    for hostile in (
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.org/a.css);</style></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://x.org/#a)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="https://x.org"><rect/></a></svg>',
    ):
        with pytest.raises(logos.UnusableLogo, match="This SVG"):
            logos.prepared(hostile)


def test_the_designs_draw_any_logo_as_a_png_of_the_logo_box() -> None:
    svg = logos.prepared(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
        b'<circle cx="5" cy="5" r="5" fill="#0b6e4f"/></svg>'
    )
    png = logos.prepared(encoded(Image.new("RGBA", (90, 90), (200, 0, 0, 255)), "PNG"))
    for logo in (svg, png):
        drawn = logos.drawable(logos.data_uri(logo.content, logo.media_type))
        assert drawn.startswith("data:image/png;base64,")
        with Image.open(io.BytesIO(base64.b64decode(drawn.split(",", 1)[1]))) as image:
            assert image.size == logos.LOGO_BOX
            assert image.getpixel((0, 0)) == (255, 255, 255, 0)  # padding: white, transparent
            assert image.getpixel((300, 100))[3] == 255  # the logo, centred
    assert logos.drawable("data:image/png;base64,bm90IGFuIGltYWdl") == ""
