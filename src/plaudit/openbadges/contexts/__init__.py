"""The JSON-LD contexts Plaudit's documents use, shipped with the package, and a pyld document
loader that serves them and never touches the network.

A credential that names any other context cannot be expanded here: the loader refuses it, so a
document from elsewhere can never make the server fetch a URL of its choosing.
"""

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pyld.jsonld import JsonLdError

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

FILES = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_V1: "credentials-v1.jsonld",
    OB_V3P0: "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context.json",
    DID_V1: "did-v1.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
}

_DIRECTORY = Path(__file__).parent


@cache
def context_document(url: str) -> dict[str, Any]:
    """The context document at `url`; KeyError for a context Plaudit does not ship."""
    return json.loads((_DIRECTORY / FILES[url]).read_text(encoding="utf-8"))


def known(url: str) -> bool:
    return url in FILES


class OfflineLoader:
    """A pyld document loader over the shipped contexts (plus `extra` ones, for tests)."""

    def __init__(self, extra: Mapping[str, dict[str, Any]] | None = None) -> None:
        self.extra = dict(extra or {})

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url in self.extra:
            document = self.extra[url]
        elif known(url):
            document = context_document(url)
        else:
            raise JsonLdError(
                f"Context {url} is not one Plaudit knows; it is never fetched.",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }


document_loader = OfflineLoader()
