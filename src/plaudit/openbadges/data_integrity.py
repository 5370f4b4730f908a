"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C EdDSA Cryptosuites v1.0).

Signing: canonicalize (RDFC-1.0) the document without its proof and the proof's options (with
the document's @context), hash each with SHA-256, and sign the proof-options hash followed by
the document hash with Ed25519; the signature goes in `proofValue` as multibase base58btc.
"""

import hashlib
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld.jsonld import JsonLdError

from plaudit.openbadges import multibase
from plaudit.openbadges.canonical import TooComplex, UndefinedTerm, canonize
from plaudit.openbadges.contexts import OfflineLoader

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"


class ProofInvalid(ValueError):
    """The proof does not hold; `reason` says why in words fit for a verification report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_data(
    document: dict[str, Any],
    options: dict[str, Any],
    *,
    safe: bool,
    loader: OfflineLoader | None = None,
) -> bytes:
    config = {"@context": document.get("@context"), **options}
    return (
        hashlib.sha256(canonize(config, safe=safe, loader=loader).encode()).digest()
        + hashlib.sha256(canonize(document, safe=safe, loader=loader).encode()).digest()
    )


def add_proof(
    document: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: datetime | None = None,
    loader: OfflineLoader | None = None,
) -> dict[str, Any]:
    """A copy of `document` with an eddsa-rdfc-2022 proof for assertions, as `proof: [...]`.
    `loader`: contexts beyond the shipped ones (which then go through pyld)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(created or datetime.now(UTC)),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = private_key.sign(_hash_data(unsecured, options, safe=False, loader=loader))
    # A proof set of one: the AchievementCredential schema wants `proof` to be an array.
    return {**unsecured, "proof": [{**options, "proofValue": multibase.encode_z(signature)}]}


def proof_of(document: dict[str, Any]) -> dict[str, Any]:
    """The document's one eddsa-rdfc-2022 proof; ProofInvalid when there is none."""
    proof = document.get("proof")
    if isinstance(proof, list):
        proof = next((p for p in proof if isinstance(p, dict) and p.get("cryptosuite")), None)
    if not isinstance(proof, dict):
        raise ProofInvalid("the credential has no Data Integrity proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofInvalid(f"the proof is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite")
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofInvalid("the proof names no verification method")
    return proof


def verify_proof(
    document: dict[str, Any],
    public_key: Ed25519PublicKey,
    *,
    loader: OfflineLoader | None = None,
) -> None:
    """Returns when the document's proof is a valid signature by `public_key`."""
    proof = proof_of(document)
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofInvalid("the proof's purpose is not assertionMethod")
    try:
        signature = multibase.decode_z(str(proof.get("proofValue", "")))
    except multibase.MultibaseError:
        raise ProofInvalid("the proof value is not multibase base58btc") from None
    if len(signature) != 64:
        raise ProofInvalid("the proof value is not an Ed25519 signature")
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    try:
        data = _hash_data(unsecured, options, safe=True, loader=loader)
    except UndefinedTerm as error:
        raise ProofInvalid(f"the credential uses the undefined term {error}") from None
    except JsonLdError as error:
        raise ProofInvalid(f"the credential is not valid JSON-LD: {error}") from None
    except TooComplex as error:
        raise ProofInvalid(f"the credential cannot be canonicalized: {error}") from None
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise ProofInvalid("the signature does not match the credential") from None
