"""Tables around achievements (Accredible groups): skill categories and collections."""

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plaudit.store.tables import Achievement, Base, IdType, Row, org_fk


class SkillCategory(Row):
    """One of the fixed list of skill categories every organization shares (seeded by the
    migration that creates the table; the API only reads them)."""

    __tablename__ = "skill_categories"

    name: Mapped[str] = mapped_column(String(255), unique=True)


achievement_collections = Table(
    "achievement_collections",
    Base.metadata,
    Column(
        "achievement_id",
        IdType,
        ForeignKey("achievements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "collection_id",
        IdType,
        ForeignKey("collections.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Collection(Row):
    """A named set of an organization's achievements, shown together to the public."""

    __tablename__ = "collections"

    organization_id: Mapped[int] = org_fk()
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    achievements: Mapped[list[Achievement]] = relationship(
        secondary=achievement_collections,
        back_populates="collections",
        order_by=Achievement.id,
    )
