"""Merge fields, conditional elements, text fitting and the QR code."""

import re

import segno
from lxml import etree

from plaudit.render import merge_fields, sanitize_svg, svg_to_png
from plaudit.render.fonts import resolve_face, text_width
from plaudit.render.merge import qr_path

NS = {"s": "http://www.w3.org/2000/svg"}
HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 400">'


def _tree(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def test_fields_in_text_and_attributes_are_escaped() -> None:
    merged = merge_fields(
        HEAD + '<text x="10" y="20" aria-label="x" id="{{ credential.id }}">'
        "Dear {{recipient.name}}, {{ custom.grade }}{{ unknown.field }}!</text></svg>",
        {
            "recipient.name": '<script>alert("x")</script> & Co',
            "credential.id": '7" onload="evil',
            "custom.grade": "A+",
        },
    )
    root = _tree(merged)
    text = root.find("s:text", NS)
    assert text.text == 'Dear <script>alert("x")</script> & Co, A+!'
    assert text.get("id") == '7" onload="evil'
    assert text.get("onload") is None
    assert "<script>" not in merged
    assert "&lt;script&gt;" in merged


def test_data_if_drops_elements_of_empty_fields() -> None:
    template = (
        HEAD + '<text data-if="credential.expired_on">Expires {{ credential.expired_on }}</text>'
        "<text>Issued {{ credential.issued_on }}</text></svg>"
    )
    without = merge_fields(template, {"credential.issued_on": "1 May 2026"})
    assert "Expires" not in without and "Issued 1 May 2026" in without
    with_expiry = merge_fields(template, {"credential.expired_on": "1 May 2030"})
    assert "Expires 1 May 2030" in with_expiry


def _fit(value: str, *, lines: int = 1, min_size: float = 10) -> etree._Element:
    merged = merge_fields(
        HEAD + '<text x="400" y="200" font-family="Caladea" font-size="40" font-weight="700" '
        f'text-anchor="middle" data-fit-width="600" data-max-lines="{lines}" '
        f'data-min-size="{min_size}">{{{{ recipient.name }}}}</text></svg>',
        {"recipient.name": value},
    )
    return _tree(merged).find("s:text", NS)


def _lines(text: etree._Element) -> list[str]:
    spans = text.findall("s:tspan", NS)
    return [span.text for span in spans] if spans else [text.text]


def test_short_text_keeps_its_size() -> None:
    text = _fit("Ada Lovelace")
    assert float(text.get("font-size")) == 40
    assert _lines(text) == ["Ada Lovelace"]


def test_long_text_shrinks_then_wraps_within_the_width() -> None:
    face = resolve_face("Caladea", "700", None)
    name = "Maximiliana Wilhelmina Alexandra Konstantinopoulou-Papadopoulos"
    one_line = _fit(name)
    size = float(one_line.get("font-size"))
    assert 10 <= size < 40
    assert text_width(name, face, size) <= 600

    long_name = ("Maximiliana Wilhelmina Alexandra " * 10)[:255]
    wrapped = _fit(long_name, lines=4, min_size=12)
    size = float(wrapped.get("font-size"))
    lines = _lines(wrapped)
    assert 2 <= len(lines) <= 4
    assert " ".join(lines).split() == long_name.split()  # nothing lost
    assert all(text_width(line, face, size) <= 600 for line in lines)


def test_what_cannot_fit_ends_with_an_ellipsis() -> None:
    text = _fit("x" * 255, lines=1, min_size=30)
    (line,) = _lines(text)
    assert line.endswith("…")
    assert text_width(line, resolve_face("Caladea", "700", None), 30) <= 600


def test_a_word_longer_than_the_line_is_broken() -> None:
    text = _fit("W" * 120, lines=3, min_size=20)
    lines = _lines(text)
    assert len(lines) == 3
    assert all(set(line) <= {"W", "…"} for line in lines)


def test_qr_code_is_vector_paths_of_the_credential_url() -> None:
    url = "https://credentials.example.com/c/abc123"
    merged = merge_fields(
        HEAD + '<rect data-merge="qr_code" x="10" y="10" width="100" height="100" '
        'fill="#123456"/></svg>',
        {"credential.url": url},
    )
    root = _tree(merged)
    assert root.find(".//s:rect[@data-merge]", NS) is None
    code = root.find(".//s:path", NS)
    assert code.get("fill") == "#123456"
    path, modules = qr_path(url)
    assert code.get("d") == path
    assert modules == segno.make(url, error="m", micro=False).symbol_size(border=0)[0]
    # Every dark module of the symbol is one unit square of the path.
    dark = sum(sum(row) for row in segno.make(url, error="m").matrix_iter(border=0))
    widths = sum(int(w) for w in re.findall(r"h(\d+)", path))
    assert widths == dark
    svg_to_png(sanitize_svg(merged), 200)


def test_qr_without_url_disappears() -> None:
    merged = merge_fields(
        HEAD + '<rect data-merge="qr_code" x="0" y="0" width="10" height="10"/></svg>', {}
    )
    assert "rect" not in merged


def test_characters_xml_cannot_hold_are_dropped() -> None:
    merged = merge_fields(
        HEAD + "<text>{{ recipient.name }}</text></svg>", {"recipient.name": "A\x01d\x0ba\ud800 😀"}
    )
    assert _tree(merged).find("s:text", NS).text == "Ada 😀"
