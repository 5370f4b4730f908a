"""DRF's PageNumberPagination as openedx/credentials configures it: `?page=N` (or `last`), 20 a
page, `?page_size=` up to 100, and `{count, next, previous, results}` with absolute URLs of the
same request on another page (the first page's URL has no `page`, as DRF writes it). A page
that does not exist is a 404 `{"detail": "Invalid page."}`."""

import math
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.datastructures import URL, QueryParams

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
INVALID_PAGE = "Invalid page."


class InvalidPage(Exception):
    """The page asked for does not exist (or is no page number)."""


@dataclass(frozen=True)
class Page:
    """`number` None: `last`, known once the count is."""

    number: int | None
    size: int


def page_of(params: QueryParams) -> Page:
    return Page(number=_number(params.get("page")), size=_size(params.get("page_size")))


def resolve(page: Page, count: int) -> int:
    """The page's number given how many rows match, or InvalidPage."""
    pages = max(1, math.ceil(count / page.size))
    number = pages if page.number is None else page.number
    if number > pages:
        raise InvalidPage(number)
    return number


def paged(
    request: Request, base_url: str, page: Page, number: int, count: int, results: list[Any]
) -> dict[str, Any]:
    url = URL(f"{base_url}{request.url.path}").replace_query_params(**request.query_params)
    last = max(1, math.ceil(count / page.size))
    return {
        "count": count,
        "next": str(url.include_query_params(page=number + 1)) if number < last else None,
        "previous": _previous(url, number),
        "results": results,
    }


def _previous(url: URL, number: int) -> str | None:
    if number <= 1:
        return None
    if number == 2:
        return str(url.remove_query_params("page"))
    return str(url.include_query_params(page=number - 1))


def _number(text: str | None) -> int | None:
    if text is None or text == "":
        return 1
    if text == "last":
        return None
    try:
        number = int(text)
    except ValueError:
        raise InvalidPage(text) from None
    if number < 1:
        raise InvalidPage(text)
    return number


def _size(text: str | None) -> int:
    """DRF ignores a page_size that is no positive number, and caps it."""
    try:
        size = int(text) if text else PAGE_SIZE
    except ValueError:
        return PAGE_SIZE
    return PAGE_SIZE if size < 1 else min(size, MAX_PAGE_SIZE)
