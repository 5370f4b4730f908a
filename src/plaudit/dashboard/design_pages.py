"""New designs from the dashboard: `POST /dashboard/designs/new` makes a certificate or badge
design of the organization (services/designs.py, started from the default built-in one) and
opens it in the embedded designer (web/designer.py), framed in a dashboard page with the way
back to the achievement it was made for."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.errors import Invalid
from plaudit.http.deps import Work
from plaudit.services import designs
from plaudit.web import designer_token, urls

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

DESIGNS = "/dashboard/designs"
KINDS = ("certificate", "badge")
Designer = Annotated[SignedIn, Depends(require(Action.DESIGN))]


def safe_back(target: str) -> str:
    """Where "back" leads: an achievement page of the dashboard, never another site."""
    local = target.startswith("/dashboard/achievements") and "//" not in target
    return target if local and "\\" not in target else "/dashboard/achievements"


@router.post(f"{DESIGNS}/new")
async def new_design(
    request: Request,
    signed_in: Designer,
    kind: Annotated[str, Form(max_length=16)] = "",
    back: Annotated[str, Form(max_length=2048)] = "",
) -> Response:
    if kind not in KINDS:
        raise Invalid(fields={"kind": ["is not included in the list"]})
    scope = signed_in.scope

    def run(session: Session) -> int:
        design = designs.for_editor(session, scope, kind, None, None)
        session.commit()
        return design.id

    design_id = await Work(request.app.state.database, readonly=False)(run)
    target = f"{DESIGNS}/{design_id}/designer?back={safe_back(back)}"
    return RedirectResponse(target, status_code=303)


@router.get(f"{DESIGNS}/{{design_id}}/designer")
async def designer_frame(
    request: Request, signed_in: Designer, design_id: int, back: str = ""
) -> Response:
    scope = signed_in.scope
    design = await Work(request.app.state.database, readonly=True)(
        lambda session: designs.get(session, scope, design_id)
    )
    grant = designer_token.DesignerGrant(signed_in.organization_id, design.id)
    token = designer_token.issue(request.app.state.server_secret, grant)
    base_url = request.app.state.settings.public_base_url
    context = {
        "title": f"Design: {design.name}",
        "designer_url": urls.designer(base_url, token),
        "back": safe_back(back),
    }
    response = show(request, signed_in, "design_editor.html", context)
    # The page's policy, widened to frame this site's designer (and nothing else).
    response.headers["Content-Security-Policy"] += "; frame-src 'self'"
    return response
