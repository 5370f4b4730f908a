"""An organization's single sign-on connections: made, changed, turned on and off, removed,
and found for a sign-in. The OIDC client secret is kept encrypted under the server's secret
(AES-256-GCM bound to the connection, as webhook secrets are) and never shown again; SAML
connections keep the IdP's metadata as pasted or uploaded (it is never fetched)."""

import re
from dataclasses import dataclass
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.dashboard import roles, saml, sso_http
from plaudit.dashboard.sso_identity import SignInRefused
from plaudit.dashboard.sso_members import email_domain
from plaudit.domain.errors import Invalid, NotFound
from plaudit.openbadges.keys import KeyUnavailable, decrypt_private_key, encrypt_private_key
from plaudit.store.dashboard_tables import SsoConnection

OIDC, SAML = "oidc", "saml"
PROTOCOLS = (OIDC, SAML)
NAME_LENGTH = 255
FIELD_LENGTH = 1000
MAX_SECRET_LENGTH = 512  # the column holds nonce, ciphertext and tag in 1024 bytes
MAX_DOMAINS = 50
DEFAULT_SCOPES = "openid email profile"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SCOPE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")  # RFC 6749, 3.3


@dataclass(frozen=True)
class ConnectionForm:
    """What the settings form sends. Blank `client_secret` or `metadata` on a change keeps the
    connection's present one."""

    name: str = ""
    default_role: str = roles.Role.VIEWER
    allowed_domains: str = ""
    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    scopes: str = DEFAULT_SCOPES
    metadata: str = ""


def of_organization(session: Session, organization_id: int) -> list[SsoConnection]:
    return list(
        session.scalars(
            select(SsoConnection)
            .where(SsoConnection.organization_id == organization_id)
            .order_by(SsoConnection.id)
        )
    )


def get(session: Session, organization_id: int, connection_uuid: str) -> SsoConnection:
    """The organization's connection; another organization's is not found, as a missing one."""
    connection = by_uuid(session, connection_uuid)
    if connection is None or connection.organization_id != organization_id:
        raise NotFound("single sign-on connection")
    return connection


def by_uuid(session: Session, connection_uuid: str) -> SsoConnection | None:
    """The connection of `connection_uuid` in its canonical form only: the addresses an IdP
    knows (callback, entity id, ACS) are built from it and must not vary."""
    try:
        key = UUID(connection_uuid)
    except ValueError:
        return None
    if str(key) != connection_uuid:
        return None
    return session.scalar(select(SsoConnection).where(SsoConnection.uuid == key))


def for_email(session: Session, email: str) -> list[SsoConnection]:
    """The enabled connections that name the email's domain among their allowed domains."""
    domain = email_domain(email)
    if not domain:
        return []
    enabled = session.scalars(
        select(SsoConnection).where(SsoConnection.enabled.is_(True)).order_by(SsoConnection.id)
    )
    return [connection for connection in enabled if domain in (connection.allowed_domains or [])]


def create(
    session: Session,
    organization_id: int,
    protocol: str,
    form: ConnectionForm,
    *,
    granter_role: str,
    server_secret: bytes,
    allowed_hosts: frozenset[str],
) -> SsoConnection:
    if protocol not in PROTOCOLS:
        raise Invalid(fields={"protocol": ["must be oidc or saml"]})
    # The uuid now, not at flush: the secret's encryption is bound to it.
    connection = SsoConnection(
        uuid=uuid4(), organization_id=organization_id, protocol=protocol, enabled=True, settings={}
    )
    _apply(connection, form, granter_role, server_secret, allowed_hosts, new=True)
    session.add(connection)
    session.flush()
    return connection


def update(
    session: Session,
    connection: SsoConnection,
    form: ConnectionForm,
    *,
    granter_role: str,
    server_secret: bytes,
    allowed_hosts: frozenset[str],
) -> SsoConnection:
    _apply(connection, form, granter_role, server_secret, allowed_hosts, new=False)
    session.flush()
    return connection


def client_secret(connection: SsoConnection, server_secret: bytes) -> str:
    if connection.secret_ciphertext is None:
        raise SignInRefused("This connection has no client secret: an administrator must set it.")
    try:
        raw = decrypt_private_key(
            connection.secret_ciphertext, server_secret, _associated_data(connection)
        )
    except KeyUnavailable:
        raise SignInRefused(
            "This connection's client secret was saved under another server secret: an "
            "administrator must enter it again."
        ) from None
    return raw.decode()


def _apply(
    connection: SsoConnection,
    form: ConnectionForm,
    granter_role: str,
    server_secret: bytes,
    allowed_hosts: frozenset[str],
    *,
    new: bool,
) -> None:
    errors: dict[str, list[str]] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = ["can't be blank"]
    elif len(name) > NAME_LENGTH:
        errors["name"] = [f"is longer than {NAME_LENGTH} characters"]
    if form.default_role not in set(roles.Role) or not roles.may_grant(
        granter_role, form.default_role
    ):
        errors["default_role"] = ["is not a role you may grant"]
    domains = _domains(form.allowed_domains, errors)
    settings = dict(connection.settings or {})
    secret: str | None = None
    if connection.protocol == OIDC:
        secret = _oidc(form, settings, allowed_hosts, errors, new=new)
    else:
        _saml(form, settings, errors, new=new)
    if errors:
        raise Invalid(fields=errors)
    connection.name = name
    connection.default_role = form.default_role
    connection.allowed_domains = domains
    connection.settings = settings
    if secret is not None:
        connection.secret_ciphertext, _ = encrypt_private_key(
            secret.encode(), server_secret, _associated_data(connection)
        )


def _domains(text: str, errors: dict[str, list[str]]) -> list[str] | None:
    domains = sorted({part.strip().lower() for part in re.split(r"[\s,]+", text) if part.strip()})
    if not domains:
        return None
    bad = [domain for domain in domains if not _DOMAIN.match(domain)]
    if bad:
        errors["allowed_domains"] = [f"{bad[0][:100]} is not a domain name"]
    elif len(domains) > MAX_DOMAINS:
        errors["allowed_domains"] = [f"may list at most {MAX_DOMAINS} domains"]
    return domains


def _oidc(
    form: ConnectionForm,
    settings: dict[str, object],
    allowed_hosts: frozenset[str],
    errors: dict[str, list[str]],
    *,
    new: bool,
) -> str | None:
    issuer, client_id = form.issuer.strip(), form.client_id.strip()
    scopes = " ".join(form.scopes.split()) or DEFAULT_SCOPES
    refusal = sso_http.url_refusal(issuer, allowed_hosts) if issuer else "can't be blank"
    if refusal is None and len(issuer) > FIELD_LENGTH:
        refusal = f"is longer than {FIELD_LENGTH} characters"
    if refusal is not None:
        errors["issuer"] = [refusal]
    if not client_id:
        errors["client_id"] = ["can't be blank"]
    elif len(client_id) > NAME_LENGTH:
        errors["client_id"] = [f"is longer than {NAME_LENGTH} characters"]
    if "openid" not in scopes.split(" "):
        errors["scopes"] = ["must include openid"]
    elif len(scopes) > FIELD_LENGTH or not all(_SCOPE.match(s) for s in scopes.split(" ")):
        errors["scopes"] = ["are not valid scope names"]
    secret = form.client_secret.strip()
    if not secret and new:
        errors["client_secret"] = ["can't be blank"]
    elif len(secret) > MAX_SECRET_LENGTH:
        errors["client_secret"] = [f"is longer than {MAX_SECRET_LENGTH} characters"]
    settings.update(issuer=issuer, client_id=client_id, scopes=scopes)
    return secret or None


def _saml(
    form: ConnectionForm, settings: dict[str, object], errors: dict[str, list[str]], *, new: bool
) -> None:
    metadata = form.metadata.strip()
    if not metadata:
        if new:
            errors["metadata"] = ["can't be blank"]
        return
    try:
        entity_id = saml.idp_entity_id(metadata)
    except Invalid as invalid:
        errors.update(invalid.fields)
        return
    except saml.XmlsecMissing as missing:
        errors["metadata"] = [str(missing)]
        return
    settings.update(idp_metadata=metadata, idp_entity_id=entity_id)


def _associated_data(connection: SsoConnection) -> bytes:
    return f"plaudit-sso-client-secret:{connection.uuid}".encode()
