"""A badge template's default expiration as Credly shows it: `default_expires_at` and
`default_expires_at_date` for a fixed date (type `date`); for a period, the type is its unit
(`years`, `months`, `weeks`, `days`), with `default_expires_at_amount` and the ISO 8601
`default_expires_in`. Null throughout when credentials do not expire by default."""

from datetime import UTC, datetime, time
from typing import Any

from plaudit.domain import durations
from plaudit.store.tables import Achievement


def out(achievement: Achievement) -> dict[str, Any]:
    fixed, period = achievement.expiry_fixed_on, achievement.expiry_period
    shown: dict[str, Any] = {
        "default_expires_at": None,
        "default_expires_at_date": None,
        "default_expires_at_type": None,
        "default_expires_at_amount": None,
        "default_expires_in": period,
    }
    if fixed is not None:
        moment = datetime.combine(fixed, time(0, 0), tzinfo=UTC)
        shown["default_expires_at"] = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        shown["default_expires_at_date"] = fixed.isoformat()
        shown["default_expires_at_type"] = "date"
    elif period:
        single = durations.single_unit(period)
        shown["default_expires_at_type"] = single[1] if single else "period"
        shown["default_expires_at_amount"] = single[0] if single else None
    return shown
