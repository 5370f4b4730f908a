"""The Open edX catalog (issue 12, item 2) on SQLite and PostgreSQL: course-discovery's programs
imported through the staff API, programs listed, read and made active or inactive, and the
lookups the credential and certificate-status services make."""

from uuid import UUID

import httpx
import pytest
from sqlalchemy import select

from plaudit.domain.errors import Invalid
from plaudit.services import openedx_catalog
from plaudit.store.db import Database
from plaudit.store.openedx_tables import OpenedxCourseCertificate, OpenedxProgram
from plaudit.store.tables import Achievement
from tests.openedx.catalog_helpers import (
    PROGRAM,
    RETIRED_PROGRAM,
    RUN,
    RUN_UUID,
    STATISTICS,
    discovery_page,
    import_page,
    post_at_once,
    programs_of_course_run,
)
from tests.openedx.helpers import Site, api_key_headers, learner_headers
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

PROGRAMS = "/api/v2/programs/"


def test_a_discovery_page_imports_programs_courses_and_runs(lms: httpx.Client) -> None:
    assert import_page(lms).json() == {"created": [PROGRAM, RETIRED_PROGRAM], "updated": []}
    program = lms.get(f"{PROGRAMS}{PROGRAM}/").json()
    assert program["title"] == "Data Science Fundamentals"
    assert program["type"] == "MicroMasters"
    assert program["is_active"] is True
    assert isinstance(program["achievement_id"], int)
    assert program["authoring_organizations"] == [
        {
            "uuid": "6e4c1a1d-9d2f-4e44-8a3b-2f1d3c4b5a60",
            "key": "OrgX",
            "name": "Org X University",
            "certificate_logo_image_url": "https://www.example.org/media/orgx-certificate.png",
        }
    ]
    assert [(course["uuid"], course["key"]) for course in program["courses"]] == [
        (STATISTICS, "OrgX+DS101"),
        ("4ad051fe-1512-11ee-be56-0242ac120002", "OrgX+DS102"),
    ]
    assert program["courses"][0]["course_runs"] == [
        {"uuid": RUN_UUID, "key": RUN, "title": "Statistics"},
        {
            "uuid": "9a1c5f39-8b0e-4f5e-8a1f-2a7d6c3b4e51",
            "key": "course-v1:OrgX+DS101+2T2026",
            "title": "Statistics (summer)",
        },
    ]


def test_a_program_discovery_says_is_retired_starts_inactive(lms: httpx.Client) -> None:
    import_page(lms)
    assert lms.get(f"{PROGRAMS}{RETIRED_PROGRAM}/").json()["is_active"] is False


def test_importing_again_updates_keeps_the_certificates_state_and_replaces_the_runs(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    import_page(lms)
    assert lms.patch(f"{PROGRAMS}{PROGRAM}/", json={"is_active": False}).status_code == 200
    page = discovery_page()
    program = page["results"][0]
    program["title"] = "Data Science"
    program["courses"] = program["courses"][:1]
    program["courses"][0]["course_runs"] = program["courses"][0]["course_runs"][1:]
    assert import_page(lms, page).json() == {"created": [], "updated": [PROGRAM, RETIRED_PROGRAM]}
    again = lms.get(f"{PROGRAMS}{PROGRAM}/").json()
    assert again["title"] == "Data Science" and again["is_active"] is False
    assert [run["key"] for course in again["courses"] for run in course["course_runs"]] == [
        "course-v1:OrgX+DS101+2T2026"
    ]
    with database.session(readonly=True) as session:
        programs = session.scalars(
            select(OpenedxProgram).where(OpenedxProgram.organization_id == tenant.organization_id)
        ).all()
        assert len(programs) == 2
        # The run left the program, not the catalog (the other program still counts it).
        assert [
            p.program_uuid for p in programs_of_course_run(session, tenant.organization_id, RUN)
        ] == [UUID(RETIRED_PROGRAM)]


def test_a_list_of_programs_or_one_program_imports_too(lms: httpx.Client) -> None:
    [first, second] = discovery_page()["results"]
    assert import_page(lms, [first]).json()["created"] == [PROGRAM]
    assert import_page(lms, second).json()["created"] == [RETIRED_PROGRAM]


def test_the_list_is_paged_as_drf_does(lms: httpx.Client, live_server: LiveServer) -> None:
    import_page(lms)
    first = lms.get(PROGRAMS, params={"page_size": 1}).json()
    assert first["count"] == 2 and first["previous"] is None
    assert [program["uuid"] for program in first["results"]] == [PROGRAM]
    assert first["next"] == f"{live_server.base_url}{PROGRAMS}?page_size=1&page=2"
    second = lms.get(first["next"])
    assert [program["uuid"] for program in second.json()["results"]] == [RETIRED_PROGRAM]
    assert second.json()["next"] is None
    assert lms.get(PROGRAMS, params={"page": 3}).json() == {"detail": "Invalid page."}


@pytest.mark.parametrize(
    "ref", ["5d3c1b2a-0000-4000-8000-000000000000", "not-a-uuid"], ids=["unknown", "malformed"]
)
def test_an_unknown_program_is_drfs_404(lms: httpx.Client, ref: str) -> None:
    for response in (
        lms.get(f"{PROGRAMS}{ref}/"),
        lms.patch(f"{PROGRAMS}{ref}/", json={"is_active": True}),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_invalid_documents_name_each_problem_and_import_nothing(lms: httpx.Client) -> None:
    page = discovery_page()
    page["results"][0]["uuid"] = "nope"
    page["results"][1]["courses"][0]["course_runs"][0]["key"] = "not a key"
    del page["results"][1]["title"]
    response = lms.post(PROGRAMS, json=page)
    assert response.status_code == 400
    assert response.json() == {
        "0": {"uuid": ["Must be a valid UUID."]},
        "1": {
            "title": ["This field is required."],
            "courses": {"0": {"course_runs": {"0": {"key": ["Invalid course key."]}}}},
        },
    }
    assert lms.get(PROGRAMS).json()["count"] == 0


def test_the_patch_body_is_checked(lms: httpx.Client) -> None:
    import_page(lms)
    response = lms.patch(f"{PROGRAMS}{PROGRAM}/", json={"is_active": "perhaps"})
    assert response.status_code == 400
    assert response.json() == {"is_active": ["Must be a valid boolean."]}


def test_only_staff_manage_the_catalog(
    http: httpx.Client, site: Site, tenant: Tenant, lms: httpx.Client
) -> None:
    learner = learner_headers(site, "learner1")
    for method, path in (
        ("GET", PROGRAMS),
        ("POST", PROGRAMS),
        ("GET", f"{PROGRAMS}{PROGRAM}/"),
        ("PATCH", f"{PROGRAMS}{PROGRAM}/"),
    ):
        response = http.request(method, path, json={"is_active": True}, headers=learner)
        assert response.status_code == 403, (method, path)
        assert http.request(method, path).status_code == 401
    assert http.get(PROGRAMS, headers=api_key_headers(tenant)).status_code == 200


def test_another_organizations_catalog_is_out_of_sight(
    lms: httpx.Client, http: httpx.Client, database: Database
) -> None:
    import_page(lms)
    other = api_key_headers(make_tenant(database, "Other Academy"))
    assert http.get(PROGRAMS, headers=other).json()["count"] == 0
    assert http.get(f"{PROGRAMS}{PROGRAM}/", headers=other).status_code == 404


def test_program_certificate_gives_the_active_programs_achievement(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    import_page(lms)
    with database.transaction() as session:
        found = openedx_catalog.program_certificate(session, tenant.organization_id, PROGRAM)
        assert found is not None
        program, achievement = found
        assert program.program_uuid == UUID(PROGRAM)
        assert achievement.name == "Data Science Fundamentals"
        assert achievement.organization_id == tenant.organization_id
        assert (
            openedx_catalog.program_certificate(session, tenant.organization_id, RETIRED_PROGRAM)
            is None
        )
        with pytest.raises(Invalid) as refused:
            openedx_catalog.awardable_program_certificate(
                session, tenant.organization_id, RETIRED_PROGRAM
            )
        assert refused.value.fields == {
            "program_uuid": [f"No active ProgramCertificate exists for program [{RETIRED_PROGRAM}]"]
        }


def test_a_deleted_achievement_is_made_again(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    import_page(lms)
    with database.transaction() as session:
        _, achievement = openedx_catalog.program_certificate(
            session, tenant.organization_id, PROGRAM
        ) or pytest.fail("no certificate")
        session.delete(achievement)
    with database.transaction() as session:
        program = openedx_catalog.find_program(session, tenant.organization_id, PROGRAM)
        assert program is not None and program.achievement_id is None
        found = openedx_catalog.program_certificate(session, tenant.organization_id, PROGRAM)
        assert found is not None and found[1].id != achievement.id
        assert session.get(Achievement, found[1].id) is not None


def test_programs_of_course_run(lms: httpx.Client, database: Database, tenant: Tenant) -> None:
    import_page(lms)
    with database.session(readonly=True) as session:
        found = programs_of_course_run(session, tenant.organization_id, RUN)
        assert [program.program_uuid for program in found] == [UUID(PROGRAM), UUID(RETIRED_PROGRAM)]
        assert programs_of_course_run(session, tenant.organization_id, "x") == []


def test_awarding_in_a_catalog_run_makes_its_certificate_on_the_fly(
    lms: httpx.Client, database: Database, tenant: Tenant
) -> None:
    import_page(lms)
    org = tenant.organization_id
    with database.transaction() as session:
        made = openedx_catalog.awardable_course_certificate(session, org, RUN, "verified")
        assert made.is_active and made.certificate_type == "verified"
        assert made.achievement is not None and made.achievement.name == "Statistics (verified)"
        again = openedx_catalog.awardable_course_certificate(session, org, RUN, "verified")
        assert again.id == made.id
        with pytest.raises(Invalid) as unknown:
            openedx_catalog.awardable_course_certificate(
                session, org, "course-v1:OrgX+Nope+2026", "verified"
            )
        assert unknown.value.fields == {
            "course_run_key": [
                "CourseCertificate failed to create because the CourseRun "
                "course-v1:OrgX+Nope+2026 doesn't exist in the catalog"
            ]
        }
        assert openedx_catalog.awardable_course_certificate(session, org, RUN, None).id == made.id
        for mode in ("audit", "x" * 300):
            with pytest.raises(Invalid) as no_mode:
                openedx_catalog.awardable_course_certificate(session, org, RUN, mode)
            assert no_mode.value.fields == {
                "course_run_key": [f"No active CourseCertificate exists for course run [{RUN}]"]
            }
        made.is_active = False
        session.flush()
        with pytest.raises(Invalid) as inactive:
            openedx_catalog.awardable_course_certificate(session, org, RUN, "verified")
        assert inactive.value.fields == {
            "course_run_key": [f"No active CourseCertificate exists for course run [{RUN}]"]
        }
        rows = session.scalars(
            select(OpenedxCourseCertificate).where(OpenedxCourseCertificate.organization_id == org)
        ).all()
        assert len(rows) == 1


def test_concurrent_imports_all_succeed_and_make_each_row_once(
    live_server: LiveServer, site: Site, database: Database, tenant: Tenant
) -> None:
    statuses = post_at_once(live_server.base_url, site, PROGRAMS, discovery_page(), 4)
    assert statuses == [200] * 4
    with database.session(readonly=True) as session:
        programs = session.scalars(
            select(OpenedxProgram).where(OpenedxProgram.organization_id == tenant.organization_id)
        ).all()
        assert sorted(str(program.program_uuid) for program in programs) == sorted(
            [PROGRAM, RETIRED_PROGRAM]
        )


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"title": "x" * 256},
            {"title": ["Ensure this field has no more than 255 characters."]},
        ),
        ({"title": "Data\x00Science"}, {"title": ["Null characters are not allowed."]}),
        (
            {"authoring_organizations": [{"uuid": "u", "name": "Org\x00X"}]},
            {"authoring_organizations": {"0": {"name": ["Null characters are not allowed."]}}},
        ),
        (
            {"authoring_organizations": [{"name": {"nested": "object"}}]},
            {"authoring_organizations": {"0": {"name": ["Not a valid string."]}}},
        ),
        ({"courses": "all of them"}, {"courses": ["Expected a list of items."]}),
        (
            {"courses": ["<script>alert(1)</script>"]},
            {"courses": {"0": ["Invalid data. Expected a dictionary, but got str."]}},
        ),
    ],
    ids=[
        "long-title",
        "nul-title",
        "nul-organization",
        "object-name",
        "courses-not-list",
        "course-not-object",
    ],
)
def test_hostile_programs_are_refused_whole(
    lms: httpx.Client, change: dict[str, object], errors: dict[str, object]
) -> None:
    program = {**discovery_page()["results"][0], **change}
    response = lms.post(PROGRAMS, json=program)
    assert response.status_code == 400
    assert response.json() == errors
    assert lms.get(PROGRAMS).json()["count"] == 0


def test_a_10_mb_document_is_refused_before_it_is_read(lms: httpx.Client) -> None:
    program = {**discovery_page()["results"][0], "title": "x" * 10_000_000}
    assert lms.post(PROGRAMS, json=program).status_code == 413
    assert lms.get(PROGRAMS).json()["count"] == 0
