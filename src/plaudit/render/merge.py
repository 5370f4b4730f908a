"""Merge fields into an SVG template: `{{ recipient.name }}` in text and attribute values.

Values are inserted into the parsed tree, so they are always XML-escaped, and what they make of
a stylesheet or an attribute is sanitized again as the template was (a value cannot bring in
`@import` or `url(http://...)`); an unknown field renders empty. A few data attributes let a
template stay readable with long values:

- `data-if="credential.expired_on"`: the element is dropped when that field is empty;
- `data-fit-width="600"` on a <text>: the text shrinks (down to `data-min-size`, default half its
  size) and, with `data-max-lines="N"`, wraps onto N lines (`data-line-height`, default 1.2;
  `data-valign="middle"` centres the lines on y, `"bottom"` ends them on y) so that it fits;
  what still does not fit ends with an ellipsis;
- `<rect data-merge="qr_code" .../>` becomes the QR code of `credential.url`, drawn as vector paths.

The template is expected to be sanitized already (sanitize_svg); it is parsed with the same safe
parser either way.
"""

import re
from collections.abc import Mapping

import segno
from lxml import etree

from plaudit.render import fitting, fonts
from plaudit.render.sanitize import (
    MERGE_FIELD,
    SVG_NS,
    clean_stylesheet,
    clean_value,
    parse_svg,
)

# Characters XML 1.0 cannot hold (control characters, lone surrogates): dropped from values.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
STYLE = f"{{{SVG_NS}}}style"
_NUMBER = re.compile(r"^\s*(-?[\d.]+)\s*(px)?\s*$")


def merge_fields(template_svg: str, fields: Mapping[str, str]) -> str:
    root = parse_svg(template_svg)
    for element in list(root.iter()):
        condition = element.get("data-if") if isinstance(element.tag, str) else None
        if condition is not None and not str(fields.get(condition.strip(), "")).strip():
            _drop(element)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        text = _substitute(element.text, fields)
        if element.tag == STYLE and text != element.text:
            text = clean_stylesheet(text or "")
        element.text = text
        element.tail = _substitute(element.tail, fields)
        for name, value in element.attrib.items():
            if "{{" in value:
                merged = clean_value(name, _substitute(value, fields) or "")
                if merged is None:
                    del element.attrib[name]
                else:
                    element.set(name, merged)
    for element in list(root.iter(f"{{{SVG_NS}}}text")):
        if element.get("data-fit-width"):
            _fit(element)
    for element in list(root.iter(f"{{{SVG_NS}}}rect")):
        if element.get("data-merge") == "qr_code":
            _replace_with_qr(element, str(fields.get("credential.url", "")))
    return etree.tostring(root, encoding="unicode")


def _substitute(text: str | None, fields: Mapping[str, str]) -> str | None:
    if not text or "{{" not in text:
        return text
    return MERGE_FIELD.sub(lambda m: _NOT_XML.sub("", str(fields.get(m.group(1), "") or "")), text)


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _number(value: str | None, default: float) -> float:
    match = _NUMBER.match(value or "")
    try:
        return float(match.group(1)) if match else default
    except ValueError:
        return default


def _set_style(element: etree._Element, name: str, value: str) -> None:
    """Sets a presentation property, also overriding it inside style= if it is there."""
    element.set(name, value)
    style = element.get("style")
    if style and name in style:
        kept = [d for d in style.split(";") if d.partition(":")[0].strip() != name]
        element.set("style", ";".join(kept))


def _fit(element: etree._Element) -> None:
    text = " ".join("".join(element.itertext()).split())
    for child in list(element):
        element.remove(child)
    element.text = text
    if not text:
        return
    width = _number(element.get("data-fit-width"), 0)
    if width <= 0:
        return
    face = fonts.face_of(element)
    size = _number(fonts.inherited(element, "font-size"), 16.0)
    min_size = _number(element.get("data-min-size"), size / 2)
    max_lines = int(min(_number(element.get("data-max-lines"), 1), fitting.MAX_LINES))
    line_height = min(max(_number(element.get("data-line-height"), 1.2), 0.5), 5.0)

    def measure(s: str, at: float) -> float:
        return fonts.text_width(s, face, at)

    size, lines = fitting.layout(text, width, size, min_size, max_lines, measure)
    _set_style(element, "font-size", f"{size:.2f}")
    if len(lines) == 1:
        element.text = lines[0]
        return
    element.text = None
    x = element.get("x", "0")
    y = _number(element.get("y"), 0)
    step = size * line_height
    valign = element.get("data-valign")
    if valign == "middle":
        y -= step * (len(lines) - 1) / 2
    elif valign == "bottom":
        y -= step * (len(lines) - 1)
    for index, line in enumerate(lines):
        tspan = etree.SubElement(element, f"{{{SVG_NS}}}tspan")
        tspan.set("x", x)
        tspan.set("y", f"{y + index * step:.2f}")
        tspan.text = line


def qr_path(data: str) -> tuple[str, int]:
    """A QR code of data as one SVG path (unit modules, no quiet zone) and its size in modules."""
    qr = segno.make(data or " ", error="m", micro=False)
    commands = []
    for y, row in enumerate(qr.matrix_iter(scale=1, border=0)):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                commands.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return "".join(commands), qr.symbol_size(scale=1, border=0)[0]


def _replace_with_qr(rect: etree._Element, url: str) -> None:
    x, y = _number(rect.get("x"), 0), _number(rect.get("y"), 0)
    width, height = _number(rect.get("width"), 0), _number(rect.get("height"), 0)
    side = min(width, height)
    group = etree.Element(f"{{{SVG_NS}}}g")
    if side <= 0 or not url:
        _drop(rect)
        return
    path, modules = qr_path(url)
    quiet = 2
    scale = side / (modules + 2 * quiet)
    background = etree.SubElement(group, f"{{{SVG_NS}}}rect")
    for name, value in (("x", x), ("y", y), ("width", side), ("height", side)):
        background.set(name, f"{value:.3f}")
    background.set("fill", rect.get("data-background") or "#ffffff")
    code = etree.SubElement(group, f"{{{SVG_NS}}}path")
    code.set("d", path)
    fill = rect.get("fill") or "none"
    code.set("fill", "#000000" if fill == "none" else fill)
    code.set(
        "transform",
        f"translate({x + quiet * scale:.3f} {y + quiet * scale:.3f}) scale({scale:.5f})",
    )
    group.tail = rect.tail
    rect.getparent().replace(rect, group)
