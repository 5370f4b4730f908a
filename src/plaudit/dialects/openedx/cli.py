"""`plaudit openedx ...`: connecting Open edX sites (and, from the catalog area, importing
programs). Registered on the `plaudit` command at the bottom of plaudit/cli.py."""

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from plaudit.command_support import CommandFailed, open_database, pick_organization_id
from plaudit.dialects.openedx.catalog_cli import catalog_app

if TYPE_CHECKING:
    from plaudit.store.openedx_tables import OpenedxSite

openedx_app = typer.Typer(help="Open edX sites and catalog.", no_args_is_help=True)
openedx_app.add_typer(catalog_app, name="catalog")
SECRET_ENV = "PLAUDIT_OPENEDX_JWT_SECRET"


@openedx_app.command("connect")
def connect(
    jwt_secret: Annotated[
        str,
        typer.Option(
            envvar=SECRET_ENV,
            help="The site's JWT_SECRET_KEY (HS256); - reads it from stdin. Never printed.",
            show_envvar=True,
        ),
    ],
    jwt_issuer: Annotated[str, typer.Option(help="The site's JWT_ISSUER (the tokens' iss).")],
    jwt_audience: Annotated[str, typer.Option(help="The site's JWT_AUDIENCE (the tokens' aud).")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
    service_username: Annotated[
        str | None,
        typer.Option(help="The LMS's service user (CREDENTIALS_SERVICE_USERNAME): staff."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Tie an Open edX site to an organization: its JWTs then authenticate against the
    credentials API. Connecting the same issuer again updates its audience, secret and service
    user."""
    # Imported here, as in plaudit/cli.py: every `plaudit` command imports this module.
    from plaudit.server_secret import server_secret
    from plaudit.services import openedx_sites
    from plaudit.settings import get_settings

    if jwt_secret == "-":
        jwt_secret = sys.stdin.readline().rstrip("\r\n")
    secret = server_secret(get_settings())
    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.transaction() as session:
        site = openedx_sites.connect(
            session,
            secret,
            organization_id=organization_id,
            jwt_secret=jwt_secret,
            jwt_issuer=jwt_issuer,
            jwt_audience=jwt_audience,
            service_username=service_username,
        )
        result = _site_json(site)
    if as_json:
        typer.echo(json.dumps(result))
        return
    user = result["service_username"] or "none"
    typer.echo(
        f"Connected {result['jwt_issuer']} to organization {organization_id} "
        f"(audience {result['jwt_audience']}, service user {user})."
    )


@openedx_app.command("sites")
def sites(
    org: Annotated[int | None, typer.Option(help="Only this organization's sites.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array.")] = False,
) -> None:
    """List the connected sites (never their secrets)."""
    from plaudit.services import openedx_sites

    database = open_database()
    if org is not None:
        pick_organization_id(database, org)
    with database.session(readonly=True) as session:
        rows = [_site_json(site) for site in openedx_sites.list_sites(session, org)]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    if not rows:
        raise CommandFailed("no Open edX site yet: connect one with `plaudit openedx connect`")
    for row in rows:
        typer.echo(
            f"{row['organization_id']:>6}  {row['jwt_issuer']}  aud={row['jwt_audience']}  "
            f"service={row['service_username'] or '-'}"
        )


def _site_json(site: "OpenedxSite") -> dict[str, object]:
    return {
        "id": site.id,
        "uuid": str(site.uuid),
        "organization_id": site.organization_id,
        "jwt_issuer": site.jwt_issuer,
        "jwt_audience": site.jwt_audience,
        "service_username": site.service_username,
    }
