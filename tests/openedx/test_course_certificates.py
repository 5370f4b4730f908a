"""`POST /api/v2/course_certificates/` (issue 12, item 2) on SQLite and PostgreSQL: edx-platform's
call byte for byte, update-or-create answered 201 either way, upstream's validation bodies, staff
only, and each certificate a Plaudit achievement."""

import httpx
import pytest

from plaudit.services import openedx_catalog
from plaudit.store.db import Database
from plaudit.store.openedx_tables import OpenedxCourseCertificate
from plaudit.store.tables import Achievement
from tests.openedx.catalog_helpers import import_page, post_at_once
from tests.openedx.helpers import Site, api_key_headers, learner_headers
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

PATH = "/api/v2/course_certificates/"
RUN = "course-v1:OrgX+C1+2026"


def edx_platform_body(**changes: object) -> dict[str, object]:
    """What edx-platform's `post_course_certificate_configuration` sends."""
    return {
        "course_id": RUN,
        "certificate_type": "verified",
        "certificate_available_date": None,
        "is_active": True,
        **changes,
    }


def certificates(database: Database, tenant: Tenant) -> list[OpenedxCourseCertificate]:
    with database.session(readonly=True) as session:
        return list(
            session.query(OpenedxCourseCertificate)
            .filter_by(organization_id=tenant.organization_id)
            .order_by(OpenedxCourseCertificate.id)
        )


def test_edx_platforms_call_creates_the_certificate_and_its_achievement(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    response = lms.post(PATH, json=edx_platform_body())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {
        "id": body["id"],
        "site": tenant.organization_id,
        "course_id": RUN,
        "course_run": None,
        "certificate_type": "verified",
        "certificate_available_date": None,
        "is_active": True,
    }
    [row] = certificates(database, tenant)
    assert row.id == body["id"] and row.achievement_id is not None
    with database.session(readonly=True) as session:
        achievement = session.get(Achievement, row.achievement_id)
        assert achievement is not None
        assert achievement.organization_id == tenant.organization_id
        assert achievement.name == f"{RUN} (verified)"
        assert achievement.allow_duplicate_credentials is True
        found = openedx_catalog.course_certificate(session, tenant.organization_id, RUN, "verified")
        assert found is not None and found.id == row.id


def test_posting_again_updates_the_same_certificate_and_still_answers_201(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    first = lms.post(PATH, json=edx_platform_body())
    second = lms.post(
        PATH,
        json=edx_platform_body(certificate_available_date="2026-12-01T10:30:00Z", is_active=False),
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["certificate_available_date"] == "2026-12-01T10:30:00Z"
    assert second.json()["is_active"] is False
    [row] = certificates(database, tenant)
    assert row.is_active is False
    with database.session(readonly=True) as session:
        # An inactive certificate awards nothing.
        assert (
            openedx_catalog.course_certificate(session, tenant.organization_id, RUN, None) is None
        )


def test_each_mode_of_a_run_is_its_own_certificate(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    modes = ("honor", "verified", "professional", "no-id-professional", "masters", "credit")
    for mode in modes:
        assert lms.post(PATH, json=edx_platform_body(certificate_type=mode)).status_code == 201
    rows = certificates(database, tenant)
    assert [row.certificate_type for row in rows] == list(modes)
    assert len({row.achievement_id for row in rows}) == len(modes)


def test_is_active_defaults_to_false_as_upstreams_model_field(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    body = edx_platform_body()
    del body["is_active"], body["certificate_available_date"]
    response = lms.post(PATH, json=body)
    assert response.status_code == 201
    assert response.json()["is_active"] is False


def test_the_run_is_named_when_the_catalog_knows_it(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    import_page(lms)
    run = "course-v1:OrgX+DS101+1T2026"
    response = lms.post(PATH, json=edx_platform_body(course_id=run))
    assert response.status_code == 201
    assert response.json()["course_run"] == run
    [row] = certificates(database, tenant)
    with database.session(readonly=True) as session:
        achievement = session.get(Achievement, row.achievement_id)
        assert achievement is not None and achievement.name == "Statistics (verified)"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"certificate_type": "audit"}, {"certificate_type": ['"audit" is not a valid choice.']}),
        ({"course_id": "not a course key"}, {"course_id": ["Invalid course key."]}),
        ({"course_id": ""}, {"course_id": ["This field may not be blank."]}),
        ({"course_id": None}, {"course_id": ["This field may not be null."]}),
        ({"is_active": "maybe"}, {"is_active": ["Must be a valid boolean."]}),
        (
            {"certificate_available_date": "next week"},
            {"certificate_available_date": ["Datetime has wrong format."]},
        ),
    ],
    ids=["unknown-mode", "bad-key", "blank-key", "null-key", "bad-boolean", "bad-date"],
)
def test_invalid_bodies_are_drf_400s_and_write_nothing(
    lms: httpx.Client,
    database: Database,
    tenant: Tenant,
    changes: dict[str, object],
    errors: dict[str, list[str]],
) -> None:
    response = lms.post(PATH, json=edx_platform_body(**changes))
    assert response.status_code == 400
    assert response.json() == errors
    assert certificates(database, tenant) == []


def test_missing_fields_are_named(lms: httpx.Client) -> None:
    response = lms.post(PATH, json={})
    assert response.status_code == 400
    assert response.json() == {
        "course_id": ["This field is required."],
        "certificate_type": ["This field is required."],
    }


def test_api_keys_are_staff(http: httpx.Client, tenant: Tenant) -> None:
    response = http.post(PATH, json=edx_platform_body(), headers=api_key_headers(tenant))
    assert response.status_code == 201


def test_learners_are_refused_and_anonymous_callers_unauthenticated(
    http: httpx.Client, site: Site, database: Database, tenant: Tenant
) -> None:
    refused = http.post(PATH, json=edx_platform_body(), headers=learner_headers(site, "learner1"))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    anonymous = http.post(PATH, json=edx_platform_body())
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    assert certificates(database, tenant) == []


def test_without_the_trailing_slash_too(lms: httpx.Client) -> None:
    assert lms.post(PATH.rstrip("/"), json=edx_platform_body()).status_code == 201


def test_concurrent_posts_make_one_certificate_and_all_answer_201(
    live_server: LiveServer, site: Site, database: Database, tenant: Tenant
) -> None:
    statuses = post_at_once(live_server.base_url, site, PATH, edx_platform_body(), 8)
    assert statuses == [201] * 8
    [row] = certificates(database, tenant)
    assert row.achievement_id is not None


@pytest.mark.parametrize(
    ("given", "answered"),
    [
        ("2026-12-01T10:30:00Z", "2026-12-01T10:30:00Z"),
        ("2026-12-01T10:30:00", "2026-12-01T10:30:00Z"),
        ("2026-12-01T12:30:00+02:00", "2026-12-01T10:30:00Z"),
    ],
    ids=["utc", "naive-is-utc", "offset"],
)
def test_the_available_date_is_kept_in_utc(lms: httpx.Client, given: str, answered: str) -> None:
    response = lms.post(PATH, json=edx_platform_body(certificate_available_date=given))
    assert response.json()["certificate_available_date"] == answered


def test_a_deleted_achievement_is_made_again_on_next_use(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    lms.post(PATH, json=edx_platform_body())
    [row] = certificates(database, tenant)
    with database.transaction() as session:
        session.delete(session.get(Achievement, row.achievement_id))
    assert certificates(database, tenant)[0].achievement_id is None
    with database.transaction() as session:
        found = openedx_catalog.course_certificate(session, tenant.organization_id, RUN, "verified")
        assert found is not None and found.achievement is not None
        assert found.achievement.id != row.achievement_id
