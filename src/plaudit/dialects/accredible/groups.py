"""Groups: `/v1/issuer/groups` (with clone and search) and `/v1/issuer/all_groups`."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.ids import path_id
from plaudit.dialects.accredible.paging import (
    list_parameters,
    page_meta,
    page_request,
    text_parameter,
)
from plaudit.dialects.accredible.schemas import GroupBody, GroupIn, GroupSearchBody
from plaudit.http.deps import DbWork
from plaudit.services import achievements

router = APIRouter(route_class=AccredibleRoute, tags=["Groups"])
Json = dict[str, Any]


@router.post("/v1/issuer/groups", summary="Create a Group")
async def create_group(body: GroupBody, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        achievement = achievements.create(session, scope, mapping.achievement_fields(body.group))
        response = {"group": mapping.group_out(achievement)}
        session.commit()
        return response

    return await work(run)


# Declared before `/v1/issuer/groups/{group_id}` so that the fixed path always wins.
@router.post("/v1/issuer/groups/search", summary="Search for Groups")
async def search_groups(key: ApiKey, work: DbWork, body: GroupSearchBody | None = None) -> Json:
    body = body or GroupSearchBody()

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        filters = mapping.achievement_search(body)
        paging = page_request({"page": body.page, "page_size": body.page_size})
        page = achievements.search(
            session, scope, filters, page=paging.page, page_size=paging.page_size
        )
        return {
            "groups": [mapping.group_out(item) for item in page.items],
            "meta": page_meta(paging, page.total_count),
        }

    return await work(run)


@router.get("/v1/issuer/groups/{group_id}", summary="View a Group")
async def view_group(group_id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        return {
            "group": mapping.group_out(
                achievements.get(session, scope, path_id(group_id, "achievement"))
            )
        }

    return await work(run)


@router.put("/v1/issuer/groups/{group_id}", summary="Update a Group")
async def update_group(group_id: str, body: GroupBody, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        fields = mapping.achievement_fields(body.group)
        achievement = achievements.update(session, scope, path_id(group_id, "achievement"), fields)
        response = {"group": mapping.group_out(achievement)}
        session.commit()
        return response

    return await work(run)


@router.delete("/v1/issuer/groups/{group_id}", summary="Delete a Group")
async def delete_group(group_id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        achievement = achievements.delete(session, scope, path_id(group_id, "achievement"))
        response = {"group": mapping.group_out(achievement)}
        session.commit()
        return response

    return await work(run)


@router.post("/v1/issuer/groups/{group_id}/clone", summary="Clone a Group")
async def clone_group(
    group_id: str, key: ApiKey, work: DbWork, body: GroupBody | None = None
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        overrides = mapping.achievement_fields(body.group if body else GroupIn())
        achievement = achievements.clone(
            session, scope, path_id(group_id, "achievement"), overrides
        )
        response = {"group": mapping.group_out(achievement)}
        session.commit()
        return response

    return await work(run)


@router.get("/v1/issuer/all_groups", summary="View all Groups")
async def all_groups(
    key: ApiKey, work: DbWork, parameters: Annotated[Json, Depends(list_parameters)]
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        paging = page_request(parameters)
        page = achievements.list_page(
            session,
            scope,
            name=text_parameter(parameters, "name"),
            page=paging.page,
            page_size=paging.page_size,
        )
        return {
            "groups": [mapping.group_out(item) for item in page.items],
            "meta": page_meta(paging, page.total_count),
        }

    return await work(run)
