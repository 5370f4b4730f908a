"""`GET /v1/organizations/{organization_id}/badges` (Get Issued Badges) and
`GET .../high_volume_issued_badge_search` (Get Badges in Bulk), over services/badge_search.py.

Get Issued Badges: `filter` and `sort` as dialects/credly/badge_filters.py reads them (no sort:
oldest first; ties always by id), 50 a page, Credly's list metadata. Pages reaching past the
first 10,000 badges are the "excessively large page numbers" the seed refuses with a 400.

The high-volume search takes the same filters, no `sort` (a 422 naming `sort`: Credly documents
none, and a silently different order would mislead), and orders by created_at, then id. A page
holds up to 1,000 badges; `next_page_url` carries an opaque cursor (the last badge's created_at
and id) and is null after the last page. `badge_format` is `default` or `minimal`.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from plaudit.dialects.credly import badge_formats
from plaudit.dialects.credly.auth import Token, authorize_organization
from plaudit.dialects.credly.badge_filters import parse_filter, parse_sort
from plaudit.dialects.credly.badge_mapping import badge_out
from plaudit.dialects.credly.errors import envelope
from plaudit.dialects.credly.paging import list_page, page_request
from plaudit.dialects.credly.routing import CredlyRouter
from plaudit.domain import limits
from plaudit.domain.badge_search import MAX_OFFSET_ROWS
from plaudit.domain.errors import Invalid
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import badge_links, badge_search
from plaudit.store.tables import Credential, Organization

router = CredlyRouter(tags=["Credly: badge search"])
Json = dict[str, Any]
BASE = "/v1/organizations/{organization_id}"
BULK_PAGE_SIZE = 1000
TOO_DEEP = (
    f"Page numbers reaching past the first {MAX_OFFSET_ROWS} badges are not served; use "
    "high_volume_issued_badge_search to read large volumes of badges."
)


@router.get(BASE + "/badges", summary="Get issued badges")
async def get_issued_badges(
    request: Request,
    organization_id: str,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    page: Annotated[str | None, Query()] = None,
    filter: Annotated[str | None, Query()] = None,
    sort: Annotated[str | None, Query()] = None,
) -> Any:
    def run(session: Session) -> Json | Response:
        scope, organization = authorize_organization(session, token, organization_id)
        wanted = page_request(page)
        chosen, order = parse_filter(filter), parse_sort(sort)
        if wanted.offset + wanted.per > MAX_OFFSET_ROWS:
            return envelope(TOO_DEEP, status=400)
        found = badge_search.search(
            session, scope, chosen, order, offset=wanted.offset, size=wanted.per
        )
        links = badge_links.linked_uuids(session, found.items)
        base_url = settings.public_base_url
        rows = [badge_out(item, organization, base_url, links=links) for item in found.items]
        return list_page(request.url, wanted, rows, found.total_count)

    return await work(run)


@router.get(
    BASE + "/high_volume_issued_badge_search", summary="Get badges in bulk", response_model=None
)
async def high_volume_issued_badge_search(
    request: Request,
    organization_id: str,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    filter: Annotated[str | None, Query()] = None,
    badge_format: Annotated[str | None, Query()] = None,
    cursor: Annotated[str | None, Query()] = None,
    sort: Annotated[str | None, Query()] = None,
) -> Response:
    """Answered as a JSONResponse of plain values: no response-model encoding of each row."""

    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        if sort is not None:
            raise Invalid(fields={"sort": ["is not supported here: badges come by created_at"]})
        chosen_format = (badge_format or "default").strip()
        if chosen_format not in badge_formats.FORMATS:
            raise Invalid(fields={"badge_format": ["must be default or minimal"]})
        after = None if cursor is None else decode_cursor(cursor)
        found = badge_search.scan(
            session, scope, parse_filter(filter), after=after, size=BULK_PAGE_SIZE
        )
        base_url = settings.public_base_url
        if chosen_format == "minimal":
            rows = [badge_formats.minimal(item, base_url) for item in found.items]
        else:
            rows = default_rows(session, found.items, organization, base_url)
        next_url = None
        if found.next_key is not None:
            next_url = str(request.url.include_query_params(cursor=encode_cursor(*found.next_key)))
        return {"data": rows, "metadata": {"next_page_url": next_url}}

    return JSONResponse(await work(run))


def default_rows(
    session: Session, items: list[Credential], organization: Organization, base_url: str
) -> list[Json]:
    """The default format: each template's summary built once, replacements in one query."""
    links = badge_links.linked_uuids(session, items)
    templates: dict[int, Json] = {}
    rows = []
    for item in items:
        if item.achievement_id not in templates:
            templates[item.achievement_id] = badge_formats.template_summary(
                item.achievement, organization, base_url
            )
        rows.append(
            badge_formats.default(
                item,
                organization,
                base_url,
                template=templates[item.achievement_id],
                replacement=None if item.replaced_by_id is None else links.get(item.replaced_by_id),
            )
        )
    return rows


def encode_cursor(created_at: datetime, credential_id: int) -> str:
    """Opaque to clients: the last badge's position in (created_at, id) order."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    text = json.dumps([created_at.astimezone(UTC).isoformat(), credential_id])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position `encode_cursor` wrote; anything else is a 422 naming `cursor`."""
    forged = Invalid(fields={"cursor": ["is not a cursor this search gave"]})
    try:
        padded = cursor.strip() + "=" * (-len(cursor.strip()) % 4)
        moment, credential_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        created_at = datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            raise forged
        created_at = created_at.astimezone(UTC)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, OverflowError):
        raise forged from None
    if type(credential_id) is not int or not limits.is_storable_id(credential_id):
        raise forged
    return created_at, credential_id
