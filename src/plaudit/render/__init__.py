"""Designs to documents: SVG templates with merge fields, sanitized, rendered to PNG and PDF.

The names below are the package's contract with the rest of Plaudit; import only these.
"""

from plaudit.render.builtin import BUILTIN_DESIGNS, BuiltinDesign, builtin_design
from plaudit.render.fields import credential_fields, sample_fields
from plaudit.render.layout import Layout
from plaudit.render.merge import merge_fields
from plaudit.render.pdf import svg_to_pdf
from plaudit.render.raster import svg_to_png
from plaudit.render.sanitize import UnsafeSvg, sanitize_svg

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
