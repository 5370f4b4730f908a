"""SVG to a print-ready PDF with svglib + reportlab: vector text in the packaged fonts, embedded
and subset, on the layout's paper with its bleed and page boxes. Output is deterministic: the same
SVG, layout and metadata give the same bytes (reportlab's invariant mode fixes document ids; the
dates are the credential's issue date, render/pdf_metadata.py)."""

import io
import threading

from reportlab.pdfgen.canvas import Canvas
from svglib.fonts import FontMap
from svglib.svglib import SvgRenderer

from plaudit.render import fonts, pdf_subsets, pdftext
from plaudit.render.layout import Layout
from plaudit.render.pdf_metadata import PdfMetadata
from plaudit.render.sanitize import parse_svg


class PackagedFontMap(FontMap):
    """svglib's font lookup limited to the packaged fonts: no fontconfig, no standard PDF fonts
    (they could not be embedded), unknown families fall back to the default family."""

    def find_font(
        self, font_name: str, weight: str = "normal", style: str = "normal"
    ) -> tuple[str, bool]:
        face = fonts.resolve_face(font_name, str(weight), str(style))
        return fonts.register(face), face.family.lower() == font_name.strip("'\" ").lower()


_FONT_MAP = PackagedFontMap()
# reportlab's TrueType fonts are shared by every document and not thread-safe (subsetting reads
# the font file through one shared cursor): one PDF at a time per process. It is pure Python,
# so the GIL would serialize the work anyway.
_PDF_LOCK = threading.Lock()
pdf_subsets.install()


def svg_to_pdf(svg: str, layout: Layout, metadata: PdfMetadata | None = None) -> bytes:
    """One page: the SVG scaled to fit the trim box (centred); bleed around it when the layout
    bleeds, where artwork drawn beyond the SVG's viewBox shows. `metadata`: the document
    information (else a title naming the kind)."""
    with _PDF_LOCK:
        return _svg_to_pdf(svg, layout, metadata)


def _svg_to_pdf(svg: str, layout: Layout, metadata: PdfMetadata | None) -> bytes:
    root = parse_svg(svg)
    drawing = SvgRenderer(io.BytesIO(), font_map=_FONT_MAP).render(root)
    trim_width, trim_height = layout.trim_points
    media_width, media_height = layout.media_points
    bleed = layout.bleed_points
    boxes = {}
    if layout.bleeds:
        boxes = {
            "trimBox": (bleed, bleed, bleed + trim_width, bleed + trim_height),
            "bleedBox": (0, 0, media_width, media_height),
            "cropBox": (0, 0, media_width, media_height),
        }
    default_font = fonts.register(fonts.resolve_face(None, None, None))
    drawing.initialFontName = default_font  # else reportlab's Helvetica (never embedded) appears
    out = io.BytesIO()
    canvas = Canvas(
        out,
        pagesize=(media_width, media_height),
        invariant=1,
        pageCompression=1,
        initialFontName=default_font,
        **boxes,
    )
    canvas.setTitle("Certificate" if layout.kind == "certificate" else "Badge")
    if metadata is not None:
        metadata.apply(canvas)
    canvas.setCreator("Plaudit")
    canvas.setProducer("Plaudit")
    if drawing.width > 0 and drawing.height > 0:
        scale = min(trim_width / drawing.width, trim_height / drawing.height)
        canvas.translate(
            bleed + (trim_width - drawing.width * scale) / 2,
            bleed + (trim_height - drawing.height * scale) / 2,
        )
        canvas.scale(scale, scale)
        pdftext.draw(drawing, canvas)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
