"""The Open edX catalog as course-discovery describes it (`/api/v1/programs/`): programs, the
courses they are made of and the course runs that count, read from its JSON into plain values.
Also the rules on course run keys and certificate modes that edx-platform's calls must follow."""

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from plaudit.domain import limits
from plaudit.domain.errors import Invalid

# The course modes edx-platform sends as `certificate_type` (upstream's CertificateType, and
# `credit`, which edx-platform also certifies).
CERTIFICATE_TYPES = ("honor", "verified", "professional", "no-id-professional", "masters", "credit")
# opaque-keys' CourseLocator: `course-v1:Org+Course+Run` (or ccx-v1 with `+ccx@N`), and the
# deprecated `Org/Course/Run`.
_ID = r"[\w\-~.:]+"
_COURSE_RUN_KEY = re.compile(
    rf"(?:course-v1:{_ID}\+{_ID}\+{_ID}|ccx-v1:{_ID}\+{_ID}\+{_ID}\+ccx@\d+|{_ID}/{_ID}/{_ID})"
)
REQUIRED = "This field is required."


def is_course_run_key(text: str) -> bool:
    return len(text) <= limits.NAME and _COURSE_RUN_KEY.fullmatch(text) is not None


@dataclass(frozen=True)
class CatalogCourseRun:
    uuid: UUID | None
    key: str
    title: str | None


@dataclass(frozen=True)
class CatalogCourse:
    uuid: UUID
    key: str
    title: str | None
    course_runs: tuple[CatalogCourseRun, ...]


@dataclass(frozen=True)
class CatalogProgram:
    uuid: UUID
    title: str
    program_type: str | None
    authoring_organizations: tuple[dict[str, Any], ...]
    courses: tuple[CatalogCourse, ...]
    # course-discovery's status (active, retired, unpublished, deleted); None when not given.
    status: str | None


# What the catalog keeps of an authoring organization.
ORGANIZATION_FIELDS = ("uuid", "key", "name", "certificate_logo_image_url")


def parse_programs(document: Any) -> list[CatalogProgram]:
    """Programs from one page of `/api/v1/programs/` (`{"results": [...]}`), a list of them,
    or one program. Unknown fields are ignored; errors are named by their path
    (`0.courses.1.key`)."""
    if isinstance(document, dict) and "results" in document:
        document = document["results"]
    items = document if isinstance(document, list) else [document]
    errors: dict[str, list[str]] = {}
    programs = []
    for index, item in enumerate(items):
        reader = _Reader(errors, f"{index}." if isinstance(document, list) else "")
        program = reader.program(item)
        if program is not None:
            programs.append(program)
    if errors:
        raise Invalid(code="catalog.invalid", fields=errors)
    return programs


class _Reader:
    """Reads one program, collecting every error under its path."""

    def __init__(self, errors: dict[str, list[str]], prefix: str) -> None:
        self.errors = errors
        self.prefix = prefix

    def program(self, data: Any) -> CatalogProgram | None:
        if not self._object(data, ""):
            return None
        program_uuid = self._uuid(data, "uuid", "")
        title = self._text(data, "title", "", required=True)
        program_type = self._text(data, "type", "", required=False, limit=64)
        status = self._text(data, "status", "", required=False, limit=32)
        organizations = tuple(
            self._organization(item, f"authoring_organizations.{index}.")
            for index, item in enumerate(self._list(data, "authoring_organizations", ""))
            if self._object(item, f"authoring_organizations.{index}.")
        )
        courses = tuple(
            course
            for index, item in enumerate(self._list(data, "courses", ""))
            if (course := self._course(item, f"courses.{index}.")) is not None
        )
        if program_uuid is None or title is None:
            return None
        return CatalogProgram(program_uuid, title, program_type, organizations, courses, status)

    def _organization(self, data: dict[str, Any], path: str) -> dict[str, str | None]:
        return {
            name: self._text(data, name, path, required=False, limit=limits.URL)
            for name in ORGANIZATION_FIELDS
            if name in data
        }

    def _course(self, data: Any, path: str) -> CatalogCourse | None:
        if not self._object(data, path):
            return None
        course_uuid = self._uuid(data, "uuid", path)
        key = self._text(data, "key", path, required=True)
        title = self._text(data, "title", path, required=False)
        runs = tuple(
            run
            for index, item in enumerate(self._list(data, "course_runs", path))
            if (run := self._run(item, f"{path}course_runs.{index}.")) is not None
        )
        if course_uuid is None or key is None:
            return None
        return CatalogCourse(course_uuid, key, title, runs)

    def _run(self, data: Any, path: str) -> CatalogCourseRun | None:
        if not self._object(data, path):
            return None
        run_uuid = self._uuid(data, "uuid", path, required=False)
        key = self._text(data, "key", path, required=True)
        title = self._text(data, "title", path, required=False)
        if key is not None and not is_course_run_key(key):
            self._error(path + "key", "Invalid course key.")
            return None
        return None if key is None else CatalogCourseRun(run_uuid, key, title)

    def _error(self, path: str, reason: str) -> None:
        self.errors.setdefault(self.prefix + path, []).append(reason)

    def _object(self, data: Any, path: str) -> bool:
        if isinstance(data, dict):
            return True
        received = type(data).__name__
        self._error(
            path.rstrip(".") or "non_field_errors",
            f"Invalid data. Expected a dictionary, but got {received}.",
        )
        return False

    def _list(self, data: dict[str, Any], name: str, path: str) -> list[Any]:
        value = data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self._error(path + name, "Expected a list of items.")
            return []
        return value

    def _uuid(
        self, data: dict[str, Any], name: str, path: str, required: bool = True
    ) -> UUID | None:
        value = data.get(name)
        if value is None:
            if required:
                self._error(path + name, REQUIRED)
            return None
        try:
            return UUID(str(value))
        except ValueError:
            self._error(path + name, "Must be a valid UUID.")
            return None

    def _text(
        self,
        data: dict[str, Any],
        name: str,
        path: str,
        *,
        required: bool,
        limit: int = limits.NAME,
    ) -> str | None:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._error(
                    path + name, REQUIRED if value is None else "This field may not be blank."
                )
            return None
        if not isinstance(value, str):
            self._error(path + name, "Not a valid string.")
            return None
        if "\x00" in value:
            self._error(path + name, "Null characters are not allowed.")
            return None
        if len(value) > limit:
            self._error(path + name, f"Ensure this field has no more than {limit} characters.")
            return None
        return value.strip()
