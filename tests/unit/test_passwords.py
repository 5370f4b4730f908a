"""Team members' passwords: argon2id at RFC 9106's second recommended cost, rules for new ones."""

import pytest
from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from plaudit.dashboard import passwords
from plaudit.domain.errors import Invalid


def test_production_hashing_is_argon2id_at_rfc_9106_low_memory_cost() -> None:
    # The session fixture in tests/conftest.py swaps in a cheap hasher: read the class default.
    production = passwords.PasswordHasher()
    assert production.type is Type.ID
    assert production.time_cost == RFC_9106_LOW_MEMORY.time_cost
    assert production.memory_cost == RFC_9106_LOW_MEMORY.memory_cost
    assert production.parallelism == RFC_9106_LOW_MEMORY.parallelism


def test_a_hash_matches_its_password_only() -> None:
    hashed = passwords.hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert passwords.matches(hashed, "a long enough password")
    assert not passwords.matches(hashed, "a long enough passworD")
    assert not passwords.matches(None, "a long enough password")
    assert not passwords.matches("not a hash", "a long enough password")


def test_the_decoy_costs_what_a_members_hash_costs() -> None:
    # An unknown email is checked against it: made by the hasher in use, with its parameters.
    decoy = passwords.decoy()
    assert passwords._HASHER.verify(decoy, "plaudit decoy password")
    assert not passwords._HASHER.check_needs_rehash(decoy)
    assert passwords.decoy() is decoy  # made once


@pytest.mark.parametrize("password", ["short", "x" * (passwords.MAX_LENGTH + 1)])
def test_a_new_password_too_short_or_too_long_is_refused(password: str) -> None:
    with pytest.raises(Invalid):
        passwords.hash_password(password)
