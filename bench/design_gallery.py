"""Pictures of the built-in designs for the docs (docs/screenshots/designs-*.png).

Not a benchmark: renders every built-in design with sample data through the same code the
server uses, certificates from their PDF (rasterised with poppler's pdftoppm, so the picture
shows what prints) and badges from their PNG, and lays them out on two sheets; a third shows
the classic certificate and badge of a 255-character name.

    .venv/bin/python bench/design_gallery.py [--out docs/screenshots]
"""

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from plaudit.render import (
    BUILTIN_DESIGNS,
    merge_fields,
    sample_fields,
    sanitize_svg,
    svg_to_pdf,
    svg_to_png,
)

LONG_NAME = ("Maximiliana Wilhelmina Alexandra Konstantinopoulou-Papadopoulos " * 5)[:255]
CERTIFICATE_WIDTH = 1100
BADGE_WIDTH = 420


def pdf_picture(pdf: bytes, width: int) -> Image.Image:
    """The PDF's first page, drawn by pdftoppm into a file of our choosing (left to itself,
    some versions write to stdout and others to a file named `-.png`)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "page.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-singlefile",
                "-scale-to-x",
                str(width),
                "-scale-to-y",
                "-1",
                str(path),
                str(Path(directory) / "page"),
            ],
            check=True,
            capture_output=True,
        )
        png = (Path(directory) / "page.png").read_bytes()
    return Image.open(io.BytesIO(png)).convert("RGB")


def render(key: str, **overrides: str) -> Image.Image:
    design = BUILTIN_DESIGNS[key]
    svg = merge_fields(sanitize_svg(design.template_svg), sample_fields(overrides))
    if design.kind == "certificate":
        return pdf_picture(svg_to_pdf(svg, design.layout), CERTIFICATE_WIDTH)
    return Image.open(io.BytesIO(svg_to_png(svg, BADGE_WIDTH))).convert("RGBA")


def sheet(pictures: list[Image.Image], columns: int, background: str) -> Image.Image:
    gap = 24
    width = max(p.width for p in pictures)
    height = max(p.height for p in pictures)
    rows = (len(pictures) + columns - 1) // columns
    out = Image.new(
        "RGB",
        (columns * width + (columns + 1) * gap, rows * height + (rows + 1) * gap),
        background,
    )
    for index, picture in enumerate(pictures):
        x = gap + (index % columns) * (width + gap)
        y = gap + (index // columns) * (height + gap)
        out.paste(picture, (x, y), picture if picture.mode == "RGBA" else None)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    certificates = [k for k, d in BUILTIN_DESIGNS.items() if d.kind == "certificate"]
    badges = [k for k, d in BUILTIN_DESIGNS.items() if d.kind == "badge"]
    sheets = {
        "designs-certificates.png": sheet([render(k) for k in certificates], 1, "#e9ecef"),
        "designs-badges.png": sheet([render(k) for k in badges], 3, "#e9ecef"),
        "designs-long-name.png": sheet(
            [render(certificates[0], **{"recipient.name": LONG_NAME})], 1, "#e9ecef"
        ),
    }
    for name, picture in sheets.items():
        picture.save(out / name, optimize=True)
        print(out / name, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
