"""DRF's error bodies for the domain errors no probe route raises (no database needed)."""

import json

from plaudit.dialects.openedx.errors import error_response
from plaudit.domain.errors import Invalid, RateLimited


def test_rate_limited_is_drfs_throttled():
    answer = error_response(RateLimited(retry_after=60))
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == "60"
    assert json.loads(answer.body) == {
        "detail": "Request was throttled. Expected available in 60 seconds."
    }


def test_invalid_without_fields_is_a_non_field_error():
    answer = error_response(Invalid(code="openedx.bad"))
    assert answer.status_code == 400
    assert list(json.loads(answer.body)) == ["non_field_errors"]
