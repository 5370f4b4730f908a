"""Replace, revoke and delete a badge through Credly, the earner's accept and reject from the
wallet, and `plaudit credentials revoke` (services/badge_lifecycle.py): seed 002's rules and
its 422 bodies, word for word."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select

from plaudit.openbadges import status_list
from plaudit.store.db import Database
from plaudit.store.event_tables import Event
from plaudit.store.tables import Credential
from tests.credly.helpers import basic
from tests.credly.lifecycle_helpers import Org, base_path, make_org, template
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant
from tests.web.helpers import signed_in_browser
from tests.web.test_wallet import form_token

REVOKE = [str(Path(sys.executable).parent / "plaudit"), "credentials", "revoke"]
REPLACE_REPLACED = "This badge cannot be replaced because it has already been replaced."
REVOKE_REPLACED = "This badge cannot be revoked because it has been replaced."


@pytest.fixture
def org(api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant) -> Org:
    return make_org(api, http, database, tenant)


def _state(database: Database, badge_id: str, state: str) -> None:
    with database.transaction() as session:
        credential = session.scalar(select(Credential).where(Credential.uuid == UUID(badge_id)))
        assert credential is not None
        credential.state = state


def _events(database: Database, subject: str) -> list[Event]:
    with database.session(readonly=True) as session:
        query = select(Event).where(Event.subject_uuid == UUID(subject)).order_by(Event.id)
        return list(session.scalars(query))


def _status(http: httpx.Client, signed: dict[str, Any]) -> str:
    response = http.post(
        "/verify", content=json.dumps(signed), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    return next(c["outcome"] for c in response.json()["checks"] if c["name"] == "status")


def _signed(org: Org, badge_id: str) -> dict[str, Any]:
    row = org.row(badge_id)
    assert row is not None
    response = org.http.get(f"/c/{row.encoded_id}/credential.json")
    assert response.status_code == 200, response.text
    return response.json()


# --- replace ---------------------------------------------------------------------------------


def test_replace_takes_the_old_badges_place_and_carries_only_the_recipient(org: Org) -> None:
    old = org.issue(
        country_name="United States",
        state_or_province="Minnesota",
        issuer_earner_id="earner-1",
        evidence=[{"type": "UrlEvidence", "value": "https://example.org/e"}],
    )
    response = org.replace(old["id"], notification_message="Your badge was updated.")
    assert response.status_code == 201, response.text
    new = response.json()["data"]
    assert response.headers["location"].endswith(f"{org.base}/badges/{new['id']}")
    assert new["id"] != old["id"]
    assert new["replaces_badge_id"] == old["id"] and new["replacement_badge_id"] is None
    assert new["recipient_email"] == old["recipient_email"]
    assert (new["issued_to_first_name"], new["issued_to_last_name"]) == ("Ada", "Lovelace")
    assert new["issued_to"] == "Ada Lovelace"
    # Not given, so not carried over.
    assert new["country"] is None and new["state_or_province"] is None
    assert new["issuer_earner_id"] is None and new["evidence"] == []
    assert new["issued_at_date"] == "2025-01-02"
    assert new["state"] == "pending"
    # The old badge redirects to the new one, and names it.
    moved = org.send("GET", f"/badges/{old['id']}", follow_redirects=False)
    assert moved.status_code == 302
    assert moved.headers["location"].endswith(f"/badges/{new['id']}")
    stored = org.row(old["id"])
    current = org.row(new["id"])
    assert stored is not None and current is not None
    assert stored.replaced_by_id == current.id and current.replaces_id == stored.id
    assert stored.duplicate_key is None and stored.duplicate_earner_key is None
    [created] = [e for e in _events(org.database, new["id"]) if e.event_type == "badge.created"]
    assert created.payload == {
        "replaces_badge_id": old["id"],
        "notification_message": "Your badge was updated.",
    }


def test_the_old_badges_public_page_redirects_to_the_current_one(org: Org) -> None:
    first = org.issue()
    second = org.replaced(first["id"])
    third = org.replaced(second["id"])
    for old in (first, second):
        row = org.row(old["id"])
        assert row is not None
        moved = org.http.get(f"/c/{row.encoded_id}", follow_redirects=False)
        assert moved.status_code == 302
        assert moved.headers["location"] == third["badge_url"]
    assert org.http.get(third["badge_url"]).status_code == 200


def test_replace_takes_given_names_and_fields(org: Org) -> None:
    old = org.issue()
    new = org.replaced(
        old["id"],
        issued_to_first_name="Augusta",
        issued_to_last_name="King",
        issuer_earner_id=42,
        country_name="United Kingdom",
        state_or_province="London",
    )
    assert new["issued_to"] == "Augusta King"
    assert new["issuer_earner_id"] == "42"
    assert (new["country"], new["state_or_province"]) == ("United Kingdom", "London")


def test_the_replacement_is_no_duplicate_of_the_badge_it_replaces(org: Org) -> None:
    old = org.issue(issuer_earner_id="earner-7")
    new = org.replaced(old["id"], issuer_earner_id="earner-7")
    assert new["issuer_earner_id"] == "earner-7"
    # ... but the rule still holds for the current badge.
    response = org.send(
        "POST",
        "/badges",
        json={
            "recipient_email": old["recipient_email"],
            "issued_to_first_name": "Ada",
            "issued_to_last_name": "Lovelace",
            "badge_template_id": org.template,
            "issued_at": "2025-02-01",
        },
    )
    assert response.status_code == 422, response.text


EXPIRY_CASES = [
    # (old badge expires, expires_at in the replace body or "omit", template default, expected)
    ("2030-01-01", "omit", "P1Y", "2026-01-02"),
    ("2030-01-01", None, "P1Y", "2026-01-02"),
    ("2030-01-01", "", "P1Y", "2026-01-02"),
    ("2030-01-01", False, "P1Y", None),
    ("2030-01-01", "2031-05-06", "P1Y", "2031-05-06"),
    (None, "omit", "P1Y", None),
    (None, None, "P1Y", "2026-01-02"),
    ("2030-01-01", None, None, None),
    ("2030-01-01", "omit", None, None),
]


@pytest.mark.parametrize(
    ("old_expiry", "given", "period", "expected"),
    EXPIRY_CASES,
    ids=[
        "omitted-old-expiring",
        "null",
        "blank",
        "false-never",
        "a-date",
        "omitted-old-never",
        "null-old-never",
        "null-no-default",
        "omitted-no-default",
    ],
)
def test_replace_expiry_rules(
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    tenant: Tenant,
    old_expiry: str | None,
    given: object,
    period: str | None,
    expected: str | None,
) -> None:
    base = base_path(database, tenant)
    org = Org(http, database, tenant, base, template(api, database, expiry_period=period))
    old = org.issue(expires_at=old_expiry if old_expiry else False)
    assert old["expires_at_date"] == old_expiry
    fields = {} if given == "omit" else {"expires_at": given}
    assert org.replaced(old["id"], **fields)["expires_at_date"] == expected


def test_recipient_email_changes_only_while_pending(org: Org) -> None:
    pending = org.issue()
    assert pending["state"] == "pending"
    moved = org.replaced(pending["id"], recipient_email="new.address@example.org")
    assert moved["recipient_email"] == "new.address@example.org"

    accepted = org.issue()
    _state(org.database, accepted["id"], "accepted")
    refused = org.replace(accepted["id"], recipient_email="other@example.org")
    assert refused.status_code == 422
    [error] = refused.json()["data"]["errors"]
    assert error["attribute"] == "recipient_email"
    assert org.row(accepted["id"]).replaced_by_id is None  # type: ignore[union-attr]
    # The same address (in any case) is no change.
    same = org.replaced(accepted["id"], recipient_email=accepted["recipient_email"].upper())
    assert same["state"] == "accepted"


def test_replace_needs_the_seeds_required_fields_and_a_knowntemplate(org: Org) -> None:
    old = org.issue()
    missing = org.send("POST", f"/badges/{old['id']}/replace", json={})
    assert missing.status_code == 422
    named = {error["attribute"] for error in missing.json()["data"]["errors"]}
    assert named == {"badge_template_id", "issued_at"}
    unknown = org.replace(old["id"], badge_template_id=str(UUID(int=7)))
    assert unknown.status_code == 422
    assert unknown.json()["data"]["errors"][0]["attribute"] == "badge_template_id"
    assert org.row(old["id"]).replaced_by_id is None  # type: ignore[union-attr]


def test_a_replaced_badge_cannot_be_replaced_revoked_or_deleted(org: Org) -> None:
    first = org.issue()
    second = org.replaced(first["id"])
    third = org.replaced(second["id"])
    for replaced in (first, second):
        refused = org.replace(replaced["id"])
        assert refused.status_code == 422
        assert refused.json() == {
            "data": {
                "message": f"Validation failed: {REPLACE_REPLACED}",
                "errors": [
                    {"attribute": "base", "attribute_label": "Base", "messages": [REPLACE_REPLACED]}
                ],
            },
            "metadata": {"current_badge_id": third["id"]},
        }
        revoke = org.send("PUT", f"/badges/{replaced['id']}/revoke", json={"reason": "x"})
        assert revoke.status_code == 422
        assert revoke.json() == {
            "data": {
                "message": f"Validation failed: {REVOKE_REPLACED}",
                "errors": [
                    {"attribute": "base", "attribute_label": "Base", "messages": [REVOKE_REPLACED]}
                ],
            },
            "metadata": {"current_badge_id": third["id"]},
        }
        delete = org.send("DELETE", f"/badges/{replaced['id']}")
        assert delete.status_code == 422
        assert delete.json() == {
            "data": {
                "message": "You can not delete replaced badges. Delete the current version instead."
            },
            "metadata": None,
        }
    assert org.row(first["id"]) is not None and org.row(third["id"]).state == "pending"  # type: ignore[union-attr]


def test_the_replaced_credential_fails_verification(org: Org) -> None:
    old = org.issue()
    signed = _signed(org, old["id"])
    assert _status(org.http, signed) == "passed"
    new = org.replaced(old["id"])
    assert _status(org.http, signed) == "failed"
    assert _status(org.http, _signed(org, new["id"])) == "passed"


# --- revoke ----------------------------------------------------------------------------------


def test_revoke_sets_state_reason_and_the_status_bit(org: Org) -> None:
    badge = org.issue()
    signed = _signed(org, badge["id"])
    assert _status(org.http, signed) == "passed"
    body = {"reason": "Check bounced", "suppress_revoke_notification_email": True}
    # Open edX's client: PUT with a trailing slash.
    response = org.send("PUT", f"/badges/{badge['id']}/revoke/", json=body)
    assert response.status_code == 200, response.text
    revoked = response.json()["data"]
    assert revoked["state"] == "revoked" and revoked["revocation_reason"] == "Check bounced"
    assert revoked["state_updated_at"] is not None
    assert _status(org.http, signed) == "failed"
    changes = [e.payload for e in _events(org.database, badge["id"]) if "state" in e.event_type]
    assert changes == [{"from": "pending", "to": "revoked", "suppress_notification_email": True}]
    # Again: answered unchanged, as a retried request must be; no second event.
    again = org.send("POST", f"/badges/{badge['id']}/revoke", json={"reason": "Other"})
    assert again.status_code == 200
    assert again.json()["data"]["revocation_reason"] == "Check bounced"
    assert again.json()["data"]["state_updated_at"] == revoked["state_updated_at"]
    assert len([e for e in _events(org.database, badge["id"]) if "state" in e.event_type]) == 1


def test_revoke_without_a_body_and_of_another_organizations_badge(
    org: Org, database: Database
) -> None:
    badge = org.issue()
    response = org.send("PUT", f"/badges/{badge['id']}/revoke")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["revocation_reason"] is None
    other = make_tenant(database, "Other Academy")
    stranger = org.http.put(
        f"{base_path(database, other)}/badges/{org.issue()['id']}/revoke",
        headers=basic(other.api_key),
    )
    assert stranger.status_code == 404
    with database.session(readonly=True) as session:
        row = session.scalar(select(Credential).where(Credential.uuid == UUID(badge["id"])))
        assert row is not None and status_list.revocation(session, row.id)[0]


def test_the_revoke_command_sets_state_and_reason_too(
    org: Org, database_url: str, tmp_path: Path
) -> None:
    badge = org.issue()
    row = org.row(badge["id"])
    assert row is not None
    result = _run_revoke(database_url, tmp_path, org.tenant, row.encoded_id)
    assert result.returncode == 0, result.stderr
    shown = org.send("GET", f"/badges/{badge['id']}").json()["data"]
    assert (shown["state"], shown["revocation_reason"]) == ("revoked", "Fraud")


def _run_revoke(
    database_url: str, tmp_path: Path, tenant: Tenant, ref: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*REVOKE, ref, "--org", str(tenant.organization_id), "--reason", "Fraud"],
        env={**os.environ, "PLAUDIT_DATABASE_URL": database_url, "PLAUDIT_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- delete ----------------------------------------------------------------------------------


def test_deleting_the_current_badge_deletes_its_whole_chain(org: Org) -> None:
    first = org.issue(country_name="United States")
    signed = _signed(org, first["id"])
    second = org.replaced(first["id"], notification_message="Dear Ada Lovelace, here it is.")
    third = org.replaced(second["id"], notification_message="Ada, once more.")
    response = org.send("DELETE", f"/badges/{third['id']}")
    assert response.status_code == 204 and response.content == b""
    for badge in (first, second, third):
        assert org.row(badge["id"]) is None
        assert org.send("GET", f"/badges/{badge['id']}").status_code == 404
        kinds = [event.event_type for event in _events(org.database, badge["id"])]
        assert kinds[0] == "badge.created" and kinds[-1] == "badge.deleted"
    with org.database.session(readonly=True) as session:
        payloads = json.dumps(
            [event.payload for event in session.scalars(select(Event)) if event.payload]
        )
    for personal in ("Ada", "Lovelace", first["recipient_email"]):
        assert personal not in payloads
    assert _status(org.http, signed) == "failed"
    assert org.send("DELETE", f"/badges/{third['id']}").status_code == 404


def test_deleting_a_badge_leaves_other_badges(org: Org) -> None:
    kept = org.issue()
    gone = org.issue()
    assert org.send("DELETE", f"/badges/{gone['id']}/").status_code == 204
    assert org.row(kept["id"]) is not None and org.row(gone["id"]) is None


# --- accept or reject, from the wallet -------------------------------------------------------


def _browser_for(api: httpx.Client, live_server: LiveServer, org: Org, badge_id: str) -> Any:
    row = org.row(badge_id)
    assert row is not None
    return signed_in_browser(api, live_server, str(row.id))


@pytest.mark.parametrize("answer", ["accept", "reject"], ids=["accept", "reject"])
def test_the_earner_answers_a_pending_badge_from_the_wallet(
    api: httpx.Client, live_server: LiveServer, org: Org, answer: str
) -> None:
    badge = org.issue()
    row = org.row(badge["id"])
    assert row is not None
    with _browser_for(api, live_server, org, badge["id"]) as browser:
        wallet = browser.get("/wallet")
        assert "Pending" in wallet.text and 'value="accept"' in wallet.text
        token = form_token(wallet.text)
        path = f"/wallet/credentials/{row.encoded_id}/acceptance"
        done = browser.post(path, data={"csrf_token": token, "answer": answer})
        assert done.status_code == 303
        assert done.headers["location"].endswith(f"/wallet#credential-{row.encoded_id}")
        state = f"{answer}ed" if answer == "reject" else "accepted"
        assert state.capitalize() in browser.get("/wallet").text
        # Answered: no second answer.
        again = browser.post(path, data={"csrf_token": token, "answer": "accept"})
        assert again.status_code == 409
    shown = org.send("GET", f"/badges/{badge['id']}").json()["data"]
    assert shown["state"] == state and shown["state_updated_at"] is not None
    changes = [e.payload for e in _events(org.database, badge["id"]) if "state" in e.event_type]
    assert changes == [{"from": "pending", "to": state}]


def test_wallet_answers_need_the_forms_token_a_valid_answer_and_a_pending_badge(
    api: httpx.Client, live_server: LiveServer, org: Org
) -> None:
    badge = org.issue()
    row = org.row(badge["id"])
    revoked = org.issue(
        recipient_email=badge["recipient_email"], badge_template_id=template(api, org.database)
    )
    assert org.send("PUT", f"/badges/{revoked['id']}/revoke").status_code == 200
    revoked_row = org.row(revoked["id"])
    assert row is not None and revoked_row is not None
    with _browser_for(api, live_server, org, badge["id"]) as browser:
        path = f"/wallet/credentials/{row.encoded_id}/acceptance"
        assert browser.post(path, data={"answer": "accept"}).status_code == 403
        token = form_token(browser.get("/wallet").text)
        assert browser.post(path, data={"csrf_token": token, "answer": "maybe"}).status_code == 400
        revoked_path = f"/wallet/credentials/{revoked_row.encoded_id}/acceptance"
        assert (
            browser.post(revoked_path, data={"csrf_token": token, "answer": "accept"}).status_code
            == 409
        )
    assert org.row(badge["id"]).state == "pending"  # type: ignore[union-attr]
    assert org.row(revoked["id"]).state == "revoked"  # type: ignore[union-attr]


def test_a_replaced_badge_is_no_longer_answered_its_replacement_is(
    api: httpx.Client, live_server: LiveServer, org: Org
) -> None:
    old = org.issue()
    new = org.replaced(old["id"])
    old_row, new_row = org.row(old["id"]), org.row(new["id"])
    assert old_row is not None and new_row is not None
    with _browser_for(api, live_server, org, new["id"]) as browser:
        wallet = browser.get("/wallet").text
        assert "Replaced" in wallet
        token = form_token(wallet)
        for row, status in ((old_row, 409), (new_row, 303)):
            path = f"/wallet/credentials/{row.encoded_id}/acceptance"
            answered = browser.post(path, data={"csrf_token": token, "answer": "accept"})
            assert answered.status_code == status
    assert org.row(old["id"]).state == "pending"  # type: ignore[union-attr]
    assert org.row(new["id"]).state == "accepted"  # type: ignore[union-attr]


def test_nobody_else_answers_for_the_earner(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer, org: Org
) -> None:
    mine = org.issue()
    theirs = org.issue()
    theirs_row = org.row(theirs["id"])
    assert theirs_row is not None
    path = f"/wallet/credentials/{theirs_row.encoded_id}/acceptance"
    assert http.post(path, data={"answer": "accept"}).status_code == 401
    with _browser_for(api, live_server, org, mine["id"]) as browser:
        token = form_token(browser.get("/wallet").text)
        assert browser.post(path, data={"csrf_token": token, "answer": "accept"}).status_code == 404
    assert org.row(theirs["id"]).state == "pending"  # type: ignore[union-attr]


def test_deleting_one_badge_of_a_chain_through_accredible_leaves_no_dangling_link(
    api: httpx.Client, org: Org
) -> None:
    old = org.issue()
    new = org.replaced(old["id"])
    row = org.row(new["id"])
    assert row is not None
    assert api.delete(f"/v1/credentials/{row.id}").status_code == 200
    # The old badge is no longer replaced by anything: no redirect to a badge that is gone.
    shown = org.send("GET", f"/badges/{old['id']}", follow_redirects=False)
    assert shown.status_code == 200, shown.text
    assert shown.json()["data"]["replacement_badge_id"] is None
