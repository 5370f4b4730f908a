"""Bounds on what a sanitized SVG costs to draw.

Sanitizing makes SVG safe, not cheap: a small file can ask resvg for minutes of work and hold one
of the rendering threads (one per core) all that time, with hundreds of chained blurs, thousands
of filtered shapes, a wide feMorphology, a marker on every vertex of a long path or `<use>`
copies of a 36-megapixel image. Every reference draws its target again (`<use>`, and `url(#id)`
to a pattern, mask, clip path, marker or filter), so the document is costed as resvg expands it:
elements drawn, filter primitives run, marker instances and image pixels decoded, each bounded;
filter regions and blur/morphology radii are bounded too. Stylesheet rules cannot be followed to
the elements they select, so stylesheets may not reference anything or set a filter or marker
(render/css.py drops such declarations; attributes and style attributes keep them, and are
counted here), and so is how deeply the drawn tree nests.
"""

import base64
import dataclasses
import io
import re
from dataclasses import dataclass

from lxml import etree
from PIL import Image

MAX_DRAWN_ELEMENTS = 20_000
MAX_FILTER_RUNS = 16
MAX_MARKERS = 200
# Texts that shrink and wrap to fit a width (data-fit-width): each is bounded (render/fitting.py),
# and so is how many a design may have.
MAX_FITTED_TEXTS = 50
MAX_DRAWN_IMAGE_PIXELS = 2 * 6000 * 6000  # two of the largest images the sanitizer keeps
MAX_REFERENCE_DEPTH = 8
# resvg recurses once per level of the drawn tree (elements inside elements, and a referenced
# element drawn inside its referrer): about 250 levels overflow its stack and kill the process.
MAX_DRAWN_DEPTH = 64
# Fractions of the document's width (a 1400-pixel certificate: blur 70 px, morphology 5.6 px);
# a filter region at most 3 times its element's box (or the document).
MAX_BLUR = 0.05
MAX_MORPHOLOGY = 0.004
MAX_FILTER_REGION = 3.0

# Kept where they are defined, drawn only where referenced.
_DEFINITIONS = frozenset(
    """defs symbol marker pattern clipPath mask filter linearGradient radialGradient style title
    desc""".split()  # noqa: SIM905
)
_SHAPES = frozenset({"path", "line", "polyline", "polygon"})
_MARKERS = ("marker-start", "marker-mid", "marker-end")
_REFERENCE = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)")
_FUNCTION = re.compile(r"([a-zA-Z-]+)\(([^)]*)\)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class TooCostly(ValueError):
    """The SVG would take too long to draw (sanitize_svg raises it as UnsafeSvg)."""


@dataclass(frozen=True)
class Cost:
    elements: int = 0
    filter_runs: int = 0
    markers: int = 0
    image_pixels: int = 0
    depth: int = 0  # levels of the drawn tree: side by side, the deeper one counts

    def __add__(self, other: "Cost") -> "Cost":
        return Cost(
            self.elements + other.elements,
            self.filter_runs + other.filter_runs,
            self.markers + other.markers,
            self.image_pixels + other.image_pixels,
            max(self.depth, other.depth),
        )

    def __mul__(self, times: int) -> "Cost":
        return Cost(
            self.elements * times,
            self.filter_runs * times,
            self.markers * times,
            self.image_pixels * times,
            self.depth,
        )


def limit(root: etree._Element) -> Cost:
    """Bounds the drawing cost of a cleaned SVG tree; raises TooCostly naming the first bound it
    exceeds. Returns the cost."""
    try:
        cost = _Costing(root).drawn(root, (None, None, None))
    except RecursionError:
        raise TooCostly("elements and references nested too deeply") from None
    fitted = sum(1 for element in root.iter() if element.get("data-fit-width") is not None)
    if fitted > MAX_FITTED_TEXTS:
        raise TooCostly(f"too costly to draw: more than {MAX_FITTED_TEXTS} texts fitted to a width")
    for value, bound, what in (
        (cost.elements, MAX_DRAWN_ELEMENTS, "elements drawn (counting <use> and other copies)"),
        (cost.filter_runs, MAX_FILTER_RUNS, "filter primitives run"),
        (cost.markers, MAX_MARKERS, "markers drawn"),
        (cost.image_pixels, MAX_DRAWN_IMAGE_PIXELS, "image pixels drawn"),
        (cost.depth, MAX_DRAWN_DEPTH, "levels of nesting (counting referenced elements)"),
    ):
        if value > bound:
            raise TooCostly(f"too costly to draw: more than {bound} {what}")
    return cost


class _Costing:
    def __init__(self, root: etree._Element) -> None:
        self._elements = list(root.iter())  # keeps lxml's proxies (the memo's keys) alive
        self._ids = {element.get("id"): element for element in self._elements if element.get("id")}
        self._width, self._height = _size(root)
        self._memo: dict[tuple[object, ...], tuple[Cost, int]] = {}
        self._expanding: list[etree._Element] = []
        self._deepest: list[int] = []  # how deep references nest in what is being costed

    def drawn(self, element: etree._Element, markers: tuple[str | None, ...]) -> Cost:
        """What element costs where it stands (definitions cost only themselves there)."""
        if _name(element) in _DEFINITIONS:
            return Cost(elements=1)
        markers = tuple(_property(element, name) or markers[i] for i, name in enumerate(_MARKERS))
        return self._memoized((element, markers), element, markers, nests=False)

    def _content(self, element: etree._Element, markers: tuple[str | None, ...]) -> Cost:
        cost = Cost(elements=1, image_pixels=_image_pixels(element))
        for child in element:
            cost += self.drawn(child, markers)
        return cost

    def _references(self, element: etree._Element, markers: tuple[str | None, ...]) -> Cost:
        cost = Cost()
        href = element.get("href") or ""
        if href.startswith("#"):
            cost += self._target(href[1:], markers)
        for name, value in _attributes(element):
            if name in _MARKERS:
                continue  # counted below, per vertex
            if name == "filter":
                cost += self._filter(value)
            for identifier in _REFERENCE.findall(value):
                cost += self._target(identifier, (None, None, None))
        if _name(element) in _SHAPES:
            vertices = _vertices(element)
            for reference, times in zip(markers, (1, max(vertices - 2, 0), 1), strict=True):
                identifier = _REFERENCE.findall(reference or "")
                if identifier and times:
                    cost += (
                        self._target(identifier[0], (None, None, None)) + Cost(markers=1)
                    ) * times
        return cost

    def _target(self, identifier: str, markers: tuple[str | None, ...]) -> Cost:
        """A referenced element drawn again, with its whole content."""
        target = self._ids.get(identifier)
        if target is None:
            return Cost()
        if target in self._expanding:
            raise TooCostly(f"#{identifier} refers to itself")
        if len(self._expanding) >= MAX_REFERENCE_DEPTH:
            raise TooCostly(f"references nested more than {MAX_REFERENCE_DEPTH} deep")
        self._expanding.append(target)
        try:
            return self._memoized(("target", target, markers), target, markers, nests=True)
        finally:
            self._expanding.pop()

    def _memoized(
        self,
        key: tuple[object, ...],
        element: etree._Element,
        markers: tuple[str | None, ...],
        nests: bool,
    ) -> Cost:
        """Element's content and references, costed once; with how deep references nest in
        them (a memoized cost would otherwise hide a deep chain)."""
        if key not in self._memo:
            self._deepest.append(0)
            try:
                cost = self._content(element, markers) + self._references(element, markers)
                cost = dataclasses.replace(cost, depth=cost.depth + 1)
            finally:
                depth = self._deepest.pop() + nests
            self._memo[key] = cost, depth
        cost, depth = self._memo[key]
        if depth > MAX_REFERENCE_DEPTH:
            raise TooCostly(f"references nested more than {MAX_REFERENCE_DEPTH} deep")
        if self._deepest:
            self._deepest[-1] = max(self._deepest[-1], depth)
        return cost

    def _filter(self, value: str) -> Cost:
        """The primitives a filter property runs: its filter elements' and its CSS functions."""
        runs = 0
        for function, argument in _FUNCTION.findall(value):
            if function.lower() == "url":
                target = self._ids.get(argument.strip(" '\"").lstrip("#"))
                if target is not None:
                    runs += self._primitives(target)
                continue
            runs += 1
            if function.lower() in ("blur", "drop-shadow"):
                self._check_radius("blur", _numbers(argument), MAX_BLUR, None)
        return Cost(filter_runs=runs)

    def _primitives(self, target: etree._Element) -> int:
        units = 1.0 if target.get("primitiveUnits") == "objectBoundingBox" else None
        self._check_region(target)
        count = 0
        for primitive in target:
            name = _name(primitive) or ""
            if not name.startswith("fe"):
                continue
            count += 1
            if name in ("feGaussianBlur", "feDropShadow"):
                self._check_radius(name, _numbers(primitive.get("stdDeviation")), MAX_BLUR, units)
            elif name == "feMorphology":
                numbers = _numbers(primitive.get("radius"))
                self._check_radius(name, numbers, MAX_MORPHOLOGY, units)
        return count

    def _check_radius(
        self, what: str, numbers: list[float], fraction: float, width: float | None
    ) -> None:
        bound = fraction * (width or self._width)
        if any(abs(number) > bound for number in numbers):
            raise TooCostly(f"{what} radius larger than {bound:g}")

    def _check_region(self, target: etree._Element) -> None:
        by_box = target.get("filterUnits") != "userSpaceOnUse"
        for name, size in (("width", self._width), ("height", self._height)):
            extent = _length(target.get(name), 1.0 if by_box else size)
            if extent is not None and extent > MAX_FILTER_REGION * (1.0 if by_box else size):
                raise TooCostly(f"filter region {name} over {MAX_FILTER_REGION:g} times its box")


def _name(element: etree._Element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rpartition("}")[2]


def _attributes(element: etree._Element) -> list[tuple[str, str]]:
    """Presentation attributes and style declarations, as (name, value)."""
    pairs = [(name, value) for name, value in element.attrib.items() if name != "style"]
    for declaration in (element.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        pairs.append((name.strip().lower(), value))
    return pairs


def _property(element: etree._Element, name: str) -> str | None:
    values = [value for key, value in _attributes(element) if key == name]
    return values[-1] if values else None


def _numbers(value: str | None) -> list[float]:
    return [float(number) for number in _NUMBER.findall(value or "")]


def _length(value: str | None, hundred_percent: float) -> float | None:
    numbers = _numbers(value)
    if not numbers:
        return None
    return numbers[0] * hundred_percent / 100 if "%" in (value or "") else numbers[0]


def _size(root: etree._Element) -> tuple[float, float]:
    """The document's width and height in user units (resvg's 100 x 100 when it has none)."""
    box = _numbers(root.get("viewBox"))
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        return box[2], box[3]
    width, height = _length(root.get("width"), 100), _length(root.get("height"), 100)
    return (width or 100.0), (height or 100.0)


def _vertices(element: etree._Element) -> int:
    """An upper estimate of a shape's vertices (where marker-mid draws)."""
    if _name(element) == "line":
        return 2
    if _name(element) == "path":
        data = element.get("d") or ""
        return max(len(_NUMBER.findall(data)) // 2, len(re.findall(r"[A-Za-z]", data))) + 1
    return len(_NUMBER.findall(element.get("points") or "")) // 2


def _image_pixels(element: etree._Element) -> int:
    """The pixels of an embedded image (the sanitizer has checked it and its size)."""
    href = element.get("href") or ""
    if _name(element) != "image" or not href.startswith("data:"):
        return 0
    try:
        with Image.open(io.BytesIO(base64.b64decode(href.partition(",")[2]))) as image:
            return image.width * image.height
    except (ValueError, OSError):
        return 0
