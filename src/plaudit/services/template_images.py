"""A badge template's `image` (Credly) becomes its badge design: a PNG or JPEG is scaled to at
most MAX_SIDE pixels and fills the square badge (cropped to it when not square); an SVG is the
design's template itself, sanitized like any other. The image arrives as a data URI, bare
base64, or bytes fetched from a URL (template_image_fetch.py)."""

import base64
import binascii
import io
import re
from urllib.parse import unquote

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from plaudit.domain.designs import DesignFields
from plaudit.domain.errors import Invalid
from plaudit.domain.scope import Scope
from plaudit.render.layout import Layout
from plaudit.render.sanitize import MAX_IMAGE_PIXELS
from plaudit.services import design_editor, designs
from plaudit.services.template_image_fetch import MAX_BYTES, TOO_LARGE, refused
from plaudit.store.tables import Design

MAX_SIDE = 1200
_DATA_URI = re.compile(r"^data:([\w/+.-]+)?(;base64)?,(.*)$", re.DOTALL | re.IGNORECASE)
NOT_AN_IMAGE = "must be a PNG, JPEG or SVG image (base64 or a URL)"


def is_url(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://"))


def decode(value: str) -> bytes:
    """The bytes of a data URI or of bare base64."""
    text = value.strip()
    match = _DATA_URI.match(text)
    if match and not match.group(2):  # data:image/svg+xml,<svg ...> (URL-encoded text)
        data = unquote(match.group(3)).encode("utf-8")
    else:
        payload = match.group(3) if match else text
        if len(payload) * 3 // 4 > MAX_BYTES + 3:
            raise refused(TOO_LARGE)
        try:
            data = base64.b64decode(re.sub(r"\s", "", payload), validate=True)
        except (binascii.Error, ValueError):
            raise refused(NOT_AN_IMAGE) from None
    if len(data) > MAX_BYTES:
        raise refused(TOO_LARGE)
    return data


def badge_design(session: Session, scope: Scope, data: bytes, name: str) -> Design:
    """A new badge design showing the image, in the key's department (or the default one)."""
    layout = Layout(kind="badge")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        template = data
    else:
        png = base64.b64encode(_scaled_png(data)).decode("ascii")
        svg = design_editor.image_template(f"data:image/png;base64,{png}", layout)
        template = svg.encode("utf-8")
    try:
        fields = DesignFields(name=f"{name} badge"[:255], kind="badge", template=template)
        return designs.create(session, scope, fields)
    except Invalid as invalid:  # the design's own field names mean nothing to the caller
        reasons = [reason for messages in invalid.fields.values() for reason in messages]
        raise refused(reasons[0] if reasons else NOT_AN_IMAGE) from None


def _scaled_png(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise refused(NOT_AN_IMAGE)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise refused("has too many pixels")
            image.load()
            scaled = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
            scaled.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            scaled.save(out, format="PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise refused(NOT_AN_IMAGE) from None
