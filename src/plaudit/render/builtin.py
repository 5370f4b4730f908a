"""The built-in designs: three certificates and three badges that every organization can use.

Templates are generated for the paper they print on (A4 or US letter, landscape or portrait), so
a built-in design fits any layout a design row asks for. They only use the packaged fonts and
vector shapes: nothing is fetched when they render.
"""

from dataclasses import dataclass

from plaudit.render import badges, certificates
from plaudit.render.layout import Layout
from plaudit.render.svgkit import Builder


@dataclass(frozen=True)
class BuiltinDesign:
    key: str
    name: str
    kind: str
    layout: Layout
    template_svg: str


@dataclass(frozen=True)
class _Spec:
    key: str
    name: str
    kind: str
    build: Builder


_SPECS: tuple[_Spec, ...] = (
    _Spec(
        "classic-certificate",
        "Classic certificate",
        "certificate",
        certificates.classic_certificate,
    ),
    _Spec(
        "modern-certificate", "Modern certificate", "certificate", certificates.modern_certificate
    ),
    _Spec(
        "elegant-certificate",
        "Elegant certificate",
        "certificate",
        certificates.elegant_certificate,
    ),
    _Spec("classic-badge", "Classic badge", "badge", badges.classic_badge),
    _Spec("shield-badge", "Shield badge", "badge", badges.shield_badge),
    _Spec("hexagon-badge", "Hexagon badge", "badge", badges.hexagon_badge),
)


def builtin_design(key: str, layout: Layout | None = None) -> BuiltinDesign | None:
    """The built-in design `key` (or None), drawn for layout (its default layout if None)."""
    spec = next((s for s in _SPECS if s.key == key), None)
    if spec is None:
        return None
    if layout is None or layout.kind != spec.kind:
        layout = Layout(kind=spec.kind)  # type: ignore[arg-type]
    width, height = layout.trim_points
    return BuiltinDesign(spec.key, spec.name, spec.kind, layout, spec.build(width, height))


def default_key(kind: str) -> str:
    """The built-in design used when a credential's group has none of this kind."""
    return "classic-certificate" if kind == "certificate" else "classic-badge"


def key_for_name(name: str) -> str | None:
    """The built-in key whose name is name (organizations get rows named after them)."""
    return next((s.key for s in _SPECS if s.name.lower() == name.strip().lower()), None)


BUILTIN_DESIGNS: dict[str, BuiltinDesign] = {
    spec.key: builtin_design(spec.key)  # type: ignore[misc]
    for spec in _SPECS
}
