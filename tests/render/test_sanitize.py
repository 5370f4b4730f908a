"""Hostile SVG next to friendly SVG: what survives sanitize_svg and what is refused."""

import base64
import io

import pytest
from PIL import Image

from plaudit.render import UnsafeSvg, sanitize_svg, svg_to_pdf, svg_to_png, svgkit
from plaudit.render.layout import Layout
from plaudit.render.merge import merge_fields
from plaudit.render.sanitize import MAX_SVG_BYTES

SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def _png_data_uri(fmt: str = "PNG") -> str:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format=fmt)
    mime = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}[fmt]
    return f"data:image/{mime};base64," + base64.b64encode(out.getvalue()).decode()


def test_friendly_svg_keeps_its_drawing() -> None:
    source = (
        f'<svg {SVG} viewBox="0 0 100 50"><defs><linearGradient id="g"><stop offset="0" '
        'stop-color="red"/></linearGradient></defs><rect id="r" width="100" height="50" '
        'fill="url(#g)"/><use xlink:href="#r"/><text x="5" y="20" font-family="Lato">'
        "Hi {{ recipient.name }}</text></svg>"
    )
    clean = sanitize_svg(source)
    assert 'fill="url(#g)"' in clean
    assert 'href="#r"' in clean
    assert "Hi {{ recipient.name }}" in clean
    assert 'stop-color="red"' in clean


@pytest.mark.parametrize(
    "hostile, gone",
    [
        ("<script>alert(1)</script>", "alert"),
        ("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>", "div"),
        ('<rect width="1" height="1" onclick="alert(1)" onload="x()"/>', "on"),
        ('<image xlink:href="http://evil.example/x.png" width="1" height="1"/>', "evil"),
        ('<image href="file:///etc/passwd" width="1" height="1"/>', "passwd"),
        ('<use xlink:href="http://evil.example/sprite.svg#a"/>', "evil"),
        ('<a xlink:href="javascript:alert(1)"><text>click</text></a>', "javascript"),
        ('<rect style="fill:url(http://evil.example/a)" width="1" height="1"/>', "evil"),
        ('<rect fill="url(https://evil.example/#a)" width="1" height="1"/>', "evil"),
        ("<style>@import url(http://evil.example/a.css); rect{fill:red}</style>", "evil"),
        ("<style>rect{background:url('http://evil.example/a.png')}</style>", "evil"),
        ('<animate attributeName="href" to="javascript:alert(1)"/>', "javascript"),
        ('<set attributeName="onmouseover" to="alert(1)"/>', "alert"),
        ('<image href="data:image/svg+xml;base64,PHN2Zz4=" width="1" height="1"/>', "svg+xml"),
        ('<iframe src="http://evil.example"/>', "evil"),
    ],
)
def test_hostile_content_is_removed(hostile: str, gone: str) -> None:
    clean = sanitize_svg(f'<svg {SVG} viewBox="0 0 10 10">{hostile}<rect width="2"/></svg>')
    assert gone not in clean.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert '<rect width="2"/>' in clean
    svg_to_png(clean, 20)  # and it still renders


def test_embedded_images_are_checked_and_webp_becomes_png() -> None:
    png, webp = _png_data_uri("PNG"), _png_data_uri("WEBP")
    clean = sanitize_svg(
        f'<svg {SVG}><image href="{png}" width="4" height="4"/>'
        f'<image xlink:href="{webp}" width="4" height="4"/>'
        '<image href="data:image/png;base64,bm90IGFuIGltYWdl" width="4" height="4"/></svg>'
    )
    assert clean.count("<image") == 2
    assert "image/webp" not in clean
    svg_to_pdf(clean, Layout())


def test_an_image_of_the_organizations_logo_field_survives_and_merges_as_its_logo() -> None:
    """A design saved from a built-in keeps its logo box (svgkit.logo): the one merge field an
    image may link to, filled at rendering with the stored logo, never with a URL."""
    logo = _png_data_uri()
    clean = sanitize_svg(
        f"<svg {SVG}>{svgkit.logo(0, 0, 10)}"
        '<image href="{{ recipient.name }}" width="4" height="4"/>'
        '<image href="https://example.org/{{ organization.logo }}" width="4" height="4"/></svg>'
    )
    assert clean.count("<image") == 1 and 'href="{{ organization.logo }}"' in clean
    assert f'href="{logo}"' in merge_fields(clean, {"organization.logo": logo})
    assert "<image" not in merge_fields(clean, {})  # no logo: no box


def test_billion_laughs_is_refused() -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        f"<svg {SVG}><text>&lol3;</text></svg>"
    )
    with pytest.raises(UnsafeSvg):
        sanitize_svg(lol)


def test_external_entities_are_refused() -> None:
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f"<svg {SVG}><text>&xxe;</text></svg>"
    )
    with pytest.raises(UnsafeSvg):
        sanitize_svg(xxe)
    parameter = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % remote SYSTEM '
        '"http://evil.example/x.dtd"> %remote;]>'
        f"<svg {SVG}/>"
    )
    with pytest.raises(UnsafeSvg):
        sanitize_svg(parameter)


def test_a_plain_doctype_is_dropped() -> None:
    clean = sanitize_svg(
        '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        f'<svg {SVG}><rect width="1"/></svg>'
    )
    assert "DOCTYPE" not in clean
    assert "<rect" in clean


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not xml",
        "<html><body/></html>",
        "<svg",
        b"\xff\xfe garbage",
        f"<svg {SVG}>" + "<g>" * 300 + "</g>" * 300 + "</svg>",
    ],
)
def test_unusable_input_is_refused(bad: str | bytes) -> None:
    with pytest.raises(UnsafeSvg):
        sanitize_svg(bad)


def test_huge_input_is_refused() -> None:
    huge = f"<svg {SVG}><text>" + "A" * (MAX_SVG_BYTES + 1) + "</text></svg>"
    with pytest.raises(UnsafeSvg):
        sanitize_svg(huge)
    many = f"<svg {SVG}>" + "<rect/>" * 25_000 + "</svg>"
    with pytest.raises(UnsafeSvg):
        sanitize_svg(many)


def test_svg_without_namespace_gets_one() -> None:
    clean = sanitize_svg('<svg viewBox="0 0 10 10"><rect width="10" height="10"/></svg>')
    assert clean.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "ns0" not in clean
    svg_to_png(clean, 10)


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 100000"><rect width="1"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="100000"/>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>',
    ],
)
def test_a_degenerate_aspect_ratio_is_refused_before_resvg_allocates(svg: str) -> None:
    # resvg aborts the whole process when the bitmap cannot be allocated: refuse it first.
    with pytest.raises(ValueError, match="at most 8 times"):
        svg_to_png(svg, 600)
