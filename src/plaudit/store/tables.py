"""The relational schema. Every row any dialect exposes has an integer id and a UUID."""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Uuid,
    event,
    false,
    func,
    select,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Mapper,
    column_property,
    mapped_column,
    relationship,
)

if TYPE_CHECKING:
    from plaudit.store.group_tables import Collection, SkillCategory

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
IdType = BigInteger().with_variant(Integer, "sqlite")
JsonType = JSON(none_as_null=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Row(Base):
    """Columns every table shares."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    uuid: Mapped[UUID] = mapped_column(Uuid, unique=True, default=uuid4)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


@event.listens_for(Row, "instrument_class", propagate=True)
def _ids_never_reused(mapper: Mapper[Any], _class: type) -> None:
    """A deleted row's id is never handed out again: on SQLite that takes AUTOINCREMENT (else a
    new row gets max(id) + 1, a stale client's id); PostgreSQL's sequences never go back."""
    mapper.local_table.dialect_options["sqlite"]["autoincrement"] = True


def org_fk() -> Mapped[int]:
    return mapped_column(IdType, ForeignKey("organizations.id", ondelete="CASCADE"), index=True)


class Organization(Row):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    url: Mapped[str | None] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en")
    credits_remaining: Mapped[int | None] = mapped_column(Integer, doc="None means unlimited.")
    did_method: Mapped[str] = mapped_column(
        String(8), default="web", doc="How its credentials name their issuer: web or key."
    )
    webhook_url: Mapped[str | None] = mapped_column(
        String(2048), doc="Where Credly-style event notifications go (set through Credly's API)."
    )
    logo: Mapped[bytes | None] = mapped_column(
        LargeBinary,
        deferred=True,  # read only where drawn or served, not with every organization
        doc="The uploaded logo: sanitized SVG, or PNG/JPEG re-encoded as PNG.",
    )
    logo_media_type: Mapped[str | None] = mapped_column(String(32))
    logo_sha256: Mapped[str | None] = mapped_column(String(64), doc="Names the logo's URL.")
    primary_color: Mapped[str | None] = mapped_column(String(7), doc="#rrggbb")
    accent_color: Mapped[str | None] = mapped_column(String(7), doc="#rrggbb")


class Department(Row):
    __tablename__ = "departments"

    organization_id: Mapped[int] = org_fk()
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2048))
    logo: Mapped[str | None] = mapped_column(String(2048))
    page_banner: Mapped[str | None] = mapped_column(String(2048))
    whitelabel_logo: Mapped[str | None] = mapped_column(String(2048))
    linkedin_company_id: Mapped[str | None] = mapped_column(String(255))
    meta_data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    generate_private_credential: Mapped[bool | None] = mapped_column(Boolean)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiKey(Row):
    __tablename__ = "api_keys"

    organization_id: Mapped[int] = org_fk()
    department_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(255))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Design(Row):
    """How a certificate or badge looks: an SVG template with merge fields (`{{ recipient.name }}`,
    `<rect data-merge="qr_code" .../>`), laid out on a paper size. Department NULL means
    organization-wide (the built-in designs every organization starts with)."""

    __tablename__ = "designs"

    organization_id: Mapped[int] = org_fk()
    department_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), doc="certificate or badge")
    name: Mapped[str] = mapped_column(String(255))
    content_svg: Mapped[str | None] = mapped_column(
        Text, doc="The sanitized SVG template; NULL means the built-in template `builtin_key`."
    )
    builtin_key: Mapped[str | None] = mapped_column(
        String(64), doc="Key of plaudit.render.builtin.BUILTIN_DESIGNS this design started from."
    )
    orientation: Mapped[str] = mapped_column(
        String(16), default="landscape", server_default="landscape", doc="landscape or portrait"
    )
    size: Mapped[str] = mapped_column(
        String(16), default="a4", server_default="a4", doc="a4 or us-letter"
    )
    background_bleeds: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), doc="Print with a 3 mm bleed."
    )
    meta_data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class Achievement(Row):
    """An Accredible group: what a credential is for."""

    __tablename__ = "achievements"
    __table_args__ = (Index(None, "organization_id", "name"),)

    organization_id: Mapped[int] = org_fk()
    department_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    course_name: Mapped[str] = mapped_column(String(255))
    course_description: Mapped[str] = mapped_column(Text)
    course_link: Mapped[str | None] = mapped_column(String(2048))
    language: Mapped[str] = mapped_column(String(8), default="en")
    attach_pdf: Mapped[bool] = mapped_column(Boolean, default=False)
    blockchain: Mapped[bool] = mapped_column(Boolean, default=False)
    certificate_design_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("designs.id", ondelete="SET NULL")
    )
    badge_design_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("designs.id", ondelete="SET NULL")
    )
    primary_design_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("designs.id", ondelete="SET NULL")
    )
    meta_data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    learning_outcomes: Mapped[list[str] | None] = mapped_column(JsonType)
    generate_private_credential: Mapped[bool | None] = mapped_column(Boolean)
    auto_expiry: Mapped[int | None] = mapped_column(Integer)
    signup_url: Mapped[str | None] = mapped_column(String(2048))
    signup_url_show: Mapped[bool | None] = mapped_column(Boolean)
    course_link_show: Mapped[bool | None] = mapped_column(Boolean)
    organization_link_show: Mapped[bool | None] = mapped_column(Boolean)
    allow_duplicate_credentials: Mapped[bool] = mapped_column(Boolean, default=False)
    # No foreign key: skill categories are a fixed, seeded list that is never deleted, and on
    # SQLite adding one would rebuild this table, which credentials' RESTRICT keys forbid.
    skill_category_id: Mapped[int | None] = mapped_column(Integer)
    achievement_type: Mapped[str | None] = mapped_column(String(64))
    # draft, active or archived (Credly's badge template states).
    state: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    # Credly's badge template fields (issue 11); lists of what the template shows.
    skills: Mapped[list[str] | None] = mapped_column(JsonType)
    activities: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    alignments: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    recommendations: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    reporting_tags: Mapped[list[str] | None] = mapped_column(JsonType)
    template_details: Mapped[dict[str, Any] | None] = mapped_column(
        JsonType, doc="Credly's descriptive extras: level, time_to_earn, cost, type_category..."
    )
    # A credential that names no expiry gets the fixed date, else issued + period, else
    # `auto_expiry` years (Accredible's setting).
    expiry_fixed_on: Mapped[date | None] = mapped_column(Date)
    expiry_period: Mapped[str | None] = mapped_column(
        String(16), doc="ISO 8601 duration: P2Y, P6M, P90D."
    )

    department: Mapped[Department] = relationship()
    certificate_design: Mapped[Design | None] = relationship(foreign_keys=[certificate_design_id])
    skill_category: Mapped["SkillCategory | None"] = relationship(
        primaryjoin="foreign(Achievement.skill_category_id) == SkillCategory.id"
    )
    collections: Mapped[list["Collection"]] = relationship(
        secondary="achievement_collections",
        back_populates="achievements",
        order_by="Collection.id",
    )
    if TYPE_CHECKING:  # a column_property set below, once Credential exists
        badges_count: Mapped[int]


class Credential(Row):
    """One achievement awarded to one recipient."""

    __tablename__ = "credentials"
    __table_args__ = (
        Index(None, "organization_id", "license_id", unique=True),
        Index(None, "achievement_id", "duplicate_key", unique=True),
        Index(None, "organization_id", "recipient_email_normalized"),
        Index(None, "organization_id", "recipient_external_id"),
        Index(None, "organization_id", "updated_at"),
        Index(None, "organization_id", "issued_on"),
        # Searches (services/credential_search.py): each filter and sort has an index; a sort's
        # index ends with id, the tie-break, so PostgreSQL reads a page in order.
        Index(None, "organization_id", "id"),
        Index(None, "organization_id", "recipient_name", "id"),
        Index(None, "organization_id", "issued_on", "id"),
        Index(None, "organization_id", "expired_on", "id"),
        Index(None, "organization_id", "achievement_id", "issued_on", "id"),
        Index(None, "organization_id", "created_at"),
        Index(None, "organization_id", "approve"),
        Index(None, "organization_id", "created_at", "id"),
        Index(None, "organization_id", "state"),
        Index(None, "organization_id", "recipient_user_uuid"),
        Index(None, "achievement_id", "duplicate_earner_key", unique=True),
    )

    organization_id: Mapped[int] = org_fk()
    department_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    achievement_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("achievements.id", ondelete="RESTRICT"), index=True
    )
    encoded_id: Mapped[str] = mapped_column(String(32), unique=True)
    license_id: Mapped[str | None] = mapped_column(String(255))
    duplicate_key: Mapped[str | None] = mapped_column(
        String(254), doc="Normalized email when the achievement refuses duplicates, else NULL."
    )
    recipient_name: Mapped[str] = mapped_column(String(255))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_email_normalized: Mapped[str] = mapped_column(String(254))
    recipient_external_id: Mapped[str | None] = mapped_column(String(255))
    recipient_phone_number: Mapped[str | None] = mapped_column(String(32))
    recipient_meta_data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    expired_on: Mapped[date | None] = mapped_column(Date)
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    approve: Mapped[bool] = mapped_column(Boolean, default=True)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    grade: Mapped[str | None] = mapped_column(String(255))
    custom_attributes: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    meta_data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    allow_supplemental_evidence: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_supplemental_references: Mapped[bool] = mapped_column(Boolean, default=True)
    # Credly's badge lifecycle (issue 11): pending, accepted, rejected or revoked. A credential
    # issued through a dialect without acceptance starts accepted.
    state: Mapped[str] = mapped_column(String(16), default="accepted", server_default="accepted")
    state_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    # A replacement chain: the credential that took this one's place, and the one it replaced.
    # No foreign keys (adding one would rebuild this table on SQLite); services/ keep them.
    replaced_by_id: Mapped[int | None] = mapped_column(IdType, index=True)
    replaces_id: Mapped[int | None] = mapped_column(IdType)
    issued_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="The instant given at issue; NULL: midnight UTC of issued_on."
    )
    recipient_user_uuid: Mapped[UUID | None] = mapped_column(
        Uuid, doc="Credly's user id for the recipient: derived from the normalized email."
    )
    recipient_first_name: Mapped[str | None] = mapped_column(String(255))
    recipient_middle_name: Mapped[str | None] = mapped_column(String(255))
    recipient_last_name: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    suppress_notification: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    country_name: Mapped[str | None] = mapped_column(String(255))
    state_or_province: Mapped[str | None] = mapped_column(String(255))
    duplicate_earner_key: Mapped[str | None] = mapped_column(
        String(255),
        doc="recipient_external_id when the achievement refuses duplicates, else NULL.",
    )

    achievement: Mapped[Achievement] = relationship(lazy="joined")
    evidence_items: Mapped[list["EvidenceItem"]] = relationship(
        order_by="(EvidenceItem.position, EvidenceItem.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )
    references: Mapped[list["Reference"]] = relationship(
        order_by="(Reference.position, Reference.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


def credential_fk() -> Mapped[int]:
    return mapped_column(IdType, ForeignKey("credentials.id", ondelete="CASCADE"), index=True)


class EvidenceItem(Row):
    __tablename__ = "evidence_items"

    credential_id: Mapped[int] = credential_fk()
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    link_url: Mapped[str | None] = mapped_column(String(2048))
    preview_image_url: Mapped[str | None] = mapped_column(String(2048))
    string_object: Mapped[str | None] = mapped_column(Text)
    supplemental: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any] | None] = mapped_column(
        JsonType, doc="Credly's evidence object as given (type, title, values...), when it has one."
    )


class Reference(Row):
    __tablename__ = "credential_references"

    credential_id: Mapped[int] = credential_fk()
    description: Mapped[str] = mapped_column(Text)
    relationship: Mapped[str] = mapped_column(String(16))
    referee_name: Mapped[str | None] = mapped_column(String(255))
    referee_email: Mapped[str | None] = mapped_column(String(254))
    referee_avatar: Mapped[str | None] = mapped_column(String(2048))
    referee_url: Mapped[str | None] = mapped_column(String(2048))
    supplemental: Mapped[bool] = mapped_column(Boolean, default=False)
    approve: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# How many credentials an achievement has (Credly's `badges_count`): loaded on first use, or
# with the rows of a list by `undefer` (one statement, counted by the database per row).
Achievement.badges_count = column_property(
    select(func.count(Credential.id))
    .where(Credential.achievement_id == Achievement.id)
    .correlate_except(Credential)
    .scalar_subquery(),
    deferred=True,
)


# Each later area keeps its tables in a module of its own (`store/<area>_tables.py`), imported
# here so that every table is registered on Base.metadata.
from plaudit.store import (  # noqa: E402, F401
    dashboard_tables,
    event_tables,
    group_tables,
    jobs_tables,
    notification_tables,
    openedx_tables,
    org_tables,
    render_tables,
    reporting_tables,
    signing_tables,
    sso_tables,
)
