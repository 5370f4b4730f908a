"""The catalog as the Open edX dialect shows it: course certificates as upstream's
CourseCertificateSerializer, programs in course-discovery's shape (what was imported) plus the
certificate's state and its Plaudit achievement."""

from datetime import UTC, datetime
from typing import Any

from plaudit.store.openedx_tables import OpenedxCourseCertificate, OpenedxCourseRun, OpenedxProgram

Json = dict[str, Any]


def course_certificate_out(
    certificate: OpenedxCourseCertificate, run: OpenedxCourseRun | None
) -> Json:
    """`site` is upstream's site id: here the organization the certificate belongs to;
    `course_run` the run's key when the catalog knows it, else null (as upstream)."""
    return {
        "id": certificate.id,
        "site": certificate.organization_id,
        "course_id": certificate.course_run_key,
        "course_run": run.key if run is not None else None,
        "certificate_type": certificate.certificate_type,
        "certificate_available_date": drf_time(certificate.certificate_available_date),
        "is_active": certificate.is_active,
    }


def program_out(program: OpenedxProgram, runs: list[OpenedxCourseRun]) -> Json:
    courses: dict[int, Json] = {}
    for run in runs:
        course = courses.setdefault(
            run.course_id,
            {
                "uuid": str(run.course.course_uuid),
                "key": run.course.key,
                "title": run.course.title,
                "course_runs": [],
            },
        )
        course["course_runs"].append(
            {
                "uuid": None if run.run_uuid is None else str(run.run_uuid),
                "key": run.key,
                "title": run.title,
            }
        )
    return {
        "uuid": str(program.program_uuid),
        "title": program.title,
        "type": program.program_type,
        "authoring_organizations": program.authoring_organizations,
        "courses": list(courses.values()),
        "is_active": program.is_active,
        "achievement_id": program.achievement_id,
        "created": drf_time(program.created_at),
        "modified": drf_time(program.updated_at),
    }


def drf_time(value: datetime | None) -> str | None:
    """Upstream's REST_FRAMEWORK DATETIME_FORMAT, `%Y-%m-%dT%H:%M:%SZ` (SQLite gives UTC back
    naive)."""
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
