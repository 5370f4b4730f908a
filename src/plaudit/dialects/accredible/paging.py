"""Page-number paging as Accredible's list endpoints do it."""

import json
import math
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from plaudit.domain.errors import Invalid

DEFAULT_PAGE_SIZE = 50
# The file gives no maximum; real clients ask for more than 100 (pyaccredible lists a group with
# `page_size=200` and deletes what it got). More than this is refused, never cut silently.
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class PageRequest:
    page: int
    page_size: int


async def list_parameters(request: Request) -> dict[str, Any]:
    """Query parameters merged over a JSON body: the OpenAPI file documents GET list
    parameters as a request body, and clients send them either way."""
    parameters: dict[str, Any] = {}
    body = await request.body()
    if body.strip():
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            parameters.update(parsed)
    parameters.update(request.query_params)
    return parameters


def text_parameter(parameters: dict[str, Any], name: str) -> str | None:
    """A filter given as text (or a number); anything else names the parameter."""
    value = parameters.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(fields={name: ["is invalid"]})
    return str(value)


def page_request(parameters: dict[str, Any]) -> PageRequest:
    page = _positive_int(parameters.get("page"), "page", default=1)
    page_size = _positive_int(parameters.get("page_size"), "page_size", default=DEFAULT_PAGE_SIZE)
    if page_size > MAX_PAGE_SIZE:
        raise Invalid(fields={"page_size": [f"must be less than or equal to {MAX_PAGE_SIZE}"]})
    return PageRequest(page=page, page_size=page_size)


def page_meta(request: PageRequest, total_count: int) -> dict[str, Any]:
    total_pages = math.ceil(total_count / request.page_size) if total_count else 0
    return {
        "current_page": request.page,
        "next_page": request.page + 1 if request.page < total_pages else None,
        "prev_page": request.page - 1 if request.page > 1 else None,
        "total_pages": total_pages,
        "total_count": total_count,
    }


def _positive_int(value: Any, name: str, *, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid(fields={name: ["is not a number"]}) from None
    if number < 1:
        raise Invalid(fields={name: ["must be greater than 0"]})
    return number
