"""Groups: `/v1/issuer/groups` and `/v1/issuer/all_groups`."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiScope
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.paging import list_parameters, page_meta, page_request
from plaudit.dialects.accredible.schemas import GroupBody
from plaudit.domain import limits
from plaudit.domain.errors import NotFound
from plaudit.http.deps import DbSession
from plaudit.services import achievements

router = APIRouter(route_class=AccredibleRoute, tags=["Groups"])


def _group_id(raw: str) -> int:
    number = limits.parse_id(raw)
    if number is None:
        raise NotFound("achievement")
    return number


@router.post("/v1/issuer/groups", summary="Create a Group")
def create_group(body: GroupBody, scope: ApiScope, session: DbSession) -> dict[str, Any]:
    achievement = achievements.create(session, scope, mapping.achievement_fields(body.group))
    session.commit()
    return {"group": mapping.group_out(achievement)}


@router.get("/v1/issuer/groups/{group_id}", summary="View a Group")
def view_group(group_id: str, scope: ApiScope, session: DbSession) -> dict[str, Any]:
    return {"group": mapping.group_out(achievements.get(session, scope, _group_id(group_id)))}


@router.put("/v1/issuer/groups/{group_id}", summary="Update a Group")
def update_group(
    group_id: str, body: GroupBody, scope: ApiScope, session: DbSession
) -> dict[str, Any]:
    achievement = achievements.update(
        session, scope, _group_id(group_id), mapping.achievement_fields(body.group)
    )
    session.commit()
    return {"group": mapping.group_out(achievement)}


@router.delete("/v1/issuer/groups/{group_id}", summary="Delete a Group")
def delete_group(group_id: str, scope: ApiScope, session: DbSession) -> dict[str, Any]:
    achievement = achievements.delete(session, scope, _group_id(group_id))
    body = {"group": mapping.group_out(achievement)}
    session.commit()
    return body


@router.get("/v1/issuer/all_groups", summary="View all Groups")
def all_groups(
    scope: ApiScope,
    session: DbSession,
    parameters: Annotated[dict[str, Any], Depends(list_parameters)],
) -> dict[str, Any]:
    paging = page_request(parameters)
    page = achievements.list_page(
        session,
        scope,
        name=parameters.get("name") or None,
        page=paging.page,
        page_size=paging.page_size,
    )
    return {
        "groups": [mapping.group_out(item) for item in page.items],
        "meta": page_meta(paging, page.total_count),
    }
