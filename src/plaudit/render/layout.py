"""Paper layout of a design: what kind of document, which way up, which paper, whether it bleeds."""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["certificate", "badge"]
Orientation = Literal["landscape", "portrait"]
Size = Literal["a4", "us-letter"]

KINDS: tuple[Kind, ...] = ("certificate", "badge")
ORIENTATIONS: tuple[Orientation, ...] = ("landscape", "portrait")
SIZES: tuple[Size, ...] = ("a4", "us-letter")

# Short and long sides in PDF points (1/72 inch), rounded as print shops use them.
_PAPER_POINTS: dict[str, tuple[float, float]] = {"a4": (595.0, 842.0), "us-letter": (612.0, 792.0)}
BLEED_POINTS = 3 * 72 / 25.4  # 3 mm on each side
BADGE_POINTS = 288.0  # a badge prints as a 4-inch square


@dataclass(frozen=True)
class Layout:
    kind: Kind = "certificate"
    orientation: Orientation = "landscape"
    size: Size = "a4"
    bleeds: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"unknown orientation {self.orientation!r}")
        if self.size not in SIZES:
            raise ValueError(f"unknown size {self.size!r}")

    @property
    def trim_points(self) -> tuple[float, float]:
        """Width and height of the finished page, in points."""
        if self.kind == "badge":
            return BADGE_POINTS, BADGE_POINTS
        short, long = _PAPER_POINTS[self.size]
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def bleed_points(self) -> float:
        return BLEED_POINTS if self.bleeds else 0.0

    @property
    def media_points(self) -> tuple[float, float]:
        """The whole sheet: the trim box plus the bleed on every side."""
        width, height = self.trim_points
        bleed = self.bleed_points
        return width + 2 * bleed, height + 2 * bleed
