"""Multibase base58btc ('z' prefix) and the Multikey encodings of Ed25519 keys."""

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {character: value for value, character in enumerate(_ALPHABET)}

ED25519_PUBLIC_HEADER = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
ED25519_PRIVATE_HEADER = b"\x80\x26"  # multicodec ed25519-priv, varint-encoded


class MultibaseError(ValueError):
    pass


def base58btc_encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    number = 0
    for character in text:
        if character not in _INDEX:
            raise MultibaseError("not base58btc")
        number = number * 58 + _INDEX[character]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_z(data: bytes) -> str:
    """Multibase base58btc: 'z' then base58btc."""
    return "z" + base58btc_encode(data)


def decode_z(text: str) -> bytes:
    if not text.startswith("z"):
        raise MultibaseError("not multibase base58btc (no 'z' prefix)")
    return base58btc_decode(text[1:])


def public_key_multibase(raw_public_key: bytes) -> str:
    """An Ed25519 public key as a Multikey `publicKeyMultibase` ("z6Mk...")."""
    return encode_z(ED25519_PUBLIC_HEADER + raw_public_key)


def public_key_from_multibase(text: str) -> bytes:
    data = decode_z(text)
    if not data.startswith(ED25519_PUBLIC_HEADER) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey public key")
    return data[2:]


def private_key_from_multibase(text: str) -> bytes:
    data = decode_z(text)
    if not data.startswith(ED25519_PRIVATE_HEADER) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey secret key")
    return data[2:]
