from datetime import date

import pytest

from plaudit.domain.dates import add_years, parse_date
from plaudit.domain.errors import Invalid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-22", date(2026, 11, 22)),
        (" 2026-11-22 ", date(2026, 11, 22)),
        ("22/11/2026", date(2026, 11, 22)),
        ("1/2/2026", date(2026, 2, 1)),
        ("2026-11-22 08:56:39 +0000", date(2026, 11, 22)),
        ("2026-11-22 08:56:39 +0000 ", date(2026, 11, 22)),
        ("2026-11-22 08:56:39", date(2026, 11, 22)),
        ("2026-11-22T08:56:39Z", date(2026, 11, 22)),
        ("2026-11-22T23:59:59-08:00", date(2026, 11, 22)),
        ("2026-11-22T08:56:39.123456+05:30", date(2026, 11, 22)),
    ],
)
def test_accepted_forms_keep_the_written_date(text: str, expected: date) -> None:
    assert parse_date(text, "issued_on") == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_means_no_date(value: object) -> None:
    assert parse_date(value, "expired_on") is None


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-30", "13/13/2026", "2026-11-22 25:00:00", 20261122, True, []]
)
def test_anything_else_names_the_field(value: object) -> None:
    with pytest.raises(Invalid) as raised:
        parse_date(value, "expired_on")
    assert raised.value.fields == {"expired_on": ["is not a valid date"]}


def test_add_years_falls_back_from_leap_day() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
