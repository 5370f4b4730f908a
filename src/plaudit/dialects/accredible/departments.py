"""Departments: `/v1/departments`, `/v1/departments/{department_id}`, `/v1/departments/search`."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.ids import path_id
from plaudit.dialects.accredible.paging import page_meta, page_request
from plaudit.dialects.accredible.schemas import DepartmentBody, DepartmentSearchIn
from plaudit.http.deps import DbWork
from plaudit.services import departments

router = APIRouter(route_class=AccredibleRoute, tags=["Departments"])
Json = dict[str, Any]


@router.post("/v1/departments", summary="Create a New Department")
async def create_department(body: DepartmentBody, key: ApiKey, work: DbWork) -> Json:
    fields = mapping.department_fields(body.department)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        department = departments.create(session, scope, fields)
        response = {"department": mapping.department_out(department)}
        session.commit()
        return response

    return await work(run)


@router.post("/v1/departments/search", summary="Search for Departments")
async def search_departments(
    key: ApiKey, work: DbWork, body: DepartmentSearchIn | None = None
) -> Json:
    """The file types `departments` as one object; Plaudit returns a list of them with `meta`,
    as every other search does (docs/compatibility.md)."""
    search = body or DepartmentSearchIn()

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        paging = page_request({"page": search.page, "page_size": search.page_size})
        page = departments.search(
            session,
            scope,
            meta_data=search.meta_data,
            page=paging.page,
            page_size=paging.page_size,
        )
        return {
            "departments": [mapping.department_out(item) for item in page.items],
            "meta": page_meta(paging, page.total_count),
        }

    return await work(run)


@router.get("/v1/departments/{department_id}", summary="View a Department")
async def view_department(department_id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        department = departments.get(session, scope, path_id(department_id, "department"))
        return {"department": mapping.department_out(department)}

    return await work(run)


@router.put("/v1/departments/{department_id}", summary="Update a Department")
async def update_department(
    department_id: str, body: DepartmentBody, key: ApiKey, work: DbWork
) -> Json:
    fields = mapping.department_fields(body.department)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        number = path_id(department_id, "department")
        department = departments.update(session, scope, number, fields)
        response = {"department": mapping.department_out(department)}
        session.commit()
        return response

    return await work(run)


@router.delete("/v1/departments/{department_id}", summary="Delete a Department")
async def delete_department(department_id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        department = departments.delete(session, scope, path_id(department_id, "department"))
        response = {"department": mapping.department_out(department)}
        session.commit()
        return response

    return await work(run)
