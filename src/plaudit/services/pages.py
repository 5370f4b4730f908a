"""One page of a list, for the page-number paging of Accredible's search endpoints."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total_count: int


def fetch_page(session: Session, query: Select[tuple[T]], *, page: int, page_size: int) -> Page[T]:
    """The `page`th `page_size` rows of an ordered query, and how many rows it has in all.

    A page past the end is empty without a query, so no offset beyond what the database can
    count ever reaches it.
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    offset = (page - 1) * page_size
    items = list(session.scalars(query.offset(offset).limit(page_size))) if offset < total else []
    return Page(items=items, page=page, page_size=page_size, total_count=total)


def slice_page(items: list[T], *, page: int, page_size: int) -> Page[T]:
    """A page of a list already in memory."""
    offset = (page - 1) * page_size
    return Page(
        items=items[offset : offset + page_size],
        page=page,
        page_size=page_size,
        total_count=len(items),
    )
