"""An organization's brand colours: `#rrggbb`, and how readable white text is on them
(WCAG 2 contrast ratio)."""

import re

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
# WCAG 2 AA for normal text: the primary colour carries white text (buttons, banners) and,
# as a link colour, sits on white.
MIN_CONTRAST = 4.5


def normalized(text: str) -> str | None:
    """`text` as lowercase `#rrggbb`, or None when it is not one."""
    value = text.strip()
    return value.lower() if _HEX.match(value) else None


def _luminance(color: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(color[index : index + 2]) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two `#rrggbb` colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def primary_problem(text: str) -> str | None:
    """Why `text` cannot be the primary colour, or None when it can."""
    color = normalized(text)
    if color is None:
        return "must be a colour written #rrggbb (for example #1f4e8c)"
    ratio = contrast(color, WHITE)
    if ratio < MIN_CONTRAST:
        return (
            f"is too light: white text on it has a contrast of {ratio:.2f}:1, "
            f"below {MIN_CONTRAST}:1; choose a darker colour"
        )
    return None


def accent_problem(text: str) -> str | None:
    return None if normalized(text) else "must be a colour written #rrggbb (for example #b08d3c)"


def darker(color: str, amount: float = 0.25) -> str:
    """`color` with `amount` of black mixed in (a hover shade: darker keeps its contrast)."""
    channels = (int(color[index : index + 2], 16) for index in (1, 3, 5))
    return "#" + "".join(f"{round(value * (1 - amount)):02x}" for value in channels)
