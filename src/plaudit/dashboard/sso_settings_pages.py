"""`/dashboard/settings/sso`: an organization's single sign-on connections, listed, added,
changed, turned on and off, removed (Action.SETTINGS: admins and owners)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from plaudit.dashboard import roles, saml, sso_connections
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.dashboard.sso_connections import OIDC, PROTOCOLS, SAML, ConnectionForm
from plaudit.dashboard.sso_pages import redirect_uri, service_provider, start_path
from plaudit.domain.errors import Invalid, NotFound
from plaudit.http.deps import Work
from plaudit.services.guarded_network import allowed_hosts
from plaudit.store.dashboard_tables import SsoConnection

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

HOME = "/dashboard/settings/sso"
TEXT_FIELDS = ("name", "default_role", "allowed_domains", "issuer", "client_id", "scopes")
FIELD_CHARS = 5000
PROTOCOL_NAMES = {OIDC: "OpenID Connect", SAML: "SAML 2.0"}
Admin = Annotated[SignedIn, Depends(require(Action.SETTINGS))]


@router.get(HOME)
async def connections_page(
    request: Request, signed_in: Admin, saved: str | None = None
) -> Response:
    found = await Work(request.app.state.database, readonly=True)(
        lambda session: sso_connections.of_organization(session, signed_in.organization_id)
    )
    notice = {"deleted": "The connection was removed.", "toggled": "Saved."}.get(saved or "")
    context = {
        "title": "Single sign-on",
        "notice": notice,
        "connections": found,
        "protocols": PROTOCOL_NAMES,
    }
    return show(request, signed_in, "sso_settings.html", context)


@router.get(f"{HOME}/new")
async def new_page(request: Request, signed_in: Admin, protocol: str = OIDC) -> Response:
    if protocol not in PROTOCOLS:
        raise NotFound("protocol")
    return _form_page(request, signed_in, protocol, None, ConnectionForm(), {})


@router.post(f"{HOME}/new")
async def create(request: Request, signed_in: Admin) -> Response:
    fields = await request.form()
    protocol = str(fields.get("protocol", ""))
    if protocol not in PROTOCOLS:
        raise NotFound("protocol")
    form, errors = await _read_form(request)
    secret = request.app.state.server_secret
    hosts = allowed_hosts(request.app.state.settings.sso_allow_hosts)

    def run(session: Session) -> str:
        connection = sso_connections.create(
            session,
            signed_in.organization_id,
            protocol,
            form,
            granter_role=signed_in.role,
            server_secret=secret,
            allowed_hosts=hosts,
        )
        session.commit()
        return str(connection.uuid)

    try:
        if errors:
            raise Invalid(fields=errors)
        made = await Work(request.app.state.database, readonly=False)(run)
    except Invalid as invalid:
        return _form_page(request, signed_in, protocol, None, form, invalid.fields, status=422)
    return RedirectResponse(f"{HOME}/{made}?saved=1", status_code=303)


@router.get(f"{HOME}/{{connection_uuid}}")
async def edit_page(
    request: Request, signed_in: Admin, connection_uuid: str, saved: str | None = None
) -> Response:
    connection = await _connection(request, signed_in, connection_uuid)
    form = _form_of(connection)
    notice = "Saved." if saved else None
    return _form_page(request, signed_in, connection.protocol, connection, form, {}, notice=notice)


@router.post(f"{HOME}/{{connection_uuid}}")
async def update(request: Request, signed_in: Admin, connection_uuid: str) -> Response:
    connection = await _connection(request, signed_in, connection_uuid)
    form, errors = await _read_form(request)
    secret = request.app.state.server_secret
    hosts = allowed_hosts(request.app.state.settings.sso_allow_hosts)

    def run(session: Session) -> None:
        current = sso_connections.get(session, signed_in.organization_id, connection_uuid)
        sso_connections.update(
            session,
            current,
            form,
            granter_role=signed_in.role,
            server_secret=secret,
            allowed_hosts=hosts,
        )
        session.commit()

    try:
        if errors:
            raise Invalid(fields=errors)
        await Work(request.app.state.database, readonly=False)(run)
    except Invalid as invalid:
        return _form_page(
            request, signed_in, connection.protocol, connection, form, invalid.fields, status=422
        )
    return RedirectResponse(f"{HOME}/{connection_uuid}?saved=1", status_code=303)


@router.post(f"{HOME}/{{connection_uuid}}/enabled")
async def set_enabled(request: Request, signed_in: Admin, connection_uuid: str) -> Response:
    enabled = (await request.form()).get("enabled") == "1"

    def run(session: Session) -> None:
        connection = sso_connections.get(session, signed_in.organization_id, connection_uuid)
        connection.enabled = enabled
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return RedirectResponse(f"{HOME}?saved=toggled", status_code=303)


@router.get(f"{HOME}/{{connection_uuid}}/delete")
async def delete_page(request: Request, signed_in: Admin, connection_uuid: str) -> Response:
    connection = await _connection(request, signed_in, connection_uuid)
    context = {"title": f"Remove {connection.name}?", "connection": connection}
    return show(request, signed_in, "sso_delete.html", context)


@router.post(f"{HOME}/{{connection_uuid}}/delete")
async def delete(request: Request, signed_in: Admin, connection_uuid: str) -> Response:
    def run(session: Session) -> None:
        session.delete(sso_connections.get(session, signed_in.organization_id, connection_uuid))
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return RedirectResponse(f"{HOME}?saved=deleted", status_code=303)


async def _connection(request: Request, signed_in: SignedIn, connection_uuid: str) -> SsoConnection:
    return await Work(request.app.state.database, readonly=True)(
        lambda session: sso_connections.get(session, signed_in.organization_id, connection_uuid)
    )


async def _read_form(request: Request) -> tuple[ConnectionForm, dict[str, list[str]]]:
    """The form's fields, and the errors of those too long to be read at all."""
    fields = await request.form()
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in (*TEXT_FIELDS, "client_secret", "metadata"):
        value = fields.get(name)
        text = value if isinstance(value, str) else ""
        if len(text) > (saml.MAX_METADATA_BYTES if name == "metadata" else FIELD_CHARS):
            errors[name] = ["is too long"]
            text = ""
        values[name] = text
    upload = fields.get("metadata_file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(saml.MAX_METADATA_BYTES + 1)
        if len(raw) > saml.MAX_METADATA_BYTES:
            errors["metadata"] = [f"is larger than {saml.MAX_METADATA_BYTES // 1024} KB"]
        elif raw:
            try:
                values["metadata"] = raw.decode()
            except UnicodeDecodeError:
                errors["metadata"] = ["is not UTF-8 text"]
    return ConnectionForm(**values), errors


def _form_of(connection: SsoConnection) -> ConnectionForm:
    options = connection.settings or {}
    return ConnectionForm(
        name=connection.name,
        default_role=connection.default_role,
        allowed_domains=", ".join(connection.allowed_domains or []),
        issuer=str(options.get("issuer", "")),
        client_id=str(options.get("client_id", "")),
        scopes=str(options.get("scopes", sso_connections.DEFAULT_SCOPES)),
    )


def _form_page(
    request: Request,
    signed_in: SignedIn,
    protocol: str,
    connection: SsoConnection | None,
    form: ConnectionForm,
    errors: dict[str, list[str]],
    *,
    status: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    settings = request.app.state.settings
    name = PROTOCOL_NAMES[protocol]
    context: dict[str, Any] = {
        "title": f"{connection.name} ({name})" if connection else f"New {name} connection",
        "notice": notice,
        "protocol": protocol,
        "connection": connection,
        "form": form,
        "errors": errors,
        "roles": [role for role in roles.Role if roles.may_grant(signed_in.role, role)],
        "action": f"{HOME}/{connection.uuid}" if connection else f"{HOME}/new",
    }
    if connection is not None:
        key = str(connection.uuid)
        context["start_url"] = f"{settings.public_base_url}{start_path(key)}"
        context["redirect_uri"] = redirect_uri(settings, key)
        context["sp"] = service_provider(settings, key)
    return show(request, signed_in, "sso_connection.html", context, status_code=status)
