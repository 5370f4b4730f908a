"""Data exports: `/v1/data_exports`, and the download of their files.

A file's URL is `{base}/v1/data_exports/{id}/files/{year}.csv`; it needs the same API key as
every other Accredible call (Accredible hands out storage links instead).
"""

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.mapping import timestamp
from plaudit.dialects.accredible.schemas import DataExportBody
from plaudit.domain import exports, limits
from plaudit.domain.errors import NotFound
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import data_exports
from plaudit.store.reporting_tables import DataExport

router = APIRouter(route_class=AccredibleRoute, tags=["Data Exports"])
Json = dict[str, Any]


def file_url(base_url: str, export_id: int, year: int) -> str:
    return f"{base_url}/v1/data_exports/{export_id}/files/{year}.csv"


def export_out(export: DataExport, base_url: str) -> Json:
    """An export as the OpenAPI file's example shows it, plus the `entity` it holds."""
    completed = export.status == exports.COMPLETED
    return {
        "id": export.id,
        "department_id": export.department_id,
        "entity": export.entity,
        "status": export.status,
        "created_at": timestamp(export.created_at),
        "urls": [
            {
                "status": exports.COMPLETED,
                "year": file.year,
                "url": file_url(base_url, export.id, file.year),
            }
            for file in (export.files if completed else [])
        ],
    }


def _number(raw: str, entity: str) -> int:
    number = limits.parse_id(raw)
    if number is None:
        raise NotFound(entity)
    return number


@router.post("/v1/data_exports", status_code=201, summary="Create New Data Export")
async def create_export(
    body: DataExportBody, key: ApiKey, work: DbWork, settings: AppSettings
) -> Json:
    request = body.data_export

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        export = data_exports.create(session, scope, request.entity, request.department_id)
        response = {"data_export": export_out(export, settings.public_base_url)}
        session.commit()
        return response

    return await work(run)


@router.get("/v1/data_exports", summary="View All Data Exports")
async def list_exports(key: ApiKey, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        found = data_exports.list_all(session, scope)
        return {"data_exports": [export_out(item, settings.public_base_url) for item in found]}

    return await work(run)


@router.get("/v1/data_exports/{id}", summary="View a Data Export")
async def view_export(id: str, key: ApiKey, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        export = data_exports.get(session, scope, _number(id, "data_export"))
        return {"data_export": export_out(export, settings.public_base_url)}

    return await work(run)


@router.get("/v1/data_exports/{id}/files/{year}.csv", summary="Download a Data Export's file")
async def download_export_file(id: str, year: str, key: ApiKey, work: DbWork) -> Response:
    def run(session: Session) -> Response:
        scope = authorize(session, key)
        export_id = _number(id, "data_export")
        found = data_exports.get_file(session, scope, export_id, _number(year, "data_export_file"))
        name = f"data-export-{export_id}-{found.year}.csv"
        return Response(
            found.content,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return await work(run)
