"""Credentials secured with JOSE (VC-JOSE-COSE, media type `application/vc+jwt`), EdDSA.

The JWS payload is the credential itself, with the registered claims that VC Data Model 2.0's
context defines alongside (iss, nbf, exp, and sub when the subject has an id), so that the
payload is still a JSON-LD document with no undefined term (safe mode). `jti` is left out: no
context Plaudit uses defines it, and the credential's own `id` says the same. The header names
the verification method in `kid`, as in the issuer's DID document.
"""

import base64
import json
import warnings
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc import jws, jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from plaudit.openbadges.data_integrity import ProofInvalid

ALGORITHM = "EdDSA"
MEDIA_TYPE = "application/vc+jwt"
TYPE = "vc+jwt"

# RFC 9864 names the fully specified "Ed25519"; "EdDSA" is what verifiers accept today.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)


def _seconds(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp())


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def claims(document: dict[str, Any]) -> dict[str, Any]:
    """The credential with the JWT registered claims that mirror its own fields."""
    payload = dict(document)
    if (issuer := _issuer_id(document)) is not None:
        payload["iss"] = issuer
    if "validFrom" in document:
        payload["nbf"] = _seconds(document["validFrom"])
    if "validUntil" in document:
        payload["exp"] = _seconds(document["validUntil"])
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        payload["sub"] = subject["id"]
    return payload


def sign_jwt(document: dict[str, Any], private_key: Ed25519PrivateKey, kid: str) -> str:
    """The compact JWS, byte for byte what joserfc's jwt.encode makes (tests/signing check),
    without its key import and registry look-ups: signing at issuance does this per credential."""
    # No `cty`: VC-JOSE-COSE makes it optional and Open Badges 3.0 (8.2.1) allows no JOSE
    # header beyond alg, kid, jwk and typ. `typ` follows VC-JOSE-COSE (OB 3.0 would say "JWT").
    header = {"typ": TYPE, "alg": ALGORITHM, "kid": kid}
    payload = json.dumps(claims(document), ensure_ascii=False, separators=(",", ":"))
    signing_input = (
        _segment(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _segment(payload.encode())
    )
    return signing_input + "." + _segment(private_key.sign(signing_input.encode()))


def _segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def header_of(token: str) -> dict[str, Any]:
    """The JOSE header, unverified: to learn which key (`kid`) to verify with."""
    try:
        return dict(jws.extract_compact(token.encode()).protected)
    except (JoseError, ValueError) as error:
        raise ProofInvalid(f"not a JWS: {error}") from None


def verify_jwt(token: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The verified payload. The signature must hold; validity dates are left to the caller,
    who reports them as a check of their own."""
    try:
        verified = jwt.decode(token, OKPKey.import_key(public_key), algorithms=[ALGORITHM])
    except (JoseError, ValueError) as error:
        raise ProofInvalid(f"the JWT signature does not hold: {error}") from None
    return dict(verified.claims)
