"""Reporting: data exports with their files, the analytics events credentials collect, and
those events counted per day and per credential."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plaudit.store.tables import Base, IdType, Row, org_fk


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


class AnalyticsDay(Base):
    """One achievement's events of one UTC day, counted as they are written
    (services/analytics_counts.py): what the dashboard's charts add up.

    Not keyed by department: a credential's department is always its achievement's
    (services/credentials.py sets both, services/achievements.py moves both)."""

    __tablename__ = "analytics_days"

    organization_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    achievement_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("achievements.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    viewed: Mapped[int] = mapped_column(Integer, default=0)
    shared: Mapped[int] = mapped_column(Integer, default=0)
    added_to_linkedin: Mapped[int] = mapped_column(Integer, default=0)
    verified: Mapped[int] = mapped_column(Integer, default=0)


class CredentialEngagement(Base):
    """One credential's views and shares of all time, counted as they are written: what its
    row in the dashboard's list shows and sorts by. Gone with the credential."""

    __tablename__ = "credential_engagement"

    credential_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    views: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
