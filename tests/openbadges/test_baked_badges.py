"""Baked badges over HTTP: the badge image carries the signed credential; what comes out of it
verifies (here and in the independent verifier), and fails once tampered with or revoked."""

import io
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import etree
from PIL import Image

from plaudit.openbadges import baking
from plaudit.store.db import Database
from tests.openbadges.verify_helpers import (
    documents_for,
    issued,
    revoke,
    signed_json,
    signed_jwt,
    tampered_json,
)
from tests.support.node_verifier import NodeVerifier, node_verifier


@pytest.fixture(scope="module")
def node() -> Iterator[NodeVerifier]:
    yield node_verifier()


def baked(http: httpx.Client, encoded_id: str, extension: str, **query: str) -> bytes:
    response = http.get(f"/c/{encoded_id}/badge-baked.{extension}", params=query)
    assert response.status_code == 200, response.text
    expected = "image/png" if extension == "png" else "image/svg+xml"
    assert response.headers["content-type"].startswith(expected)
    return response.content


def verify_upload(http: httpx.Client, name: str, content: bytes) -> dict:
    response = http.post("/verify", files={"file": (name, content, "application/octet-stream")})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_baked_badge_carries_the_signed_credential(
    api: httpx.Client, http: httpx.Client, node: NodeVerifier, extension: str
) -> None:
    encoded_id = issued(api)["encoded_id"]
    image = baked(http, encoded_id, extension)
    badge = baking.extract(image)
    assert badge.version == "ob3"
    credential = json.loads(badge.text)
    assert credential == signed_json(http, encoded_id)
    result = verify_upload(http, f"badge.{extension}", image)
    assert result["valid"] is True, result
    assert result["source"] == extension
    verdict = node.verify(credential, documents_for(http, credential))
    assert verdict.verified, verdict.errors
    if extension == "png":
        Image.open(io.BytesIO(image)).load()  # still a whole, valid image
    else:
        root = etree.fromstring(image)
        assert root[0].tag == "{https://purl.imsglobal.org/ob/v3p0}credential"


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_baked_jwt(api: httpx.Client, http: httpx.Client, extension: str) -> None:
    encoded_id = issued(api)["encoded_id"]
    image = baked(http, encoded_id, extension, format="jwt")
    assert baking.extract(image).text == signed_jwt(http, encoded_id)
    result = verify_upload(http, f"badge.{extension}", image)
    assert result["valid"] is True and result["format"] == "vc+jwt", result


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_tampered_baked_badge_fails_here_and_in_node(
    api: httpx.Client, http: httpx.Client, node: NodeVerifier, extension: str
) -> None:
    encoded_id = issued(api)["encoded_id"]
    image = baked(http, encoded_id, extension)
    forged = tampered_json(json.loads(baking.extract(image).text))
    rebaked = (
        baking.bake_png(image, json.dumps(forged))
        if extension == "png"
        else baking.bake_svg(image, json.dumps(forged)).encode()
    )
    result = verify_upload(http, f"badge.{extension}", rebaked)
    assert result["valid"] is False
    assert {c["name"]: c["outcome"] for c in result["checks"]}["proof"] == "failed"
    extracted = json.loads(baking.extract(rebaked).text)
    assert not node.verify(extracted, documents_for(http, extracted)).verified


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_revoked_baked_badge_fails_here_and_in_node(
    api: httpx.Client, http: httpx.Client, node: NodeVerifier, database: Database, extension: str
) -> None:
    encoded_id = issued(api)["encoded_id"]
    image = baked(http, encoded_id, extension)
    revoke(database, encoded_id)
    result = verify_upload(http, f"badge.{extension}", image)
    assert result["valid"] is False
    assert {c["name"]: c["outcome"] for c in result["checks"]}["status"] == "failed"
    credential = json.loads(baking.extract(image).text)
    verdict = node.verify(credential, documents_for(http, credential))
    assert not verdict.verified and "status bit set: revocation" in verdict.errors


def test_expired_baked_badge_fails_in_node(
    api: httpx.Client, http: httpx.Client, node: NodeVerifier
) -> None:
    encoded_id = issued(api, issued_on="2019-01-01", expired_on="2020-01-01")["encoded_id"]
    for extension in ("png", "svg"):
        credential = json.loads(baking.extract(baked(http, encoded_id, extension)).text)
        assert not node.verify(credential, documents_for(http, credential)).verified


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_open_badges_2_baking(api: httpx.Client, http: httpx.Client, extension: str) -> None:
    credential = issued(api)
    image = baked(http, credential["encoded_id"], extension, ob="2")
    badge = baking.extract(image)
    assert badge.version == "ob2"
    assertion = json.loads(badge.text)
    assert assertion["type"] == "Assertion"
    assert assertion["verification"] == {"type": "hosted"}
    hosted = http.get(urlsplit(assertion["id"]).path)
    assert hosted.status_code == 200 and hosted.json() == assertion
    if extension == "svg":
        element = etree.fromstring(image)[0]
        assert element.tag == "{http://openbadges.org}assertion"
        assert element.get("verify") == assertion["id"]


def test_private_credential_badge_is_refused_to_others(
    api: httpx.Client, http: httpx.Client
) -> None:
    encoded_id = issued(api, private=True)["encoded_id"]
    response = http.get(f"/c/{encoded_id}/badge-baked.png", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.json() == {"errors": "Private Certificate, use key"}


def test_unknown_credential_is_404(http: httpx.Client) -> None:
    assert http.get("/c/nosuchbadge/badge-baked.svg").status_code == 404
