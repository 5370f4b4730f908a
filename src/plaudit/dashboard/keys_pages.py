"""`/dashboard/keys`: the organization's API keys (services/api_keys.py): listed by prefix,
made with a label and an optional department scope (the key is shown once, on the answer),
revoked after a confirmation."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain import limits
from plaudit.domain.errors import Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.http.deps import Work
from plaudit.services import api_keys, departments
from plaudit.store.tables import ApiKey, Department

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

KEYS = "/dashboard/keys"
LABEL_LENGTH = 255
Integrator = Annotated[SignedIn, Depends(require(Action.INTEGRATIONS))]


def _keys_and_departments(
    session: Session, organization_id: int
) -> tuple[list[ApiKey], list[Department]]:
    return (
        api_keys.list_keys(session, organization_id),
        list(session.scalars(departments.scoped(Scope(organization_id)).order_by(Department.name))),
    )


async def _keys_page(
    request: Request,
    signed_in: SignedIn,
    *,
    notice: str | None = None,
    given: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    keys, found = await Work(request.app.state.database, readonly=True)(
        lambda session: _keys_and_departments(session, signed_in.organization_id)
    )
    context: dict[str, Any] = {
        "title": "API keys",
        "notice": notice,
        "keys": keys,
        "departments": {department.id: department.name for department in found},
        "given": given or {"label": "", "department_id": ""},
        "errors": errors or {},
    }
    return show(request, signed_in, "keys.html", context, status_code=422 if errors else 200)


@router.get(KEYS)
async def keys_page(request: Request, signed_in: Integrator, done: str | None = None) -> Response:
    notice = "The key is revoked: it stops working at once." if done == "revoked" else None
    return await _keys_page(request, signed_in, notice=notice)


def _department_id(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise Invalid(fields={"department_id": ["is not a department"]}) from None


@router.post(KEYS)
async def create_key(
    request: Request,
    signed_in: Integrator,
    label: Annotated[str, Form(max_length=1024)] = "",
    department_id: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    def run(session: Session) -> api_keys.IssuedKey:
        if limits.contains_nul(label):
            raise Invalid(fields={"label": ["contains a NUL character"]})
        if len(label.strip()) > LABEL_LENGTH:
            raise Invalid(fields={"label": [limits.too_long(LABEL_LENGTH)]})
        department = _department_id(department_id)
        scope = signed_in.scope
        if department is not None:
            departments.resolve(session, scope, department, "department_id")
        issued = api_keys.create_key(
            session, signed_in.organization_id, department, label.strip() or None
        )
        session.commit()
        return issued

    try:
        issued = await Work(request.app.state.database, readonly=False)(run)
    except Invalid as error:
        given = {"label": label, "department_id": department_id}
        fields = {name: reasons for name, reasons in error.fields.items()}
        if "department_id" in fields:
            fields["department_id"] = ["is not one of the organization's departments"]
        return await _keys_page(request, signed_in, given=given, errors=fields)
    context = {"title": "New API key", "issued": issued}
    return show(request, signed_in, "key_made.html", context)


def _own_key(session: Session, organization_id: int, key_id: int) -> ApiKey:
    key = None
    if limits.is_storable_id(key_id):
        key = session.scalar(
            select(ApiKey).where(ApiKey.id == key_id, ApiKey.organization_id == organization_id)
        )
    if key is None:
        raise NotFound("api key")
    return key


@router.get(f"{KEYS}/{{key_id}}/revoke")
async def revoke_page(request: Request, signed_in: Integrator, key_id: int) -> Response:
    key = await Work(request.app.state.database, readonly=True)(
        lambda session: _own_key(session, signed_in.organization_id, key_id)
    )
    return show(request, signed_in, "key_revoke.html", {"title": "Revoke an API key", "key": key})


@router.post(f"{KEYS}/{{key_id}}/revoke")
async def revoke(request: Request, signed_in: Integrator, key_id: int) -> Response:
    def run(session: Session) -> None:
        key = _own_key(session, signed_in.organization_id, key_id)
        api_keys.revoke_key(session, key.prefix)
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return RedirectResponse(f"{KEYS}?done=revoked", status_code=303)
