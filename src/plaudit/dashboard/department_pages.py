"""`/dashboard/settings/departments/...`: add, change and delete the organization's departments
with services/departments.py and its rules (Accredible's: a new department needs a name, a
website and a logo URL; the default department and one that holds anything stay)."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard import form_errors
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.departments import DepartmentFields
from plaudit.domain.errors import Conflict, Invalid
from plaudit.http.deps import Work
from plaudit.services import departments
from plaudit.store.tables import Department

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

DEPARTMENTS = "/dashboard/settings/departments"
Administrator = Annotated[SignedIn, Depends(require(Action.SETTINGS))]
FIELDS = ("name", "url", "logo", "description", "linkedin_company_id")
Text = Annotated[str, Form(max_length=4096)]


@dataclass(frozen=True)
class Shown:
    """The department a page is about, read before its session ends."""

    id: int
    name: str
    is_default: bool


def _shown(department: Department) -> tuple[Shown, dict[str, str]]:
    values = {name: getattr(department, name) or "" for name in FIELDS}
    return Shown(department.id, department.name, department.is_default), values


def _fields(values: dict[str, str]) -> DepartmentFields:
    """What the form gives; a blank optional text clears it."""
    return DepartmentFields(**{name: value.strip() or None for name, value in values.items()})


def _form(
    request: Request,
    signed_in: SignedIn,
    department: Shown | None,
    values: dict[str, str],
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": "New department" if department is None else f"Department {department.name}",
        "department": department,
        "values": values,
        "errors": errors or {},
    }
    return show(request, signed_in, "department.html", context, status_code=status_code)


async def _posted(
    name: Text = "",
    url: Text = "",
    logo: Text = "",
    description: Text = "",
    linkedin_company_id: Text = "",
) -> dict[str, str]:
    """The department form's fields as posted, to save or to show again."""
    return {
        "name": name,
        "url": url,
        "logo": logo,
        "description": description,
        "linkedin_company_id": linkedin_company_id,
    }


Posted = Annotated[dict[str, str], Depends(_posted)]


@router.get(f"{DEPARTMENTS}/new")
async def new_department(request: Request, signed_in: Administrator) -> Response:
    return _form(request, signed_in, None, dict.fromkeys(FIELDS, ""))


@router.post(DEPARTMENTS)
async def create_department(
    request: Request,
    signed_in: Administrator,
    values: Posted,
) -> Response:

    def run(session: Session) -> None:
        departments.create(session, signed_in.scope, _fields(values))
        session.commit()

    try:
        await Work(request.app.state.database, readonly=False)(run)
    except Invalid as error:
        errors = form_errors.by_field(error)
        return _form(request, signed_in, None, values, errors, 422)
    return RedirectResponse("/dashboard/settings?done=saved#departments", status_code=303)


@router.get(f"{DEPARTMENTS}/{{department_id}}")
async def department_page(
    request: Request, signed_in: Administrator, department_id: int
) -> Response:
    department, values = await Work(request.app.state.database, readonly=True)(
        lambda session: _shown(departments.get(session, signed_in.scope, department_id))
    )
    return _form(request, signed_in, department, values)


@router.post(f"{DEPARTMENTS}/{{department_id}}")
async def change_department(
    request: Request,
    signed_in: Administrator,
    department_id: int,
    values: Posted,
) -> Response:

    def run(session: Session) -> tuple[Shown, dict[str, list[str]]]:
        department, _ = _shown(departments.get(session, signed_in.scope, department_id))
        try:
            departments.update(session, signed_in.scope, department_id, _fields(values))
        except Invalid as error:
            return department, form_errors.by_field(error)  # rolled back as the session ends
        session.commit()
        return department, {}

    department, errors = await Work(request.app.state.database, readonly=False)(run)
    if errors:
        return _form(request, signed_in, department, values, errors, 422)
    return RedirectResponse("/dashboard/settings?done=saved#departments", status_code=303)


@router.post(f"{DEPARTMENTS}/{{department_id}}/delete")
async def delete_department(
    request: Request, signed_in: Administrator, department_id: int
) -> Response:
    def run(session: Session) -> tuple[Shown, dict[str, str], dict[str, list[str]]]:
        department, values = _shown(departments.get(session, signed_in.scope, department_id))
        try:
            departments.delete(session, signed_in.scope, department_id)
        except Conflict as error:
            return department, values, form_errors.refusal(error)
        session.commit()
        return department, values, {}

    department, values, errors = await Work(request.app.state.database, readonly=False)(run)
    if errors:
        return _form(request, signed_in, department, values, errors, 409)
    return RedirectResponse("/dashboard/settings?done=department-deleted", status_code=303)
