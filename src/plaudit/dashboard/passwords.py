"""Team members' passwords: argon2id (argon2-cffi's defaults, RFC 9106's second choice), and
the rules a new one must meet."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from plaudit.domain.errors import invalid_field

MIN_LENGTH = 12
MAX_LENGTH = 256

_HASHER = PasswordHasher()


def decoy() -> str:
    """The hash checked against when no member has the email, so that an unknown email takes as
    long as a wrong password and the answer's timing tells nothing. Made on first use (hashing
    costs a fraction of a second, which every `plaudit` command would otherwise pay at import);
    the server makes it at start-up, so that the first sign-in does not pay twice."""
    return _decoy_of(_HASHER)


@cache
def _decoy_of(hasher: PasswordHasher) -> str:
    # Keyed by the hasher, so that a decoy always costs what the hasher in use costs.
    return hasher.hash("plaudit decoy password")


def hash_password(password: str) -> str:
    check_new(password)
    return _HASHER.hash(password)


def check_new(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise invalid_field("password", f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise invalid_field("password", f"must be at most {MAX_LENGTH} characters")


def matches(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or decoy(), password[:MAX_LENGTH]) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
