"""Which address a request counts against: X-Forwarded-For only through trusted proxies."""

import pytest
from starlette.requests import Request

from plaudit.http.client_address import client_address, parse_networks


def request(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


PROXIES = parse_networks("10.0.0.0/8, 192.0.2.1")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("198.51.100.9", ["203.0.113.1"], (), "198.51.100.9"),
        ("198.51.100.9", ["203.0.113.1"], PROXIES, "198.51.100.9"),
        ("10.1.2.3", [], PROXIES, "10.1.2.3"),
        ("10.1.2.3", ["203.0.113.1"], PROXIES, "203.0.113.1"),
        ("10.1.2.3", ["spoofed, 203.0.113.1, 192.0.2.1"], PROXIES, "203.0.113.1"),
        ("10.1.2.3", ["203.0.113.5", "203.0.113.1"], PROXIES, "203.0.113.1"),
        ("10.1.2.3", ["10.9.9.9, 192.0.2.1"], PROXIES, "10.9.9.9"),
        ("10.1.2.3", ["garbage"], PROXIES, "10.1.2.3"),
        ("10.1.2.3", ["2001:db8::1"], PROXIES, "2001:db8::1"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], trusted, expected: str) -> None:
    assert client_address(request(peer, *forwarded), trusted) == expected


def test_parse_networks() -> None:
    assert parse_networks("") == ()
    assert [str(n) for n in parse_networks(" 10.0.0.1 ,::1, 172.16.0.0/12")] == [
        "10.0.0.1/32",
        "::1/128",
        "172.16.0.0/12",
    ]
    with pytest.raises(ValueError, match=r"proxy\.example\.org"):
        parse_networks("10.0.0.1, proxy.example.org")
