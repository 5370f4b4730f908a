"""Names in non-Latin scripts, in the built-in designs' PDF and PNG (issue 10, item 8).

What is checked, per script:
- the certificate PDF (over the live API, drawn in a render worker): pdftotext gives the name.
  For right-to-left names poppler writes the line in visual order inside embedding marks, so
  the name is accepted in logical order or reversed character by character (the PDF carries
  the logical text as /ActualText; poppler reorders it); whitespace is normalized.
- pdffonts: every font embedded, none of Type 3, and the fallback face expected for the script
  among them (so the name is set in a face that has its glyphs, not in WinAnsi Latin).
- certificate.png and badge.png (drawn in-process with fixed fields, so that only the name
  differs): unlike the drawing of a blank name, and unlike the drawing of as many unassigned
  code points, which every font draws as its .notdef box: a name drawn as boxes would match.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from plaudit.render.builtin import builtin_design
from plaudit.render.documents import draw
from tests.accredible.helpers import create_group, issue

NAMES = {
    "cyrillic": ("Иван Петров", "NotoSans-"),
    "greek": ("Αλέξανδρος Παπαδόπουλος", None),  # Source Serif/Sans Pro have Greek
    "chinese": ("王小明", "NotoSansSC"),
    "japanese": ("山田 はなこ", "NotoSansSC"),  # Han and kana: the first CJK face has both
    "korean": ("김민준", "NotoSansKR"),
    "arabic": ("محمد علي", "NotoSansArabic"),
    "hebrew": ("דוד כהן", "NotoSansHebrew"),
    "devanagari": ("प्रिया शर्मा", "NotoSansDevanagari"),
    "thai": ("สมชาย ใจดี", "NotoSansThai"),
}
RIGHT_TO_LEFT = {"arabic", "hebrew"}
BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) are not installed",
)


def _poppler(tool: str, pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    """pdffonts' rows: name, type, encoding, emb, sub, uni, object, generation."""
    return _poppler("pdffonts", pdf, tmp_path).splitlines()[2:]


@needs_poppler
@pytest.mark.parametrize("script", NAMES)
def test_the_certificate_pdf_holds_the_name_in_an_embedded_face_that_has_it(
    script: str, api: httpx.Client, http: httpx.Client, tmp_path: Path
) -> None:
    name, face = NAMES[script]
    credential = issue(api, create_group(api, course_name="Knots")["id"], recipient={"name": name})
    files = f"/c/{credential['encoded_id']}"
    pdf = http.get(f"{files}/certificate.pdf")
    assert pdf.status_code == 200, pdf.text
    text = " ".join(_poppler("pdftotext", pdf.content, tmp_path).translate(BIDI_MARKS).split())
    assert name in text or (script in RIGHT_TO_LEFT and name[::-1] in text), text
    rows = _fonts(pdf.content, tmp_path)
    assert rows
    for row in rows:
        assert "Type 3" not in row, row
        assert row.split()[-5] == "yes", row  # embedded
    if face is not None:
        assert any(row.split()[0].partition("+")[2].startswith(face) for row in rows), rows
    for variant in ("certificate.png", "badge.png"):  # drawn by a render worker too
        image = http.get(f"{files}/{variant}")
        assert image.status_code == 200
        assert image.content.startswith(b"\x89PNG")


def _drawn(variant: str, name: str) -> bytes:
    kind = "certificate" if variant.startswith("certificate") else "badge"
    design = builtin_design(f"classic-{kind}")
    assert design is not None
    fields = {
        "recipient.name": name,
        "credential.name": "Knots",
        "issuer.name": "Plaudit Academy",
        "credential.url": "https://example.com/c/1",
        "credential.issued_on": "2026-01-01",
    }
    return draw(variant, design.template_svg, design.layout, fields, False)


@pytest.mark.parametrize("variant", ["certificate.png", "badge.png"])
@pytest.mark.parametrize("script", NAMES)
def test_the_png_draws_the_name_in_glyphs_not_boxes(script: str, variant: str) -> None:
    name = NAMES[script][0]
    drawn = _drawn(variant, name)
    boxes = "".join(" " if char == " " else "\u0378" for char in name)  # unassigned code points
    assert drawn != _drawn(variant, "")
    assert drawn != _drawn(variant, boxes)


_DRAW_PDF = """
import hashlib, sys
from plaudit.render.builtin import builtin_design
from plaudit.render.documents import draw
design = builtin_design("classic-certificate")
fields = {"recipient.name": sys.argv[1], "credential.name": "Knots", "issuer.name": "Org"}
pdf = draw("certificate.pdf", design.template_svg, design.layout, fields, False)
print(hashlib.sha256(pdf).hexdigest())
"""


def test_a_pdf_with_fallback_faces_has_the_same_bytes_in_every_process() -> None:
    """The fallback faces' instances are made per process: they must not carry the time."""
    digests = {
        subprocess.run(
            [sys.executable, "-c", _DRAW_PDF, "王小明 محمد"],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1
