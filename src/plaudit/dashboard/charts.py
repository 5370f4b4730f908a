"""Charts drawn on the server as SVG: the geometry here, the markup in
templates/dashboard/_charts.html, the colours in static/dashboard-analytics.css.

No chart library: pygal, the maintained PyPI library that renders SVG, writes an inline
`<script>` and `<style>` into every chart (which the pages' Content-Security-Policy refuses) and
takes about 25 ms a chart. What the dashboard needs is bars and lines on a grid: drawn here,
inline in the page, they work without JavaScript, print, and take the page's CSS variables.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from plaudit.domain import colors

# The drawing's own coordinates; the SVG scales to the width it is given (viewBox).
WIDTH = 720
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 12, 12, 36
_MAX_X_LABELS = 8
_NAME_WIDTH = 230  # the names of a horizontal bar chart
_ROW_HEIGHT = 34
_NAME_CHARACTERS = 20  # what fits in _NAME_WIDTH at a phone's font size
_MAX_DOTS = 31  # a line of more points is drawn without a dot on each


@dataclass(frozen=True)
class Series:
    key: str  # also its CSS class: `series-{key}`
    label: str
    values: Sequence[int]
    color: str | None = None  # an organization's colour, else the stylesheet's


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Bar:
    series: Series
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Line:
    series: Series
    points: list[tuple[float, float]]

    @property
    def polyline(self) -> str:
        """The SVG `points` of the line."""
        return " ".join(f"{x},{y}" for x, y in self.points)

    @property
    def dots(self) -> list[tuple[float, float]]:
        """Where a dot marks a value: every point of a short line (a line of one point is
        only its dot)."""
        return self.points if len(self.points) <= _MAX_DOTS else []


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    top: float
    left: float
    right: float
    bottom: float
    # Along the axes: numbers (with a grid line each) on the axis the values run along, and the
    # buckets or the names on the other.
    y_labels: list[Text]
    x_labels: list[Text]
    bars: list[Bar]
    lines: list[Line]
    series: list[Series]


def over_time(
    labels: Sequence[str], series: Sequence[Series], style: Literal["bars", "lines"]
) -> Chart:
    """Values per bucket along x: one bar per series in each bucket, or a line per series."""
    count = max(len(labels), 1)
    right, bottom = WIDTH - _RIGHT, HEIGHT - _BOTTOM
    slot = (right - _LEFT) / count
    top_value, step = _scale(_peak(series))

    def y(value: int) -> float:
        return bottom - (bottom - _TOP) * value / top_value

    ticks = [
        Text(_LEFT - 8, _round(y(value)), _number(value)) for value in range(0, top_value + 1, step)
    ]

    every = math.ceil(count / _MAX_X_LABELS)
    x_labels = [
        Text(_round(_LEFT + slot * (index + 0.5)), HEIGHT - _BOTTOM / 2 + 4, label)
        for index, label in enumerate(labels)
        if index % every == 0
    ]
    bars, lines = [], []
    if style == "bars":
        width = slot * 0.8 / max(len(series), 1)
        for offset, one in enumerate(series):
            for index, value in enumerate(one.values):
                x = _LEFT + slot * (index + 0.1) + width * offset
                bars.append(
                    Bar(one, _round(x), _round(y(value)), _round(width), _round(bottom - y(value)))
                )
    else:
        for one in series:
            points = [
                (_round(_LEFT + slot * (index + 0.5)), _round(y(value)))
                for index, value in enumerate(one.values)
            ]
            lines.append(Line(one, points))
    return Chart(
        WIDTH, HEIGHT, _TOP, _LEFT, right, bottom, ticks, x_labels, bars, lines, list(series)
    )


def across(names: Sequence[str], series: Sequence[Series]) -> Chart:
    """A horizontal bar per name and series, names on the left: totals side by side."""
    height = _TOP + _ROW_HEIGHT * max(len(names), 1) + _BOTTOM
    bottom, right = height - _BOTTOM, WIDTH - _RIGHT
    top_value, step = _scale(_peak(series))
    scale = (right - _NAME_WIDTH) / top_value
    thickness = (_ROW_HEIGHT - 8) / max(len(series), 1)
    bars = [
        Bar(
            one,
            _NAME_WIDTH,
            _round(_TOP + _ROW_HEIGHT * row + 4 + thickness * offset),
            _round(scale * value),
            _round(thickness),
        )
        for offset, one in enumerate(series)
        for row, value in enumerate(one.values)
    ]
    names_shown = [
        Text(_NAME_WIDTH - 8, _TOP + _ROW_HEIGHT * (row + 0.5) + 4, _shortened(name))
        for row, name in enumerate(names)
    ]
    x_ticks = [
        Text(_round(_NAME_WIDTH + scale * value), bottom + 18, _number(value))
        for value in range(0, top_value + 1, step)
    ]
    return Chart(
        WIDTH,
        height,
        _TOP,
        _NAME_WIDTH,
        right,
        bottom,
        names_shown,
        x_ticks,
        bars,
        [],
        list(series),
    )


def _scale(peak: int) -> tuple[int, int]:
    """A round top for the axis (at least `peak`) and the step of its grid lines: the smallest
    of 1, 2, 5, 10, 20, 50… that reaches `peak` in four steps or fewer."""
    step = 1
    while step * 4 < peak:
        step = _next_step(step)
    return max(step * math.ceil(peak / step), step), step


def _peak(series: Sequence[Series]) -> int:
    return max((max(one.values, default=0) for one in series), default=0)


def _next_step(step: int) -> int:
    """1, 2, 5, 10, 20, 50, 100…"""
    magnitude = 10 ** int(math.log10(step))
    first = step // magnitude
    return {1: 2, 2: 5, 5: 10}[first] * magnitude


def _number(value: int) -> str:
    return f"{value:,}"


def _round(value: float) -> float:
    return round(value, 1)


def _shortened(name: str) -> str:
    return name if len(name) <= _NAME_CHARACTERS else f"{name[: _NAME_CHARACTERS - 1]}…"


def readable_color(color: str | None, minimum: float = 3.0) -> str | None:
    """`color` (#rrggbb) if it stands out from the white page by `minimum` (3:1 is what WCAG
    asks of graphics), else None: the stylesheet's colour is used instead."""
    found = colors.normalized(color) if color else None
    return found if found and colors.contrast(found, colors.WHITE) >= minimum else None
