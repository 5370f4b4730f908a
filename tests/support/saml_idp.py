"""A SAML 2.0 identity provider for tests (pysaml2's Server) on a loopback port.

Its signing key and certificate are made at start with `cryptography` (nothing private is
committed). `GET /sso` takes an AuthnRequest (HTTP-Redirect binding) and answers with the form a
browser posts to the SP's assertion consumer service; what the next answer looks like is set on
`IdentityProvider.answer` (signed or not, expired, for another audience, tampered with)."""

import base64
import datetime
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT, saml
from saml2.assertion import Policy
from saml2.config import IdPConfig
from saml2.mdstore import MetadataStore
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from werkzeug.wrappers import Request, Response

from tests.support.postgres import free_port
from tests.support.serving import serving_wsgi

XMLSEC = "/usr/bin/xmlsec1"
_FORM_FIELD = re.compile(r'name="(SAMLResponse|RelayState)" value="([^"]*)"')
_FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


@dataclass
class Answer:
    """How the next response is made."""

    email: str = "ada@example.org"
    name: str = "Ada Lovelace"
    sign_assertion: bool = True
    audience: str | None = None  # None: the requesting SP's entity id
    lifetime_minutes: int = 5  # negative: already expired
    tamper: bool = False  # change the email after signing


@dataclass(frozen=True)
class Posted:
    """What the IdP's page has the browser post."""

    action: str
    fields: dict[str, str]


def self_signed(directory: Path, common_name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class IdentityProvider:
    def __init__(self, directory: Path, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        key_file, cert_file = self_signed(directory, "Plaudit test IdP")
        config = IdPConfig()
        config.load(
            {
                "entityid": f"{self.base_url}/idp",
                "xmlsec_binary": XMLSEC,
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.base_url}/sso", BINDING_HTTP_REDIRECT)
                            ]
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    }
                },
            }
        )
        self.server = Server(config=config)
        self.metadata = create_metadata_string(None, config=config, sign=False).decode()
        self.answer = Answer()
        self.trusted: set[str] = set()

    def respond(self, saml_request: str, relay_state: str | None) -> Posted:
        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        self.trust(request.issuer.text)
        answer = self.answer
        audience = answer.audience or request.issuer.text
        policy = Policy(
            {"default": {"lifetime": {"minutes": answer.lifetime_minutes}}},
            mds=self.server.metadata,
        )
        response = self.server.create_authn_response(
            identity={"mail": [answer.email], "displayName": [answer.name]},
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=answer.email),
            authn={"class_ref": saml.AUTHN_PASSWORD_PROTECTED},
            sign_assertion=answer.sign_assertion,
            sign_response=False,
            release_policy=policy,
        )
        xml = str(response)
        if answer.tamper:
            xml = xml.replace(answer.email, "mallory@example.org")
        fields = {"SAMLResponse": base64.b64encode(xml.encode()).decode()}
        if relay_state is not None:
            fields["RelayState"] = relay_state
        return Posted(request.assertion_consumer_service_url, fields)

    def trust(self, sp_entity_id: str) -> None:
        """Loads the SP's metadata from its entity id, a URL (as Plaudit's are), once."""
        if self.server.metadata is None:
            self.server.metadata = MetadataStore(
                self.server.config.attribute_converters, self.server.config
            )
        if sp_entity_id not in self.trusted:
            answer = httpx.get(sp_entity_id, timeout=10)
            answer.raise_for_status()
            self.server.metadata.load("inline", answer.text)
            self.trusted.add(sp_entity_id)

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/metadata":
            response = Response(self.metadata, content_type="application/samlmetadata+xml")
        elif request.path == "/sso" and "SAMLRequest" in request.args:
            posted = self.respond(request.args["SAMLRequest"], request.args.get("RelayState"))
            response = Response(page(posted), content_type="text/html; charset=utf-8")
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)


def page(posted: Posted) -> str:
    """The IdP's answer page: a form the person submits to go back to the SP."""
    inputs = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in posted.fields.items()
    )
    return (
        f'<!doctype html><title>Test IdP</title><form method="post" '
        f'action="{html.escape(posted.action)}">{inputs}<button>Continue</button></form>'
    )


def read_form(text: str) -> Posted:
    """The form of the IdP's page, as a browser would submit it."""
    action = _FORM_ACTION.search(text)
    assert action is not None, text[:500]
    fields = {name: html.unescape(value) for name, value in _FORM_FIELD.findall(text)}
    return Posted(html.unescape(action.group(1)), fields)


@contextmanager
def running_idp(directory: Path) -> Iterator[IdentityProvider]:
    port = free_port()
    idp = IdentityProvider(directory, port)
    with serving_wsgi(port, idp.wsgi):
        yield idp
