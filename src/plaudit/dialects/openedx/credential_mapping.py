"""A user credential as upstream's UserCredentialSerializer shows it."""

from typing import Any

from plaudit.dialects.openedx.catalog_mapping import drf_time
from plaudit.store.openedx_tables import OpenedxUserCredential


def certificate_url(base_url: str, row: OpenedxUserCredential) -> str:
    """Upstream's `credentials:render` page; Plaudit serves it (dialects/openedx/
    certificate_pages.py)."""
    return f"{base_url}/credentials/{row.uuid.hex}/"


def credential_out(row: OpenedxUserCredential, base_url: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "username": row.learner.username,
        "credential": _certificate(row),
        "status": row.status,
        "download_url": None,
        "uuid": str(row.uuid),
        "attributes": [
            {"name": item["name"], "value": item["value"]} for item in row.attributes or []
        ],
        "date_override": (
            None if row.date_override is None else {"date": row.date_override.isoformat()}
        ),
        "created": drf_time(row.created_at),
        "modified": drf_time(row.updated_at),
        "certificate_url": certificate_url(base_url, row),
    }


def _certificate(row: OpenedxUserCredential) -> dict[str, Any]:
    if row.program is not None:
        return {
            "type": "program",
            "credential_id": row.program.id,
            "program_uuid": str(row.program.program_uuid),
        }
    certificate = row.course_certificate
    assert certificate is not None
    return {
        "type": "course-run",
        "course_run_key": certificate.course_run_key,
        "mode": certificate.certificate_type,
    }
