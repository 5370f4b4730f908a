"""Small helpers that write SVG markup for the built-in templates."""

import math
from collections.abc import Callable
from xml.sax.saxutils import quoteattr

Builder = Callable[[float, float], str]

SERIF = "Source Serif Pro"
SANS = "Source Sans Pro"
LATO = "Lato"
CALADEA = "Caladea"


def n(value: float) -> str:
    """A coordinate, short and stable."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def attrs(**values: object) -> str:
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, float | int):
            value = n(value)
        parts.append(f"{name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}")
    return " ".join(parts)


def document(width: float, height: float, background: str, body: str, bleed: float = 24) -> str:
    """The root <svg>; the background reaches past the page so that a bleeding PDF shows it."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n(width)} {n(height)}" '
        f'width="{n(width)}" height="{n(height)}">'
        f"<rect {attrs(x=-bleed, y=-bleed, width=width + 2 * bleed, height=height + 2 * bleed)} "
        f'fill="{background}"/>{body}</svg>'
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float,
    family: str = SANS,
    weight: int = 400,
    fill: str = "#222222",
    anchor: str = "middle",
    italic: bool = False,
    fit: float | None = None,
    lines: int | None = None,
    min_size: float | None = None,
    valign: str | None = None,
    only_if: str | None = None,
) -> str:
    a = attrs(
        x=x,
        y=y,
        font_family=family,
        font_size=size,
        font_weight=weight,
        font_style="italic" if italic else None,
        fill=fill,
        text_anchor=anchor,
        data_fit_width=fit,
        data_max_lines=lines,
        data_min_size=min_size,
        data_valign=valign,
        data_if=only_if,
    )
    return f"<text {a}>{content}</text>"


def rect(x: float, y: float, width: float, height: float, **style: object) -> str:
    return f"<rect {attrs(x=x, y=y, width=width, height=height, **style)}/>"


def line(x1: float, y1: float, x2: float, y2: float, **style: object) -> str:
    return f"<line {attrs(x1=x1, y1=y1, x2=x2, y2=y2, **style)}/>"


def circle(cx: float, cy: float, r: float, **style: object) -> str:
    return f"<circle {attrs(cx=cx, cy=cy, r=r, **style)}/>"


def path(d: str, **style: object) -> str:
    return f"<path {attrs(d=d, **style)}/>"


def polygon(points: list[tuple[float, float]], **style: object) -> str:
    joined = " ".join(f"{n(x)},{n(y)}" for x, y in points)
    return f"<polygon {attrs(points=joined, **style)}/>"


def star_points(
    cx: float, cy: float, outer: float, inner: float, count: int, rotation: float = -90
) -> list[tuple[float, float]]:
    points = []
    for index in range(count * 2):
        radius = outer if index % 2 == 0 else inner
        angle = math.radians(rotation + index * 180 / count)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def qr(x: float, y: float, size: float, fill: str = "#1b1b1b") -> str:
    return f'<rect {attrs(x=x, y=y, width=size, height=size, fill=fill)} data-merge="qr_code"/>'


def diamond(cx: float, cy: float, r: float, **style: object) -> str:
    return polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], **style)


def logo(x: float, y: float, height: float) -> str:
    """The organization's logo (the `organization.logo` merge field, a data: URI) in a 3:1 box
    from x, y; left out when the organization has none."""
    box = attrs(x=x, y=y, width=height * 3, height=height)
    return f'<image {box} href="{{{{ organization.logo }}}}" data-if="organization.logo"/>'
