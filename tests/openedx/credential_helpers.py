"""Open edX user credentials in tests: edx-platform's bodies, and the catalog they name (a
course run certificate, a program)."""

import uuid
from typing import Any

from plaudit.domain.openedx_catalog import CatalogCourse, CatalogCourseRun, CatalogProgram
from plaudit.services import openedx_catalog_import, openedx_course_certificates
from plaudit.services.openedx_course_certificates import CourseCertificateFields
from plaudit.store.db import Database
from tests.support.tenants import Tenant

RUN = "course-v1:OrgX+C1+2026"
OTHER_RUN = "course-v1:OrgX+C9+2026"
PATH = "/api/v2/credentials/"


def course_body(username: str = "learner1", **extra: Any) -> dict[str, Any]:
    """edx-platform's course run award (programs/tasks.py, `post_course_certificate`)."""
    return {
        "username": username,
        "status": "awarded",
        "credential": {"course_run_key": RUN, "mode": "verified", "type": "course-run"},
        "date_override": None,
        "attributes": [{"name": "visible_date", "value": "2026-12-01T00:00:00Z"}],
        **extra,
    }


def program_body(program_uuid: uuid.UUID, username: str = "learner1") -> dict[str, Any]:
    return {
        "username": username,
        "credential": {"program_uuid": str(program_uuid)},
        "attributes": [{"name": "visible_date", "value": "2026-12-01T00:00:00Z"}],
    }


def certificate(
    database: Database, tenant: Tenant, run: str = RUN, *, is_active: bool = True
) -> None:
    with database.transaction() as session:
        openedx_course_certificates.save(
            session,
            tenant.organization_id,
            CourseCertificateFields(run, "verified", None, is_active),
        )


def program(database: Database, tenant: Tenant, *, status: str = "active") -> uuid.UUID:
    """A program whose one course has the run RUN."""
    program_uuid = uuid.uuid4()
    run = CatalogCourseRun(uuid=uuid.uuid4(), key=RUN, title="Course one, 2026")
    course = CatalogCourse(uuid=uuid.uuid4(), key="OrgX+C1", title="Course one", course_runs=(run,))
    data = CatalogProgram(program_uuid, "Data science", "MicroMasters", (), (course,), status)
    with database.transaction() as session:
        openedx_catalog_import.import_programs(session, tenant.organization_id, [data])
    return program_uuid
