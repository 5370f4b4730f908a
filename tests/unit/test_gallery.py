"""The design gallery's PDF pictures: pdftoppm writes where the script says, not to a file named
`-.png` in the working directory."""

import os
import runpy
import shutil
from pathlib import Path

import pytest

from plaudit.render import documents
from plaudit.render.layout import Layout

GALLERY = Path(__file__).resolve().parents[2] / "bench" / "design_gallery.py"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_a_pdf_picture_leaves_nothing_behind(tmp_path: Path) -> None:
    pdf_picture = runpy.run_path(str(GALLERY))["pdf_picture"]
    pdf = documents.draw(
        "certificate.pdf", documents.fallback_template("certificate"), Layout(), {}, False
    )
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        picture = pdf_picture(pdf, 200)
    finally:
        os.chdir(here)
    assert picture.size[0] == 200
    assert list(tmp_path.iterdir()) == []
