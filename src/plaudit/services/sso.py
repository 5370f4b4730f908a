"""Single sign-on: a link that signs a recipient in once, and its redemption.

The code in the link is random; the database keeps only its HMAC under the server's secret, so
neither a copy of the database nor a guess without the secret yields a working link.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain import sso as rules
from plaudit.domain.errors import NotFound
from plaudit.domain.scope import Scope
from plaudit.domain.sso import LinkUnusable, SsoLinkRequest
from plaudit.domain.values import is_blank, normalize_email
from plaudit.services import credentials
from plaudit.store.sso_tables import SsoCode
from plaudit.store.tables import Credential, Organization

CODE_BYTES = 32
MAX_CODE_LENGTH = 128
# Used and expired codes are kept this long to tell "used" and "expired" from "unknown".
RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class IssuedLink:
    encoded_id: str
    code: str


@dataclass(frozen=True)
class SignIn:
    """Who a redeemed link signed in, and where they should land."""

    organization_id: int
    recipient_email: str
    encoded_id: str
    wallet_view: bool
    embed: bool


def code_hash(secret: bytes, code: str) -> str:
    return hmac.new(secret, code.encode(), hashlib.sha256).hexdigest()


def generate_link(
    session: Session,
    scope: Scope,
    request: SsoLinkRequest,
    *,
    secret: bytes,
    now: datetime,
    ttl: timedelta,
) -> IssuedLink:
    rules.validate(request)
    credential = _target(session, scope, request)
    code = secrets.token_urlsafe(CODE_BYTES)
    session.execute(delete(SsoCode).where(SsoCode.expires_at < now - RETENTION))
    session.add(
        SsoCode(
            organization_id=scope.organization_id,
            credential_id=credential.id,
            code_hash=code_hash(secret, code),
            expires_at=now + ttl,
            wallet_view=request.wallet_view,
            embed=request.lands_embedded,
            redirect_to=None if is_blank(request.redirect_to) else request.redirect_to,
        )
    )
    session.flush()
    return IssuedLink(encoded_id=credential.encoded_id, code=code)


def _target(session: Session, scope: Scope, request: SsoLinkRequest) -> Credential:
    """The named credential, or the recipient's most recently issued one."""
    if not is_blank(request.credential_ref):
        return credentials.get(session, scope, str(request.credential_ref))
    query = credentials.scoped(scope)
    if not is_blank(request.recipient_email):
        email = normalize_email(str(request.recipient_email))
        query = query.where(Credential.recipient_email_normalized == email)
    if not is_blank(request.recipient_id):
        query = query.where(Credential.recipient_external_id == str(request.recipient_id).strip())
    if not is_blank(request.group_id):
        group_id = limits.parse_id(str(request.group_id))
        if group_id is None:
            raise NotFound("credential")
        query = query.where(Credential.achievement_id == group_id)
    found = session.scalars(query.order_by(Credential.id.desc()).limit(1)).first()
    if found is None:
        raise NotFound("credential")
    return found


def redeem(session: Session, encoded_id: str, code: str, *, secret: bytes, now: datetime) -> SignIn:
    """Uses the code up. NotFound for a code that never signed anyone in to this credential;
    LinkUnusable for one that was used or has expired. Of two concurrent redemptions, one wins."""
    if not code or len(code) > MAX_CODE_LENGTH or limits.contains_nul([encoded_id, code]):
        raise NotFound("sso code")
    row = session.scalar(
        select(SsoCode)
        .join(SsoCode.credential)
        .where(SsoCode.code_hash == code_hash(secret, code), Credential.encoded_id == encoded_id)
    )
    if row is None:
        raise NotFound("sso code")
    if row.used_at is not None:
        raise LinkUnusable("used", _return_url(session, row))
    if _aware(row.expires_at) <= now:
        raise LinkUnusable("expired", _return_url(session, row))
    claimed = session.execute(
        update(SsoCode)
        .where(SsoCode.id == row.id, SsoCode.used_at.is_(None))
        .values(used_at=now, updated_at=now)
    )
    if claimed.rowcount != 1:
        raise LinkUnusable("used", _return_url(session, row))
    credential = row.credential
    return SignIn(
        organization_id=credential.organization_id,
        recipient_email=credential.recipient_email_normalized,
        encoded_id=credential.encoded_id,
        wallet_view=row.wallet_view,
        embed=row.embed,
    )


def _return_url(session: Session, row: SsoCode) -> str | None:
    """The link's `redirect_to`, else the organization's registered URL (if it is a web one)."""
    if row.redirect_to:
        return row.redirect_to
    organization = session.get(Organization, row.organization_id)
    url = organization.url if organization else None
    return url if url and rules.is_web_address(url) else None


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
