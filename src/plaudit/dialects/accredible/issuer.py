"""`GET /v1/issuer/details`: the organization behind the key."""

from typing import Any

from fastapi import APIRouter

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiScope
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.http.deps import DbSession
from plaudit.services import organizations

router = APIRouter(route_class=AccredibleRoute, tags=["Issuer"])


@router.get("/v1/issuer/details", summary="View an Issuer")
def issuer_details(scope: ApiScope, session: DbSession) -> dict[str, Any]:
    organization = organizations.get_organization(session, scope.organization_id)
    return {"issuer": mapping.issuer_out(organization)}
