"""Verification of a credential anyone hands us: which checks pass, which fail, and why.

A submission is an OB 3.0 credential as JSON-LD with a Data Integrity proof, a VC-JWT, or a badge
image (PNG or SVG) with one baked in. The checks, by stable name:

- `proof`: every eddsa-rdfc-2022 proof, or the JWT's EdDSA signature, is valid for the key it
  names (one good proof does not vouch for a junk one beside it);
- `issuer`: those keys belong to the credential's issuer: its DID resolves to them;
- `status`: no revocation or suspension bit is set in the issuer's signed status list;
- `validity`: now is between validFrom and validUntil (and the JWT's nbf and exp);
- `schema`: the credential validates against 1EdTech's AchievementCredential JSON Schema.

Verification comes in two steps. `examine` does all the costly work, which depends on the
submitted bytes alone: it reads the submission (refusing one past its `json_bounds`),
canonicalizes and hashes what each proof signs, and validates the schema; anyone may submit
anything, so the server runs it in a worker process it can kill (services/verification_workers.py).
`conclude` then looks up keys and status lists, checks signatures and dates: cheap.

Nothing here does I/O: DIDs and status lists come through a `Resolver`
(services/verification.py), which answers from the database, from did:key, or from what was
fetched before (services/remote_issuers.py). What it cannot look up is `Unresolved`, and a
check that needs it is `unchecked` ("could not be checked", with the reason), never `failed`:
a credential from an issuer we cannot reach is not thereby a forgery. Only an answer that
contradicts the credential fails a check.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plaudit.openbadges import baking, json_bounds, schema, status_list
from plaudit.openbadges.data_integrity import (
    ProofInvalid,
    SignedInput,
    check_signature,
    proof_label,
    proof_of,
    proofs_of,
    signed_inputs,
    verify_proof,
)
from plaudit.openbadges.json_bounds import Bounds
from plaudit.openbadges.vc_jwt import verify_jwt

CHECKS = ("proof", "issuer", "status", "validity", "schema")
CLOCK_SKEW = timedelta(minutes=5)
MAX_INPUT_BYTES = 2 * 1024 * 1024
DEFAULT_BOUNDS = Bounds()
Outcome = Literal["passed", "failed", "skipped", "unchecked"]
Verdict = Literal["valid", "invalid", "unchecked"]
UNCHECKED = "could not be checked"


class Unreadable(ValueError):
    """The submission is not a credential in any form we read."""


@dataclass(frozen=True)
class Unresolved:
    """Why a DID or status list could not be looked up. `final`: the one authority for it
    answered that there is no such thing (the check fails); otherwise it could not be asked or
    did not answer (the check could not be made)."""

    reason: str
    final: bool = False


class Resolver(Protocol):
    def keys(self, did: str) -> dict[str, Ed25519PublicKey] | Unresolved:
        """The issuer's verification keys by full key id."""

    def status_list(self, url: str) -> dict[str, Any] | Unresolved:
        """The signed status list credential at `url`."""


@dataclass(frozen=True)
class Check:
    name: str
    outcome: Outcome
    reason: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "outcome": self.outcome, "reason": self.reason}


@dataclass(frozen=True)
class Submission:
    """A credential as read: `source` json, jwt, png or svg; `jwt` set for the JWT form."""

    source: str
    credential: dict[str, Any]
    jwt: str | None = None

    @property
    def form(self) -> str:
        return "vc+jwt" if self.jwt else "vc+ld+json"


@dataclass(frozen=True)
class Verification:
    checks: list[Check]
    submission: Submission | None = None
    error: str = ""
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.submission is not None and all(
            check.outcome == "passed" or (check.outcome == "skipped" and check.name == "status")
            for check in self.checks
        )

    @property
    def verdict(self) -> Verdict:
        """valid; invalid when a check failed (or nothing could be read); unchecked when no
        check failed but one could not be made."""
        if self.valid:
            return "valid"
        if self.submission is None or self.failed():
            return "invalid"
        return "unchecked"

    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.outcome == "failed"]

    def as_json(self) -> dict[str, Any]:
        wrong = [check for check in self.checks if check.outcome in ("failed", "unchecked")]
        answer: dict[str, Any] = {
            "valid": self.valid,
            "verdict": self.verdict,
            "checks": [check.as_json() for check in self.checks],
            "errors": [f"{check.name}: {check.reason}" for check in wrong],
        }
        if self.error:
            answer["errors"].insert(0, self.error)
        if self.submission is not None:
            answer["format"] = self.submission.form
            answer["source"] = self.submission.source
            answer["credential"] = self.summary
        return answer


# --- reading a submission ----------------------------------------------------------------


def read_submission(data: bytes, bounds: Bounds = DEFAULT_BOUNDS) -> Submission:
    """A credential from raw bytes: a baked PNG or SVG, JSON-LD, or a compact JWT. Unreadable,
    NotBaked, or TooLarge past `bounds`."""
    if not data.strip():
        raise Unreadable("nothing to verify")
    if len(data) > MAX_INPUT_BYTES:
        raise Unreadable("too large to be a credential")
    if data.startswith(baking.PNG_SIGNATURE):
        return _from_baked(baking.extract_png(data), "png", bounds)
    text = _text(data)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return _from_baked(baking.extract_svg(data), "svg", bounds)
    return _from_text(stripped, "json" if stripped.startswith("{") else "jwt", bounds)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable("neither a badge image nor a UTF-8 credential") from error


def _from_baked(badge: baking.BakedBadge, source: str, bounds: Bounds) -> Submission:
    if badge.version == "ob2":
        raise Unreadable(
            "this image carries an Open Badges 2.0 assertion: verify it at its hosted URL"
        )
    return _from_text(badge.text.strip(), source, bounds)


def _from_text(text: str, source: str, bounds: Bounds) -> Submission:
    if text.startswith(("{", "[", '"')):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise Unreadable(f"not valid JSON: {error.msg}") from error
        except RecursionError:
            raise Unreadable("not valid JSON: nested too deeply") from None
        if not isinstance(document, dict):
            raise Unreadable("a credential is a JSON object")
        json_bounds.check(document, bounds)
        return Submission(source=source, credential=document)
    token = "".join(text.split())
    # An unreadable header makes the whole token unreadable.
    json_bounds.check(jwt_header(token), bounds)
    payload = _jwt_part(token, 1)
    json_bounds.check(payload, bounds)
    return Submission(source=source, credential=_credential_of(payload), jwt=token)


def _b64url(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as error:
        raise Unreadable("not a compact JWT") from error


def _jwt_part(token: str, index: int) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise Unreadable("neither JSON nor a compact JWT")
    try:
        value = json.loads(_b64url(parts[index]))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise Unreadable("not a compact JWT") from error
    if not isinstance(value, dict):
        raise Unreadable("not a compact JWT")
    return value


def jwt_header(token: str) -> dict[str, Any]:
    return _jwt_part(token, 0)


def _credential_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential a VC-JWT's payload carries (unverified): the payload, or its `vc`
    claim."""
    credential = payload.get("vc", payload)
    if not isinstance(credential, dict):
        raise Unreadable("the JWT carries no credential")
    return {**credential, **{k: payload[k] for k in ("nbf", "exp") if k in payload}}


# --- examining a submission: the costly part, bounded and run where it can be stopped --------


@dataclass(frozen=True)
class ProofToCheck:
    """One proof, examined: the verification method it names (`label` says which of a set it
    is), and what that method's key must have signed (None for a JWT, whose signature is
    checked whole), or why it cannot hold whatever the key (`problem`)."""

    method: str
    label: str = ""
    signed: SignedInput | None = None
    problem: str = ""


@dataclass(frozen=True)
class Examined:
    """Everything a submission says before any key or status list is looked up: read,
    canonicalized, hashed and validated against the schema. It depends on the submitted bytes
    alone, so `examine` can run in a worker process, and it is all the costly work of a
    verification."""

    submission: Submission | None
    error: str = ""
    proofs: tuple[ProofToCheck, ...] = ()
    proof_problem: str = ""  # the proof set itself is unusable
    schema: Check = Check("schema", "skipped")
    summary: dict[str, Any] = field(default_factory=dict)


def examine(data: bytes, bounds: Bounds = DEFAULT_BOUNDS) -> Examined:
    """Reads and examines a submission; unreadable input, or input past `bounds`, is an
    Examined without a submission saying why."""
    try:
        submission = read_submission(data, bounds)
    except (Unreadable, baking.NotBaked) as error:
        return Examined(submission=None, error=str(error))
    except json_bounds.TooLarge as error:
        return Examined(submission=None, error=f"too large to verify: {error}")
    return examine_submission(submission)


def examine_submission(submission: Submission) -> Examined:
    credential = submission.credential
    try:
        proofs = _proofs_to_check(submission)
    except ProofInvalid as error:
        proofs, problem = (), error.reason
    else:
        problem = ""
    return Examined(
        submission=submission,
        proofs=proofs,
        proof_problem=problem,
        schema=_schema(credential),
        summary=summarize(credential),
    )


def _proofs_to_check(submission: Submission) -> tuple[ProofToCheck, ...]:
    """The proofs a key must then check; ProofInvalid when there is none to check."""
    if submission.jwt:
        kid = jwt_header(submission.jwt).get("kid")
        if not isinstance(kid, str) or not kid:
            raise ProofInvalid("no kid in the JWT header")
        return (ProofToCheck(kid),)
    credential = submission.credential
    proofs = proofs_of(credential)
    try:
        inputs = signed_inputs(credential)
    except Exception as error:  # anything else a hostile document provokes in pyld
        reason = _reason(error, "the credential cannot be canonicalized")
        inputs = [ProofInvalid(reason)] * len(proofs)
    checked = []
    for number, (proof, signed) in enumerate(zip(proofs, inputs, strict=True), 1):
        method, label = proof["verificationMethod"], proof_label(number, len(proofs))
        if isinstance(signed, SignedInput):
            checked.append(ProofToCheck(method, label, signed))
        else:
            checked.append(ProofToCheck(method, label, problem=signed.reason))
    return tuple(checked)


# --- the checks ------------------------------------------------------------------------------


def verify_submission(
    submission: Submission, resolver: Resolver, now: datetime | None = None
) -> Verification:
    return conclude(examine_submission(submission), resolver, now)


def conclude(examined: Examined, resolver: Resolver, now: datetime | None = None) -> Verification:
    """The verification of an examined submission: its keys and status lists looked up, its
    signatures checked, its dates compared with `now`. Cheap: the costly work was done."""
    submission = examined.submission
    if submission is None:
        return Verification(checks=[], error=examined.error)
    credential = submission.credential
    proof, issuer = _proof_and_issuer(examined, submission, resolver)
    checks = [
        proof,
        issuer,
        _status(credential, resolver),
        _validity(credential, now or datetime.now(UTC)),
        examined.schema,
    ]
    return Verification(checks=checks, submission=submission, summary=examined.summary)


def issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def _issuer_keys(
    credential: dict[str, Any], resolver: Resolver
) -> dict[str, Ed25519PublicKey] | Unresolved:
    did = issuer_id(credential)
    if not did.startswith("did:"):
        return Unresolved(f"the issuer {did[:100]!r} is not a DID", final=True)
    return resolver.keys(did)


def _unchecked(name: str, reason: str) -> Check:
    return Check(name, "unchecked", f"{UNCHECKED}: {reason}")


def _find_key(keys: dict[str, Ed25519PublicKey], did: str, key_id: str) -> Ed25519PublicKey | None:
    if key_id in keys:
        return keys[key_id]
    fragment = key_id.partition("#")[2]
    if not fragment:
        return None
    return keys.get(f"{did}#{fragment}") or keys.get(f"#{fragment}")


def _proof_and_issuer(
    examined: Examined, submission: Submission, resolver: Resolver
) -> tuple[Check, Check]:
    """Every proof must hold, each with a key of the issuer: the first that does not decides
    both checks' reasons."""
    if examined.proof_problem:
        problem = examined.proof_problem
        return Check("proof", "failed", problem), Check("issuer", "failed", problem)
    results = [_one_proof(submission, proof, resolver) for proof in examined.proofs]
    proof = _worst([p for p, _ in results])
    issuer = _worst([i for _, i in results])
    if len(results) > 1 and proof.outcome == "passed":
        proof = Check("proof", "passed", f"all {len(results)} proofs are valid: {proof.reason}")
    return proof, issuer


def _worst(checks: list[Check]) -> Check:
    """The first failed check, else the first that could not be made, else the first."""
    for outcome in ("failed", "unchecked"):
        found = next((check for check in checks if check.outcome == outcome), None)
        if found is not None:
            return found
    return checks[0]


def _one_proof(
    submission: Submission, proof: ProofToCheck, resolver: Resolver
) -> tuple[Check, Check]:
    def labelled(reason: str) -> str:
        return f"{proof.label}: {reason}" if proof.label else reason

    def failed(name: str, reason: str) -> Check:
        return Check(name, "failed", labelled(reason))

    did = proof.method.partition("#")[0]
    issuer = issuer_id(submission.credential)
    if did.startswith("did:"):
        keys = resolver.keys(did)
    else:
        keys = Unresolved(f"{did[:100]!r} is not a DID", final=True)
    if isinstance(keys, Unresolved):
        unresolved = f"cannot resolve {did}: {keys.reason}"
        no_key = "no key to check the signature with: " + unresolved
        if keys.final:
            return failed("proof", no_key), failed("issuer", unresolved)
        return _unchecked("proof", labelled(no_key)), _unchecked("issuer", labelled(unresolved))
    key = _find_key(keys, did, proof.method)
    if key is None:
        reason = f"{proof.method} is not a verification method of {did}"
        return failed("proof", reason), failed("issuer", reason)
    problem = _signature_problem(submission, proof, key)
    if problem:
        signature = failed("proof", problem)
    elif submission.jwt:
        signature = Check("proof", "passed", "EdDSA signature of the VC-JWT is valid")
    else:
        signature = Check("proof", "passed", "eddsa-rdfc-2022 Data Integrity proof is valid")
    if did != issuer:
        return signature, failed("issuer", f"signed by {did}, but the issuer is {issuer}")
    return signature, Check("issuer", "passed", f"signed with a key of the issuer {did}")


def _signature_problem(submission: Submission, proof: ProofToCheck, key: Ed25519PublicKey) -> str:
    """Why the proof does not hold with `key`, or ''."""
    try:
        if submission.jwt:
            return _claims_problem(verify_jwt(submission.jwt, key))
        if proof.signed is None:
            return proof.problem
        check_signature(proof.signed, key)
        return ""
    except Exception as error:  # ProofInvalid, and anything a hostile token provokes
        return _reason(error, "the signature does not match")


def _claims_problem(claims: dict[str, Any]) -> str:
    """Where the JWT's registered claims contradict the credential they carry (Open Badges 3.0,
    8.2.4: `iss` is the issuer's id, `jti` the credential's)."""
    credential = claims.get("vc", claims)
    if not isinstance(credential, dict):
        return "the JWT carries no credential"
    for claim, value in (("iss", issuer_id(credential)), ("jti", credential.get("id"))):
        if claim in claims and claims[claim] != value:
            return f"the JWT's {claim} claim does not match the credential"
    return ""


def _reason(error: Exception, default: str) -> str:
    text = str(error).strip()
    return text[:300] if text else default


def _entries(credential: dict[str, Any]) -> list[dict[str, Any]]:
    status = credential.get("credentialStatus")
    entries = status if isinstance(status, list) else [status] if status else []
    return [entry for entry in entries if isinstance(entry, dict)]


def _status(credential: dict[str, Any], resolver: Resolver) -> Check:
    entries = _entries(credential)
    if not entries:
        return Check("status", "skipped", "the credential names no status list")
    checked: list[str] = []
    for entry in entries:
        purpose = str(entry.get("statusPurpose", "revocation"))
        url = entry.get("statusListCredential")
        if entry.get("type") != "BitstringStatusListEntry" or not isinstance(url, str):
            return Check("status", "failed", "unsupported credentialStatus entry")
        try:
            index = int(entry.get("statusListIndex", ""))
        except (TypeError, ValueError):
            return Check("status", "failed", "statusListIndex is not a number")
        listing = resolver.status_list(url)
        if isinstance(listing, Unresolved):
            reason = f"cannot check {url}: {listing.reason}"
            return (
                Check("status", "failed", reason) if listing.final else _unchecked("status", reason)
            )
        keys = _issuer_keys(credential, resolver)
        if isinstance(keys, Unresolved):
            if keys.final:
                return Check("status", "failed", keys.reason)
            return _unchecked("status", f"the issuer's keys: {keys.reason}")
        problem = _list_problem(listing, credential, keys, purpose)
        if problem:
            return Check("status", "failed", problem)
        try:
            bit = status_bit(listing, index)
        except ValueError as error:
            return Check("status", "failed", _reason(error, "unreadable status list"))
        if bit:
            return Check("status", "failed", f"{STATE_OF.get(purpose, purpose)}: {purpose} bit set")
        checked.append(STATE_OF.get(purpose, purpose))
    return Check("status", "passed", "not " + " and not ".join(checked))


STATE_OF = {"revocation": "revoked", "suspension": "suspended"}


def status_bit(listing: dict[str, Any], index: int) -> bool:
    """Bit `index` of a Bitstring Status List credential."""
    encoded = (listing.get("credentialSubject") or {}).get("encodedList")
    if not isinstance(encoded, str):
        raise ValueError("the status list has no encodedList")
    return status_list.bit(status_list.decode_list(encoded), index)


def _list_problem(
    listing: dict[str, Any],
    credential: dict[str, Any],
    keys: dict[str, Ed25519PublicKey],
    purpose: str,
) -> str:
    """Why a status list cannot be trusted for this credential, or ''."""
    if issuer_id(listing) != issuer_id(credential):
        return "the status list is not the issuer's"
    subject = listing.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
        return f"the status list is not for {purpose}"
    try:
        method = proof_of(listing)["verificationMethod"]
    except ProofInvalid as error:
        return "the status list's proof is unusable: " + error.reason
    key = _find_key(keys, issuer_id(listing), method)
    if key is None:
        return "the status list is not signed by the issuer"
    try:
        verify_proof(listing, key)
    except Exception as error:
        return "the status list's proof is invalid: " + _reason(error, "bad signature")
    return ""


def _moment(value: object) -> datetime | None:
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, ValueError, OSError):  # out of range, NaN or infinite
            return None
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _validity(credential: dict[str, Any], now: datetime) -> Check:
    starts = [credential.get(name) for name in ("validFrom", "nbf") if name in credential]
    ends = [credential.get(name) for name in ("validUntil", "exp") if name in credential]
    if "validFrom" not in credential:
        return Check("validity", "failed", "no validFrom")
    for value in starts + ends:
        if _moment(value) is None:
            return Check("validity", "failed", f"not a date-time: {str(value)[:40]}")
    if any(now + CLOCK_SKEW < _moment(value) for value in starts):  # type: ignore[operator]
        return Check("validity", "failed", f"not valid before {credential['validFrom']}")
    if any(now - CLOCK_SKEW > _moment(value) for value in ends):  # type: ignore[operator]
        until = credential.get("validUntil", "its exp")
        return Check("validity", "failed", f"expired: valid until {until}")
    until = credential.get("validUntil")
    return Check(
        "validity",
        "passed",
        f"valid from {credential['validFrom']}" + (f" until {until}" if until else ""),
    )


def _schema(credential: dict[str, Any]) -> Check:
    problems = schema.problems(schema.proof_as_set(credential))
    if problems:
        return Check("schema", "failed", "; ".join(problems[:3]))
    return Check("schema", "passed", "valid against the OB 3.0 AchievementCredential schema")


def summarize(credential: dict[str, Any]) -> dict[str, Any]:
    """What a person reading the result wants to see: who issued what, to whom, when."""
    issuer = credential.get("issuer")
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    return {
        "id": _text_value(credential.get("id")),
        "name": _text_value(credential.get("name") or achievement.get("name")),
        "achievement": _text_value(achievement.get("name")),
        "issuer": issuer_id(credential),
        "issuer_name": _text_value(issuer.get("name")) if isinstance(issuer, dict) else "",
        "recipient_name": _text_value(subject.get("name")),
        "valid_from": _text_value(credential.get("validFrom")),
        "valid_until": _text_value(credential.get("validUntil")),
    }


def _text_value(value: object) -> str:
    return value[:500] if isinstance(value, str) else ""
