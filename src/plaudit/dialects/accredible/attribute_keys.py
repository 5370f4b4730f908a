"""Custom attribute keys: `/v1/attribute_keys` and `/v1/attribute_keys/search`."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.paging import page_meta, page_request
from plaudit.dialects.accredible.schemas import AttributeKeyBody, AttributeKeySearchIn
from plaudit.http.deps import DbWork
from plaudit.services import attribute_keys

router = APIRouter(route_class=AccredibleRoute, tags=["Attributes"])
Json = dict[str, Any]


@router.post("/v1/attribute_keys", summary="Create a New Custom Attribute Key")
async def create_attribute_key(body: AttributeKeyBody, key: ApiKey, work: DbWork) -> Json:
    data = mapping.attribute_key_data(body.attribute_key)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        attribute_key = attribute_keys.create(session, scope, data)
        response = {"attribute_key": mapping.attribute_key_out(attribute_key)}
        session.commit()
        return response

    return await work(run)


@router.post("/v1/attribute_keys/search", summary="Search for Attribute Keys")
async def search_attribute_keys(
    key: ApiKey, work: DbWork, body: AttributeKeySearchIn | None = None
) -> Json:
    search = body or AttributeKeySearchIn()

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        paging = page_request({"page": search.page, "page_size": search.page_size})
        page = attribute_keys.search(
            session,
            scope,
            name=search.name,
            kind=search.kind,
            department_id=search.department_id,
            page=paging.page,
            page_size=paging.page_size,
        )
        return {
            "attribute_keys": [mapping.attribute_key_out(item) for item in page.items],
            "meta": page_meta(paging, page.total_count),
        }

    return await work(run)
