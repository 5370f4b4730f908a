"""An organization's logo: an upload made safe to store and serve, and the image the built-in
designs draw of it.

An SVG is sanitized as a design's is (render/sanitize.py), but one that tries to run or load
anything (a script, a foreignObject, an event handler, a link or stylesheet elsewhere) is
refused rather than quietly cut down: a logo is small, and its owner should know. PNG and JPEG
are decoded (within a pixel budget) and encoded again as PNG, so no metadata or trailing bytes
survive, and nothing but a well-formed image is ever served.
"""

import base64
import io
import re
from dataclasses import dataclass

from lxml import etree
from PIL import Image

from plaudit.render.raster import svg_to_png
from plaudit.render.sanitize import XLINK_NS, UnsafeSvg, parse_svg, sanitize_svg

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4096 * 4096
# The pixels of the logo a built-in design draws; its logo boxes have this shape (3:1).
LOGO_BOX = (600, 200)
PNG = "image/png"
SVG = "image/svg+xml"
# A file that starts with markup is read as SVG (the parser then says what is wrong with it).
_MARKUP_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<")
_LOCAL_LINK = re.compile(r"^#[A-Za-z_][\w.\-:]*$")
_EMBEDDED_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|webp);base64,", re.IGNORECASE)
_LOADS = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class UnusableLogo(ValueError):
    """The file cannot be a logo; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class Logo:
    content: bytes
    media_type: str


def prepared(data: bytes) -> Logo:
    """The logo to store from an uploaded file; raises UnusableLogo."""
    if not data:
        raise UnusableLogo("The file is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise UnusableLogo(f"The file is larger than {MAX_LOGO_BYTES // 1024} KB.")
    if _MARKUP_START.match(data):
        return Logo(_safe_svg(data).encode("utf-8"), SVG)
    return Logo(_reencoded(data), PNG)


def _safe_svg(data: bytes) -> str:
    try:
        root = parse_svg(data)
        hostile = _hostile_parts(root)
        if hostile:
            raise UnusableLogo(
                f"This SVG {hostile}; upload one that only draws (no scripts, no links or "
                "images from elsewhere)."
            )
        return sanitize_svg(data)
    except UnsafeSvg as error:
        raise UnusableLogo(f"This SVG cannot be used: {str(error)[:200]}.") from None


def _hostile_parts(root: etree._Element) -> str | None:
    """What in the SVG would run or load something, said in words; None when nothing does."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name == "script":
            return "contains a script"
        if name == "foreignObject":
            return "contains a foreignObject (HTML inside the SVG)"
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if local.lower().startswith("on"):
                return f"has an event handler ({local})"
            if attribute in ("href", f"{{{XLINK_NS}}}href") and not (
                _LOCAL_LINK.match(value.strip()) or _EMBEDDED_IMAGE.match(value.strip())
            ):
                return "links to something outside the file"
            if _LOADS.search(value):
                return "loads a stylesheet or image from elsewhere"
        if name == "style" and _LOADS.search(element.text or ""):
            return "loads a stylesheet or image from elsewhere"
    return None


def _reencoded(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise UnusableLogo("The file is not a PNG, JPEG or SVG image.")
            if image.width * image.height > MAX_LOGO_PIXELS:
                raise UnusableLogo(
                    f"The image has more than {MAX_LOGO_PIXELS // 1_000_000} million pixels."
                )
            image.load()
            converted = image.convert("RGBA" if _has_alpha(image) else "RGB")
    except UnusableLogo:
        raise
    except Image.DecompressionBombError:
        message = f"The image has more than {MAX_LOGO_PIXELS // 1_000_000} million pixels."
        raise UnusableLogo(message) from None
    except (OSError, ValueError, SyntaxError):
        raise UnusableLogo("The file is not a PNG, JPEG or SVG image.") from None
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def data_uri(content: bytes, media_type: str) -> str:
    """The logo as a data: URI, for the designs' `organization.logo` merge field."""
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def drawable(uri: str) -> str:
    """A logo data: URI as the built-in designs draw it: a PNG of LOGO_BOX (the logo fitted and
    centred on a transparent canvas), because svglib reads neither SVG images nor
    preserveAspectRatio nor transparency; empty (no logo shown) for one that cannot be drawn.
    Runs in a render worker (render/documents.py)."""
    media_type, _, payload = uri.removeprefix("data:").partition(";base64,")
    try:
        content = base64.b64decode(payload, validate=True)
        if media_type == SVG:
            content = svg_to_png(content.decode("utf-8"), LOGO_BOX[0])
        elif media_type != PNG:
            return ""
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_LOGO_PIXELS:
                return ""
            logo = image.convert("RGBA")
    except (ValueError, UnicodeDecodeError, OSError, Image.DecompressionBombError):
        return ""
    logo.thumbnail(LOGO_BOX)
    # Colour under transparency is white: the PDF renderer drops the alpha channel, and the
    # certificates' paper is white or nearly so.
    canvas = Image.new("RGBA", LOGO_BOX, (255, 255, 255, 0))
    on_white = Image.alpha_composite(Image.new("RGBA", logo.size, (255, 255, 255, 255)), logo)
    on_white.putalpha(logo.getchannel("A"))
    canvas.paste(on_white, ((LOGO_BOX[0] - logo.width) // 2, (LOGO_BOX[1] - logo.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return data_uri(out.getvalue(), PNG)
