"""course-discovery's `/api/v1/programs/` page (tests/data/openedx), and importing it."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.store.openedx_tables import (
    OpenedxCourseRun,
    OpenedxProgram,
    OpenedxProgramCourseRun,
)
from tests.openedx.helpers import Site, service_headers

DISCOVERY_PAGE = Path(__file__).parent.parent / "data" / "openedx" / "discovery_programs_page.json"
PROGRAM = "244af8cb-7cdd-487e-afc0-aa0b6391b1fd"  # active, two courses, three runs
RETIRED_PROGRAM = "7f1e2d3c-4b5a-4697-8877-665544332211"
STATISTICS = "4ad04e84-1512-11ee-be56-0242ac120002"  # a course of both programs
RUN = "course-v1:OrgX+DS101+1T2026"
RUN_UUID = "4747fefb-6f31-4689-bcfb-8ff32da191f4"


def discovery_page() -> dict[str, Any]:
    return json.loads(DISCOVERY_PAGE.read_text())


def import_page(client: httpx.Client, document: Any = None) -> httpx.Response:
    response = client.post(
        "/api/v2/programs/", json=discovery_page() if document is None else document
    )
    assert response.status_code == 200, response.text
    return response


def post_at_once(base_url: str, site: Site, path: str, body: Any, times: int) -> list[int]:
    """The status codes of `times` identical POSTs sent together, as the service user."""

    def post(_: int) -> int:
        headers = service_headers(site)
        return httpx.post(f"{base_url}{path}", json=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(post, range(times)))


def programs_of_course_run(
    session: Session, organization_id: int, course_run_key: str
) -> list[OpenedxProgram]:
    """The programs the run counts towards, oldest first."""
    return list(
        session.scalars(
            select(OpenedxProgram)
            .join(OpenedxProgramCourseRun, OpenedxProgramCourseRun.program_id == OpenedxProgram.id)
            .join(OpenedxCourseRun, OpenedxCourseRun.id == OpenedxProgramCourseRun.course_run_id)
            .where(
                OpenedxProgram.organization_id == organization_id,
                OpenedxCourseRun.key == course_run_key,
            )
            .order_by(OpenedxProgram.id)
        )
    )
