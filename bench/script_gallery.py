"""Pictures of the classic certificate with a name in each script (docs/screenshots/scripts/).

Not a benchmark: each certificate is drawn as the server draws it, as a PDF (rasterised with
poppler's pdftoppm, as bench/design_gallery.py does, so the picture shows what prints), with
the recipient's name and the issuer in that script. The PNG path sets the same glyphs
(tests/render/test_scripts.py, ADR 0009).

    .venv/bin/python bench/script_gallery.py [--out docs/screenshots/scripts]
"""

import argparse
import sys
from pathlib import Path

from design_gallery import pdf_picture
from plaudit.render import BUILTIN_DESIGNS, merge_fields, sample_fields, svg_to_pdf

WIDTH = 800
NAMES = {
    "cyrillic": ("Иван Петрович Сидоров", "Московский университет"),
    "greek": ("Αλέξανδρος Παπαδόπουλος", "Πανεπιστήμιο Αθηνών"),
    "chinese": ("王小明", "北京大学"),
    "japanese": ("山田 はなこ", "東京大学"),
    "korean": ("김민준", "서울대학교"),
    "arabic": ("محمد بن علي", "جامعة القاهرة"),
    "hebrew": ("דוד כהן", "האוניברסיטה העברית"),
    "devanagari": ("प्रिया शर्मा", "दिल्ली विश्वविद्यालय"),
    "thai": ("สมชาย ใจดี", "จุฬาลงกรณ์มหาวิทยาลัย"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots/scripts"))
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    design = BUILTIN_DESIGNS["classic-certificate"]
    for script, (name, issuer) in NAMES.items():
        fields = sample_fields({"recipient.name": name, "issuer.name": issuer})
        pdf = svg_to_pdf(merge_fields(design.template_svg, fields), design.layout)
        path = out / f"certificate-{script}.png"
        pdf_picture(pdf, WIDTH).quantize(colors=64).save(path, optimize=True)
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
