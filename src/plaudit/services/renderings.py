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

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plaudit.render import Layout, credential_fields, documents, isolation, logos
from plaudit.render.branding import branded
from plaudit.render.builtin import builtin_design, default_key, key_for_name
from plaudit.render.fields import LOGO_FIELD
from plaudit.services import designs
from plaudit.services.credential_reads import Columns
from plaudit.store.render_tables import Rendering
from plaudit.store.tables import Credential, Design, Organization
from plaudit.web import urls

# Bump when the renderer's output changes for the same inputs: every key changes with it.
RENDERER_VERSION = "2"
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
    # The SHA-256 of the logo in `fields` (its data: URI), which names it in the key.
    logo_sha256: str | None = None


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


def _template(
    design: Design | None, kind: str, organization: Organization
) -> tuple[str, Layout, bool]:
    colors = (organization.primary_color, organization.accent_color)
    if design is None:
        builtin = builtin_design(default_key(kind))
        assert builtin is not None
        return branded(builtin.template_svg, builtin.key, *colors), builtin.layout, False
    if design.content_svg is None and design.builtin_key is None:
        # A design row from before designs had content: its name may be a built-in's.
        key = key_for_name(design.name) or default_key(kind)
        layout = designs.layout_of(design)
        builtin = builtin_design(key, layout)
        assert builtin is not None
        return branded(builtin.template_svg, key, *colors), layout, False
    template = designs.branded_template_of(design, organization)
    return template, designs.layout_of(design), design.content_svg is not None


def prepare(
    session: Session,
    credential: Credential,
    organization: Organization,
    variant_name: str,
    base_url: str,
) -> RenderJob:
    variant = VARIANTS[variant_name]
    template, layout, stored = _template(
        design_for(session, credential, variant.kind), variant.kind, organization
    )
    fields = credential_fields(
        credential=credential,
        group=credential.achievement,
        issuer_name=organization.name,
        issuer_url=organization.url,
        url=urls.credential_page(base_url, credential.encoded_id),
        logo=organization_logo(session, organization),
    )
    job = RenderJob(
        variant=variant,
        organization_id=credential.organization_id,
        credential_id=credential.id,
        template=template,
        sanitize=stored,
        layout=layout,
        fields=fields,
        logo_sha256=organization.logo_sha256 if LOGO_FIELD in fields else None,
    )
    return _with_key(job)


def organization_logo(session: Session, organization: Organization | Columns) -> str:
    """The `organization.logo` merge field: the stored logo as a data: URI, or empty. Read
    (the column is deferred) and encoded once per logo: its SHA-256 names it."""
    sha256 = organization.logo_sha256
    if not sha256:
        return ""
    kept = _logo_uris.get(sha256)
    if kept is not None:
        return kept.decode("ascii")
    row = session.execute(
        select(Organization.logo, Organization.logo_media_type).where(
            Organization.id == organization.id,
            Organization.logo_sha256 == sha256,  # not one that replaced it since
        )
    ).one_or_none()
    if row is None or row.logo is None or row.logo_media_type is None:
        return ""
    uri = logos.data_uri(bytes(row.logo), row.logo_media_type)
    _logo_uris.put(sha256, uri.encode("ascii"))
    return uri


def _with_key(job: RenderJob) -> RenderJob:
    digest = hashlib.sha256()
    for part in (
        RENDERER_VERSION,
        job.variant.name,
        json.dumps([job.layout.kind, job.layout.orientation, job.layout.size, job.layout.bleeds]),
        json.dumps(sorted(_named_logo(job).items())),
        job.template,
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return dataclasses.replace(job, key=digest.hexdigest())


def _named_logo(job: RenderJob) -> dict[str, str]:
    """The fields with the logo named by its SHA-256 rather than spelled out in full."""
    if job.logo_sha256 is None:
        return job.fields
    return {**job.fields, LOGO_FIELD: f"sha256:{job.logo_sha256}"}


def produce(job: RenderJob) -> bytes:
    """The file's bytes, drawn in a render worker process (blocks: call it off the event loop).
    A stored design that cannot be drawn (it fails, is too costly, or kills or outlasts its
    worker) gives way to the built-in default design of its kind, so that a credential always
    has its files."""
    draw = (documents.draw, job.variant.name)
    if not job.sanitize:
        return isolation.run(*draw, job.template, job.layout, job.fields, False)
    try:
        return isolation.run(*draw, job.template, job.layout, job.fields, True)
    except Exception:  # svglib and reportlab raise many kinds of errors on odd SVG
        logger.warning(
            "render.design_failed",
            exc_info=True,
            extra={"fields": {"credential_id": job.credential_id, "variant": job.variant.name}},
        )
        fallback = documents.fallback_template(job.variant.kind, job.layout)
        return isolation.run(*draw, fallback, job.layout, job.fields, False)


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
_logo_uris = _Memory(8 * 1024 * 1024)  # (a logo's data: URI is under 1 MB)


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
