"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C EdDSA Cryptosuites v1.0).

Signing: canonicalize (RDFC-1.0) the document without its proof and the proof's options (with
the document's @context), hash each with SHA-256, and sign the proof-options hash followed by
the document hash with Ed25519; the signature goes in `proofValue` as multibase base58btc.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
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
# Plaudit signs with one proof; a set of more than a few is no credential anyone issued, and each
# proof costs a canonicalization to check.
MAX_PROOFS = 8


class ProofInvalid(ValueError):
    """The proof does not hold; `reason` says why in words fit for a verification report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_data(
    document: dict[str, Any], options: dict[str, Any], loader: OfflineLoader | None
) -> bytes:
    """What a signer signs: the hashes of the canonical proof options and document."""
    config = {"@context": document.get("@context"), **options}
    return (
        hashlib.sha256(canonize(config, loader=loader).encode()).digest()
        + hashlib.sha256(canonize(document, loader=loader).encode()).digest()
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
    signature = private_key.sign(_hash_data(unsecured, options, loader))
    # A proof set of one: the AchievementCredential schema wants `proof` to be an array.
    return {**unsecured, "proof": [{**options, "proofValue": multibase.encode_z(signature)}]}


def proofs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every proof of the document (a proof set, or one proof), each an eddsa-rdfc-2022
    DataIntegrityProof naming its verification method; ProofInvalid naming the first that is
    not. A verifier must check them all: one good proof does not vouch for another."""
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [] if proof is None else [proof]
    if not proofs or (len(proofs) == 1 and not isinstance(proofs[0], dict)):
        raise ProofInvalid("the credential has no Data Integrity proof")
    if len(proofs) > MAX_PROOFS:
        raise ProofInvalid(f"the credential has more than {MAX_PROOFS} proofs")
    for number, candidate in enumerate(proofs, 1):
        problem = _shape_problem(candidate)
        if problem:
            which = proof_label(number, len(proofs))
            raise ProofInvalid(f"{which} {problem}" if which else f"the proof {problem}")
    return proofs


def proof_label(number: int, total: int) -> str:
    """How a verification report names one proof of a set: '' when it is the only one."""
    return f"proof {number} of {total}" if total > 1 else ""


def _shape_problem(proof: object) -> str:
    if not isinstance(proof, dict):
        return "is not a proof object"
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return f"is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite"
    if not isinstance(proof.get("verificationMethod"), str):
        return "names no verification method"
    return ""


def proof_of(document: dict[str, Any]) -> dict[str, Any]:
    """The document's first proof (Plaudit signs with one); ProofInvalid as `proofs_of`."""
    return proofs_of(document)[0]


@dataclass(frozen=True)
class SignedInput:
    """What one proof's key must have signed, and the signature: everything a public key needs
    to check the proof, worked out before anyone knows which key that is."""

    signature: bytes
    data: bytes


def signed_inputs(
    document: dict[str, Any], *, loader: OfflineLoader | None = None
) -> list[SignedInput | ProofInvalid]:
    """For each of `proofs_of(document)` in turn, what its key must have signed, or why it
    cannot be checked. The document is canonicalized once for all of them."""
    proofs = proofs_of(document)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    digest: list[bytes | ProofInvalid] = []  # the document's hash, or why there is none

    def document_digest() -> bytes:
        if not digest:
            try:
                digest.append(_checked_digest(unsecured, loader))
            except ProofInvalid as error:
                digest.append(error)
        if isinstance(digest[0], ProofInvalid):
            raise digest[0]
        return digest[0]

    inputs: list[SignedInput | ProofInvalid] = []
    for proof in proofs:
        try:
            inputs.append(_signed_input(document, proof, document_digest, loader))
        except ProofInvalid as error:
            inputs.append(error)
    return inputs


def _signed_input(
    document: dict[str, Any],
    proof: dict[str, Any],
    document_digest: Callable[[], bytes],
    loader: OfflineLoader | None,
) -> SignedInput:
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofInvalid("the proof's purpose is not assertionMethod")
    try:
        signature = multibase.decode_z(str(proof.get("proofValue", "")))
    except multibase.MultibaseError:
        raise ProofInvalid("the proof value is not multibase base58btc") from None
    if len(signature) != 64:
        raise ProofInvalid("the proof value is not an Ed25519 signature")
    options = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    config = {"@context": document.get("@context"), **options}
    data = _checked_digest(config, loader) + document_digest()
    return SignedInput(signature, data)


def _checked_digest(document: dict[str, Any], loader: OfflineLoader | None) -> bytes:
    """SHA-256 of the canonical form, as Data Integrity verifiers must make it (undefined terms
    refused); ProofInvalid saying why it cannot be made."""
    try:
        return hashlib.sha256(canonize(document, safe=True, loader=loader).encode()).digest()
    except UndefinedTerm as error:
        raise ProofInvalid(f"the credential uses the undefined term {error}") from None
    except JsonLdError as error:
        raise ProofInvalid(f"the credential is not valid JSON-LD: {error}") from None
    except TooComplex as error:
        raise ProofInvalid(f"the credential cannot be canonicalized: {error}") from None


def check_signature(signed: SignedInput, public_key: Ed25519PublicKey) -> None:
    """Returns when `public_key` made the signature; ProofInvalid otherwise."""
    try:
        public_key.verify(signed.signature, signed.data)
    except InvalidSignature:
        raise ProofInvalid("the signature does not match the credential") from None


def verify_proof(
    document: dict[str, Any],
    public_key: Ed25519PublicKey,
    *,
    loader: OfflineLoader | None = None,
) -> None:
    """Returns when every proof of the document is a valid signature by `public_key`."""
    inputs = signed_inputs(document, loader=loader)
    for number, signed in enumerate(inputs, 1):
        try:
            if isinstance(signed, ProofInvalid):
                raise signed
            check_signature(signed, public_key)
        except ProofInvalid as error:
            which = proof_label(number, len(inputs))
            raise ProofInvalid(f"{which}: {error.reason}" if which else error.reason) from None
