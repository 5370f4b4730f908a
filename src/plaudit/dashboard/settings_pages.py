"""`/dashboard/settings`: the organization's name, website, LinkedIn company id, default
privacy, colours and logo, and its departments (dashboard/department_pages.py). Only the roles
that may change settings see the page.

Name and website are the organization's (services/organizations.py); the LinkedIn company id
and the default privacy are its default department's, where credentials take them from
(services/departments.py); colours and logo are services/organization_branding.py's. One form
saves all but the logo in one transaction: any field refused, nothing is written."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard import form_errors
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.departments import DepartmentFields
from plaudit.domain.errors import Invalid
from plaudit.domain.scope import Scope
from plaudit.http.deps import Work
from plaudit.render import logos
from plaudit.services import departments, organization_branding, organizations
from plaudit.store.tables import Department
from plaudit.web import organization_files

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

SETTINGS = "/dashboard/settings"
Administrator = Annotated[SignedIn, Depends(require(Action.SETTINGS))]
FIELDS = ("name", "url", "linkedin_company_id", "primary_color", "accent_color")
NOTICES = {
    "saved": "Settings saved.",
    "logo": "Logo saved. Pages and designs show it from now on.",
    "logo-removed": "Logo removed.",
    "department-deleted": "Department deleted.",
}
# What an upload reads at most: one byte past the limit tells an oversized file.
_UPLOAD_READ = logos.MAX_LOGO_BYTES + 1


def _current(session: Session, organization_id: int, base_url: str) -> dict[str, Any]:
    organization = organizations.get_organization(session, organization_id)
    default = organizations.default_department(session, organization_id)
    listed = session.scalars(
        departments.scoped(Scope(organization_id)).order_by(
            Department.is_default.desc(), Department.name, Department.id
        )
    ).all()
    return {
        "values": {
            "name": organization.name,
            "url": organization.url or "",
            "linkedin_company_id": default.linkedin_company_id or "",
            "private": bool(default.generate_private_credential),
            "primary_color": organization.primary_color or "",
            "accent_color": organization.accent_color or "",
        },
        "logo": {
            "url": organization_files.logo_url(base_url, organization),
            "media_type": organization.logo_media_type,
        },
        "departments": list(listed),
    }


async def _settings_page(
    request: Request,
    signed_in: SignedIn,
    *,
    notice: str | None = None,
    given: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    logo_errors: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    base_url = request.app.state.settings.public_base_url
    current = await Work(request.app.state.database, readonly=True)(
        lambda session: _current(session, signed_in.organization_id, base_url)
    )
    context = {
        "title": "Settings",
        "notice": notice,
        **current,
        "values": {**current["values"], **(given or {})},
        "errors": errors or {},
        "logo_errors": logo_errors or {},
        "max_logo_kb": logos.MAX_LOGO_BYTES // 1024,
    }
    status = 422 if errors or logo_errors else 200
    return show(request, signed_in, "settings.html", context, status_code=status)


@router.get(SETTINGS)
async def settings_page(
    request: Request, signed_in: Administrator, done: str | None = None
) -> Response:
    return await _settings_page(request, signed_in, notice=NOTICES.get(done or ""))


@router.post(SETTINGS)
async def save_settings(
    request: Request,
    signed_in: Administrator,
    name: Annotated[str, Form(max_length=1024)] = "",
    url: Annotated[str, Form(max_length=4096)] = "",
    linkedin_company_id: Annotated[str, Form(max_length=1024)] = "",
    private: Annotated[str, Form(max_length=8)] = "",
    primary_color: Annotated[str, Form(max_length=64)] = "",
    accent_color: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    scope = signed_in.scope

    def run(session: Session) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        steps = (
            lambda: organizations.update_organization(session, scope, {"name": name, "url": url}),
            lambda: departments.update(
                session,
                scope,
                organizations.default_department(session, scope.organization_id).id,
                DepartmentFields(
                    linkedin_company_id=linkedin_company_id.strip() or None,
                    generate_private_credential=private == "on",
                ),
            ),
            lambda: organization_branding.set_colors(session, scope, primary_color, accent_color),
        )
        for step in steps:
            try:
                step()
            except Invalid as error:
                errors.update(form_errors.by_field(error))
        if not errors:
            session.commit()
        return errors  # uncommitted work is rolled back: nothing of a refused form is kept

    errors = await Work(request.app.state.database, readonly=False)(run)
    if errors:
        given = {
            "name": name,
            "url": url,
            "linkedin_company_id": linkedin_company_id,
            "private": private == "on",
            "primary_color": primary_color,
            "accent_color": accent_color,
        }
        return await _settings_page(request, signed_in, given=given, errors=errors)
    return RedirectResponse(f"{SETTINGS}?done=saved", status_code=303)


@router.post(f"{SETTINGS}/logo")
async def upload_logo(
    request: Request,
    signed_in: Administrator,
    logo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if logo is None or not logo.filename:
        errors = {"logo": ["Choose a PNG, JPEG or SVG file to upload."]}
        return await _settings_page(request, signed_in, logo_errors=errors)
    data = await logo.read(_UPLOAD_READ)
    try:
        prepared = logos.prepared(data)
    except logos.UnusableLogo as error:
        return await _settings_page(request, signed_in, logo_errors={"logo": [str(error)]})
    scope = signed_in.scope

    def run(session: Session) -> None:
        organization_branding.set_logo(session, scope, prepared)
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return RedirectResponse(f"{SETTINGS}?done=logo", status_code=303)


@router.post(f"{SETTINGS}/logo/remove")
async def remove_logo(request: Request, signed_in: Administrator) -> Response:
    scope = signed_in.scope

    def run(session: Session) -> None:
        organization_branding.remove_logo(session, scope)
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return RedirectResponse(f"{SETTINGS}?done=logo-removed", status_code=303)
