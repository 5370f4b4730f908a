"""Reading course-discovery's JSON and course run keys (domain/openedx_catalog.py), no storage."""

from uuid import UUID

import pytest

from plaudit.domain.errors import Invalid
from plaudit.domain.openedx_catalog import is_course_run_key, parse_programs
from tests.openedx.catalog_helpers import PROGRAM, RUN, discovery_page


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("course-v1:OrgX+C1+2026", True),
        ("course-v1:edX+AA302+2T2023a", True),
        ("edX/DemoX/Demo_Course", True),
        ("ccx-v1:OrgX+C1+2026+ccx@3", True),
        ("course-v1:OrgX+C1", False),
        ("course-v1:Org X+C1+2026", False),
        ("OrgX+C1+2026", False),
        ("", False),
        ("course-v1:OrgX+C1+2026\x00", False),
        ("course-v1:" + "a" * 250 + "+C+R", False),
    ],
    ids=[
        "v1",
        "v1-upstream-example",
        "slash",
        "ccx",
        "two-parts",
        "space",
        "no-prefix",
        "empty",
        "nul",
        "too-long",
    ],
)
def test_course_run_keys(key: str, valid: bool) -> None:
    assert is_course_run_key(key) is valid


def test_a_page_reads_into_programs_courses_and_runs() -> None:
    first, second = parse_programs(discovery_page())
    assert first.uuid == UUID(PROGRAM) and first.status == "active"
    assert first.program_type == "MicroMasters"
    assert [course.key for course in first.courses] == ["OrgX+DS101", "OrgX+DS102"]
    assert first.courses[0].course_runs[0].key == RUN
    assert second.status == "retired" and second.authoring_organizations == ()


def test_one_program_or_a_list_reads_the_same() -> None:
    program = discovery_page()["results"][0]
    assert parse_programs(program) == parse_programs([program])[:1]


def test_errors_are_named_by_path() -> None:
    with pytest.raises(Invalid) as refused:
        parse_programs([{"uuid": PROGRAM, "title": " ", "courses": [{"uuid": "x"}]}, 7])
    assert refused.value.fields == {
        "0.title": ["This field may not be blank."],
        "0.courses.0.uuid": ["Must be a valid UUID."],
        "0.courses.0.key": ["This field is required."],
        "1.non_field_errors": ["Invalid data. Expected a dictionary, but got int."],
    }
