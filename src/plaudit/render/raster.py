"""SVG to PNG with resvg, using only the packaged fonts (never the system's)."""

import re

import resvg_py
from lxml import etree

from plaudit.render import fonts, scripts
from plaudit.render.sanitize import parse_svg

MAX_WIDTH = 4000
# resvg allocates the whole bitmap up front and aborts the process when it cannot: a tall
# viewBox (0 0 1 100000) at a normal width would ask for hundreds of gigabytes.
MAX_HEIGHT_RATIO = 8
# resvg panics on some hostile geometry (e.g. a stroke-width of 1e20); pyo3 raises that as
# PanicException, a BaseException that no `except Exception` would catch.
_PASS_THROUGH = (KeyboardInterrupt, SystemExit, GeneratorExit)
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:px|pt)?\s*$")


def _aspect_ratio(root: etree._Element) -> float | None:
    """Height over width from the root's width/height, else its viewBox; None if unknown."""
    width, height = (_NUMBER.match(root.get(name) or "") for name in ("width", "height"))
    if width and height:
        return float(height.group(1)) / max(float(width.group(1)), 1e-9)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return float(box[3]) / max(float(box[2]), 1e-9)
        except ValueError:
            return None
    return None


class RenderFailed(ValueError):
    """resvg could not draw the SVG (it refused it, or panicked on it)."""


def svg_to_png(svg: str, width: int) -> bytes:
    """Renders svg at width pixels (height follows the aspect ratio); raises ValueError
    (RenderFailed when resvg itself fails)."""
    if not 1 <= width <= MAX_WIDTH:
        raise ValueError(f"width must be between 1 and {MAX_WIDTH}")
    root = parse_svg(svg)
    ratio = _aspect_ratio(root)
    if ratio is not None and not 0 < ratio <= MAX_HEIGHT_RATIO:
        raise ValueError("the SVG's height must be positive and at most 8 times its width")
    if scripts.mark_fallback_runs(root):
        svg = etree.tostring(root, encoding="unicode")
    try:
        return _draw(svg, width, root)
    except _PASS_THROUGH:
        raise
    except BaseException as error:
        raise RenderFailed(f"the SVG cannot be drawn: {str(error)[:200]}") from None


def _draw(svg: str, width: int, root: etree._Element) -> bytes:
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            width=width,
            skip_system_fonts=True,
            font_files=fonts.files_for(root),
            font_family=fonts.DEFAULT_FAMILY,
            serif_family=fonts.GENERIC["serif"],
            sans_serif_family=fonts.GENERIC["sans-serif"],
            cursive_family=fonts.GENERIC["cursive"],
            fantasy_family=fonts.GENERIC["cursive"],
            monospace_family=fonts.DEFAULT_FAMILY,
        )
    )
