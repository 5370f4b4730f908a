"""The contract rules of the Credly issue through the Open edX dialect (issue 12, items 7 and 8),
on SQLite and PostgreSQL: a credential awarded through `/api/v2/credentials/` is a credential
of every dialect (Credly and Accredible show it; its signed copy passes its status check), a
revoke through any dialect is a revoke for all (status bit, Credly's state, Open edX's status),
and a deletion elsewhere leaves Open edX nothing to show."""

import json
from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from plaudit.store.openedx_tables import OpenedxUserCredential
from tests.contract.dialects import Accredible, Badge, Credly, Tenancy
from tests.openedx.credential_helpers import PATH, RUN, certificate, course_body
from tests.support.tenants import Tenant


@pytest.fixture
def course_run(database: Database, tenant: Tenant) -> str:
    certificate(database, tenant)
    return RUN


@pytest.fixture
def tenancy(http: httpx.Client, database: Database, tenant: Tenant) -> Tenancy:
    return Tenancy(http, database, tenant)


def award(lms: httpx.Client, tenancy: Tenancy, username: str = "learner1") -> tuple[Any, Badge]:
    answer = lms.post(PATH, json=course_body(username))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    with tenancy.database.session() as session:
        row = session.query(OpenedxUserCredential).filter_by(id=body["id"]).one()
        credential_id = row.credential_id
    return body, tenancy.badge(id=credential_id)


def status_check(http: httpx.Client, signed: dict[str, Any]) -> str:
    response = http.post(
        "/verify", content=json.dumps(signed), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    return next(c["outcome"] for c in response.json()["checks"] if c["name"] == "status")


def signed(http: httpx.Client, badge: Badge) -> dict[str, Any]:
    response = http.get(f"/c/{badge.encoded_id}/credential.json")
    assert response.status_code == 200, response.text
    return response.json()


def test_awarded_here_is_a_credential_everywhere_and_revoked_here_is_revoked_everywhere(
    lms: httpx.Client, http: httpx.Client, tenancy: Tenancy, course_run: str
) -> None:
    _, badge = award(lms, tenancy)
    credly, accredible = Credly(tenancy), Accredible(tenancy)
    assert credly.found(badge) and accredible.found(badge)
    copy = signed(http, badge)
    assert status_check(http, copy) == "passed"
    assert lms.post(PATH, json=course_body(status="revoked")).status_code == 201
    state = http.get(f"{credly.base}/badges/{badge.uuid}", headers=credly.headers)
    assert state.json()["data"]["state"] == "revoked"
    assert status_check(http, copy) == "failed"
    assert http.get(f"/api/v1/obi/badgeassertions/{badge.uuid}").status_code == 410
    assert "Revoked" in http.get(f"/c/{badge.encoded_id}").text


def test_revoked_through_credly_shows_revoked_here_and_awarding_again_issues_anew(
    lms: httpx.Client, http: httpx.Client, tenancy: Tenancy, course_run: str
) -> None:
    body, badge = award(lms, tenancy)
    copy = signed(http, badge)
    assert Credly(tenancy).revoke(badge) == 200
    item = f"{PATH}{body['uuid']}/"
    assert lms.get(item).json()["status"] == "revoked"
    assert lms.get(PATH, params={"status": "awarded"}).json()["count"] == 0
    assert lms.get(PATH, params={"status": "revoked"}).json()["count"] == 1
    again = lms.post(PATH, json=course_body())
    assert again.json()["uuid"] == body["uuid"] and again.json()["status"] == "awarded"
    _, current = award(lms, tenancy)
    assert current.uuid != badge.uuid
    assert status_check(http, signed(http, current)) == "passed"
    assert status_check(http, copy) == "failed"


def test_deleted_through_another_dialect_is_gone_here(
    lms: httpx.Client, tenancy: Tenancy, course_run: str
) -> None:
    body, badge = award(lms, tenancy)
    assert Accredible(tenancy).delete(badge) == 200
    assert lms.get(f"{PATH}{body['uuid']}/").status_code == 404
    assert lms.get(PATH, params={"username": "learner1"}).json()["count"] == 0
    again = lms.post(PATH, json=course_body())
    assert again.status_code == 201 and again.json()["uuid"] != body["uuid"]
