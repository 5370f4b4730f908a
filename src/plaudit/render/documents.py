"""The files drawn from a template: certificate PDF and PNG, badge PNG and SVG, the Open Graph
card, and a design's preview PNG.

These functions are what a render worker process runs (render/isolation.py): they take plain
values and return bytes. A stored design is sanitized again before it is drawn, since it may
predate a stricter sanitizer.
"""

from lxml import etree

from plaudit.render import logos
from plaudit.render.builtin import builtin_design, default_key
from plaudit.render.fields import LOGO_FIELD
from plaudit.render.layout import Layout
from plaudit.render.merge import merge_fields
from plaudit.render.pdf import svg_to_pdf
from plaudit.render.pdf_metadata import PdfMetadata
from plaudit.render.raster import svg_to_png
from plaudit.render.sanitize import SVG_NS, parse_svg, sanitize_svg

CERTIFICATE_WIDTH = 1400
BADGE_WIDTH = 600
SEO_WIDTH, SEO_HEIGHT = 1200, 630
PREVIEW_WIDTHS = {"certificate": 1200, "badge": 600}


def draw(
    variant: str, template: str, layout: Layout, fields: dict[str, str], stored: bool
) -> bytes:
    """One of a credential's files (`certificate.pdf`, `certificate.png`, `badge.png`,
    `badge.svg`, `seo.png`) from a template; `stored` templates are sanitized first."""
    fields = _with_drawable_logo(fields)
    svg = merge_fields(sanitize_svg(template) if stored else template, fields)
    match variant:
        case "certificate.pdf":
            return svg_to_pdf(svg, layout, PdfMetadata.of(fields, layout.kind))
        case "certificate.png":
            return svg_to_png(svg, CERTIFICATE_WIDTH)
        case "badge.png":
            return svg_to_png(svg, BADGE_WIDTH)
        case "badge.svg":
            return svg.encode("utf-8")
        case "seo.png":
            return svg_to_png(seo_card(svg, layout, fields), SEO_WIDTH)
    raise ValueError(f"unknown variant {variant!r}")


def preview(template: str, fields: dict[str, str], kind: str, stored: bool) -> bytes:
    """A design drawn as a PNG as wide as its kind's previews."""
    fields = _with_drawable_logo(fields)
    svg = merge_fields(sanitize_svg(template) if stored else template, fields)
    return svg_to_png(svg, preview_width(kind))


def _with_drawable_logo(fields: dict[str, str]) -> dict[str, str]:
    if not fields.get(LOGO_FIELD):
        return fields
    return {**fields, LOGO_FIELD: logos.drawable(fields[LOGO_FIELD])}


def preview_width(kind: str) -> int:
    return PREVIEW_WIDTHS.get(kind, PREVIEW_WIDTHS["certificate"])


def fallback_template(kind: str, layout: Layout | None = None) -> str:
    """The template drawn instead of a design that cannot be drawn (in `layout`, else the
    built-in's own)."""
    builtin = builtin_design(default_key(kind), layout)
    assert builtin is not None  # the default keys always name a built-in design
    return builtin.template_svg


# The Open Graph card around the certificate; the certificate goes where the <g> is.
# A plain string formatted once: `{{{{ x }}}}` comes out as the merge field `{{ x }}`.
_SEO_FRAME = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#14213d"/>
<stop offset="1" stop-color="#1d3557"/></linearGradient></defs>
<rect width="{width}" height="{height}" fill="url(#bg)"/>
<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#000000" fill-opacity="0.35"/>
<g id="certificate"/>
<rect x="60" y="150" width="64" height="5" fill="#e9c46a"/>
<text x="60" y="235" font-family="Lato" font-weight="900" font-size="44" fill="#ffffff"
 data-fit-width="{fit}" data-max-lines="3" data-min-size="26" data-valign="middle"
 >{{{{ credential.name }}}}</text>
<text x="60" y="350" font-family="Lato" font-size="26" fill="#e9c46a" data-fit-width="{fit}"
 data-max-lines="2" data-min-size="16">{{{{ recipient.name }}}}</text>
<text x="60" y="470" font-family="Lato" font-weight="700" font-size="20" fill="#c9d3e3"
 data-fit-width="{fit}" data-max-lines="2" data-min-size="14">{{{{ issuer.name }}}}</text>
</svg>"""


def seo_card(certificate_svg: str, layout: Layout, fields: dict[str, str]) -> str:
    """A 1200 x 630 Open Graph card: the certificate on a dark background, with its title."""
    page_width, page_height = layout.trim_points
    scale = min(640 / page_width, 500 / page_height)
    width, height = page_width * scale, page_height * scale
    x, y = SEO_WIDTH - 50 - width, (SEO_HEIGHT - height) / 2
    frame = _SEO_FRAME.format(
        width=SEO_WIDTH,
        height=SEO_HEIGHT,
        x=f"{x + 10:.1f}",
        y=f"{y + 12:.1f}",
        w=f"{width:.1f}",
        h=f"{height:.1f}",
        fit=f"{x - 100:.0f}",
    )
    card = parse_svg(merge_fields(frame, fields))
    certificate = parse_svg(certificate_svg)
    for name, value in (("x", x), ("y", y), ("width", width), ("height", height)):
        certificate.set(name, f"{value:.1f}")
    slot = card.find(f"{{{SVG_NS}}}g[@id='certificate']")
    slot.getparent().replace(slot, certificate)
    return etree.tostring(card, encoding="unicode")
