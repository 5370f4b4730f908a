"""Reporting: data exports with their files, and the analytics events credentials collect."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plaudit.store.tables import IdType, Row, org_fk


class DataExportFile(Row):
    """One file of an export: the rows created in one calendar year.

    Files live in the database, not on a disk, so that any app process can serve what any
    worker wrote. One file per export and year, enforced by a unique index: a re-run of an
    export job cannot add a second copy.
    """

    __tablename__ = "data_export_files"
    __table_args__ = (Index(None, "data_export_id", "year", unique=True),)

    data_export_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("data_exports.id", ondelete="CASCADE")
    )
    year: Mapped[int] = mapped_column(Integer)
    row_count: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class DataExport(Row):
    """A request to export one kind of record of one department, run as a background job."""

    __tablename__ = "data_exports"

    organization_id: Mapped[int] = org_fk()
    department_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    entity: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    files: Mapped[list[DataExportFile]] = relationship(
        order_by=DataExportFile.year, passive_deletes=True, lazy="selectin"
    )


class AnalyticsEvent(Row):
    """Something that happened to a credential in public: a view, a share, a download, a click.

    `created_at` is when it happened. `channel` says where (`linkedin`, `pdf`, `course_link`).
    """

    __tablename__ = "analytics_events"
    __table_args__ = (
        Index(None, "organization_id", "created_at"),
        Index(None, "credential_id", "created_at"),
    )

    organization_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("organizations.id", ondelete="CASCADE")
    )
    credential_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("credentials.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(64))
    by_recipient: Mapped[bool] = mapped_column(Boolean, default=False)
