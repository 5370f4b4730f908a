"""The `plaudit` command."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from plaudit.domain.errors import Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.http.request_log import configure_logging
from plaudit.jobs.worker import Worker, run_until_signalled
from plaudit.openbadges import did, keys
from plaudit.server_secret import InsecureSecret, refuse_insecure_secret, server_secret
from plaudit.services import (
    api_keys,
    credential_status,
    credits,
    organizations,
    verification,
)
from plaudit.services import credentials as credential_service
from plaudit.services.signing import Signer
from plaudit.settings import get_settings
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade

app = typer.Typer(help="Plaudit: self-hosted digital credentials.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
credits_app = typer.Typer(help="Issuance credits.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(db_app, name="db")
app.add_typer(credits_app, name="credits")
credentials_app = typer.Typer(help="Credentials.", no_args_is_help=True)
app.add_typer(credentials_app, name="credentials")
signing_app = typer.Typer(help="Organizations' signing keys and DIDs.", no_args_is_help=True)
app.add_typer(signing_app, name="signing")


def _database() -> Database:
    database = Database(get_settings().resolved_database_url)
    upgrade(database.engine)
    return database


def _organization_id(database: Database, given: int | None) -> int:
    if given is not None:
        return given
    with database.session() as session:
        found = organizations.list_organizations(session)
    if len(found) != 1:
        raise typer.BadParameter("there is not exactly one organization: name one with --org")
    return found[0].id


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Apply migrations, then serve the API."""
    settings = get_settings()
    try:
        refuse_insecure_secret(settings)
    except InsecureSecret as error:
        typer.echo(f"plaudit serve: {error}", err=True)
        raise typer.Exit(1) from None
    _database().dispose()
    uvicorn.run(
        "plaudit.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        access_log=False,
        # The app reads X-Forwarded-For itself, and only from PLAUDIT_TRUSTED_PROXIES.
        proxy_headers=False,
    )


@app.command()
def init(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create the demo organization if missing and print a new account-wide API key for it."""
    settings = get_settings()
    database = _database()
    with database.transaction() as session:
        organization, created = organizations.ensure_organization(session, settings.demo_org_name)
        keys.ensure_key(session, organization, server_secret(settings))  # its signing key
        issued = api_keys.create_key(session, organization.id, label="plaudit init")
        result = {
            "organization_id": organization.id,
            "organization_uuid": str(organization.uuid),
            "organization_name": organization.name,
            "created": created,
            "api_key": issued.plaintext,
        }
    if as_json:
        typer.echo(json.dumps(result))
        return
    verb = "Created" if created else "Found"
    typer.echo(f"{verb} organization {organization.name!r} (id {organization.id}).")
    typer.echo(f"API key (shown once): {issued.plaintext}")
    typer.echo(
        f"Try: curl -H 'Authorization: Token token={issued.plaintext}' "
        f"{settings.public_base_url}/v1/issuer/details"
    )


@keys_app.command("create")
def keys_create(
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
    department: Annotated[
        int | None, typer.Option(help="Scope the key to this department.")
    ] = None,
    label: Annotated[str | None, typer.Option(help="What the key is for.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create an API key (account-wide, or scoped to one department)."""
    database = _database()
    organization_id = _organization_id(database, org)
    with database.transaction() as session:
        issued = api_keys.create_key(session, organization_id, department, label)
        result = {
            "prefix": issued.key.prefix,
            "organization_id": organization_id,
            "department_id": department,
            "api_key": issued.plaintext,
        }
    typer.echo(json.dumps(result) if as_json else f"API key (shown once): {issued.plaintext}")


@keys_app.command("list")
def keys_list(org: Annotated[int | None, typer.Option(help="Organization id.")] = None) -> None:
    """List an organization's keys (prefixes only; secrets are never stored)."""
    database = _database()
    organization_id = _organization_id(database, org)
    with database.session() as session:
        for key in api_keys.list_keys(session, organization_id):
            state = "revoked" if key.revoked_at else "active"
            scope = f"department {key.department_id}" if key.department_id else "account-wide"
            typer.echo(f"{key.prefix}  {state:8} {scope:16} {key.label or ''}")


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key or its prefix.")]) -> None:
    """Revoke a key: it stops working at once."""
    database = _database()
    with database.transaction() as session:
        key = api_keys.revoke_key(session, prefix)
        typer.echo(f"Revoked {key.prefix}.")


@credentials_app.command("revoke")
def credentials_revoke(
    ref: Annotated[str, typer.Argument(help="License id, id or encoded id of the credential.")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """Revoke a credential for good: its status-list bit is set, its page says revoked and
    every verifier rejects it."""
    database = _database()
    organization_id = _organization_id(database, org)
    try:
        with database.transaction() as session:
            credential = credential_service.get(session, Scope(organization_id), ref)
            credential_status.revoked(session, credential)
    except NotFound:
        raise typer.BadParameter(
            f"no credential {ref!r} in organization {organization_id}"
        ) from None
    typer.echo(f"Revoked credential {credential.id}.")


@credits_app.command("set")
def credits_set(
    amount: Annotated[str, typer.Argument(help="Credits left, or 'unlimited'.")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """Set an organization's credit balance; each published credential uses one."""
    balance = None if amount.strip().lower() == "unlimited" else _whole_number(amount)
    database = _database()
    organization_id = _organization_id(database, org)
    try:
        with database.transaction() as session:
            credits.set_balance(session, organization_id, balance)
    except Invalid:
        raise typer.BadParameter("credits must be between 0 and 2147483647") from None
    typer.echo(f"Credits of organization {organization_id}: {amount.strip().lower()}.")


@credits_app.command("show")
def credits_show(org: Annotated[int | None, typer.Option(help="Organization id.")] = None) -> None:
    """Print an organization's credit balance."""
    database = _database()
    organization_id = _organization_id(database, org)
    with database.session() as session:
        left = organizations.get_organization(session, organization_id).credits_remaining
    typer.echo("unlimited" if left is None else str(left))


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise typer.BadParameter("a whole number or 'unlimited'") from None


@app.command()
def worker() -> None:
    """Run background jobs until SIGTERM or Ctrl-C (the job under way is finished first)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    database = _database()
    run_until_signalled(Worker(database, settings))
    database.dispose()


@app.command()
def verify(
    file: Annotated[
        str,
        typer.Argument(help="A credential (.json, .jwt) or baked badge (.png, .svg); - for stdin."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Verify a credential: proof, issuer key, status, validity dates, schema. Exit code 0 when
    it is valid, 1 when it is not. Only this server's issuers and did:key resolve; nothing is
    fetched."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as error:
        raise typer.BadParameter(f"cannot read {file}: {error.strerror}") from None
    settings = get_settings()
    signer = Signer(settings.public_base_url, server_secret(settings))
    database = _database()
    with database.writing_session() as session:
        result = verification.verify_bytes(session, signer, data, may_sign=True).as_json()
        session.commit()  # keeps a status list it had to sign again
    database.dispose()
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        typer.echo("VALID" if result["valid"] else "NOT VALID")
        for error in result["errors"] if not result["checks"] else []:
            typer.echo(f"  {error}")
        for check in result["checks"]:
            typer.echo(f"  {check['outcome']:<8} {check['name']:<9} {check['reason']}")
    raise typer.Exit(0 if result["valid"] else 1)


@signing_app.command("show")
def signing_show(org: Annotated[int | None, typer.Option(help="Organization id.")] = None) -> None:
    """Print the organization's DID and its keys (active first), making its first key if none."""
    settings = get_settings()
    database = _database()
    organization_id = _organization_id(database, org)
    with database.transaction() as session:
        organization = organizations.get_organization(session, organization_id)
        keys.ensure_key(session, organization, server_secret(settings))
        published = keys.published_keys(session, organization_id)
        typer.echo(did.issuer_did(settings.public_base_url, organization, published[0]))
        for row in published:
            state = f"retired {row.retired_at:%Y-%m-%d}" if row.retired_at else "active"
            typer.echo(f"  key {row.sequence}  {keys.multikey(row)}  {state}")


@signing_app.command("rotate")
def signing_rotate(
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """Make a new signing key; older keys are retired but stay published, so what they signed
    still verifies. Credentials are signed again with the new key when next asked for."""
    settings = get_settings()
    database = _database()
    organization_id = _organization_id(database, org)
    with database.transaction() as session:
        organization = organizations.get_organization(session, organization_id)
        row = keys.rotate(session, organization, server_secret(settings))
        typer.echo(f"Key {row.sequence} is now active: {keys.multikey(row)}")


@signing_app.command("did-method")
def signing_did_method(
    method: Annotated[str, typer.Argument(help="web (default) or key.")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """How the organization's credentials name their issuer: did:web, or the active key's
    did:key (which changes when the key rotates)."""
    if method not in did.METHODS:
        raise typer.BadParameter("web or key")
    database = _database()
    organization_id = _organization_id(database, org)
    with database.transaction() as session:
        organizations.get_organization(session, organization_id).did_method = method
    typer.echo(f"Organization {organization_id} now signs as did:{method}.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    _database().dispose()
    typer.echo("Database is up to date.")
