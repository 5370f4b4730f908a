"""If-None-Match parsing for every cached answer (files, images, signed credentials, assets)."""

import pytest
from starlette.requests import Request

from plaudit.web.conditional import is_current


def request_with(header: str | None) -> Request:
    headers = [] if header is None else [(b"if-none-match", header.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


@pytest.mark.parametrize(
    ("header", "current"),
    [
        (None, False),
        ('"abc"', True),
        ('W/"abc"', True),
        ('"old", "abc"', True),
        ("*", True),
        ('"ab"', False),
        ('"abcd"', False),
        ('"x-"abc"-y"', False),
    ],
)
def test_if_none_match(header: str | None, current: bool) -> None:
    assert is_current(request_with(header), '"abc"') is current
