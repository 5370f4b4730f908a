"""Small real images for badge template tests."""

import base64
import io

from PIL import Image


def png(color: str = "#1e6fd9", size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, format="PNG")
    return out.getvalue()


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


PNG_DATA_URI = data_uri(png())
