"""Accredible's three ways of asking for many credentials, read into one `CredentialQuery`:
`GET /v1/all_credentials` (query parameters), v1 search (a flat JSON body) and v2 search
(`query` with `field[operator]` keys, `sort`, `page` with `from`/`size` or `cursor`)."""

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from plaudit.dialects.accredible.paging import MAX_PAGE_SIZE, PageRequest, page_request
from plaudit.domain import credential_search as rules
from plaudit.domain import limits
from plaudit.domain.credential_search import (
    Condition,
    CredentialQuery,
    InvalidQuery,
    Sort,
)
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import Invalid
from plaudit.services.credential_search import Window

ALL_CREDENTIALS_FILTERS = (
    "group_id",
    "email",
    "recipient_id",
    "license_id",
    "start_date",
    "end_date",
    "start_updated_date",
    "end_updated_date",
)
V1_SEARCH_FILTERS = (
    "group_id",
    "recipient.name",
    "recipient.email",
    "recipient.id",
    "recipient.meta_data",
    "license_id",
    "meta_data",
    "start_date",
    "end_date",
    "start_updated_date",
    "end_updated_date",
)
_V1_EQUALS = {
    "group_id": "group.id",
    "email": "recipient_email",
    "recipient.email": "recipient_email",
    "recipient_id": "recipient_id",
    "recipient.id": "recipient_id",
    "recipient.name": "recipient_name",
    "license_id": "license_id",
}
_V1_DATES = {
    "start_date": ("issued_on", "gte"),
    "end_date": ("issued_on", "lte"),
    "start_updated_date": ("updated_at", "gte"),
    "end_updated_date": ("updated_at", "lte"),
}
_V1_ATTRIBUTES = {"recipient.meta_data": "recipient_meta_data", "meta_data": "meta_data"}
_V2_KEYS = frozenset({"query", "sort", "page"})
_PAGE_KEYS = frozenset({"from", "size", "cursor"})
_QUERY_KEY = re.compile(r"^(?P<field>[^\[\]]+)(?:\[(?P<operator>[^\[\]]+)\])?$")
MAX_CURSOR_LENGTH = 2048


@dataclass(frozen=True)
class V2Search:
    query: CredentialQuery
    window: Window


def all_credentials(parameters: dict[str, Any]) -> tuple[CredentialQuery, PageRequest]:
    """Unknown parameters are ignored; bad dates and page numbers are 422 field errors."""
    return _v1_query(parameters, ALL_CREDENTIALS_FILTERS), page_request(parameters)


def v1_search(body: Any) -> tuple[CredentialQuery, PageRequest]:
    """Every problem, unknown fields included, is an invalid search query."""
    parameters = _object({} if body is None else body, "Request body")
    unknown = sorted(set(parameters) - {*V1_SEARCH_FILTERS, "page", "page_size"})
    if unknown:
        raise InvalidQuery(f"Field {unknown[0]} is not supported")
    try:
        return _v1_query(parameters, V1_SEARCH_FILTERS), page_request(parameters)
    except Invalid as invalid:
        ((name, reasons), *_) = invalid.fields.items()
        raise InvalidQuery(f"{name} {reasons[0]}") from None


def _v1_query(parameters: dict[str, Any], names: Iterable[str]) -> CredentialQuery:
    conditions: list[Condition] = []
    attributes = []
    for name in names:
        raw = parameters.get(name)
        if raw is None or raw == "" or raw == {}:
            continue
        if name in _V1_DATES:
            field, operator = _V1_DATES[name]
            day = parse_date(raw, name)
            if day is not None:
                conditions.append(Condition(field, operator, (day,)))
        elif name in _V1_ATTRIBUTES:
            attributes.append(rules.attribute_match(_V1_ATTRIBUTES[name], raw))
        else:
            conditions.append(rules.condition(_V1_EQUALS[name], "eq", raw))
    return CredentialQuery(conditions=tuple(conditions), attributes=tuple(attributes))


def v2_search(body: Any) -> V2Search:
    body = _object({} if body is None else body, "Request body")
    unknown = sorted(set(body) - _V2_KEYS)
    if unknown:
        raise InvalidQuery(f"Parameter {unknown[0]} is not supported")
    if "query" not in body:
        raise InvalidQuery("query is required")
    conditions: list[Condition] = []
    attributes = []
    for key, raw in _object(body["query"], "query").items():
        match = _QUERY_KEY.match(key)
        if match is None:
            raise InvalidQuery(f"Field {key} is not supported")
        field, operator = match["field"], match["operator"]
        if field in rules.ATTRIBUTE_FIELDS:
            if operator is not None:
                raise InvalidQuery(f"Operator {operator} is not supported for {field}")
            attributes.append(rules.attribute_match(field, raw))
        else:
            conditions.append(rules.condition(field, operator or "eq", raw))
    sort = rules.sort_by(_object(body.get("sort") or {}, "sort"))
    query = CredentialQuery(tuple(conditions), tuple(attributes), sort)
    return V2Search(query, _window(_object(body.get("page") or {}, "page"), sort))


def _window(page: dict[str, Any], sort: Sort) -> Window:
    unknown = sorted(set(page) - _PAGE_KEYS)
    if unknown:
        raise InvalidQuery(f"page.{unknown[0]} is not supported")
    size = _count(page.get("size"), "page.size", rules.DEFAULT_SIZE)
    if size > MAX_PAGE_SIZE:
        raise InvalidQuery(f"page.size must be at most {MAX_PAGE_SIZE}")
    cursor = page.get("cursor")
    if cursor is not None:
        if page.get("from") is not None:
            raise InvalidQuery("page.from and page.cursor cannot be used together")
        after, total_count = decode_cursor(cursor, sort)
        return Window(size=size, after=after, total_count=total_count)
    offset = _count(page.get("from"), "page.from", 0)
    rules.check_window(offset, size)
    return Window(size=size, offset=offset)


def _count(raw: Any, name: str, default: int) -> int:
    if raw is None:
        return default
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        raw = int(raw)
    if type(raw) is not int or raw < 0:
        raise InvalidQuery(f"{name} must be a whole number, 0 or more")
    return raw


def _object(raw: Any, name: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidQuery(f"{name} must be a JSON object")
    return raw


def encode_cursor(sort: Sort, key: tuple[Any, ...], total_count: int) -> str:
    """An opaque token for the position `key` in `sort`'s order. It carries the walk's count
    too, so that each later page skips counting every match again."""
    after = [part.isoformat() if isinstance(part, date) else part for part in key]
    token = {"sort": _signature(sort), "after": after, "count": total_count}
    return base64.urlsafe_b64encode(json.dumps(token, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: Any, sort: Sort) -> tuple[tuple[Any, ...], int]:
    """The position and the count a cursor carries."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidQuery("Invalid cursor")
    try:
        token = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidQuery("Invalid cursor") from None
    if not isinstance(token, dict) or "after" not in token:
        raise InvalidQuery("Invalid cursor")
    count = token.get("count")
    if type(count) is not int or not 0 <= count <= limits.MAX_ID:
        raise InvalidQuery("Invalid cursor")
    if token.get("sort") != _signature(sort):
        raise InvalidQuery("The cursor belongs to another sort; send the sort it was made with")
    return rules.keyset(sort, token["after"]), count


def _signature(sort: Sort) -> str:
    return f"{sort.field}:{'desc' if sort.descending else 'asc'}"
