"""Page-number paging as Credly's list endpoints do it: `?page=N`, 50 a page, and the list
metadata `count, current_page, total_count, total_pages, per, previous_page_url,
next_page_url` (URLs of the same request with another page)."""

import math
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import URL

from plaudit.domain.errors import Invalid

PER_PAGE = 50


@dataclass(frozen=True)
class PageRequest:
    page: int
    per: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per


def page_request(page: str | None) -> PageRequest:
    if page is None or not page.strip():
        return PageRequest(page=1)
    try:
        number = int(page.strip())
    except ValueError:
        raise Invalid(fields={"page": ["is not a number"]}) from None
    if number < 1:
        raise Invalid(fields={"page": ["must be greater than 0"]})
    return PageRequest(page=number)


def list_metadata(url: URL, request: PageRequest, count: int, total_count: int) -> dict[str, Any]:
    """`count` is how many rows this page holds."""
    total_pages = math.ceil(total_count / request.per) if total_count else 0
    previous_page = request.page - 1 if request.page > 1 else None
    if previous_page is not None and total_pages:
        previous_page = min(previous_page, total_pages)
    next_page = request.page + 1 if request.page < total_pages else None
    return {
        "count": count,
        "current_page": request.page,
        "total_count": total_count,
        "total_pages": total_pages,
        "per": request.per,
        "previous_page_url": _page_url(url, previous_page),
        "next_page_url": _page_url(url, next_page),
    }


def list_page(url: URL, request: PageRequest, rows: list[Any], total_count: int) -> dict[str, Any]:
    """A list endpoint's whole answer: this page's rows and Credly's list metadata."""
    return {"data": rows, "metadata": list_metadata(url, request, len(rows), total_count)}


def _page_url(url: URL, page: int | None) -> str | None:
    return None if page is None else str(url.include_query_params(page=page))
