"""Hostile inputs too large to commit, made at test time: `make_<surface>_<name>() -> bytes`, one
per input, for the surfaces of tests/data/hostile/ (design, designer, verify-json, verify-jwt,
verify-png, verify-svg). Each says how the server must answer it."""

import json
import struct
import zlib
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plaudit.openbadges import multibase, vc_jwt
from plaudit.openbadges.data_integrity import add_proof
from tests.signing.documents import credential_document

# --- verify-png ------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _deflated_zeros(mebibytes: int) -> bytes:
    """A zlib stream of `mebibytes` MiB of zeros, made without ever holding them (~1 KiB per
    MiB)."""
    compressor = zlib.compressobj(9)
    block = bytes(1024 * 1024)
    return b"".join(compressor.compress(block) for _ in range(mebibytes)) + compressor.flush()


@cache
def make_verify_png_bomb() -> bytes:
    """A valid 1x1 PNG (about 520 KB) with two compressed iTXt chunks of 256 MiB of zeros each:
    one under an unrelated keyword, which a verifier must not inflate at all, and one under
    `openbadgecredential`, which it may inflate only up to its cap. `POST /verify` answers 200
    at once, `valid: false`, no checks, error "the baked credential is larger than ..."."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    bomb = _deflated_zeros(256)
    itxt = b"\x00\x01\x00\x00\x00"  # NUL, compressed, deflate, empty language and translation
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"iTXt", b"Description" + itxt + bomb)
        + _png_chunk(b"iTXt", b"openbadgecredential" + itxt + bomb)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + _png_chunk(b"IEND", b"")
    )


# --- verify-json and verify-jwt --------------------------------------------------------------

_TARGET_CODE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetCode"


def _self_signed() -> tuple[dict[str, Any], Ed25519PrivateKey, str]:
    """A credential, a did:key that signs it, and its verification method."""
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.public_key_multibase(key.public_key().public_bytes_raw())
    document = credential_document()
    document["issuer"]["id"] = did
    return document, key, f"{did}#{did.removeprefix('did:key:')}"


def _with_alignments(document: dict[str, Any], count: int) -> dict[str, Any]:
    unsigned = json.loads(json.dumps({k: v for k, v in document.items() if k != "proof"}))
    alignments = [
        {"type": ["Alignment"], "targetName": f"Skill {n}", "targetUrl": f"https://e.org/{n}"}
        for n in range(count)
    ]
    alignments[0]["targetCode"] = "S0"
    unsigned["credentialSubject"]["achievement"]["alignment"] = alignments
    return unsigned


def make_verify_json_alignments(
    document: dict[str, Any] | None = None,
    private_key: Ed25519PrivateKey | None = None,
    method: str = "",
    count: int = 5000,
) -> bytes:
    """A genuinely signed credential (about 400 KB) whose achievement has `count` alignments;
    by default self-signed by a fresh did:key, else `document` re-signed with `private_key` as
    `method`. One alignment then names `targetCode` by its full IRI: the same RDF, so the
    signature still holds, but Plaudit's fast canonicalization path leaves such a document to
    pyld, whose work grows with the square of the alignments (25 s for 5,000). `POST /verify`
    answers 200 at once, `valid: false`, no checks, error "too large to verify: ..."."""
    if document is None or private_key is None:
        document, private_key, method = _self_signed()
    signed = add_proof(_with_alignments(document, count), private_key, method)
    first = signed["credentialSubject"]["achievement"]["alignment"][0]
    first[_TARGET_CODE] = first.pop("targetCode")
    return json.dumps(signed).encode()


def make_verify_jwt_alignments(
    document: dict[str, Any] | None = None,
    private_key: Ed25519PrivateKey | None = None,
    method: str = "",
    count: int = 5000,
) -> bytes:
    """The same credential with `count` alignments as a VC-JWT (about 500 KB): no
    canonicalization, but as many JSON values to parse and check against the schema. `POST
    /verify` answers 200 at once, `valid: false`, no checks, error "too large to verify: ..."."""
    if document is None or private_key is None:
        document, private_key, method = _self_signed()
    return vc_jwt.sign_jwt(_with_alignments(document, count), private_key, method).encode()
