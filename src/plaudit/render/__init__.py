"""Designs to documents: SVG templates with merge fields, sanitized, rendered to PNG and PDF.

The names below are the package's contract with the rest of Plaudit; import only these. Each is
imported from its module on first use: the PDF and raster stacks (fonts, reportlab, shaping)
cost a good part of a second, which a command that only reads the built-in designs' names
should not pay.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plaudit.render.builtin import BUILTIN_DESIGNS, BuiltinDesign, builtin_design
    from plaudit.render.fields import credential_fields, sample_fields
    from plaudit.render.layout import Layout
    from plaudit.render.merge import merge_fields
    from plaudit.render.pdf import svg_to_pdf
    from plaudit.render.raster import svg_to_png
    from plaudit.render.sanitize import UnsafeSvg, sanitize_svg

_MODULES = {
    "BUILTIN_DESIGNS": "builtin",
    "BuiltinDesign": "builtin",
    "builtin_design": "builtin",
    "credential_fields": "fields",
    "sample_fields": "fields",
    "Layout": "layout",
    "merge_fields": "merge",
    "svg_to_pdf": "pdf",
    "svg_to_png": "raster",
    "UnsafeSvg": "sanitize",
    "sanitize_svg": "sanitize",
}

__all__ = [
    "BUILTIN_DESIGNS",
    "BuiltinDesign",
    "Layout",
    "UnsafeSvg",
    "builtin_design",
    "credential_fields",
    "merge_fields",
    "sample_fields",
    "sanitize_svg",
    "svg_to_pdf",
    "svg_to_png",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value  # found directly from now on
    return value
