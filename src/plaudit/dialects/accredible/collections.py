"""Collections: `/v1/collections` and `/v1/collections/search`."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.paging import PageRequest, page_meta, page_request
from plaudit.dialects.accredible.schemas import (
    CollectionBody,
    CollectionPagingIn,
    CollectionSearchBody,
)
from plaudit.domain import limits
from plaudit.domain.errors import Invalid, NotFound
from plaudit.http.deps import DbWork
from plaudit.services import collections

router = APIRouter(route_class=AccredibleRoute, tags=["Collections"])
Json = dict[str, Any]
_PAGING_NAMES = {"page": "meta.page_number", "page_size": "meta.per_page"}


def _collection_id(raw: str) -> int:
    number = limits.parse_id(raw)
    if number is None:
        raise NotFound("collection")
    return number


def _paging(meta: CollectionPagingIn | None) -> PageRequest:
    """`meta.page_number` and `meta.per_page`, read as every other search reads its paging."""
    given = meta or CollectionPagingIn()
    try:
        return page_request({"page": given.page_number, "page_size": given.per_page})
    except Invalid as error:
        renamed = {_PAGING_NAMES[name]: reasons for name, reasons in error.fields.items()}
        raise Invalid(fields=renamed) from None


@router.post("/v1/collections", summary="Create a Collection")
async def create_collection(body: CollectionBody, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        fields = mapping.collection_fields(body.collection)
        response = {
            "collection": mapping.collection_out(collections.create(session, scope, fields))
        }
        session.commit()
        return response

    return await work(run)


# Declared before `/v1/collections/{collection_id}` so that the fixed path always wins.
@router.post("/v1/collections/search", summary="Search for Collections")
async def search_collections(
    key: ApiKey, work: DbWork, body: CollectionSearchBody | None = None
) -> Json:
    body = body or CollectionSearchBody()

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        filters = mapping.collection_search(body)
        paging = _paging(body.meta)
        page = collections.search(
            session, scope, filters, page=paging.page, page_size=paging.page_size
        )
        return {
            "collections": [mapping.collection_out(item) for item in page.items],
            "meta": {**page_meta(paging, page.total_count), "page_size": paging.page_size},
        }

    return await work(run)


@router.put("/v1/collections/{collection_id}", summary="Update a Collection")
async def update_collection(
    collection_id: str, body: CollectionBody, key: ApiKey, work: DbWork
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        fields = mapping.collection_fields(body.collection)
        updated = collections.update(session, scope, _collection_id(collection_id), fields)
        response = {"collection": mapping.collection_out(updated)}
        session.commit()
        return response

    return await work(run)


@router.delete("/v1/collections/{collection_id}", summary="Delete a Collection")
async def delete_collection(collection_id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        deleted = collections.delete(session, scope, _collection_id(collection_id))
        response = {"collection": mapping.collection_out(deleted)}
        session.commit()
        return response

    return await work(run)
