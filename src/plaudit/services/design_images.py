"""A design drawn as a PNG with sample (or given) data: its `rasterized_content_url`, the
previews of the API and of the designer.

Renderings are deterministic, so each is named by a hash of everything that goes into it (the
template, the values, the width): that hash is the ETag, and the last few renderings are kept in
memory under it.
"""

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.render import documents, isolation
from plaudit.render.fields import LOGO_FIELD, sample_fields
from plaudit.services import renderings
from plaudit.store.org_tables import AttributeKey
from plaudit.store.tables import Design, Organization

CACHED_IMAGES = 32
logger = logging.getLogger("plaudit.render")


@dataclass(frozen=True)
class DesignImage:
    png: bytes
    etag: str


class _Cache:
    """The most recently used renderings, shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key: str, value: bytes) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_cache = _Cache(CACHED_IMAGES)


def etag(template: str, fields: Mapping[str, str], kind: str) -> str:
    """The name of a rendering: it changes whenever anything that goes into it does."""
    digest = hashlib.sha256(template.encode("utf-8"))
    width = documents.preview_width(kind)
    digest.update(json.dumps([sorted(fields.items()), width]).encode("utf-8"))
    return digest.hexdigest()[:32]


def render(template: str, fields: Mapping[str, str], kind: str) -> DesignImage:
    """The template with `fields` merged in, as a PNG as wide as its kind's previews, drawn in a
    render worker process (blocks: call it off the event loop)."""
    key = etag(template, fields, kind)
    png = _cache.get(key)
    if png is None:
        try:
            # Sanitized again, as for credentials: a design stored under older limits may be
            # too costly to draw now.
            png = isolation.run(documents.preview, template, dict(fields), kind, True)
        except Exception:  # as a credential would show it: the built-in default design
            logger.warning("render.design_failed", exc_info=True)
            fallback = documents.fallback_template(kind)
            png = isolation.run(documents.preview, fallback, dict(fields), kind, False)
        _cache.put(key, png)
    return DesignImage(png=png, etag=key)


def sample_values(
    session: Session, design: Design, given: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Sample data for a design of this organization: its name as the issuer, a sample value
    for each custom attribute its department may use, and any `given` values on top."""
    organization = session.get(Organization, design.organization_id)
    keys = select(AttributeKey.name).where(AttributeKey.organization_id == design.organization_id)
    if design.department_id is not None:
        keys = keys.where(AttributeKey.department_id == design.department_id)
    values = {f"custom.{name}": name.replace("_", " ").title() for name in session.scalars(keys)}
    if organization is not None:
        values["issuer.name"] = organization.name
        values["issuer.url"] = organization.url or ""
        if logo := renderings.organization_logo(session, organization):
            values[LOGO_FIELD] = logo
    return sample_fields({**values, **(given or {})})
