"""Credentials issued through the API and signed by the server, the documents an outside
verifier needs to check them offline, and ways to spoil them."""

import base64
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from plaudit.openbadges import contexts
from plaudit.services import credential_status
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, issue


def issued(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    """A credential issued through the Accredible API (its JSON there)."""
    group = create_group(api, course_name="Applied Cryptography")
    return issue(api, group["id"], **fields)


def signed_json(http: httpx.Client, encoded_id: str) -> dict[str, Any]:
    response = http.get(f"/c/{encoded_id}/credential.json")
    assert response.status_code == 200, response.text
    return response.json()


def signed_jwt(http: httpx.Client, encoded_id: str) -> str:
    response = http.get(f"/c/{encoded_id}/credential.jwt")
    assert response.status_code == 200, response.text
    return response.text.strip()


def jwt_payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def tampered_jwt(token: str, **changes: Any) -> str:
    """The JWT with its payload changed and its signature kept."""
    header, _payload, signature = token.split(".")
    payload = {**jwt_payload(token), **changes}
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"{header}.{encoded}.{signature}"


def tampered_json(document: dict[str, Any]) -> dict[str, Any]:
    """The credential with its recipient's name changed and its proof kept."""
    spoiled = json.loads(json.dumps(document))
    spoiled["credentialSubject"]["name"] = "Mallory Impostor"
    return spoiled


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def did_document_url(did: str) -> str:
    """Where one of our did:web identifiers resolves (did:web method: `:` are path separators,
    the rest of the first segment is the host)."""
    _method, _web, _host, *path = did.split(":")
    return "/" + "/".join(path) + "/did.json"


def documents_for(http: httpx.Client, credential: dict[str, Any]) -> dict[str, Any]:
    """Everything an offline verifier needs for one of our credentials: the shipped contexts,
    the issuer's DID document, and the status list credentials it names (fetched from the
    server under test, as any verifier would)."""
    documents: dict[str, Any] = {url: contexts.context_document(url) for url in contexts.FILES}
    issuer = (
        credential["issuer"]["id"]
        if isinstance(credential["issuer"], dict)
        else credential["issuer"]
    )
    if issuer.startswith("did:web:"):
        response = http.get(did_document_url(issuer))
        assert response.status_code == 200, response.text
        documents[issuer] = response.json()
    status = credential.get("credentialStatus") or []
    for entry in status if isinstance(status, list) else [status]:
        url = entry["statusListCredential"]
        response = http.get(_path(url), headers={"Accept": "application/vc+ld+json"})
        assert response.status_code == 200, response.text
        documents[url] = response.json()
    return documents


def revoke(database: Database, encoded_id: str) -> None:
    """Revokes a credential the way a dialect that revokes does (the Accredible API has no
    revoke; its delete sets the same bit)."""
    with database.transaction() as session:
        credential = session.scalar(select(Credential).where(Credential.encoded_id == encoded_id))
        assert credential is not None
        credential_status.revoked(session, credential)
