"""A credential's files: certificate PDF and PNG, badge PNG and SVG, and the Open Graph card.

Each rendering is named by a SHA-256 of everything that goes into it (the template, the paper,
every merge field, the variant and the renderer's version), so any change to the credential, its
group, its design or its issuer that shows on the file gives a new key, and the same inputs always
find the same bytes. Renderings are kept in the `renderings` table (one per credential and
variant: a new key replaces the old row) and the most recent in a small in-process LRU.

`prepare` reads what a rendering needs (in the caller's session), `produce` is the CPU work
(call it off the event loop), `fetch` / `keep` read and write the cache (they flush; the caller
commits).
"""

import dataclasses
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plaudit.render import Layout, credential_fields, merge_fields, svg_to_pdf, svg_to_png
from plaudit.render.builtin import builtin_design, default_key, key_for_name
from plaudit.render.sanitize import SVG_NS, parse_svg, sanitize_svg
from plaudit.services import designs
from plaudit.store.render_tables import Rendering
from plaudit.store.tables import Credential, Design, Organization
from plaudit.web import urls

# Bump when the renderer's output changes for the same inputs: every key changes with it.
RENDERER_VERSION = "1"
CERTIFICATE_WIDTH = 1400
BADGE_WIDTH = 600
SEO_WIDTH, SEO_HEIGHT = 1200, 630
logger = logging.getLogger("plaudit.render")


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str  # the kind of design it is drawn from
    media_type: str


VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        Variant("certificate.pdf", "certificate", "application/pdf"),
        Variant("certificate.png", "certificate", "image/png"),
        Variant("badge.png", "badge", "image/png"),
        Variant("badge.svg", "badge", "image/svg+xml"),
        Variant("seo.png", "certificate", "image/png"),
    )
}


@dataclass(frozen=True)
class RenderJob:
    """Everything one rendering needs, detached from the session that read it."""

    variant: Variant
    organization_id: int
    credential_id: int
    template: str
    sanitize: bool  # a stored template is sanitized again (it may predate a stricter sanitizer)
    layout: Layout
    fields: dict[str, str] = field(hash=False)
    key: str = ""


def design_for(session: Session, credential: Credential, kind: str) -> Design | None:
    """The design the credential's group shows for kind: its own slot, then its primary design
    when of that kind, then the organization's first design of that kind; None means the
    built-in default."""
    group = credential.achievement
    slot = group.certificate_design_id if kind == "certificate" else group.badge_design_id
    for design_id in (slot, group.primary_design_id):
        if design_id is not None:
            design = session.get(Design, design_id)
            if design is not None and design.kind == kind:
                return design
    return session.scalar(
        select(Design)
        .where(
            Design.organization_id == credential.organization_id,
            Design.kind == kind,
            Design.department_id.is_(None),
        )
        .order_by(Design.id)
        .limit(1)
    )


def _template(design: Design | None, kind: str) -> tuple[str, Layout, bool]:
    if design is None:
        builtin = builtin_design(default_key(kind))
        assert builtin is not None
        return builtin.template_svg, builtin.layout, False
    if design.content_svg is None and design.builtin_key is None:
        # A design row from before designs had content: its name may be a built-in's.
        key = key_for_name(design.name) or default_key(kind)
        layout = designs.layout_of(design)
        builtin = builtin_design(key, layout)
        assert builtin is not None
        return builtin.template_svg, layout, False
    return designs.template_of(design), designs.layout_of(design), design.content_svg is not None


def prepare(
    session: Session,
    credential: Credential,
    organization: Organization,
    variant_name: str,
    base_url: str,
) -> RenderJob:
    variant = VARIANTS[variant_name]
    template, layout, stored = _template(
        design_for(session, credential, variant.kind), variant.kind
    )
    fields = credential_fields(
        credential=credential,
        group=credential.achievement,
        issuer_name=organization.name,
        issuer_url=organization.url,
        url=urls.credential_page(base_url, credential.encoded_id),
    )
    job = RenderJob(
        variant=variant,
        organization_id=credential.organization_id,
        credential_id=credential.id,
        template=template,
        sanitize=stored,
        layout=layout,
        fields=fields,
    )
    return _with_key(job)


def _with_key(job: RenderJob) -> RenderJob:
    digest = hashlib.sha256()
    for part in (
        RENDERER_VERSION,
        job.variant.name,
        json.dumps([job.layout.kind, job.layout.orientation, job.layout.size, job.layout.bleeds]),
        json.dumps(sorted(job.fields.items())),
        job.template,
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return dataclasses.replace(job, key=digest.hexdigest())


def produce(job: RenderJob) -> bytes:
    """The file's bytes (CPU work: run it in a worker thread). A stored design that cannot be
    drawn (hostile geometry can make resvg or svglib fail) gives way to the built-in default
    design of its kind, so that a credential always has its files."""
    if not job.sanitize:
        return _draw(job, job.template)
    try:
        return _draw(job, sanitize_svg(job.template))
    except Exception:  # svglib and reportlab raise many kinds of errors on odd SVG
        logger.warning(
            "render.design_failed",
            exc_info=True,
            extra={"fields": {"credential_id": job.credential_id, "variant": job.variant.name}},
        )
        return _draw(job, fallback_template(job.variant.kind, job.layout))


def fallback_template(kind: str, layout: Layout | None = None) -> str:
    """The template drawn instead of a design that cannot be drawn (in `layout`, else the
    built-in's own)."""
    builtin = builtin_design(default_key(kind), layout)
    assert builtin is not None  # the default keys always name a built-in design
    return builtin.template_svg


def _draw(job: RenderJob, template: str) -> bytes:
    svg = merge_fields(template, job.fields)
    match job.variant.name:
        case "certificate.pdf":
            return svg_to_pdf(svg, job.layout)
        case "certificate.png":
            return svg_to_png(svg, CERTIFICATE_WIDTH)
        case "badge.png":
            return svg_to_png(svg, BADGE_WIDTH)
        case "badge.svg":
            return svg.encode("utf-8")
        case _:
            return svg_to_png(seo_card(svg, job.layout, job.fields), SEO_WIDTH)


# The Open Graph card around the certificate; the certificate goes where the <g> is.
_SEO_FRAME = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SEO_WIDTH} {SEO_HEIGHT}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#14213d"/>
<stop offset="1" stop-color="#1d3557"/></linearGradient></defs>
<rect width="{SEO_WIDTH}" height="{SEO_HEIGHT}" fill="url(#bg)"/>
<rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="#000000" fill-opacity="0.35"/>
<g id="certificate"/>
<rect x="60" y="150" width="64" height="5" fill="#e9c46a"/>
<text x="60" y="235" font-family="Lato" font-weight="900" font-size="44" fill="#ffffff"
 data-fit-width="{{fit}}" data-max-lines="3" data-min-size="26" data-valign="middle"
 >{{{{ credential.name }}}}</text>
<text x="60" y="350" font-family="Lato" font-size="26" fill="#e9c46a" data-fit-width="{{fit}}"
 data-max-lines="2" data-min-size="16">{{{{ recipient.name }}}}</text>
<text x="60" y="470" font-family="Lato" font-weight="700" font-size="20" fill="#c9d3e3"
 data-fit-width="{{fit}}" data-max-lines="2" data-min-size="14">{{{{ issuer.name }}}}</text>
</svg>"""


def seo_card(certificate_svg: str, layout: Layout, fields: dict[str, str]) -> str:
    """A 1200 x 630 Open Graph card: the certificate on a dark background, with its title."""
    page_width, page_height = layout.trim_points
    scale = min(640 / page_width, 500 / page_height)
    width, height = page_width * scale, page_height * scale
    x, y = SEO_WIDTH - 50 - width, (SEO_HEIGHT - height) / 2
    frame = _SEO_FRAME.format(
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


class _Memory:
    """The most recently used renderings of this process, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            content = self.items.get(key)
            if content is not None:
                self.items.move_to_end(key)
            return content

    def put(self, key: str, content: bytes) -> None:
        if len(content) > self.max_bytes // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = content
            self.size += len(content)
            while self.size > self.max_bytes:
                _, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)


memory = _Memory(64 * 1024 * 1024)


def fetch(session: Session, key: str) -> bytes | None:
    """A kept rendering: from memory, else from the table (then remembered)."""
    content = memory.get(key)
    if content is None:
        content = session.scalar(select(Rendering.content).where(Rendering.key == key))
        if content is not None:
            content = bytes(content)
            memory.put(key, content)
    return content


def keep(session: Session, job: RenderJob, content: bytes) -> None:
    """Stores a rendering, replacing the credential's older one of the same variant."""
    memory.put(job.key, content)
    session.execute(
        delete(Rendering).where(
            Rendering.credential_id == job.credential_id,
            Rendering.variant == job.variant.name,
            Rendering.key != job.key,
        )
    )
    if session.scalar(select(Rendering.id).where(Rendering.key == job.key)) is None:
        session.add(
            Rendering(
                organization_id=job.organization_id,
                credential_id=job.credential_id,
                variant=job.variant.name,
                key=job.key,
                media_type=job.variant.media_type,
                content=content,
            )
        )
    session.flush()
