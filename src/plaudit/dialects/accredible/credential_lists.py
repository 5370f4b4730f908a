"""Reading many credentials: `GET /v1/all_credentials`, `POST /v1/credentials/search` and
`POST /v2/credentials/search`.

Mounted before `/v1/credentials/{id}`, which would otherwise take `/v1/credentials/search`.
Searches only read, so they run in a read-only session even though they are POSTs (on SQLite a
writing session would queue behind every writer).
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import credential_list_mapping, credential_queries
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.paging import PageRequest, list_parameters, page_meta
from plaudit.domain.credential_search import CredentialQuery, InvalidQuery
from plaudit.domain.scope import Scope
from plaudit.http.deps import AppSettings, Work
from plaudit.services import analytics, credential_search, organizations
from plaudit.web.page_views import ViewsWritten

router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])
Json = dict[str, Any]


async def read_work(request: Request) -> Work:
    return Work(request.app.state.database, readonly=True)


async def raw_body(request: Request) -> bytes:
    return await request.body()


ReadWork = Annotated[Work, Depends(read_work)]
RawBody = Annotated[bytes, Depends(raw_body)]
Parameters = Annotated[Json, Depends(list_parameters)]


@router.get("/v1/all_credentials", summary="View many Credentials", response_model=None)
async def all_credentials(
    key: ApiKey, work: ReadWork, settings: AppSettings, parameters: Parameters
) -> Response:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        query, paging = credential_queries.all_credentials(parameters)
        return _v1_page(session, scope, query, paging, settings.public_base_url)

    return JSONResponse(await work(run))


@router.post("/v1/credentials/search", summary="Search for Credentials (v1)", response_model=None)
async def search_v1(key: ApiKey, work: ReadWork, settings: AppSettings, body: RawBody) -> Response:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        query, paging = credential_queries.v1_search(_json(body))
        return _v1_page(session, scope, query, paging, settings.public_base_url)

    return JSONResponse(await work(run))


@router.post("/v2/credentials/search", summary="Search for Credentials (v2)", response_model=None)
async def search_v2(
    key: ApiKey, work: ReadWork, settings: AppSettings, body: RawBody, _views: ViewsWritten
) -> Response:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        search = credential_queries.v2_search(_json(body))
        window = search.window
        page = credential_search.search(session, scope, search.query, window, with_details=False)
        base_url = settings.public_base_url
        last = page.next_key
        cursor = None
        if last:
            cursor = credential_queries.encode_cursor(search.query.sort, last, page.total_count)
        activity = analytics.recipient_activity(session, [item.id for item in page.items])
        return {
            "credentials": [
                credential_list_mapping.v2_item(item, base_url, activity) for item in page.items
            ],
            "meta": {
                "count": page.total_count,
                "from": window.offset,
                "size": window.size,
                "cursor": cursor,
            },
        }

    return JSONResponse(await work(run))


def _v1_page(
    session: Session, scope: Scope, query: CredentialQuery, paging: PageRequest, base_url: str
) -> Json:
    window = credential_search.Window(
        size=paging.page_size, offset=(paging.page - 1) * paging.page_size
    )
    page = credential_search.search(session, scope, query, window, with_details=True)
    issuer = organizations.get_organization(session, scope.organization_id)
    return {
        "credentials": [
            credential_list_mapping.v1_item(item, issuer, base_url) for item in page.items
        ],
        "meta": page_meta(paging, page.total_count),
    }


def _json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        raise InvalidQuery("Request body is not valid JSON") from None
