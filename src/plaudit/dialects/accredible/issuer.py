"""`GET /v1/issuer/details`: the organization behind the key."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.http.deps import DbWork
from plaudit.services import organizations

router = APIRouter(route_class=AccredibleRoute, tags=["Issuer"])


@router.get("/v1/issuer/details", summary="View an Issuer")
async def issuer_details(key: ApiKey, work: DbWork) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        scope = authorize(session, key)
        organization = organizations.get_organization(session, scope.organization_id)
        return {"issuer": mapping.issuer_out(organization)}

    return await work(run)
