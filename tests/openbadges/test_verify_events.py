"""Verifying one of our credentials through Plaudit records one `verify` analytics event for
it and its organization, on every route that verifies (the credential page's live
verification, `POST /verify` with JSON, a JWT, an uploaded baked badge or a pasted credential),
and the Accredible analytics list it as `credential_user_verified`. A credential of another
issuer, or a tampered copy, records nothing."""

import json
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from plaudit.openbadges import multibase
from plaudit.openbadges.data_integrity import add_proof
from plaudit.store.db import Database
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.web.verifications import CREDENTIAL_PAGE, SUBMITTED
from tests.openbadges.verify_helpers import issued, revoke, signed_json, signed_jwt, tampered_json
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant
from tests.web.helpers import events

VERIFIED = "credential_user_verified"


def verifications(
    api: httpx.Client, database: Database, credential: dict[str, Any]
) -> list[tuple[int, str | None]]:
    """The credential's verify events as (organization id, channel), oldest first. Listing its
    analytics through the API first writes the server's pending events."""
    events(api, credential["id"])
    with database.session(readonly=True) as session:
        rows = session.execute(
            select(AnalyticsEvent.organization_id, AnalyticsEvent.channel)
            .where(
                AnalyticsEvent.credential_id == int(credential["id"]),
                AnalyticsEvent.kind == "verify",
            )
            .order_by(AnalyticsEvent.id)
        )
        return [(row.organization_id, row.channel) for row in rows]


def post(http: httpx.Client, **request: Any) -> dict[str, Any]:
    response = http.post("/verify", **request)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_live_verification_records_one_event(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issued(api)
    encoded_id = credential["encoded_id"]
    assert http.get(f"/c/{encoded_id}").status_code == 200  # the page alone verifies nothing
    assert verifications(api, database, credential) == []
    for accept in ("application/json", "text/html"):
        response = http.get(f"/c/{encoded_id}/verification", headers={"Accept": accept})
        assert response.status_code == 200
    assert (
        verifications(api, database, credential) == [(tenant.organization_id, CREDENTIAL_PAGE)] * 2
    )
    assert events(api, credential["id"]) == ["view_certificate", VERIFIED, VERIFIED]
    listed = api.get("/v1/analytics")
    assert listed.status_code == 200
    assert [item["event"] for item in listed.json()["analytics"]].count(VERIFIED) == 2


def test_the_pages_own_panel_check_is_not_counted_as_a_verification(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    """The panel checks on every page load (live-verification.js sends the header): a view,
    not a verification someone asked for."""
    credential = issued(api)
    panel = {"Accept": "application/json", "X-Plaudit-Panel": "1"}
    response = http.get(f"/c/{credential['encoded_id']}/verification", headers=panel)
    assert response.status_code == 200 and response.json()["valid"] is True
    assert verifications(api, database, credential) == []


def test_every_form_submitted_to_verify_records_one_event(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issued(api)
    encoded_id = credential["encoded_id"]
    document, token = signed_json(http, encoded_id), signed_jwt(http, encoded_id)
    baked = http.get(f"/c/{encoded_id}/badge-baked.png")
    assert baked.status_code == 200
    answers = [
        post(http, content=json.dumps(document), headers={"Content-Type": "application/json"}),
        post(http, content=token, headers={"Content-Type": "application/vc+jwt"}),
        post(http, files={"file": ("badge.png", baked.content, "image/png")}),
        post(http, data={"credential": token}),
    ]
    assert all(answer["valid"] for answer in answers), answers
    page = http.post("/verify", data={"credential": token}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert verifications(api, database, credential) == [(tenant.organization_id, SUBMITTED)] * 5
    assert events(api, credential["id"]).count(VERIFIED) == 5


def test_a_revoked_credential_verified_still_counts(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issued(api)
    document = signed_json(http, credential["encoded_id"])
    revoke(database, credential["encoded_id"])
    headers = {"Content-Type": "application/json"}
    assert post(http, content=json.dumps(document), headers=headers)["valid"] is False
    assert verifications(api, database, credential) == [(tenant.organization_id, SUBMITTED)]


def test_tampered_and_foreign_copies_record_nothing(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api)
    document = signed_json(http, credential["encoded_id"])
    headers = {"Content-Type": "application/json"}
    assert (
        post(http, content=json.dumps(tampered_json(document)), headers=headers)["valid"] is False
    )
    # Another issuer's credential claiming our credential's id, validly signed with its key.
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.public_key_multibase(key.public_key().public_bytes_raw())
    foreign = {name: value for name, value in document.items() if name != "proof"}
    foreign["issuer"] = {**foreign["issuer"], "id": did}
    foreign.pop("credentialStatus", None)
    signed = add_proof(foreign, key, f"{did}#{did.removeprefix('did:key:')}")
    answer = post(http, content=json.dumps(signed), headers=headers)
    assert {check["name"]: check["outcome"] for check in answer["checks"]}["proof"] == "passed"
    assert post(http, content=b"not a credential", headers={"Content-Type": "text/plain"})
    assert verifications(api, database, credential) == []
    assert VERIFIED not in events(api, credential["id"])


def test_each_credential_counts_for_its_own_organization(
    live_server: LiveServer, api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    other = make_tenant(database, "Elsewhere")
    headers = {"Authorization": f"Token token={other.api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as other_api:
        theirs = issued(other_api)
        document = signed_json(http, theirs["encoded_id"])
        post(http, content=json.dumps(document), headers={"Content-Type": "application/json"})
        assert verifications(other_api, database, theirs) == [(other.organization_id, SUBMITTED)]
    listed = api.get("/v1/analytics")
    assert listed.status_code == 200
    assert listed.json()["analytics"] == []  # the test's own organization saw nothing
