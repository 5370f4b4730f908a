"""The credential rules, without I/O."""

from datetime import date

import pytest

from plaudit.domain import credentials as rules
from plaudit.domain.credentials import RecipientData
from plaudit.domain.errors import Invalid
from plaudit.domain.limits import contains_nul, parse_id
from plaudit.domain.values import UNSET


@pytest.mark.parametrize(
    ("given", "group", "department", "expected"),
    [
        (True, False, False, True),
        (False, True, True, False),
        (UNSET, True, False, True),
        (None, False, True, False),
        (UNSET, None, True, True),
        (UNSET, None, None, False),
    ],
)
def test_private_resolution(given, group, department, expected) -> None:
    assert rules.resolve_private(given, group, department) is expected


def test_text_falls_back_and_is_required() -> None:
    assert rules.resolve_text(UNSET, "Course", "name") == "Course"
    assert rules.resolve_text("  ", "Course", "name") == "Course"
    assert rules.resolve_text("Own", "Course", "name") == "Own"
    with pytest.raises(Invalid) as raised:
        rules.resolve_text(None, "", "description")
    assert raised.value.fields == {"description": ["can't be blank"]}


def test_duplicate_key() -> None:
    assert rules.duplicate_key(" Ada@Example.COM ", allow_duplicates=False) == "ada@example.com"
    assert rules.duplicate_key("ada@example.com", allow_duplicates=True) is None


def test_default_expiry() -> None:
    assert rules.default_expiry(date(2026, 1, 1), 3) == date(2029, 1, 1)
    assert rules.default_expiry(date(2026, 1, 1), 0) is None
    assert rules.default_expiry(date(2026, 1, 1), None) is None


def test_recipient_required() -> None:
    with pytest.raises(Invalid) as raised:
        rules.require_recipient(RecipientData(name="Ada"))
    assert raised.value.code == "recipient.missing"
    with pytest.raises(Invalid) as raised:
        rules.require_recipient(RecipientData(name="Ada", email="nope"))
    assert raised.value.fields == {"recipient.email": ["is invalid"]}
    rules.require_recipient(RecipientData(name="Ada", email="ada@example.com"))


def test_limits() -> None:
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    for text in ("0", "-1", "²", "9223372036854775808", "1e3", ""):
        assert parse_id(text) is None, text
    assert contains_nul({"a": ["b", {"c\x00": 1}]})
    assert not contains_nul({"a": ["b", 1, None]})
