"""learner_cert_status's answer, as upstream's view builds it (records/api.py): plain values
rendered by DRF's JSON encoder, so the grade's percentage is a number and dates are ISO 8601
with `Z` and at most milliseconds."""

from datetime import UTC, datetime
from typing import Any

from plaudit.services.openedx_cert_status import CertificateStatus, LearnerStatus
from plaudit.store.openedx_tables import OpenedxGrade

Json = dict[str, Any]


def learner_status_out(answer: LearnerStatus) -> Json:
    """The identifier asked by, and the other one when the learner is known (upstream echoes
    what it was asked otherwise)."""
    query, learner = answer.query, answer.learner
    username, lms_user_id = query.username, query.lms_user_id
    if learner is not None:
        if username is None:
            username = learner.username
        else:
            lms_user_id = learner.lms_user_id
    return {
        "lms_user_id": lms_user_id,
        "username": username,
        "status": [certificate_out(item) for item in answer.certificates],
    }


def certificate_out(item: CertificateStatus) -> Json:
    available = item.certificate_available_date
    return {
        "course_uuid": None if item.course_uuid is None else str(item.course_uuid),
        "course_run": {
            "uuid": None if item.run_uuid is None else str(item.run_uuid),
            "key": item.run_key,
        },
        "status": item.status,
        "type": item.certificate_type,
        "certificate_available_date": None if available is None else encoded_datetime(available),
        "grade": None if item.grade is None else grade_out(item.grade),
    }


def grade_out(grade: OpenedxGrade) -> Json:
    return {
        "letter_grade": grade.letter_grade,
        "percent_grade": float(grade.percent_grade),
        "verified": grade.verified,
    }


def encoded_datetime(value: datetime) -> str:
    """DRF's JSONEncoder: ISO 8601 cut to milliseconds, UTC as `Z` (SQLite gives UTC back
    naive)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    text = aware.astimezone(UTC).isoformat()
    if aware.microsecond:
        text = text[:23] + text[26:]
    return text.removesuffix("+00:00") + "Z"
