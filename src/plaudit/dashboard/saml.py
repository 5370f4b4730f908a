"""SAML 2.0 sign-in, Plaudit as the service provider (pysaml2, signatures checked by Debian's
xmlsec1). Each connection is its own SP: entity id `.../dashboard/sso/{uuid}/metadata`,
assertion consumer service `.../acs` (HTTP-POST binding). The IdP's metadata is pasted or
uploaded by an admin, never fetched. A response is believed only with a signed assertion, for
this SP's audience and ACS, within its validity, and in response to a request this server sent
(the caller checks that request id is outstanding and uses it up: no replay)."""

import base64
import binascii
import logging
import shutil
from dataclasses import dataclass
from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.mdstore import MetadataStore
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS
from saml2.samlp import response_from_string

from plaudit.dashboard.sso_identity import Identity, SignInRefused
from plaudit.domain.errors import invalid_field

MAX_METADATA_BYTES = 256 * 1024
MAX_RESPONSE_BYTES = 512 * 1024
ACCEPTED_CLOCK_SKEW_SECONDS = 60
EMAIL_ATTRIBUTES = (
    "email",
    "mail",
    "emailAddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
)
NAME_ATTRIBUTES = ("displayName", "cn", "name")
# pysaml2 logs whole messages and the people in them at INFO and DEBUG.
logging.getLogger("saml2").setLevel(logging.WARNING)


class XmlsecMissing(Exception):
    """xmlsec1 is not installed: no SAML signature can be checked."""

    def __str__(self) -> str:
        return "SAML sign-in needs xmlsec1 on the server (Debian package `xmlsec1`)."


@dataclass(frozen=True)
class ServiceProvider:
    """Plaudit's addresses as the SP of one connection."""

    entity_id: str
    acs_url: str

    @classmethod
    def of(cls, base_url: str, connection_uuid: str) -> "ServiceProvider":
        prefix = f"{base_url}/dashboard/sso/{connection_uuid}"
        return cls(entity_id=f"{prefix}/metadata", acs_url=f"{prefix}/acs")


def xmlsec_binary() -> str:
    found = shutil.which("xmlsec1")
    if found is None:
        raise XmlsecMissing
    return found


def idp_entity_id(metadata_xml: str) -> str:
    """The entity id of the one IdP `metadata_xml` describes, checked to be usable (a signing
    certificate and an HTTP-Redirect sign-on service); an `Invalid` naming `metadata` if not."""
    if len(metadata_xml.encode()) > MAX_METADATA_BYTES:
        raise invalid_field("metadata", f"is larger than {MAX_METADATA_BYTES // 1024} KB")
    store = MetadataStore(attrc=None, config=_metadata_config())
    try:
        store.load("inline", metadata_xml)
    except Exception as error:  # pysaml2 raises anything from its parsers
        raise invalid_field("metadata", f"is not valid SAML metadata ({error})") from None
    providers = list(store.identity_providers())
    if len(providers) != 1:
        raise invalid_field("metadata", "must describe exactly one identity provider")
    entity_id = providers[0]
    if not store.certs(entity_id, "idpsso", use="signing"):
        raise invalid_field("metadata", "names no signing certificate")
    if not _redirect_service(store, entity_id):
        raise invalid_field("metadata", "has no HTTP-Redirect single sign-on service")
    return str(entity_id)


def _redirect_service(store: MetadataStore, entity_id: str) -> bool:
    try:
        return bool(store.single_sign_on_service(entity_id, BINDING_HTTP_REDIRECT))
    except Exception:  # pysaml2 raises when the binding is missing
        return False


def _metadata_config() -> SPConfig:
    config = SPConfig()
    config.load({"entityid": "urn:plaudit:metadata-check", "xmlsec_binary": xmlsec_binary()})
    return config


def client(sp: ServiceProvider, metadata_xml: str) -> Saml2Client:
    config = SPConfig()
    config.load(
        {
            "entityid": sp.entity_id,
            "xmlsec_binary": xmlsec_binary(),
            "service": {
                "sp": {
                    "endpoints": {"assertion_consumer_service": [(sp.acs_url, BINDING_HTTP_POST)]},
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                }
            },
            "metadata": {"inline": [metadata_xml]},
            "accepted_time_diff": ACCEPTED_CLOCK_SKEW_SECONDS,
            "allow_unknown_attributes": True,
        }
    )
    return Saml2Client(config=config)


def sp_metadata(sp: ServiceProvider, metadata_xml: str) -> str:
    return create_metadata_string(None, config=client(sp, metadata_xml).config, sign=False).decode()


def begin(sp: ServiceProvider, metadata_xml: str, idp: str, relay_state: str) -> tuple[str, str]:
    """A new AuthnRequest to `idp`: its id and the IdP address to send the browser to."""
    request_id, info = client(sp, metadata_xml).prepare_for_authenticate(
        entityid=idp, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
    )
    location = dict(info["headers"])["Location"]
    return str(request_id), str(location)


def in_response_to(saml_response: str) -> str | None:
    """The request id an (unchecked) response claims to answer, to look the request up."""
    try:
        xml = _decoded(saml_response)
        message = response_from_string(xml)
    except Exception:  # anything unparsable is refused the same way
        return None
    return message.in_response_to if message is not None else None


def finish(sp: ServiceProvider, metadata_xml: str, saml_response: str, request_id: str) -> Identity:
    """Who the response vouches for, once pysaml2 has checked it answers `request_id`."""
    saml_client = client(sp, metadata_xml)
    try:
        answer = saml_client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"}
        )
    except Exception as error:  # pysaml2 raises many kinds of its own
        raise SignInRefused(
            f"The identity provider's answer was refused ({_reason(error)})."
        ) from None
    if answer is None or answer.assertion is None:
        raise SignInRefused("The identity provider's answer held no assertion.")
    return _identity(answer.get_identity(), answer.name_id)


def _decoded(saml_response: str) -> str:
    if len(saml_response) > MAX_RESPONSE_BYTES:
        raise ValueError("too large")
    try:
        return base64.b64decode(saml_response, validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("not base64") from None


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error)[:200]}".rstrip(": ")


def _identity(attributes: dict[str, Any], name_id: Any) -> Identity:
    email = _first(attributes, EMAIL_ATTRIBUTES)
    subject = getattr(name_id, "text", None)
    if email is None and getattr(name_id, "format", None) == NAMEID_FORMAT_EMAILADDRESS:
        email = subject
    if not subject:
        raise SignInRefused("The identity provider's answer names nobody (no NameID).")
    if not email:
        raise SignInRefused("The identity provider sent no email address.")
    return Identity(
        subject=subject.strip(), email=email.strip(), name=_first(attributes, NAME_ATTRIBUTES)
    )


def _first(attributes: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        values = attributes.get(name)
        if isinstance(values, list) and values and isinstance(values[0], str):
            return values[0]
    return None
