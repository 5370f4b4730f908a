"""What the embedded design editor makes: a base (the design's own template, an uploaded SVG, or a
background image) with merge fields placed on it, composed into one sanitized SVG template, then
previewed with sample data or saved into the design the editor's token opens."""

import base64
import binascii
import io
import re
from dataclasses import dataclass
from typing import Literal

from lxml import etree
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain.designs import MAX_BACKGROUND_BYTES, MAX_TEMPLATE_BYTES
from plaudit.domain.errors import Invalid, NotFound
from plaudit.render.layout import Layout
from plaudit.render.sanitize import MAX_IMAGE_PIXELS
from plaudit.services import designs
from plaudit.store.org_tables import AttributeKey
from plaudit.store.tables import Design

SVG_NS = "http://www.w3.org/2000/svg"
QR_FIELD = "credential.url"
FONTS = ("Source Serif Pro", "Source Sans Pro", "Lato", "Caladea")
_IMAGE_URI = re.compile(r"^data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)$")
# A text's y is where the editor's marker sits: the middle of its capitals, not its baseline.
_CAP_MIDDLE = 0.35
_MAX_PIXELS_TEXT = f"{MAX_IMAGE_PIXELS // 1_000_000} million"


@dataclass(frozen=True)
class PlacedField:
    """A merge field on the page. x and y are fractions of the page's width and height (the
    text's anchor point at mid-height; the QR code's centre); size is a fraction of the page's
    height (the font size; the QR code's side)."""

    name: str
    x: float
    y: float
    size: float
    color: str = "#1d2733"
    anchor: Literal["start", "middle", "end"] = "middle"
    font: str = FONTS[0]
    bold: bool = False


@dataclass(frozen=True)
class EditorDocument:
    name: str
    layout: Layout
    base: Literal["current", "svg", "image"]
    svg: str | None
    image: str | None
    fields: tuple[PlacedField, ...]


def design_for(session: Session, organization_id: int, design_id: int) -> Design:
    """The design a token opens, while it still exists in its organization."""
    design = session.get(Design, design_id)
    if design is None or design.organization_id != organization_id:
        raise NotFound("design")
    return design


def merge_field_names(session: Session, design: Design) -> list[str]:
    """The custom attributes a design's groups may fill: its department's (all of the
    organization's for an organization-wide design), as `custom.<key>`."""
    query = select(AttributeKey.name).where(AttributeKey.organization_id == design.organization_id)
    if design.department_id is not None:
        query = query.where(AttributeKey.department_id == design.department_id)
    return [f"custom.{name}" for name in session.scalars(query.order_by(AttributeKey.name))]


def compose(design: Design, document: EditorDocument) -> str:
    """The template the document describes, sanitized."""
    root = designs.parse_template(designs.fitted(_base(design, document), document.layout))
    left, top, width, height = _canvas(root)
    for field in document.fields:
        root.append(_element(field, left, top, width, height))
    return designs.sanitized(etree.tostring(root))


def save(design: Design, document: EditorDocument, template: str) -> None:
    design.content_svg = template
    design.name = document.name
    design.orientation = document.layout.orientation
    design.size = document.layout.size
    design.background_bleeds = document.layout.bleeds


def _base(design: Design, document: EditorDocument) -> str:
    if document.base == "svg":
        svg = document.svg or ""
        if not svg.strip():
            raise Invalid(fields={"svg": ["can't be blank"]})
        if len(svg.encode("utf-8")) > MAX_TEMPLATE_BYTES:
            raise Invalid(fields={"svg": [f"is too large (maximum is {MAX_TEMPLATE_BYTES} bytes)"]})
        return designs.sanitized(svg.encode("utf-8"), "svg")
    if document.base == "image":
        return image_template(document.image or "", document.layout)
    if design.content_svg is not None:
        return design.content_svg
    return designs.builtin_template(design.builtin_key, document.layout)


def image_template(data_uri: str, layout: Layout) -> str:
    """A page filled with an uploaded PNG or JPEG, which must really be one."""
    match = _IMAGE_URI.match(data_uri.strip())
    if not match:
        raise Invalid(fields={"image": ["must be a PNG or JPEG image"]})
    try:
        data = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(fields={"image": ["must be a PNG or JPEG image"]}) from None
    if len(data) > MAX_BACKGROUND_BYTES:
        raise Invalid(fields={"image": [f"is too large (maximum is {MAX_BACKGROUND_BYTES} bytes)"]})
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, pixels = image.format, image.width * image.height
            image.verify()
    except Image.DecompressionBombError:
        pixels = MAX_IMAGE_PIXELS + 1
    except (UnidentifiedImageError, OSError, ValueError):
        raise Invalid(fields={"image": ["must be a PNG or JPEG image"]}) from None
    if pixels > MAX_IMAGE_PIXELS:  # the sanitizer would drop it: say so instead
        raise Invalid(fields={"image": [f"is too large (maximum is {_MAX_PIXELS_TEXT} pixels)"]})
    if kind not in ("PNG", "JPEG"):
        raise Invalid(fields={"image": ["must be a PNG or JPEG image"]})
    width, height = layout.trim_points
    mime = "png" if kind == "PNG" else "jpeg"
    href = f"data:image/{mime};base64,{base64.b64encode(data).decode('ascii')}"
    root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    root.set("viewBox", f"0 0 {_n(width)} {_n(height)}")
    root.set("width", _n(width))
    root.set("height", _n(height))
    image_element = etree.SubElement(root, f"{{{SVG_NS}}}image")
    for name, value in (
        ("x", "0"),
        ("y", "0"),
        ("width", _n(width)),
        ("height", _n(height)),
        ("preserveAspectRatio", "xMidYMid slice"),
        ("href", href),
    ):
        image_element.set(name, value)
    return etree.tostring(root, encoding="unicode")


def _canvas(root: etree._Element) -> tuple[float, float, float, float]:
    """The user-space box the page shows: the (fitted) template's viewBox, or the page."""
    parts = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        left, top, width, height = (float(part) for part in parts)
    except ValueError:
        left, top, width, height = 0.0, 0.0, 0.0, 0.0
    if width > 0 and height > 0:
        return left, top, width, height
    return 0.0, 0.0, float(root.get("width") or 1), float(root.get("height") or 1)


def _element(
    field: PlacedField, left: float, top: float, width: float, height: float
) -> etree._Element:
    x, y, size = left + field.x * width, top + field.y * height, field.size * height
    if field.name == QR_FIELD:
        element = etree.Element(f"{{{SVG_NS}}}rect")
        for name, value in (
            ("data-merge", "qr_code"),
            ("x", _n(x - size / 2)),
            ("y", _n(y - size / 2)),
            ("width", _n(size)),
            ("height", _n(size)),
        ):
            element.set(name, value)
        return element
    element = etree.Element(f"{{{SVG_NS}}}text")
    for name, value in (
        ("x", _n(x)),
        ("y", _n(y + _CAP_MIDDLE * size)),
        ("font-family", field.font),
        ("font-size", _n(size)),
        ("font-weight", "700" if field.bold else "400"),
        ("fill", field.color),
        ("text-anchor", field.anchor),
    ):
        element.set(name, value)
    element.text = "{{ " + field.name + " }}"
    return element


def _n(number: float) -> str:
    """A coordinate as SVG text: short, and the same every time."""
    return f"{number:.2f}".rstrip("0").rstrip(".")
