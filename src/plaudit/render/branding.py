"""An organization's colours on the built-in designs.

Each built-in design is drawn in a palette of its own: a main colour (frames, titles, ribbons)
and an accent (gold lines, seals, bands). An organization that chose colours sees its primary
colour where the main one was and its accent where the accent was; one that chose none sees the
design as it always was. The colours are written into the template itself, so a rendering's key
(a hash of its template) changes with them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    main: str
    accent: str


# The colours each built-in template is written in (render/certificates.py, render/badges.py).
PALETTES: dict[str, Palette] = {
    "classic-certificate": Palette("#1d3557", "#b08d3c"),
    "modern-certificate": Palette("#14213d", "#1b998b"),
    "elegant-certificate": Palette("#6d1a36", "#a8843a"),
    "classic-badge": Palette("#1d3557", "#c19a3f"),
    "shield-badge": Palette("#17324d", "#2a9d8f"),
    "hexagon-badge": Palette("#3d2c5c", "#e76f51"),
}


def branded(template: str, builtin_key: str, primary: str | None, accent: str | None) -> str:
    """Built-in template `builtin_key` in the organization's colours (`#rrggbb`, or None to keep
    the design's own)."""
    palette = PALETTES.get(builtin_key)
    if palette is None:
        return template
    for own, chosen in ((palette.main, primary), (palette.accent, accent)):
        if chosen and chosen != own:
            template = template.replace(f'"{own}"', f'"{chosen}"')
    return template
