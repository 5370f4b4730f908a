"""An OpenID provider for tests: `oidc-provider-mock` (any client id and secret, people added
with `set_person`) served by werkzeug on a loopback port, in a thread.

A thin layer in front can make the next ID token lie (`override`): it re-signs the token's
claims, changed, with a key of its own that the provider's JWKS also lists, so the token's
signature is good and only the changed claim (say, its audience) is wrong; or `break_signature`
flips the token's signature."""

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import oidc_provider_mock
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.wrappers import Request, Response

from tests.support.postgres import free_port
from tests.support.serving import serving_wsgi

_KID = "plaudit-tests-resigning-key"


class Provider:
    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.inner = oidc_provider_mock.app()
        self.key = RSAKey.generate_key(2048, parameters={"kid": _KID})
        self.override: dict[str, Any] | None = None
        self.break_signature = False

    def set_person(self, subject: str, **claims: Any) -> None:
        answer = httpx.put(f"{self.issuer}/users/{subject}", json=claims, timeout=10)
        assert answer.status_code == 204, answer.text

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = Request(environ).path
        response = Response.from_app(self.inner, environ)
        if path == "/jwks":
            keys = json.loads(response.get_data())
            keys["keys"].append(self.key.as_dict(private=False))
            response.set_data(json.dumps(keys))
        elif path == "/oauth2/token" and response.status_code == 200:
            answer = json.loads(response.get_data())
            answer["id_token"] = self._tampered(answer["id_token"])
            response.set_data(json.dumps(answer))
        return response(environ, start_response)

    def _tampered(self, id_token: str) -> str:
        if self.override is not None:
            payload = id_token.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims.update(self.override)
            id_token = jwt.encode({"alg": "RS256", "kid": _KID}, claims, self.key)
        if self.break_signature:
            head, body, signature = id_token.split(".")
            flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
            id_token = f"{head}.{body}.{flipped}"
        return id_token


@contextmanager
def running_provider() -> Iterator[Provider]:
    port = free_port()
    provider = Provider(port)
    with serving_wsgi(port, provider.wsgi):
        yield provider
