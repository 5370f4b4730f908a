"""A tag of its own for every embedded font subset.

reportlab tags subsets by their number alone (`AAAAAA+Lato-Regular`, `AAAAAA+Caladea-Bold`),
so every font's first subset has the same tag, where PDF 32000 (9.6.4) asks for a tag that
differs between subsets. This makes the tag a hash of the font and the subset number: still
deterministic, and distinct. reportlab builds the name inside `TTFont.addObjects`, from the
module function `SUBSETN(n)`; both are wrapped once, here, and pinned by
tests/render/test_pdf_metadata.py.
"""

import hashlib
from contextvars import ContextVar
from typing import Any

from reportlab.pdfbase import ttfonts

_FONT: ContextVar[str] = ContextVar("font_being_embedded", default="")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def subset_tag(font_name: str, number: int) -> bytes:
    """Six capital letters from the font's name and the subset's number."""
    digest = hashlib.sha256(f"{font_name}/{number}".encode()).digest()
    return "".join(_LETTERS[byte % 26] for byte in digest[:6]).encode("ascii")


def _tag(number: int, *_: Any) -> bytes:
    return subset_tag(_FONT.get(), number)


_add_objects = ttfonts.TTFont.addObjects


def _add_objects_tagged(self: ttfonts.TTFont, doc: Any) -> None:
    token = _FONT.set(self.fontName)
    try:
        _add_objects(self, doc)
    finally:
        _FONT.reset(token)


def install() -> None:
    """Idempotent."""
    ttfonts.SUBSETN = _tag
    ttfonts.TTFont.addObjects = _add_objects_tagged  # type: ignore[method-assign]
