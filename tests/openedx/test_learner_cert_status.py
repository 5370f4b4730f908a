"""`learner_cert_status` and `bulk_learner_cert_status` (issue 12, item 5): awarded course
certificates only, by course UUID, run key or run UUID, with the grade; unknown learners answered
empty; upstream's identifier rule; staff and the service user only; the older form-encoded path."""

from typing import Any

import httpx
import pytest

from plaudit.domain.openedx_catalog import parse_programs
from plaudit.services import openedx_catalog_import
from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.openedx.helpers import Site, connect_site, jwt_headers, learner_headers, make_jwt
from tests.openedx.test_grades import GRADES, certify, grade
from tests.support.tenants import Tenant, make_tenant

RUN = "course-v1:OrgX+C1+2026"
OTHER_RUN = "course-v1:OrgX+C2+2026"
COURSE_UUID = "4ad04e84-1512-11ee-be56-0242ac120002"
RUN_UUID = "4747fefb-6f31-4689-bcfb-8ff32da191f4"
STATUS = "/api/credentials/v1/learner_cert_status/"
BULK = "/api/credentials/v1/bulk_learner_cert_status/"
LEGACY = "/api/credentials/learner_cert_status"


def import_catalog(database: Database, organization_id: int) -> None:
    program = {
        "uuid": "244af8cb-7cdd-487e-afc0-aa0b6391b1fd",
        "title": "Program",
        "courses": [
            {
                "uuid": COURSE_UUID,
                "key": "OrgX+C1",
                "course_runs": [{"key": RUN, "uuid": RUN_UUID}],
            }
        ],
    }
    with database.transaction() as session:
        openedx_catalog_import.import_programs(session, organization_id, parse_programs([program]))


def award(lms: httpx.Client, username: str, run: str = RUN, **fields: Any) -> None:
    """edx-platform's course run award (`status` revoked revokes it)."""
    body = {
        "username": username,
        "status": "awarded",
        "credential": {"course_run_key": run, "mode": "verified", "type": "course-run"},
        "date_override": None,
        "attributes": [{"name": "visible_date", "value": "2026-12-01T00:00:00Z"}],
        **fields,
    }
    answer = lms.post("/api/v2/credentials/", json=body)
    assert answer.status_code == 201, answer.text


def entry(**changes: Any) -> dict[str, Any]:
    """The status entry of learner1's verified certificate in RUN, graded."""
    return {
        "course_uuid": COURSE_UUID,
        "course_run": {"uuid": RUN_UUID, "key": RUN},
        "status": "awarded",
        "type": "verified",
        "certificate_available_date": None,
        "grade": {"letter_grade": "Pass", "percent_grade": 0.85, "verified": True},
        **changes,
    }


@pytest.fixture
def awarded(lms: httpx.Client, database: Database, tenant: Tenant) -> None:
    """learner1 (LMS user 7) holds a graded certificate in RUN, and one in OTHER_RUN (not in
    the catalog, no grade)."""
    import_catalog(database, tenant.organization_id)
    certify(lms)
    certify(lms, OTHER_RUN)
    award(lms, "learner1", lms_user_id=7)
    award(lms, "learner1", OTHER_RUN)
    assert lms.post(GRADES, json=grade()).status_code == 201


def test_the_call_edx_platform_makes(lms: httpx.Client, awarded: None) -> None:
    answer = lms.post(STATUS, json={"username": "learner1", "course_runs": [RUN]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"lms_user_id": 7, "username": "learner1", "status": [entry()]}


@pytest.mark.parametrize(
    "asked",
    [
        {"courses": [COURSE_UUID]},
        {"course_runs": [RUN_UUID]},
        {"course_runs": [RUN_UUID.upper()]},
        {"courses": [COURSE_UUID], "course_runs": [RUN]},
    ],
    ids=["course-uuid", "run-uuid", "run-uuid-uppercase", "both"],
)
def test_courses_by_uuid_and_runs_by_key_or_uuid(
    lms: httpx.Client, awarded: None, asked: dict[str, list[str]]
) -> None:
    answer = lms.post(STATUS, json={"username": "learner1", **asked})
    assert answer.json()["status"] == [entry()]


def test_by_lms_user_id(lms: httpx.Client, awarded: None) -> None:
    answer = lms.post(STATUS, json={"lms_user_id": 7, "course_runs": [RUN, OTHER_RUN]})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["lms_user_id"], body["username"]) == (7, "learner1")
    outside_catalog = entry(
        course_uuid=None, course_run={"uuid": None, "key": OTHER_RUN}, grade=None
    )
    assert body["status"] == [entry(), outside_catalog]


def test_only_awarded_course_certificates_asked_about(lms: httpx.Client, awarded: None) -> None:
    assert lms.post(STATUS, json={"username": "learner1", "course_runs": [OTHER_RUN]}).json()[
        "status"
    ] == [entry(course_uuid=None, course_run={"uuid": None, "key": OTHER_RUN}, grade=None)]
    award(lms, "learner1", OTHER_RUN, status="revoked")
    answer = lms.post(STATUS, json={"username": "learner1", "course_runs": [RUN, OTHER_RUN]})
    assert answer.json()["status"] == [entry()]
    nothing_asked = lms.post(STATUS, json={"username": "learner1"})
    assert nothing_asked.status_code == 200
    assert nothing_asked.json()["status"] == []


def test_the_certificate_available_date(lms: httpx.Client, awarded: None) -> None:
    body = {
        "course_id": RUN,
        "certificate_type": "verified",
        "certificate_available_date": "2026-12-20T08:30:00Z",
        "is_active": True,
    }
    assert lms.post("/api/v2/course_certificates/", json=body).status_code == 201
    answer = lms.post(STATUS, json={"username": "learner1", "course_runs": [RUN]})
    assert answer.json()["status"][0]["certificate_available_date"] == "2026-12-20T08:30:00Z"


@pytest.mark.parametrize(
    ("asked", "answered"),
    [
        ({"username": "ghost"}, {"lms_user_id": None, "username": "ghost", "status": []}),
        (
            {"lms_user_id": 666, "username": None},
            {"lms_user_id": 666, "username": None, "status": []},
        ),
    ],
    ids=["username", "lms-user-id"],
)
def test_an_unknown_learner_has_an_empty_status(
    lms: httpx.Client, awarded: None, asked: dict[str, Any], answered: dict[str, Any]
) -> None:
    answer = lms.post(STATUS, json={**asked, "course_runs": [RUN]})
    assert answer.status_code == 200
    assert answer.json() == answered


def test_a_learner_without_credentials(lms: httpx.Client, awarded: None) -> None:
    """A learner known only by a grade."""
    assert lms.post(GRADES, json=grade("learner2")).status_code == 201
    answer = lms.post(STATUS, json={"username": "learner2", "course_runs": [RUN]})
    assert answer.json() == {"lms_user_id": None, "username": "learner2", "status": []}


ONE_IDENTIFIER = {"non_field_errors": ["Exactly one of lms_user_id and username is required."]}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"username": "learner1", "lms_user_id": 7, "course_runs": [RUN]}, ONE_IDENTIFIER),
        ({"course_runs": [RUN]}, ONE_IDENTIFIER),
        ({"username": "", "lms_user_id": None, "course_runs": [RUN]}, ONE_IDENTIFIER),
        ({"lms_user_id": "seven"}, {"lms_user_id": ["A valid integer is required."]}),
        ({"username": ["learner1"]}, {"username": ["Not a valid string."]}),
        (
            {"username": "learner1", "course_runs": RUN},
            {"course_runs": ['Expected a list of items but got type "str".']},
        ),
        ({"username": "learner1", "courses": [1]}, {"courses": ["Not a valid string."]}),
        (
            ["learner1"],
            {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
        ),
    ],
    ids=[
        "both",
        "neither",
        "both-empty",
        "lms-user-id-not-integer",
        "username-not-string",
        "runs-not-list",
        "courses-not-strings",
        "not-an-object",
    ],
)
def test_invalid_requests(lms: httpx.Client, body: Any, errors: dict[str, list[str]]) -> None:
    answer = lms.post(STATUS, json=body)
    assert answer.status_code == 400
    assert answer.json() == errors


def test_malformed_json(lms: httpx.Client) -> None:
    answer = lms.post(STATUS, content=b"{", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("JSON parse error")


def test_the_older_form_encoded_call(lms: httpx.Client, awarded: None) -> None:
    form = {"username": "learner1", "course_runs": [RUN, OTHER_RUN]}
    answer = lms.post(LEGACY, data=form)
    assert answer.status_code == 200, answer.text
    assert [item["course_run"]["key"] for item in answer.json()["status"]] == [RUN, OTHER_RUN]
    by_id = lms.post(LEGACY + "/", data={"lms_user_id": "7", "courses": COURSE_UUID})
    assert by_id.json() == {"lms_user_id": 7, "username": "learner1", "status": [entry()]}
    assert lms.post(STATUS, data={"lms_user_id": "7", "username": "x"}).status_code == 400


def test_bulk(lms: httpx.Client, awarded: None) -> None:
    award(lms, "learner2", lms_user_id=8)
    body = [
        {"username": "learner1", "courses": [COURSE_UUID]},
        {"lms_user_id": 8, "course_runs": [RUN]},
        {"lms_user_id": 8675309, "courses": [COURSE_UUID]},
    ]
    answer = lms.post(BULK, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [
        {"lms_user_id": 7, "username": "learner1", "status": [entry()]},
        {"lms_user_id": 8, "username": "learner2", "status": [entry(grade=None)]},
        {"lms_user_id": 8675309, "username": None, "status": []},
    ]
    assert lms.post(BULK, json=[]).json() == []


def test_one_bad_bulk_entry_refuses_the_request(lms: httpx.Client, awarded: None) -> None:
    body = [{"username": "learner1", "courses": [COURSE_UUID]}, {"courses": [COURSE_UUID]}, 5]
    answer = lms.post(BULK, json=body)
    assert answer.status_code == 400
    assert answer.json() == [
        {},
        ONE_IDENTIFIER,
        {"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]},
    ]
    not_a_list = lms.post(BULK, json={"username": "learner1"})
    assert not_a_list.status_code == 400
    assert not_a_list.json() == {
        "non_field_errors": ['Expected a list of items but got type "dict".']
    }
    too_many = lms.post(BULK, json=[{"lms_user_id": index + 1} for index in range(1001)])
    assert too_many.status_code == 400
    assert too_many.json() == {
        "non_field_errors": ["Ensure this field has no more than 1000 elements."]
    }
    assert (
        lms.post(BULK, json=[{"lms_user_id": index + 1} for index in range(1000)]).status_code
        == 200
    )


@pytest.mark.parametrize("path", [STATUS, BULK, LEGACY], ids=["single", "bulk", "legacy"])
def test_only_staff_and_the_service_user(
    http: httpx.Client, site: Site, awarded: None, path: str
) -> None:
    body: Any = {"username": "learner1", "course_runs": [RUN]}
    if path == BULK:
        body = [body]
    as_learner = http.post(path, json=body, headers=learner_headers(site, "learner1"))
    assert as_learner.status_code == 403
    assert as_learner.json() == {"detail": "You do not have permission to perform this action."}
    assert http.post(path, json=body).status_code == 401
    administrator = jwt_headers(make_jwt(site, "admin", administrator=True))
    assert http.post(path, json=body, headers=administrator).status_code == 200


def test_another_organizations_learners_are_unknown(
    http: httpx.Client, database: Database, settings: Settings, awarded: None
) -> None:
    other = connect_site(database, settings, make_tenant(database, "Other Academy"))
    headers = jwt_headers(make_jwt(other))
    answer = http.post(STATUS, json={"username": "learner1", "course_runs": [RUN]}, headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {"lms_user_id": None, "username": "learner1", "status": []}
