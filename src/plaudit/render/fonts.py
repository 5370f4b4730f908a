"""The fonts that ship with Plaudit (open licences, from pip packages) and how to measure text.

Rendering never loads a system font: resvg gets exactly these files, svglib/reportlab gets them
registered under the same family names, so a PNG and a PDF of one design set the same glyphs.
A character the design's face lacks is set in the first fallback face (Noto, variable fonts)
that has it: render/scripts.py splits text into such runs for both renderers (ADR 0009).
"""

import functools
import hashlib
import io
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import font_caladea
import font_lato
import font_source_sans_pro
import font_source_serif_pro
import justmytype_intl_cjk
import manimgx_fonts
import uharfbuzz
from fontTools import subset
from fontTools.ttLib import TTFont as ToolsFont
from fontTools.varLib import instancer
from lxml import etree
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEFAULT_FAMILY = "Source Sans Pro"
SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    italic: bool
    path: str
    # A variable font's weight axis (fallback faces); None for the static designs' faces.
    axis: tuple[int, int] | None = None

    @property
    def reportlab_name(self) -> str:
        return f"{self.family.replace(' ', '')}-{self.weight}{'i' if self.italic else ''}"


def _faces(directory: str, family: str, prefix: str, styles: dict[str, tuple[int, bool]]):
    return [
        Face(family, weight, italic, os.path.join(directory, f"{prefix}-{style}.ttf"))
        for style, (weight, italic) in styles.items()
    ]


_SOURCE = {
    "Light": (300, False),
    "Regular": (400, False),
    "It": (400, True),
    "Semibold": (600, False),
    "SemiboldIt": (600, True),
    "Bold": (700, False),
    "BoldIt": (700, True),
    "Black": (900, False),
}

FACES: tuple[Face, ...] = (
    *_faces(font_source_serif_pro.font_directory, "Source Serif Pro", "SourceSerifPro", _SOURCE),
    *_faces(font_source_sans_pro.font_directory, "Source Sans Pro", "SourceSansPro", _SOURCE),
    *_faces(
        font_lato.font_directory,
        "Lato",
        "Lato",
        {
            "Light": (300, False),
            "Regular": (400, False),
            "Italic": (400, True),
            "Bold": (700, False),
            "BoldItalic": (700, True),
            "Black": (900, False),
        },
    ),
    *_faces(
        font_caladea.font_directory,
        "Caladea",
        "Caladea",
        {
            "Regular": (400, False),
            "Italic": (400, True),
            "Bold": (700, False),
            "BoldItalic": (700, True),
        },
    ),
)

FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(face.family for face in FACES))
# Generic CSS families resolve to packaged ones.
GENERIC = {"serif": "Source Serif Pro", "sans-serif": "Source Sans Pro", "cursive": "Caladea"}

FONT_FILES: tuple[str, ...] = tuple(face.path for face in FACES)

_NOTO = manimgx_fonts.__path__[0]
_CJK = os.path.join(justmytype_intl_cjk.__path__[0], "fonts", "ofl")
_SCRIPTS = (
    "Arabic", "Hebrew", "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil",
    "Telugu", "Kannada", "Malayalam", "Sinhala", "Thai", "Lao", "Khmer", "Myanmar", "Armenian",
    "Georgian", "Ethiopic",
)  # fmt: skip
# Fallback faces in the order they are tried: Noto Sans for Latin, Cyrillic and Greek the
# design's face lacks, then one face per script; Chinese before Japanese and Korean (their Han
# glyphs differ in style only; kana and Hangul come from the first face that has them).
_FALLBACK_FILES: tuple[tuple[str, str, bool, tuple[int, int]], ...] = (
    ("Noto Sans", f"{_NOTO}/NotoSans[wght].ttf", False, (400, 700)),
    ("Noto Sans", f"{_NOTO}/NotoSans-Italic[wght].ttf", True, (400, 700)),
    *(
        (f"Noto Sans {script}", f"{_NOTO}/NotoSans{script}[wght].ttf", False, (400, 700))
        for script in _SCRIPTS
    ),
    *(
        (
            f"Noto Sans {region}",
            f"{_CJK}/notosans{region.lower()}/NotoSans{region}[wght].ttf",
            False,
            (100, 900),
        )
        for region in ("SC", "JP", "KR", "TC")
    ),
    ("Noto Sans Symbols", f"{_NOTO}/NotoSansSymbols[wght].ttf", False, (400, 700)),
    ("Noto Emoji", f"{_NOTO}/NotoEmoji[wght].ttf", False, (300, 700)),
)
FALLBACKS: tuple[Face, ...] = tuple(
    Face(family, axis[0], italic, path, axis) for family, path, italic, axis in _FALLBACK_FILES
)
_FALLBACK_FAMILIES = {face.family.lower(): face.family for face in FALLBACKS}


@functools.cache
def _hb_face(path: str) -> "uharfbuzz.Face":
    return uharfbuzz.Face(uharfbuzz.Blob.from_file_path(path))


@functools.cache
def _coverage(path: str) -> frozenset[int]:
    return frozenset(_hb_face(path).unicodes)


def covers(face: Face, char: str) -> bool:
    """Whether face has a glyph for char."""
    return ord(char) in _coverage(face.path)


def fallback_for(char: str, face: Face) -> Face | None:
    """The first fallback face that has char, at face's weight (within its axis) and style."""
    for candidate in FALLBACKS:
        if not candidate.italic and covers(candidate, char):
            return fallback_for_face(candidate, face.weight, face.italic)
    return None


@functools.cache
def hb_font(face: Face) -> "uharfbuzz.Font":
    """A harfbuzz font of face, at its weight when it is variable (as resvg sets it)."""
    font = uharfbuzz.Font(_hb_face(face.path))
    if face.axis is not None:
        font.set_variations({"wght": face.weight})
    return font


def parse_weight(value: str | None) -> int:
    value = (value or "").strip().lower()
    if value in ("bold", "bolder"):
        return 700
    if value in ("lighter",):
        return 300
    try:
        return max(100, min(900, int(float(value))))
    except ValueError:
        return 400


def resolve_face(family_list: str | None, weight: str | None, style: str | None) -> Face:
    """The packaged face closest to a CSS font-family list, weight and style."""
    family = DEFAULT_FAMILY
    wanted = parse_weight(weight)
    italic = (style or "").strip().lower() in ("italic", "oblique")
    for name in (family_list or "").split(","):
        name = name.strip().strip("'\"")
        name = GENERIC.get(name.lower(), name)
        if name.lower() in _FALLBACK_FAMILIES:  # the runs render/scripts.py marks
            first = next(f for f in FALLBACKS if f.family == _FALLBACK_FAMILIES[name.lower()])
            return fallback_for_face(first, wanted, italic)
        match = next((f for f in FAMILIES if f.lower() == name.lower()), None)
        if match:
            family = match
            break
    candidates = [f for f in FACES if f.family == family]
    same_style = [f for f in candidates if f.italic == italic] or candidates
    return min(same_style, key=lambda f: (abs(f.weight - wanted), -f.weight))


def fallback_for_face(fallback: Face, weight: int, italic: bool) -> Face:
    """fallback at weight (within its axis); its italic file when asked and there is one."""
    if italic:
        fallback = next(
            (f for f in FALLBACKS if f.family == fallback.family and f.italic), fallback
        )
    low, high = fallback.axis or (400, 400)
    return Face(
        fallback.family, max(low, min(high, weight)), fallback.italic, fallback.path, fallback.axis
    )


_registered: set[Face] = set()
_registering = threading.Lock()
_BY_NAME: dict[str, Face] = {}


def register(face: Face) -> str:
    """Registers a static face with reportlab (once per process); returns its reportlab name."""
    if face not in _registered:
        with _registering:
            if face not in _registered:
                pdfmetrics.registerFont(TTFont(face.reportlab_name, face.path))
                _BY_NAME[face.reportlab_name] = face
                _registered.add(face)
    return face.reportlab_name


def face_named(reportlab_name: str) -> Face:
    """The face a reportlab name was registered for (the default face for an unknown name)."""
    return _BY_NAME.get(reportlab_name) or resolve_face(None, None, None)


# Variable fallback faces go into a PDF as static instances of the glyphs a run needs: making
# a whole instance of a CJK face takes a minute, of a run's glyphs a fraction of a second.
_INSTANCES: "OrderedDict[tuple[Face, frozenset[int]], tuple[str, dict[int, int]]]" = OrderedDict()
MAX_INSTANCES = 64


def register_run(face: Face, glyphs: tuple[int, ...]) -> tuple[str, dict[int, int] | None]:
    """A reportlab font that draws glyphs (harfbuzz's glyph ids in face), and the glyph ids
    they have in it (None: the same)."""
    if face.axis is None:
        return register(face), None
    key = (face, frozenset(glyphs))
    with _registering:
        found = _INSTANCES.get(key)
        if found is not None:
            _INSTANCES.move_to_end(key)
            return found
        digest = hashlib.sha256(repr(sorted(key[1])).encode()).hexdigest()[:12]
        name = f"{face.reportlab_name}-{digest}"
        data, glyph_ids = _instance(face, key[1])
        font = TTFont(name, data)
        # reportlab keeps one font per PostScript name: each instance gets its own.
        font.face.name = name.encode("ascii")
        pdfmetrics.registerFont(font)
        _INSTANCES[key] = (name, glyph_ids)
        if len(_INSTANCES) > MAX_INSTANCES:
            _, (old, _) = _INSTANCES.popitem(last=False)
            pdfmetrics.getFont(old).unregister()
    return name, glyph_ids


def _instance(face: Face, glyphs: frozenset[int]) -> tuple[io.BytesIO, dict[int, int]]:
    """face's glyphs (and their components) at its weight, and their new glyph ids."""
    font = ToolsFont(face.path, lazy=True)
    options = subset.Options()
    options.layout_features = []  # already shaped: the glyphs are the ones drawn
    options.layout_closure = False
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=glyphs)
    subsetter.subset(font)
    font = instancer.instantiateVariableFont(font, {"wght": face.weight})
    font.recalcTimestamp = False  # the same bytes every time: PDFs are deterministic
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out, dict(subsetter.glyph_index_map)


def text_width(text: str, face: Face, size: float) -> float:
    """Advance width of text set in face at size, each run in the face that draws it (the
    design's face with reportlab's metrics, fallback faces shaped as resvg shapes them)."""
    from plaudit.render import scripts  # scripts uses this module's faces

    width = 0.0
    for run in scripts.font_runs(text, face):
        if run.face.axis is None:
            width += pdfmetrics.stringWidth(run.text, register(run.face), size)
        else:
            width += sum(scripts.shape(run).advances) * size
    return width


def inherited(element: "etree._Element", name: str) -> str | None:
    """A presentation property as an SVG element inherits it (from attributes and style=)."""
    node: etree._Element | None = element
    while node is not None:
        for declaration in (node.get("style") or "").split(";"):
            key, _, value = declaration.partition(":")
            if key.strip() == name:
                return value.strip()
        if node.get(name) is not None:
            return node.get(name)
        node = node.getparent()
    return None


def face_of(element: "etree._Element") -> Face:
    return resolve_face(
        inherited(element, "font-family"),
        inherited(element, "font-weight"),
        inherited(element, "font-style"),
    )


def files_for(root: "etree._Element") -> list[str]:
    """The font files an SVG's text can use: loading fonts is most of a small rendering's
    time, so only those are loaded (all the designs' faces when a stylesheet may set fonts;
    fallback faces only where render/scripts.py marked a run for them)."""
    faces = {resolve_face(None, None, None)}
    for element in root.iter(f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan", f"{{{SVG_NS}}}textPath"):
        faces.add(face_of(element))
    styled = root.find(f".//{{{SVG_NS}}}style") is not None
    paths = {face.path for face in faces}
    return [
        path
        for path in dict.fromkeys((*FONT_FILES, *(f.path for f in FALLBACKS)))
        if path in paths or (styled and path in FONT_FILES)
    ]
