"""The embedded designers: `POST /v1/designers/certificate/initialize` and
`/v1/designers/badge/initialize` hand out a short-lived token for Plaudit's design editor."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.design_schemas import DesignerBody
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.http.deps import AppSettings, DbWork, ServerSecret, Work
from plaudit.services import designs
from plaudit.settings import Settings
from plaudit.web import designer_token, urls

router = APIRouter(route_class=AccredibleRoute, tags=["Designs"])
Json = dict[str, Any]


@router.post(
    "/v1/designers/certificate/initialize", summary="Initialize Embedded Certificate Designer"
)
async def initialize_certificate_designer(
    key: ApiKey,
    work: DbWork,
    settings: AppSettings,
    secret: ServerSecret,
    body: DesignerBody | None = None,
) -> Json:
    return await _initialize("certificate", key, work, settings, secret, body)


@router.post("/v1/designers/badge/initialize", summary="Initialize Embedded Badge Designer")
async def initialize_badge_designer(
    key: ApiKey,
    work: DbWork,
    settings: AppSettings,
    secret: ServerSecret,
    body: DesignerBody | None = None,
) -> Json:
    return await _initialize("badge", key, work, settings, secret, body)


async def _initialize(
    kind: str,
    key: str | None,
    work: Work,
    settings: Settings,
    secret: bytes,
    body: DesignerBody | None,
) -> Json:
    """The design to edit (`design_id`), or a new one (in `department_id`), and a token that
    opens the editor on it. The file documents `token` and `design_id`; `url` is where the
    editor is, to embed in an iframe."""
    body = body or DesignerBody()

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        design = designs.for_editor(session, scope, kind, body.design_id, body.department_id)
        grant = designer_token.DesignerGrant(scope.organization_id, design.id)
        token = designer_token.issue(secret, grant)
        response = {
            "token": token,
            "design_id": design.id,
            "url": urls.designer(settings.public_base_url, token),
        }
        session.commit()
        return response

    return await work(run)
