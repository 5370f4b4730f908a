"""OpenID Connect sign-in, the authorization code flow with PKCE (authlib's helpers, joserfc's
JWT checks): the provider's endpoints come from its discovery document, the browser is sent to
its authorization endpoint with a fresh state, nonce and code challenge, and the code that comes
back is exchanged for an ID token whose signature (the provider's JWKS), issuer, audience,
expiry and nonce are checked before its subject and email are believed."""

import base64
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from plaudit.dashboard import sso_http
from plaudit.dashboard.sso_identity import Identity, SignInRefused

DISCOVERY_PATH = "/.well-known/openid-configuration"
# Asymmetric algorithms only: a symmetric one would make the client secret a signing key.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class Provider:
    """The endpoints a provider's discovery document names."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    post_auth_only: bool  # the token endpoint takes client_secret_post, not HTTP Basic


@dataclass(frozen=True)
class Pending:
    """What the browser carries (signed) from the start of a sign-in to its callback."""

    state: str
    nonce: str
    code_verifier: str = field(repr=False)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


def discover(issuer: str, allowed: frozenset[str]) -> Provider:
    """The provider's endpoints; its document must name the very issuer configured."""
    document = sso_http.get_json(discovery_url(issuer), allowed)
    if document.get("issuer") != issuer:
        raise sso_http.ProviderUnreachable(
            f"the discovery document names issuer {str(document.get('issuer'))[:200]!r}, "
            f"not {issuer[:200]!r}"
        )
    endpoints = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(name)
        if not isinstance(value, str) or sso_http.url_refusal(value, allowed) is not None:
            raise sso_http.ProviderUnreachable(f"the discovery document has no usable {name}")
        endpoints[name] = value
    methods = document.get("token_endpoint_auth_methods_supported")
    post_only = (
        isinstance(methods, list)
        and "client_secret_post" in methods
        and "client_secret_basic" not in methods
    )
    return Provider(issuer=issuer, post_auth_only=post_only, **endpoints)


def begin(
    provider: Provider, *, client_id: str, scopes: str, redirect_uri: str
) -> tuple[str, Pending]:
    """The authorization URL to send the browser to, and what its callback will need."""
    pending = Pending(
        state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(64)
    )
    url = add_params_to_uri(
        provider.authorization_endpoint,
        [
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("scope", scopes),
            ("state", pending.state),
            ("nonce", pending.nonce),
            ("code_challenge", create_s256_code_challenge(pending.code_verifier)),
            ("code_challenge_method", "S256"),
        ],
    )
    return url, pending


def finish(
    provider: Provider,
    pending: Pending,
    *,
    code: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    allowed: frozenset[str],
    now: int,
) -> Identity:
    """Exchanges `code` for an ID token and returns who it vouches for, once every check of
    the token has passed."""
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": pending.code_verifier,
    }
    basic = None
    if provider.post_auth_only:
        fields |= {"client_id": client_id, "client_secret": client_secret}
    else:
        # RFC 6749, 2.3.1: each part form-encoded before the Basic encoding.
        pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
        basic = "Basic " + base64.b64encode(pair.encode()).decode()
    answer = sso_http.post_form(provider.token_endpoint, allowed, fields, basic_auth=basic)
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("The identity provider sent no ID token.")
    keys = sso_http.get_json(provider.jwks_uri, allowed)
    claims = verified_claims(
        id_token, keys, issuer=provider.issuer, client_id=client_id, nonce=pending.nonce, now=now
    )
    return _identity(claims)


def verified_claims(
    id_token: str, keys: dict[str, Any], *, issuer: str, client_id: str, nonce: str, now: int
) -> dict[str, Any]:
    """The claims of `id_token` once its signature (one of `keys`, a JWKS), issuer, audience,
    expiry, issue time and nonce have been checked; SignInRefused otherwise."""
    try:
        token = _decoded(id_token, KeySet.import_key_set(keys))  # type: ignore[arg-type]
        claims = CodeIDToken(
            token.claims,
            token.header,
            options={
                "iss": {"essential": True, "value": issuer},
                "aud": {"essential": True, "value": client_id},
                "sub": {"essential": True},
            },
            params={"nonce": nonce, "client_id": client_id},
        )
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise SignInRefused(f"The identity provider's ID token was refused ({error}).") from None
    return dict(claims)


def _decoded(id_token: str, key_set: KeySet) -> jwt.Token:
    """The token, its signature checked against the key its `kid` names or, without one (a
    provider with a single key may omit it), against each key of the set in turn."""
    kid = extract_compact(id_token.encode()).headers().get("kid")
    candidates = [key_set.get_by_kid(kid)] if kid is not None else list(key_set.keys)
    failure: JoseError = BadSignatureError()
    for key in candidates:
        try:
            return jwt.decode(id_token, key, algorithms=ALGORITHMS)
        except JoseError as error:
            failure = error
    raise failure


def _identity(claims: dict[str, Any]) -> Identity:
    email = claims.get("email")
    if claims.get("email_verified") is False:
        raise SignInRefused("The identity provider has not verified this email address.")
    if not isinstance(email, str) or not email:
        raise SignInRefused("The identity provider sent no email address (the email scope).")
    name = claims.get("name")
    return Identity(
        subject=str(claims["sub"]), email=email, name=name if isinstance(name, str) else None
    )
