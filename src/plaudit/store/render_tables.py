"""Rendered certificates and badges, kept by the hash of everything that went into them, and
the zip files of certificate PDFs that the API hands out."""

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from plaudit.store.tables import IdType, JsonType, Row, org_fk


class Rendering(Row):
    """One file of one credential (`variant`: certificate.pdf, badge.png, ...). A credential
    keeps one rendering per variant: a new key replaces the old row."""

    __tablename__ = "renderings"
    __table_args__ = (Index(None, "credential_id", "variant"),)

    organization_id: Mapped[int] = org_fk()
    credential_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("credentials.id", ondelete="CASCADE")
    )
    variant: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64), unique=True, doc="SHA-256 of every input.")
    media_type: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class PdfBundle(Row):
    """`POST /v1/credentials/generate_pdf`: the credentials whose PDFs one zip holds. The zip is
    never stored: its URL (named by the row's UUID) streams it from the renderings. A large
    bundle is rendered by a background job first; `completed_at` says when it is ready."""

    __tablename__ = "pdf_bundles"

    organization_id: Mapped[int] = org_fk()
    credential_ids: Mapped[list[Any]] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String(16), doc="scheduled, completed or errored")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
