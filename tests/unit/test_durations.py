"""Default expiration periods: ISO 8601 durations of whole days, weeks, months and years."""

from datetime import date

import pytest

from plaudit.domain import durations
from plaudit.domain.credentials import default_expiry
from plaudit.domain.errors import Invalid


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("P2Y", "P2Y"), ("p6m", "P6M"), (" P1Y6M ", "P1Y6M"), ("P0Y3W", "P3W"), ("P90D", "P90D")],
)
def test_periods_are_read_in_canonical_form(text: str, canonical: str) -> None:
    assert durations.parse_period(text, "f") == canonical


@pytest.mark.parametrize("text", ["", "P", "P0D", "2Y", "P1.5Y", "PT5H", "P201Y", "P1Y2D3M"])
def test_anything_else_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        durations.parse_period(text, "default_expires_in")
    assert set(refused.value.fields) == {"default_expires_in"}


@pytest.mark.parametrize(
    ("day", "period", "expected"),
    [
        (date(2026, 1, 31), "P1M", date(2026, 2, 28)),
        (date(2024, 2, 29), "P1Y", date(2025, 2, 28)),
        (date(2026, 11, 15), "P3M", date(2027, 2, 15)),
        (date(2026, 1, 1), "P1Y2M1W3D", date(2027, 3, 11)),
        (date(2026, 12, 31), "P1D", date(2027, 1, 1)),
    ],
)
def test_add_period(day: date, period: str, expected: date) -> None:
    assert durations.add_period(day, period) == expected


def test_units_and_single_unit() -> None:
    assert durations.period_of(18, "Month", "f") == "P18M"
    assert durations.period_of(1, "years", "f") == "P1Y"
    assert durations.single_unit("P18M") == (18, "months")
    assert durations.single_unit("P1Y6M") is None
    with pytest.raises(Invalid):
        durations.period_of(3, "fortnights", "f")


def test_default_expiry_prefers_fixed_date_then_period_then_years() -> None:
    day = date(2026, 3, 1)
    assert default_expiry(day, 3, fixed_on=date(2027, 1, 1), period="P1M") == date(2027, 1, 1)
    assert default_expiry(day, 3, period="P1M") == date(2026, 4, 1)
    assert default_expiry(day, 3) == date(2029, 3, 1)
    assert default_expiry(day, None) is None
