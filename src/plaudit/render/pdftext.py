"""Text in the PDF set as resvg sets it: runs in their fallback faces, in bidi order, shaped
by harfbuzz, each glyph placed where harfbuzz puts it (render/scripts.py).

reportlab draws a string in one font by its characters; shaped text is glyphs (an Arabic
letter's joining form, a Devanagari conjunct) that no character maps to. So each glyph is drawn
by a character code that maps to it: its own character when the font's cmap has one, else a
private-use code derived from the glyph id (stable whatever was drawn before, so the same SVG
still gives the same bytes). Each run is wrapped in an /ActualText span holding its logical
text, so that copying or extracting the text gives what was written, not the glyph codes.
"""

from reportlab.graphics.renderPDF import _PDFRenderer, renderScaledDrawing
from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from plaudit.render import fonts, scripts

_PRIVATE_USE = 0xF0000  # plane 15, beyond any glyph's own character


def draw(drawing: Drawing, canvas: Canvas) -> None:
    """renderPDF.draw(drawing, canvas, 0, 0) with text set by ShapingRenderer."""
    ShapingRenderer().draw(renderScaledDrawing(drawing), canvas, 0, 0, showBoundary=False)


class ShapingRenderer(_PDFRenderer):
    """reportlab's PDF renderer with drawString replaced by shaped, fallback-aware text."""

    def drawString(self, stringObj) -> None:
        mode = getattr(stringObj, "textRenderMode", 0)
        if not ((self._fill and mode in (0, 2, 4, 6)) or (self._stroke and mode in (1, 2, 5, 6))):
            return
        state = self._tracker.getState()
        face, size = fonts.face_named(state["fontName"]), state["fontSize"]
        shaped = [(run, scripts.shape(run)) for run in scripts.visual_runs(stringObj.text, face)]
        width = sum(sum(glyphs.advances) for _, glyphs in shaped) * size
        x = stringObj.x - {"end": width, "middle": width / 2}.get(state["textAnchor"], 0)
        for run, glyphs in shaped:
            x = draw_run(self._canvas, run, glyphs, x, stringObj.y, size, mode)


def draw_run(
    canvas: Canvas,
    run: scripts.Run,
    glyphs: scripts.Shaped,
    x: float,
    y: float,
    size: float,
    mode: int,
) -> float:
    """Draws one shaped run from x; returns where the next run starts."""
    name, glyph_ids = fonts.register_run(run.face, glyphs.glyphs)
    font = pdfmetrics.getFont(name)
    actual = "FEFF" + run.text.encode("utf-16-be").hex().upper()
    canvas._code.append(f"/Span <</ActualText <{actual}>>> BDC")
    text = canvas.beginText()
    text.setFont(name, size)
    if mode:
        text.setTextRenderMode(mode)
    for glyph, advance, (dx, dy) in zip(
        glyphs.glyphs, glyphs.advances, glyphs.offsets, strict=True
    ):
        text.setTextOrigin(x + dx * size, y + dy * size)
        text.textOut(_code(font, glyph_ids[glyph] if glyph_ids else glyph, advance))
        x += advance * size
    canvas.drawText(text)
    canvas._code.append("EMC")
    return x


def _code(font: TTFont, glyph: int, advance: float) -> str:
    """A character that font draws as glyph (a private-use one made for it if need be)."""
    face = font.face
    chars = face.glyphToChar.get(glyph)
    if chars:
        return chr(chars[0])
    code = _PRIVATE_USE + glyph
    face.charToGlyph[code] = glyph
    face.glyphToChar.setdefault(glyph, []).append(code)
    face.charWidths[code] = round(advance * 1000)
    return chr(code)
