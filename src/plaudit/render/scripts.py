"""Text in any script: which face sets each character, in what order runs are shown, and how
a run is shaped, the same way for the PNG (resvg) and the PDF (reportlab) of one design.

A character the design's face lacks is set in the first fallback face that has it
(fonts.fallback_for); marks, joiners and spaces stay in the face of the character before them,
so that a word is shaped in one face. For resvg the runs are marked with explicit
`<tspan font-family=...>` (mark_fallback_runs), so that it uses the same faces as the PDF rather
than choosing its own fallback; resvg then orders and shapes them itself (unicode-bidi,
rustybuzz). reportlab does neither, so for the PDF a run is ordered here (visual_runs: the
Unicode bidirectional algorithm on a left-to-right paragraph, as resvg's default `direction`)
and shaped with harfbuzz (shape), which rustybuzz ports: the same glyphs in both files.
"""

import re
import unicodedata
from dataclasses import dataclass

import uharfbuzz
from bidi import algorithm
from lxml import etree

from plaudit.render import fonts

SVG_NS = "http://www.w3.org/2000/svg"
_TEXT_TAGS = tuple(f"{{{SVG_NS}}}{name}" for name in ("text", "tspan", "textPath"))
_ATTACHED = frozenset({"Mn", "Mc", "Me", "Cf", "Zs"})  # stay with the character before them
_WORDS = re.compile(r"\S+\s*|\s+")  # a word with the spaces after it
_RIGHT_TO_LEFT = frozenset({"R", "AL", "RLE", "RLO", "RLI"})


@dataclass(frozen=True)
class Run:
    text: str
    face: fonts.Face
    level: int = 0  # bidi embedding level: odd is right-to-left


@dataclass(frozen=True)
class Shaped:
    glyphs: tuple[int, ...]
    advances: tuple[float, ...]  # in ems, like the offsets
    offsets: tuple[tuple[float, float], ...]
    clusters: tuple[int, ...]


def _face_of_each(text: str, face: fonts.Face) -> list[fonts.Face]:
    """The face of each character: a word the design's face cannot set whole goes whole into
    the first fallback face that can (Greek in a face with only a few Greek letters), else
    character by character."""
    faces: list[fonts.Face] = []
    for word in _WORDS.findall(text):
        if all(fonts.covers(face, char) for char in word):
            faces.extend([face] * len(word))
            continue
        missing = next(char for char in word if not fonts.covers(face, char))
        fallback = fonts.fallback_for(missing, face)
        if fallback is not None and all(fonts.covers(fallback, char) for char in word):
            faces.extend([fallback] * len(word))
            continue
        for char in word:
            previous = faces[-1] if faces else face
            if unicodedata.category(char) in _ATTACHED and fonts.covers(previous, char):
                faces.append(previous)
            elif fonts.covers(face, char):
                faces.append(face)
            else:
                faces.append(fonts.fallback_for(char, face) or face)
    return faces


def _levels(text: str) -> list[int]:
    """Each character's bidi embedding level in a left-to-right paragraph."""
    if not any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text):
        return [0] * len(text)
    storage = algorithm.get_empty_storage()
    storage["base_level"], storage["base_dir"] = 0, "L"
    algorithm.get_embedding_levels(text, storage)
    chars = list(storage["chars"])  # explicit formatting characters are dropped from storage
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    kept = {id(char) for char in storage["chars"]}
    levels, level = [], 0
    for char in chars:
        if id(char) in kept:
            level = char["level"]
        levels.append(level)
    return levels


def _runs(text: str, faces: list[fonts.Face], levels: list[int]) -> list[Run]:
    runs: list[Run] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or (faces[index], levels[index]) != (faces[start], levels[start]):
            runs.append(Run(text[start:index], faces[start], levels[start]))
            start = index
    return runs


def font_runs(text: str, face: fonts.Face) -> list[Run]:
    """text split where the face that sets it changes, in logical order."""
    return _runs(text, _face_of_each(text, face), [0] * len(text)) if text else []


def visual_runs(text: str, face: fonts.Face) -> list[Run]:
    """text's runs (one face, one direction each) in the order they are shown, left to right
    (rule L2 of the bidi algorithm); each run's own glyphs come in visual order from shape."""
    if not text:
        return []
    runs = _runs(text, _face_of_each(text, face), _levels(text))
    highest = max(run.level for run in runs)
    lowest_odd = min((run.level for run in runs if run.level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(runs):
            if runs[index].level < level:
                index += 1
                continue
            end = index
            while end < len(runs) and runs[end].level >= level:
                end += 1
            runs[index:end] = reversed(runs[index:end])
            index = end
    return runs


def shape(run: Run) -> Shaped:
    """run's glyphs in visual order with their advances and offsets (harfbuzz's defaults:
    kerning, ligatures, the script's required forms), as resvg shapes them."""
    buffer = uharfbuzz.Buffer()
    buffer.add_str(run.text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if run.level % 2 else "ltr"
    font = fonts.hb_font(run.face)
    uharfbuzz.shape(font, buffer, {})
    em = font.face.upem
    positions = buffer.glyph_positions
    return Shaped(
        tuple(info.codepoint for info in buffer.glyph_infos),
        tuple(position.x_advance / em for position in positions),
        tuple((position.x_offset / em, position.y_offset / em) for position in positions),
        tuple(info.cluster for info in buffer.glyph_infos),
    )


def mark_fallback_runs(root: etree._Element) -> bool:
    """Wraps each run of text its element's face lacks in a tspan naming the fallback face
    that sets it; returns whether anything changed."""
    changed = False
    for element in [e for e in root.iter(*_TEXT_TAGS)]:
        face = fonts.face_of(element)
        children = list(element)
        if element.text:
            changed |= _mark(element, None, element.text, face)
        for child in children:
            if child.tail:
                changed |= _mark(element, child, child.tail, face)
    return changed


def _mark(
    parent: etree._Element, after: etree._Element | None, text: str, face: fonts.Face
) -> bool:
    """Replaces text (parent's text when after is None, else after's tail) with its runs."""
    runs = font_runs(text, face)
    if all(run.face == face for run in runs):
        return False
    if after is None:
        parent.text, index = None, 0
    else:
        after.tail, index = None, parent.index(after) + 1
    anchor = after
    for run in runs:
        if run.face == face:
            if anchor is None:
                parent.text = (parent.text or "") + run.text
            else:
                anchor.tail = (anchor.tail or "") + run.text
            continue
        span = etree.Element(f"{{{SVG_NS}}}tspan")
        span.set("font-family", run.face.family)
        span.set("font-weight", str(run.face.weight))
        span.set("font-style", "italic" if run.face.italic else "normal")
        span.text = run.text
        parent.insert(index, span)
        index += 1
        anchor = span
    return True
