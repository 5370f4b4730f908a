"""`/api/v2/grades/` (issue 12, item 4): update-or-create per (username, course run), the order
of reports kept by `lms_last_updated_at`, upstream's validation and permissions."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from plaudit.domain.openedx_catalog import parse_programs
from plaudit.services import openedx_catalog_import
from plaudit.store.db import Database
from tests.openedx.helpers import Site, learner_headers
from tests.support.tenants import Tenant

RUN = "course-v1:OrgX+C1+2026"
GRADES = "/api/v2/grades/"


def certify(lms: httpx.Client, run: str = RUN) -> None:
    """edx-platform's course certificate configuration: what makes a run known."""
    body = {
        "course_id": run,
        "certificate_type": "verified",
        "certificate_available_date": None,
        "is_active": True,
    }
    assert lms.post("/api/v2/course_certificates/", json=body).status_code == 201


def grade(username: str = "learner1", **fields: object) -> dict[str, object]:
    """The body edx-platform posts."""
    return {
        "username": username,
        "course_run": RUN,
        "letter_grade": "Pass",
        "percent_grade": 0.85,
        "verified": True,
        "lms_last_updated_at": "2026-12-01T10:00:00Z",
        **fields,
    }


def test_post_creates_then_updates(lms: httpx.Client) -> None:
    certify(lms)
    created = lms.post(GRADES, json=grade())
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {
        "id",
        "username",
        "course_run",
        "letter_grade",
        "percent_grade",
        "verified",
        "lms_last_updated_at",
        "created",
        "modified",
    }
    assert body["username"] == "learner1"
    assert body["course_run"] == RUN
    assert body["letter_grade"] == "Pass"
    assert body["percent_grade"] == "0.8500"
    assert body["verified"] is True
    assert body["lms_last_updated_at"] == "2026-12-01T10:00:00Z"

    updated = lms.post(
        GRADES,
        json=grade(
            letter_grade="A", percent_grade=0.95, lms_last_updated_at="2026-12-02T10:00:00Z"
        ),
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["id"] == body["id"]
    assert updated.json()["letter_grade"] == "A"
    assert updated.json()["percent_grade"] == "0.9500"
    assert updated.json()["lms_last_updated_at"] == "2026-12-02T10:00:00Z"


def test_grades_are_per_learner_and_run(lms: httpx.Client) -> None:
    other_run = "course-v1:OrgX+C2+2026"
    certify(lms)
    certify(lms, other_run)
    first = lms.post(GRADES, json=grade()).json()["id"]
    assert lms.post(GRADES, json=grade("learner2")).status_code == 201
    again = lms.post(GRADES, json=grade(course_run=other_run))
    assert again.status_code == 201
    assert again.json()["id"] != first


def test_an_older_report_does_not_overwrite_a_newer_one(lms: httpx.Client) -> None:
    certify(lms)
    lms.post(GRADES, json=grade(letter_grade="A", lms_last_updated_at="2026-12-02T10:00:00Z"))
    older = lms.post(
        GRADES,
        json=grade(letter_grade="F", percent_grade=0.1, lms_last_updated_at="2026-12-01T10:00:00Z"),
    )
    assert older.status_code == 200
    assert older.json()["letter_grade"] == "A"
    assert older.json()["percent_grade"] == "0.8500"
    assert older.json()["lms_last_updated_at"] == "2026-12-02T10:00:00Z"


def test_an_undated_report_applies_and_keeps_the_date(lms: httpx.Client) -> None:
    """Older LMS releases send no lms_last_updated_at: nothing tells it is older."""
    certify(lms)
    lms.post(GRADES, json=grade(lms_last_updated_at="2026-12-02T10:00:00Z"))
    undated = grade(letter_grade="B")
    del undated["lms_last_updated_at"]
    answer = lms.post(GRADES, json=undated)
    assert answer.status_code == 200
    assert answer.json()["letter_grade"] == "B"
    assert answer.json()["lms_last_updated_at"] == "2026-12-02T10:00:00Z"


def test_a_null_letter_grade_is_stored_empty(lms: httpx.Client) -> None:
    certify(lms)
    answer = lms.post(GRADES, json=grade(letter_grade=None))
    assert answer.status_code == 201
    assert answer.json()["letter_grade"] == ""
    minimal = {"username": "learner2", "course_run": RUN, "percent_grade": "1"}
    answer = lms.post(GRADES, json=minimal)
    assert answer.status_code == 201, answer.text
    assert answer.json()["letter_grade"] == ""
    assert answer.json()["verified"] is True
    assert answer.json()["lms_last_updated_at"] is None
    assert answer.json()["percent_grade"] == "1.0000"


def test_an_unknown_course_run_is_refused_in_upstreams_words(lms: httpx.Client) -> None:
    answer = lms.post(GRADES, json=grade())
    assert answer.status_code == 400
    assert answer.json() == {"course_run": [f"No CourseRun exists for key [{RUN}]"]}


def test_a_run_of_the_catalog_is_known(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    program = {
        "uuid": "244af8cb-7cdd-487e-afc0-aa0b6391b1fd",
        "title": "Program",
        "courses": [
            {
                "uuid": "4ad04e84-1512-11ee-be56-0242ac120002",
                "key": "OrgX+C1",
                "course_runs": [{"key": RUN, "uuid": "4747fefb-6f31-4689-bcfb-8ff32da191f4"}],
            }
        ],
    }
    with database.transaction() as session:
        openedx_catalog_import.import_programs(
            session, tenant.organization_id, parse_programs([program])
        )
    assert lms.post(GRADES, json=grade()).status_code == 201


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"username": None},
            {"username": ["This field may not be null."]},
        ),
        ({"username": "  "}, {"username": ["This field may not be blank."]}),
        ({"percent_grade": "abc"}, {"percent_grade": ["A valid number is required."]}),
        ({"percent_grade": True}, {"percent_grade": ["A valid number is required."]}),
        (
            {"percent_grade": "1.23456"},
            {"percent_grade": ["Ensure that there are no more than 5 digits in total."]},
        ),
        (
            {"percent_grade": 0.12345},
            {"percent_grade": ["Ensure that there are no more than 4 decimal places."]},
        ),
        (
            {"percent_grade": "10.5"},
            {
                "percent_grade": [
                    "Ensure that there are no more than 1 digits before the decimal point."
                ]
            },
        ),
        ({"verified": "maybe"}, {"verified": ["Must be a valid boolean."]}),
        (
            {"lms_last_updated_at": "yesterday"},
            {"lms_last_updated_at": ["Datetime has wrong format."]},
        ),
    ],
    ids=[
        "null-username",
        "blank-username",
        "percent-not-number",
        "percent-boolean",
        "percent-too-many-digits",
        "percent-float-too-many-places",
        "percent-too-many-whole-digits",
        "verified-not-boolean",
        "bad-datetime",
    ],
)
def test_invalid_fields(
    lms: httpx.Client, fields: dict[str, object], errors: dict[str, list[str]]
) -> None:
    certify(lms)
    answer = lms.post(GRADES, json=grade(**fields))
    assert answer.status_code == 400
    assert answer.json() == errors


def test_missing_fields(lms: httpx.Client) -> None:
    answer = lms.post(GRADES, json={"letter_grade": "A"})
    assert answer.status_code == 400
    assert answer.json() == {
        "username": ["This field is required."],
        "course_run": ["This field is required."],
        "percent_grade": ["This field is required."],
    }


def test_learners_may_not_post_grades(http: httpx.Client, site: Site, lms: httpx.Client) -> None:
    certify(lms)
    answer = http.post(GRADES, json=grade(), headers=learner_headers(site, "learner1"))
    assert answer.status_code == 403
    assert answer.json() == {"detail": "You do not have permission to perform this action."}
    invalid = http.post(GRADES, json={}, headers=learner_headers(site, "learner1"))
    assert invalid.status_code == 403


def test_not_an_object(lms: httpx.Client) -> None:
    answer = lms.post(GRADES, json=[grade()])
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_unauthenticated(http: httpx.Client) -> None:
    answer = http.post(GRADES, json=grade())
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Authentication credentials were not provided."}


def test_api_key_and_path_without_slash(api: httpx.Client, lms: httpx.Client) -> None:
    certify(lms)
    answer = api.post(GRADES.rstrip("/"), json=grade())
    assert answer.status_code == 201, answer.text


def test_concurrent_reports_create_one_grade(lms: httpx.Client) -> None:
    """A unique index decides the race: one report creates the grade, the others update it."""
    certify(lms)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: lms.post(GRADES, json=grade("racer")), range(6)))
    assert sorted(answer.status_code for answer in answers) == [200] * 5 + [201]
    assert len({answer.json()["id"] for answer in answers}) == 1
