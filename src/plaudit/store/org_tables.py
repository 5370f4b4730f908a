"""Tables of the organization's structure beyond departments: attribute keys and team members."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plaudit.store.tables import IdType, JsonType, Row, org_fk


class AttributeKey(Row):
    """A custom attribute's name and kind, unique within its department."""

    __tablename__ = "attribute_keys"
    __table_args__ = (Index(None, "department_id", "name", unique=True),)

    organization_id: Mapped[int] = org_fk()
    department_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("departments.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))


class TeamMember(Row):
    """A person who works in the organization's account; one per email."""

    __tablename__ = "team_members"
    __table_args__ = (Index(None, "organization_id", "email_normalized", unique=True),)

    organization_id: Mapped[int] = org_fk()
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(
        String(16),
        default="viewer",
        server_default="viewer",
        doc="The dashboard role across the organization: owner, admin, issuer or viewer.",
    )
    password_hash: Mapped[str | None] = mapped_column(
        String(255), doc="argon2id; None: signs in by single sign-on or a one-time link only."
    )
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    department_permissions: Mapped[list["TeamMemberPermission"]] = relationship(
        order_by="TeamMemberPermission.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


class TeamMemberPermission(Row):
    """What one team member may do in one department. Goes with the department when it goes."""

    __tablename__ = "team_member_permissions"
    # A constraint, not a unique index: the index's conventional name passes PostgreSQL's 63.
    __table_args__ = (UniqueConstraint("team_member_id", "department_id"),)

    team_member_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("team_members.id", ondelete="CASCADE")
    )
    department_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    designs: Mapped[bool] = mapped_column(Boolean)
    emails: Mapped[bool] = mapped_column(Boolean)
    credential_attributes: Mapped[bool] = mapped_column(Boolean)
    analytics: Mapped[bool] = mapped_column(Boolean)
    settings: Mapped[bool] = mapped_column(Boolean)
    role: Mapped[str] = mapped_column(String(16))
    group_ids: Mapped[list[Any] | None] = mapped_column(JsonType, doc="None: every group.")
