"""`/api/v2/credentials/` (issue 12, items 3, 6, 7) on SQLite and PostgreSQL: edx-platform's
calls replayed, upstream's 400 bodies, update-or-create, revoke (status bit) and re-award,
attributes, date override, filters, DRF paging, and who may do what."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from plaudit.openbadges import status_list
from plaudit.store.db import Database
from plaudit.store.openedx_tables import OpenedxLearner, OpenedxProgram, OpenedxUserCredential
from plaudit.store.tables import Credential
from tests.openedx.credential_helpers import (
    OTHER_RUN,
    PATH,
    RUN,
    certificate,
    course_body,
    program,
    program_body,
)
from tests.openedx.helpers import Site, api_key_headers, learner_headers
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant


@pytest.fixture
def course_run(database: Database, tenant: Tenant) -> str:
    certificate(database, tenant)
    return RUN


def plaudit_credential(database: Database, uuid_text: str) -> Credential:
    with database.session() as session:
        row = session.query(OpenedxUserCredential).filter_by(uuid=uuid.UUID(uuid_text)).one()
        credential = session.get_one(Credential, row.credential_id)
        session.expunge(credential)
        return credential


def revoked_bit(database: Database, credential_id: int) -> bool:
    with database.session() as session:
        return status_list.revocation(session, credential_id)[0]


@pytest.fixture
def live_base(live_server: LiveServer) -> str:
    return live_server.base_url


def test_course_run_credential_is_created_then_updated_with_201(
    lms: httpx.Client, course_run: str, live_base: str
) -> None:
    created = lms.post(PATH, json=course_body())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["username"] == "learner1"
    assert body["credential"] == {"type": "course-run", "course_run_key": RUN, "mode": "verified"}
    assert body["status"] == "awarded"
    assert body["attributes"] == [{"name": "visible_date", "value": "2026-12-01T00:00:00Z"}]
    assert body["date_override"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["created"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["modified"])
    assert body["certificate_url"] == f"{live_base}/credentials/{uuid.UUID(body['uuid']).hex}/"
    again = lms.post(PATH, json=course_body(attributes=[{"name": "grade", "value": "0.9"}]))
    assert again.status_code == 201
    assert again.json()["uuid"] == body["uuid"]
    assert again.json()["id"] == body["id"]
    assert again.json()["attributes"] == [
        {"name": "visible_date", "value": "2026-12-01T00:00:00Z"},
        {"name": "grade", "value": "0.9"},
    ]


def test_posting_revoked_revokes_and_sets_the_status_bit_then_awarding_issues_anew(
    lms: httpx.Client, course_run: str, database: Database
) -> None:
    created = lms.post(PATH, json=course_body()).json()
    first = plaudit_credential(database, created["uuid"])
    assert first.state == "accepted"
    revoked = lms.post(PATH, json=course_body(status="revoked"))
    assert revoked.status_code == 201
    assert revoked.json()["status"] == "revoked"
    assert plaudit_credential(database, created["uuid"]).state == "revoked"
    assert revoked_bit(database, first.id)
    again = lms.post(PATH, json=course_body()).json()
    assert again["uuid"] == created["uuid"] and again["status"] == "awarded"
    second = plaudit_credential(database, created["uuid"])
    assert second.id != first.id and second.state == "accepted"
    assert second.replaces_id == first.id
    assert revoked_bit(database, first.id)


def test_program_credential_is_awarded_and_revoked_as_edx_platform_asks(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    program_uuid = program(database, tenant)
    created = lms.post(PATH, json=program_body(program_uuid))
    assert created.status_code == 201, created.text
    with database.session() as session:
        program_id = session.query(OpenedxProgram).filter_by(program_uuid=program_uuid).one().id
    assert created.json()["credential"] == {
        "type": "program",
        "credential_id": program_id,
        "program_uuid": str(program_uuid),
    }
    revoke = {
        "username": "learner1",
        "status": "revoked",
        "credential": {"type": "program", "program_uuid": str(program_uuid)},
    }
    revoked = lms.post(PATH, json=revoke)
    assert revoked.status_code == 201
    assert revoked.json()["uuid"] == created.json()["uuid"]
    assert revoked.json()["status"] == "revoked"
    # Attributes not given are kept.
    assert revoked.json()["attributes"] == created.json()["attributes"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"username": ["This field is required."], "credential": ["This field is required."]}),
        (
            {"username": "learner1", "credential": {}},
            {"credential": ["Credential identifier is missing."]},
        ),
        (
            {"username": "", "credential": {"course_run_key": RUN}, "status": "gone"},
            {
                "username": ["This field may not be blank."],
                "status": ['"gone" is not a valid choice.'],
            },
        ),
        (
            {
                "username": "learner1",
                "credential": {"course_run_key": RUN, "mode": "verified"},
                "attributes": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}],
            },
            {"attributes": ["Attribute names cannot be duplicated."]},
        ),
        (
            {
                "username": "learner1",
                "credential": {"course_run_key": RUN, "mode": "verified"},
                "attributes": [{"name": "a", "value": "1"}, {"name": "b", "value": "x" * 256}],
            },
            {"attributes": [{}, {"value": ["Ensure this field has no more than 255 characters."]}]},
        ),
        (
            {
                "username": "learner1",
                "credential": {"course_run_key": RUN, "mode": "verified"},
                "date_override": {"date": "1st of May"},
            },
            {
                "date_override": {
                    "date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
                }
            },
        ),
        (
            {
                "username": "learner1",
                "credential": {"course_run_key": RUN, "mode": "verified"},
                "lms_user_id": "seven",
            },
            {"lms_user_id": ["A valid integer is required."]},
        ),
    ],
    ids=[
        "empty",
        "no-identifier",
        "blank-and-bad-status",
        "duplicate-names",
        "long-value",
        "bad-date",
        "bad-lms-user-id",
    ],
)
def test_invalid_bodies_get_upstreams_400(
    lms: httpx.Client, course_run: str, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    answer = lms.post(PATH, json=body)
    assert answer.status_code == 400
    assert answer.json() == expected


def test_unknown_inactive_or_uncatalogued_certificates_are_refused(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    unknown = str(uuid.uuid4())
    answer = lms.post(PATH, json={"username": "l", "credential": {"program_uuid": unknown}})
    assert answer.status_code == 400
    assert answer.json() == {
        "credential": {
            "program_uuid": f"No active ProgramCertificate exists for program [{unknown}]"
        }
    }
    inactive = program(database, tenant, status="retired")
    answer = lms.post(PATH, json=program_body(inactive))
    assert answer.json() == {
        "credential": {
            "program_uuid": f"No active ProgramCertificate exists for program [{inactive}]"
        }
    }
    certificate(database, tenant, OTHER_RUN, is_active=False)
    body = course_body(credential={"course_run_key": OTHER_RUN, "mode": "verified"})
    answer = lms.post(PATH, json=body)
    assert answer.status_code == 400
    assert answer.json() == {
        "credential": {
            "course_run_key": f"No active CourseCertificate exists for course run [{OTHER_RUN}]"
        }
    }
    unknown_run = "course-v1:OrgX+Nowhere+2026"
    body = course_body(credential={"course_run_key": unknown_run, "mode": "verified"})
    assert lms.post(PATH, json=body).json() == {
        "credential": {
            "course_run_key": f"CourseCertificate failed to create because the CourseRun "
            f"{unknown_run} doesn't exist in the catalog"
        }
    }
    with database.session() as session:
        assert (
            session.query(OpenedxUserCredential)
            .filter_by(organization_id=tenant.organization_id)
            .count()
            == 0
        )


def test_date_override_is_set_and_removed(lms: httpx.Client, course_run: str) -> None:
    set_ = lms.post(PATH, json=course_body(date_override={"date": "2026-05-01"}))
    assert set_.json()["date_override"] == {"date": "2026-05-01"}
    assert lms.get(f"{PATH}{set_.json()['uuid']}/").json()["date_override"] == {
        "date": "2026-05-01"
    }
    removed = lms.post(PATH, json=course_body(date_override=None))
    assert removed.json()["date_override"] is None


def test_patch_changes_only_the_status_and_delete_revokes(
    lms: httpx.Client, course_run: str, database: Database
) -> None:
    created = lms.post(PATH, json=course_body()).json()
    item = f"{PATH}{created['uuid']}/"
    patched = lms.patch(item, json={"status": "revoked", "username": "someone-else"})
    assert patched.status_code == 200
    assert patched.json()["status"] == "revoked"
    assert patched.json()["username"] == "learner1"
    assert lms.patch(item, json={"status": "maybe"}).json() == {
        "status": ['"maybe" is not a valid choice.']
    }
    assert lms.patch(item, json={"status": "awarded"}).json()["status"] == "awarded"
    deleted = lms.delete(item)
    assert deleted.status_code == 200
    assert deleted.json()["status"] == "revoked"
    assert lms.get(item).json()["status"] == "revoked"
    assert plaudit_credential(database, created["uuid"]).state == "revoked"
    assert lms.get(f"{PATH}{uuid.uuid4()}/").status_code == 404
    assert lms.get(f"{PATH}not-a-uuid/").json() == {"detail": "Not found."}


def test_list_pages_by_twenty_with_absolute_links_and_filters(
    lms: httpx.Client, course_run: str, live_base: str
) -> None:
    for number in range(23):
        assert lms.post(PATH, json=course_body(f"learner{number:02}")).status_code == 201
    first = lms.get(PATH, params={"status": "awarded"}).json()
    assert first["count"] == 23 and len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == f"{live_base}{PATH}?status=awarded&page=2"
    second = lms.get(first["next"]).json()
    assert [item["username"] for item in second["results"]] == [
        "learner20",
        "learner21",
        "learner22",
    ]
    assert second["next"] is None
    assert second["previous"] == f"{live_base}{PATH}?status=awarded"
    assert lms.get(PATH, params={"page_size": 1000}).json()["results"].__len__() == 23
    assert lms.get(PATH, params={"page": 3}).json() == {"detail": "Invalid page."}
    assert lms.get(PATH, params={"page": 3}).status_code == 404
    one = lms.get(PATH, params={"username": "learner05"}).json()
    assert [item["username"] for item in one["results"]] == ["learner05"]
    assert lms.get(PATH, params={"status": "revoked"}).json()["count"] == 0
    assert lms.get(PATH, params={"type": "program"}).json()["count"] == 0
    assert lms.get(PATH, params={"type": "course-run"}).json()["count"] == 23
    assert lms.get(PATH, params={"status": "nope"}).status_code == 400


def test_only_visible_hides_credentials_visible_later(lms: httpx.Client, course_run: str) -> None:
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lms.post(PATH, json=course_body("early"))
    lms.post(PATH, json=course_body("late", attributes=[{"name": "visible_date", "value": later}]))
    lms.post(PATH, json=course_body("none", attributes=[]))
    visible = lms.get(PATH, params={"status": "awarded", "only_visible": "True"}).json()
    assert sorted(item["username"] for item in visible["results"]) == ["early", "none"]
    assert lms.get(PATH, params={"only_visible": "False"}).json()["count"] == 3


def test_program_uuid_filter_takes_program_and_course_credentials_of_its_runs(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    program_uuid = program(database, tenant)
    certificate(database, tenant)
    certificate(database, tenant, OTHER_RUN)
    lms.post(PATH, json=program_body(program_uuid, "a"))
    lms.post(PATH, json=course_body("b"))
    lms.post(
        PATH, json=course_body("c", credential={"course_run_key": OTHER_RUN, "mode": "verified"})
    )
    found = lms.get(PATH, params={"program_uuid": str(program_uuid)}).json()
    assert sorted(item["username"] for item in found["results"]) == ["a", "b"]
    assert lms.get(PATH, params={"program_uuid": "not-a-uuid"}).json()["count"] == 0
    assert lms.get(PATH, params={"program_uuid": str(uuid.uuid4())}).json()["count"] == 0


def test_learners_list_and_read_only_their_own(
    lms: httpx.Client, http: httpx.Client, course_run: str, site: Site
) -> None:
    mine = lms.post(PATH, json=course_body("learner1")).json()
    theirs = lms.post(PATH, json=course_body("learner2")).json()
    me = learner_headers(site, "Learner1")
    own = http.get(PATH, params={"username": "learner1"}, headers=me)
    assert own.status_code == 200 and own.json()["count"] == 1
    forbidden = {"detail": "You do not have permission to perform this action."}
    assert http.get(PATH, params={"username": "learner2"}, headers=me).json() == forbidden
    assert http.get(PATH, headers=me).status_code == 403
    assert http.get(f"{PATH}{mine['uuid']}/", headers=me).status_code == 200
    assert http.get(f"{PATH}{theirs['uuid']}/", headers=me).status_code == 403
    assert http.post(PATH, json=course_body("learner1"), headers=me).status_code == 403
    assert http.delete(f"{PATH}{mine['uuid']}/", headers=me).status_code == 403
    assert http.get(PATH).status_code == 401


def test_api_keys_v1_path_and_no_slash_answer_as_v2(
    http: httpx.Client, course_run: str, tenant: Tenant
) -> None:
    headers = api_key_headers(tenant)
    created = http.post("/api/v1/credentials", json=course_body(), headers=headers)
    assert created.status_code == 201, created.text
    listed = http.get("/api/v2/credentials", params={"username": "learner1"}, headers=headers)
    assert [item["uuid"] for item in listed.json()["results"]] == [created.json()["uuid"]]


def test_other_organizations_see_nothing(
    lms: httpx.Client, http: httpx.Client, course_run: str, database: Database
) -> None:
    created = lms.post(PATH, json=course_body()).json()
    stranger = api_key_headers(make_tenant(database))
    assert http.get(f"{PATH}{created['uuid']}/", headers=stranger).status_code == 404
    assert http.get(PATH, headers=stranger).json()["count"] == 0


def test_certificate_url_leads_to_the_public_page(
    lms: httpx.Client, http: httpx.Client, course_run: str, database: Database, live_base: str
) -> None:
    created = lms.post(PATH, json=course_body()).json()
    credential = plaudit_credential(database, created["uuid"])
    answer = http.get(created["certificate_url"], follow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["location"] == f"{live_base}/c/{credential.encoded_id}"
    assert http.get(f"/credentials/{uuid.uuid4().hex}/").status_code == 404


def test_lms_user_id_is_kept_on_the_learner(
    lms: httpx.Client, course_run: str, database: Database, tenant: Tenant
) -> None:
    assert lms.post(PATH, json=course_body(lms_user_id="8674309")).status_code == 201
    assert lms.post(PATH, json=course_body()).status_code == 201  # not given: kept
    with database.session() as session:
        learner = (
            session.query(OpenedxLearner)
            .filter_by(organization_id=tenant.organization_id, username="learner1")
            .one()
        )
        assert learner.lms_user_id == 8674309


def test_concurrent_awards_of_one_credential_make_one(
    lms: httpx.Client, course_run: str, database: Database, tenant: Tenant
) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: lms.post(PATH, json=course_body("racer")), range(6)))
    assert [answer.status_code for answer in answers] == [201] * 6
    assert len({answer.json()["uuid"] for answer in answers}) == 1
    with database.session() as session:
        issued = session.query(Credential).filter_by(
            organization_id=tenant.organization_id, recipient_name="racer"
        )
        assert issued.count() == 1
