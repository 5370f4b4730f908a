"""Open edX sites connected to organizations (issue 12, item 1).

A site is known by its JWT issuer (`iss`), which picks the organization; its HS256 secret is
kept encrypted under the server's secret (AES-256-GCM, bound to the issuer), never logged, and
only decrypted to check a token. Connecting an issuer again replaces its settings."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.errors import NotFound, found_uuid, invalid_field
from plaudit.openbadges.keys import (
    KeyUnavailable,
    decrypt_private_key,
    encrypt_private_key,
    encryption_key_id,
)
from plaudit.store.openedx_tables import OpenedxSite
from plaudit.store.tables import Organization

MAX_SECRET_BYTES = 2048 - 12 - 16  # the column holds the nonce and the tag too
FIELD_LENGTH = 255


@dataclass(frozen=True)
class SiteKey:
    """What checking a site's token needs: the organization, audience, secret, service user."""

    organization_id: int
    issuer: str
    audience: str
    secret: bytes = field(repr=False)  # never in a log line or a traceback's locals
    service_username: str | None


def connect(
    session: Session,
    server_secret: bytes,
    *,
    organization_id: int,
    jwt_secret: str,
    jwt_issuer: str,
    jwt_audience: str,
    service_username: str | None = None,
) -> OpenedxSite:
    """Ties the site of `jwt_issuer` to the organization (or updates the site's settings).
    An issuer belongs to one organization: moving it to another is refused."""
    if session.get(Organization, organization_id) is None:
        raise NotFound("organization")
    issuer, audience = jwt_issuer.strip(), jwt_audience.strip()
    _check(jwt_secret=jwt_secret, jwt_issuer=issuer, jwt_audience=audience)
    username = (service_username or "").strip() or None
    if username is not None and len(username) > FIELD_LENGTH:
        raise invalid_field("service_username", f"is longer than {FIELD_LENGTH} characters")
    if limits.contains_nul(username):
        raise invalid_field("service_username", "contains a NUL character")
    ciphertext, key_id = encrypt_private_key(
        jwt_secret.encode(), server_secret, _associated_data(issuer)
    )
    site = session.scalar(select(OpenedxSite).where(OpenedxSite.jwt_issuer == issuer))
    if site is None:
        site = OpenedxSite(organization_id=organization_id, jwt_issuer=issuer)
        session.add(site)
    elif site.organization_id != organization_id:
        raise invalid_field("jwt_issuer", "is connected to another organization")
    site.jwt_audience = audience
    site.jwt_secret_ciphertext = ciphertext
    site.encryption_key_id = key_id
    site.service_username = username
    session.flush()
    return site


def _check(*, jwt_secret: str, jwt_issuer: str, jwt_audience: str) -> None:
    if not jwt_secret:
        raise invalid_field("jwt_secret", "can't be blank")
    if len(jwt_secret.encode()) > MAX_SECRET_BYTES:
        raise invalid_field("jwt_secret", f"is longer than {MAX_SECRET_BYTES} bytes")
    for name, value in (("jwt_issuer", jwt_issuer), ("jwt_audience", jwt_audience)):
        if not value:
            raise invalid_field(name, "can't be blank")
        if len(value) > FIELD_LENGTH:
            raise invalid_field(name, f"is longer than {FIELD_LENGTH} characters")
        if limits.contains_nul(value):  # PostgreSQL text cannot hold it
            raise invalid_field(name, "contains a NUL character")


def site_key(session: Session, server_secret: bytes, issuer: str) -> SiteKey | None:
    """The site whose issuer is `issuer`, its secret decrypted; None when no site has it or the
    secret was encrypted under another server secret (its tokens cannot be checked)."""
    site = session.scalar(select(OpenedxSite).where(OpenedxSite.jwt_issuer == issuer))
    if site is None or not secret_usable(site, server_secret):
        return None
    try:
        secret = decrypt_private_key(
            site.jwt_secret_ciphertext, server_secret, _associated_data(site.jwt_issuer)
        )
    except KeyUnavailable:
        return None
    return SiteKey(
        organization_id=site.organization_id,
        issuer=site.jwt_issuer,
        audience=site.jwt_audience,
        secret=secret,
        service_username=site.service_username,
    )


def list_sites(session: Session, organization_id: int | None = None) -> list[OpenedxSite]:
    query = select(OpenedxSite).order_by(OpenedxSite.id)
    if organization_id is not None:
        query = query.where(OpenedxSite.organization_id == organization_id)
    return list(session.scalars(query))


def secret_usable(site: OpenedxSite, server_secret: bytes) -> bool:
    """Whether the site's secret was encrypted under `server_secret` (after the server's secret
    changes, the site's tokens fail until it is connected again with its secret)."""
    return site.encryption_key_id == encryption_key_id(server_secret)


def get(session: Session, organization_id: int, site_uuid: str) -> OpenedxSite:
    """The organization's site by its public id; another organization's is not found."""
    wanted = found_uuid(site_uuid, "Open edX site")
    site = session.scalar(
        select(OpenedxSite).where(
            OpenedxSite.organization_id == organization_id, OpenedxSite.uuid == wanted
        )
    )
    if site is None:
        raise NotFound("Open edX site")
    return site


def disconnect(session: Session, organization_id: int, site_uuid: str) -> None:
    """Forgets the site: its tokens stop authenticating at once; the credentials it issued stay
    the organization's."""
    session.delete(get(session, organization_id, site_uuid))
    session.flush()


def _associated_data(issuer: str) -> bytes:
    return f"plaudit-openedx-site:{issuer}".encode()
