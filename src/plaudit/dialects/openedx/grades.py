"""`POST /api/v2/grades/`: the LMS reports a learner's grade in a course run (upstream's
UserGradeSerializer). Update-or-create per (username, course_run): 201 when created, 200 when
an existing grade was updated, or left as it was because the report is older than it."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Body, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from plaudit.dialects.openedx.auth import Caller
from plaudit.dialects.openedx.catalog_mapping import drf_time
from plaudit.dialects.openedx.routing import OpenedxRouter
from plaudit.domain.errors import Forbidden
from plaudit.domain.openedx_grades import GradeReport
from plaudit.http.deps import DbWork
from plaudit.services import openedx_grades
from plaudit.store.openedx_tables import OpenedxGrade

router = OpenedxRouter(tags=["Open edX: grades"])
Json = dict[str, Any]
# UserGrade.percent_grade: DecimalField(max_digits=5, decimal_places=4).
MAX_DIGITS, DECIMAL_PLACES = 5, 4
NOT_A_NUMBER = "A valid number is required."


class GradeCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(max_length=150)
    course_run: str
    # The LMS sometimes sends null (upstream stores it as "").
    letter_grade: str | None = Field(default="", max_length=255)
    percent_grade: Decimal
    verified: bool = True
    lms_last_updated_at: datetime | None = None

    @field_validator("username")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("This field may not be blank.")
        return value

    @field_validator("percent_grade", mode="before")
    @classmethod
    def _decimal(cls, value: Any) -> Decimal:
        """DRF's DecimalField: the number as written, its digits counted, never rounded."""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(NOT_A_NUMBER)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(NOT_A_NUMBER) from None
        if not number.is_finite():
            raise ValueError(NOT_A_NUMBER)
        _check_precision(number)
        return number

    def report(self) -> GradeReport:
        moment = self.lms_last_updated_at
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return GradeReport(
            username=self.username,
            course_run_key=self.course_run,
            letter_grade=self.letter_grade or "",
            percent_grade=self.percent_grade,
            verified=self.verified,
            lms_last_updated_at=moment,
        )


def _check_precision(number: Decimal) -> None:
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    if exponent >= 0:
        total, places = len(digits) + exponent, 0
    elif len(digits) > -exponent:
        total, places = len(digits), -exponent
    else:
        total, places = -exponent, -exponent
    if total > MAX_DIGITS:
        raise ValueError(f"Ensure that there are no more than {MAX_DIGITS} digits in total.")
    if places > DECIMAL_PLACES:
        raise ValueError(f"Ensure that there are no more than {DECIMAL_PLACES} decimal places.")
    if total - places > MAX_DIGITS - DECIMAL_PLACES:
        whole = MAX_DIGITS - DECIMAL_PLACES
        raise ValueError(
            f"Ensure that there are no more than {whole} digits before the decimal point."
        )


@router.post(
    "/api/v2/grades/",
    summary="Create or update a learner's course run grade",
    # The body is read after the permission check, so FastAPI does not declare it.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": GradeCreate.model_json_schema()}},
        }
    },
)
async def post_grade(
    body: Annotated[Any, Body()], caller: Caller, work: DbWork, response: Response
) -> Json:
    # Permission first, then the body (DRF's order: a learner learns nothing about the body).
    if not caller.is_staff:
        raise Forbidden("openedx.grades.not_staff", "only staff may report grades")
    try:
        report = GradeCreate.model_validate(body).report()
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None

    def run(session: Session) -> Json:
        grade, created = openedx_grades.record(session, caller.organization_id, report)
        session.commit()
        response.status_code = 201 if created else 200
        return grade_out(grade, report.username)

    return await work(run)


def grade_out(grade: OpenedxGrade, username: str) -> Json:
    return {
        "id": grade.id,
        "username": username,
        "course_run": grade.course_run_key,
        "letter_grade": grade.letter_grade,
        # DRF renders decimals as strings, with every decimal place.
        "percent_grade": str(
            Decimal(grade.percent_grade).quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
        ),
        "verified": grade.verified,
        "lms_last_updated_at": drf_time(grade.lms_last_updated_at),
        "created": drf_time(grade.created_at),
        "modified": drf_time(grade.updated_at),
    }
