"""`GET /v1/skill_categories`: the fixed list groups may be filed under."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.http.deps import DbWork
from plaudit.services import skill_categories

router = APIRouter(route_class=AccredibleRoute, tags=["Groups"])


@router.get("/v1/skill_categories", summary="View all Skill Categories")
async def list_skill_categories(key: ApiKey, work: DbWork) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        authorize(session, key)
        categories = skill_categories.list_all(session)
        return {"skill_categories": [mapping.skill_category_out(item) for item in categories]}

    return await work(run)
