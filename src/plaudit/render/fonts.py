"""The fonts that ship with Plaudit (open licences, from pip packages) and how to measure text.

Rendering never loads a system font: resvg gets exactly these files, svglib/reportlab gets them
registered under the same family names, so a PNG and a PDF of one design set the same glyphs.
"""

import os
import threading
from dataclasses import dataclass

import font_caladea
import font_lato
import font_source_sans_pro
import font_source_serif_pro
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
    for name in (family_list or "").split(","):
        name = name.strip().strip("'\"")
        name = GENERIC.get(name.lower(), name)
        match = next((f for f in FAMILIES if f.lower() == name.lower()), None)
        if match:
            family = match
            break
    wanted = parse_weight(weight)
    italic = (style or "").strip().lower() in ("italic", "oblique")
    candidates = [f for f in FACES if f.family == family]
    same_style = [f for f in candidates if f.italic == italic] or candidates
    return min(same_style, key=lambda f: (abs(f.weight - wanted), -f.weight))


_registered: set[Face] = set()
_registering = threading.Lock()


def register(face: Face) -> str:
    """Registers a face with reportlab (once per process); returns its reportlab name."""
    if face not in _registered:
        with _registering:
            if face not in _registered:
                pdfmetrics.registerFont(TTFont(face.reportlab_name, face.path))
                _registered.add(face)
    return face.reportlab_name


def text_width(text: str, face: Face, size: float) -> float:
    """Advance width of text set in face at size (same metrics resvg uses)."""
    return pdfmetrics.stringWidth(text, register(face), size)


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
    time, so only those are loaded (all of them when a stylesheet may set fonts)."""
    if root.find(f".//{{{SVG_NS}}}style") is not None:
        return list(FONT_FILES)
    faces = {resolve_face(None, None, None)}
    for element in root.iter(f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan", f"{{{SVG_NS}}}textPath"):
        faces.add(face_of(element))
    return [face.path for face in FACES if face in faces]
