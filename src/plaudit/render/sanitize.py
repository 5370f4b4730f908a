"""User SVG made safe to store, render and serve.

A whitelist of SVG elements and attributes survives; everything else goes: scripts,
foreignObject, event handlers, elements of other namespaces, external references of any kind
(only `#id` links and size-bounded embedded PNG/JPEG/WebP images stay), CSS imports and external
url()s; then what the rest would cost to draw is bounded (render/cost.py). Entity declarations
are refused outright, so neither billion-laughs expansion nor external entities (XXE) can happen;
the parser never touches the network.
"""

import base64
import binascii
import io
import re
from collections.abc import Callable

from lxml import etree
from PIL import Image

from plaudit.render import cost, css

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

MAX_SVG_BYTES = 5 * 1024 * 1024
MAX_ELEMENTS = 20_000
MAX_IMAGE_BYTES = 4 * 1024 * 1024
MAX_IMAGE_PIXELS = 6000 * 6000


class UnsafeSvg(ValueError):
    """The input cannot be made into a safe SVG (not SVG, too large, entity declarations...)."""


ELEMENTS = frozenset(
    """svg g defs symbol use title desc path rect circle ellipse line polyline polygon text tspan
    textPath image linearGradient radialGradient stop pattern clipPath mask marker style filter
    feGaussianBlur feOffset feFlood feComposite feMerge feMergeNode feBlend feColorMatrix
    feDropShadow feMorphology""".split()  # noqa: SIM905
)
# Elements whose children are kept when the element itself is dropped.
UNWRAP = frozenset({"a", "switch"})

ATTRIBUTES = frozenset(
    """id class style transform viewBox preserveAspectRatio width height x y x1 y1 x2 y2 cx cy r
    rx ry fx fy fr d points dx dy rotate textLength lengthAdjust offset pathLength version
    fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap stroke-linejoin
    stroke-miterlimit stroke-dasharray stroke-dashoffset opacity color display visibility
    font-family font-size font-weight font-style font-variant font-stretch letter-spacing
    word-spacing text-anchor dominant-baseline alignment-baseline baseline-shift text-decoration
    writing-mode direction unicode-bidi white-space paint-order vector-effect shape-rendering
    text-rendering image-rendering color-interpolation color-interpolation-filters
    clip-path clip-rule mask filter marker-start marker-mid marker-end overflow isolation
    mix-blend-mode stop-color stop-opacity flood-color flood-opacity lighting-color
    gradientUnits gradientTransform spreadMethod patternUnits patternContentUnits
    patternTransform clipPathUnits maskUnits maskContentUnits filterUnits primitiveUnits
    markerUnits markerWidth markerHeight refX refY orient in in2 result stdDeviation mode
    operator k1 k2 k3 k4 type values radius startOffset method spacing side media
    data-merge data-fit-width data-max-lines data-min-size data-line-height data-valign
    data-if data-background""".split()  # noqa: SIM905
)
# What a style= attribute or a stylesheet may set: the presentation properties.
PROPERTIES = frozenset(
    name for name in ATTRIBUTES if not name.startswith("data-") and name not in ("id", "class")
) - {"style"}
_IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|jpg|webp);base64,(.*)$", re.IGNORECASE | re.DOTALL)
MERGE_FIELD = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
_HELD_FIELD = re.compile(r"plaudit-merge-field-(\d+)")
_LOCAL_ID = re.compile(r"^#[A-Za-z_][\w.\-:]*$")
# The one merge field an <image> may link to: the organization's logo, which rendering fills
# with the stored logo (sanitized on upload) as a data: URI, never a URL (render/fields.py).
_LOGO_HREF = re.compile(r"^\{\{\s*organization\.logo\s*\}\}$")
_LOGO_LINK = "{{ organization.logo }}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=False,
    )


def parse_svg(data: str | bytes) -> etree._Element:
    """Parses SVG text with the safe parser; refuses DTD subsets and entity references."""
    if isinstance(data, str):  # already decoded: a declared encoding no longer applies
        data = re.sub(r"^\s*<\?xml[^>]*\?>", "", data).encode("utf-8")
    raw = bytes(data)
    if len(raw) > MAX_SVG_BYTES:
        raise UnsafeSvg(f"SVG larger than {MAX_SVG_BYTES} bytes")
    if re.search(rb"<!ENTITY|<!DOCTYPE[^>\[]*\[", raw, re.IGNORECASE):
        raise UnsafeSvg("entity declarations and DTD internal subsets are not allowed")
    try:
        tree = etree.parse(io.BytesIO(raw), _parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeSvg(f"not well-formed XML: {exc.msg}") from None
    root = tree.getroot()
    if root is None or root.tag not in (f"{{{SVG_NS}}}svg", "svg"):
        raise UnsafeSvg("the root element is not <svg>")
    for element in root.iter():
        if isinstance(element, etree._Entity):
            raise UnsafeSvg("entity references are not allowed")
    return root


def _local(tag: object) -> str | None:
    """The SVG element name, or None for anything outside the SVG namespace."""
    if not isinstance(tag, str):
        return None
    if tag.startswith(f"{{{SVG_NS}}}"):
        return tag[len(SVG_NS) + 2 :]
    return None if tag.startswith("{") else tag


def clean_value(attribute: str, value: str) -> str | None:
    """An attribute's value made safe (style= reduced to safe declarations), or None when it
    must go (it loads something from outside the document). Merged values are checked again."""
    if attribute == "style":
        return _fields_kept(value, lambda style: css.declarations(style, PROPERTIES))
    return value if css.safe_attribute_value(value) else None


def clean_stylesheet(text: str) -> str:
    """A stylesheet reduced to safe rules. A merge field that is the whole sheet stays as it
    is: what it brings is cleaned when it is merged."""
    if MERGE_FIELD.fullmatch(text.strip()):
        return text.strip()
    return _fields_kept(text, lambda sheet: css.stylesheet(sheet, PROPERTIES))


def _fields_kept(text: str, clean: Callable[[str], str]) -> str:
    """clean(text) with its merge fields kept where they stand (held as plain identifiers)."""
    fields: list[str] = []

    def hold(match: re.Match[str]) -> str:
        fields.append(match.group(0))
        return f"plaudit-merge-field-{len(fields) - 1}"

    cleaned = clean(MERGE_FIELD.sub(hold, text))
    return (
        _HELD_FIELD.sub(lambda match: fields[int(match.group(1))], cleaned) if fields else cleaned
    )


def _safe_image(href: str) -> str | None:
    """An embedded raster image, checked by decoding it; WebP becomes PNG (svglib needs it)."""
    match = _IMAGE_DATA.match(href.strip())
    if not match:
        return None
    payload = re.sub(r"\s+", "", match.group(2))
    if len(payload) * 3 // 4 > MAX_IMAGE_BYTES:
        return None
    try:
        data = base64.b64decode(payload, validate=True)
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            if image.format not in ("PNG", "JPEG", "WEBP"):
                return None
            if image.format == "WEBP":
                out = io.BytesIO()
                image.save(out, format="PNG")
                return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
            image.verify()
            mime = "png" if image.format == "PNG" else "jpeg"
    except (binascii.Error, OSError, ValueError, Image.DecompressionBombError):
        return None
    return f"data:image/{mime};base64,{payload}"


def _clean_attributes(element: etree._Element, name: str) -> bool:
    """Cleans element's attributes in place; False when the element must go (e.g. bad image)."""
    for attribute in list(element.attrib):
        value = element.attrib[attribute]
        if attribute in (f"{{{XLINK_NS}}}href", "href"):
            del element.attrib[attribute]
            if name == "image" and _LOGO_HREF.match(value.strip()):
                element.set("href", _LOGO_LINK)
            elif name == "image":
                safe = _safe_image(value)
                if safe is None:
                    return False
                element.set("href", safe)
            elif _LOCAL_ID.match(value.strip()):
                element.set("href", value.strip())
            continue
        if attribute == f"{{{XML_NS}}}space":
            continue
        if attribute.startswith("{") or attribute not in ATTRIBUTES:
            del element.attrib[attribute]
            continue
        safe = clean_value(attribute, value)
        if safe is None:
            del element.attrib[attribute]
        else:
            element.set(attribute, safe)
    # Without a (safe) link these elements mean nothing.
    return not (name in ("image", "use", "textPath") and element.get("href") is None)


def _clean(element: etree._Element) -> None:
    for child in list(element):
        name = _local(child.tag)
        if name in UNWRAP:
            _clean(child)
            _unwrap(child)
            continue
        if name not in ELEMENTS or not _clean_attributes(child, name):
            _remove(child)
            continue
        if name == "style":
            for grandchild in list(child):
                _remove(grandchild)
            child.text = clean_stylesheet(child.text or "")
            continue
        _clean(child)


def _remove(element: etree._Element) -> None:
    """Removes element but keeps its tail text."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    """Replaces element by its children."""
    parent = element.getparent()
    index = parent.index(element)
    tail = element.tail
    element.tail = None
    if element.text:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.text
        else:
            parent.text = (parent.text or "") + element.text
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    element.tail = tail
    _remove(element)


def sanitize_svg(data: str | bytes) -> str:
    """Returns a safe SVG document (UTF-8 text, no XML declaration); raises UnsafeSvg."""
    root = parse_svg(data)
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise UnsafeSvg(f"more than {MAX_ELEMENTS} elements")
    if _depth(root) > cost.MAX_DRAWN_DEPTH:
        raise UnsafeSvg(f"elements nested more than {cost.MAX_DRAWN_DEPTH} deep")
    _clean_attributes(root, "svg")
    _clean(root)
    try:
        cost.limit(root)
    except cost.TooCostly as error:
        raise UnsafeSvg(str(error)) from None
    root = _in_svg_namespace(root)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="unicode")


def _depth(root: etree._Element) -> int:
    """How deeply elements nest (walked without recursion: the input may be deep)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _in_svg_namespace(element: etree._Element, parent: etree._Element | None = None):
    """A copy of the (cleaned) tree with every element in the default SVG namespace."""
    tag = f"{{{SVG_NS}}}{_local(element.tag)}"
    if parent is None:
        copy = etree.Element(tag, nsmap={None: SVG_NS})
    else:
        copy = etree.SubElement(parent, tag)
    for name, value in element.attrib.items():
        copy.set(name, value)
    copy.text, copy.tail = element.text, element.tail
    for child in element:
        _in_svg_namespace(child, copy)
    return copy
