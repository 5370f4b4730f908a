"""Skill categories: the fixed list every organization's achievements may be filed under."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.store.group_tables import SkillCategory


def list_all(session: Session) -> list[SkillCategory]:
    return list(session.scalars(select(SkillCategory).order_by(SkillCategory.id)))


def named(session: Session, category_id: int | None) -> SkillCategory | None:
    """The category an achievement names by id (None for none); only those of the list."""
    if category_id is None:
        return None
    category = (
        session.get(SkillCategory, category_id) if limits.is_storable_id(category_id) else None
    )
    if category is None:
        raise Invalid(fields={"skill_category_id": ["is invalid"]})
    return category
