"""Designs: `/v1/designs` (create, the deprecated list), `/v1/designs/search`,
`/v1/designs/{design_id}` (view, update, delete), its `copy` and its `preview`."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.design_mapping import design_fields, design_out, design_search
from plaudit.dialects.accredible.design_schemas import (
    DesignBody,
    DesignCopyBody,
    DesignPreviewBody,
    DesignSearchBody,
)
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.ids import path_id
from plaudit.dialects.accredible.paging import (
    list_parameters,
    page_meta,
    page_request,
    text_parameter,
)
from plaudit.domain import designs as rules
from plaudit.domain.designs import DesignSearch
from plaudit.domain.errors import Invalid
from plaudit.domain.scope import Scope
from plaudit.http.deps import AppSettings, DbWork, ServerSecret
from plaudit.services import designs
from plaudit.store.tables import Design
from plaudit.web import preview_data, urls

router = APIRouter(route_class=AccredibleRoute, tags=["Designs"])
Json = dict[str, Any]


@router.post("/v1/designs", summary="Create a Design")
async def create_design(body: DesignBody, key: ApiKey, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        design = designs.create(session, scope, design_fields(body.design))
        response = _one(session, scope, design, settings.public_base_url)
        session.commit()
        return response

    return await work(run)


@router.get("/v1/designs", summary="View all Designs DEPRECATED", deprecated=True)
async def all_designs(
    key: ApiKey,
    work: DbWork,
    settings: AppSettings,
    parameters: Annotated[Json, Depends(list_parameters)],
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        filters = DesignSearch(
            kind=rules.search_kind(text_parameter(parameters, "kind")),
            department_id=_number(text_parameter(parameters, "department_id"), "department_id"),
        )
        paging = page_request(parameters)
        page = designs.search(session, scope, filters, page=paging.page, page_size=paging.page_size)
        return {
            "designs": _listed(session, scope, page.items, settings.public_base_url),
            "meta": page_meta(paging, page.total_count),
        }

    return await work(run)


# Declared before `/v1/designs/{design_id}` so that the fixed path always wins.
@router.post("/v1/designs/search", summary="Search for Designs")
async def search_designs(
    key: ApiKey, work: DbWork, settings: AppSettings, body: DesignSearchBody | None = None
) -> Json:
    body = body or DesignSearchBody()

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        paging = page_request({"page": body.page, "page_size": body.page_size})
        page = designs.search(
            session, scope, design_search(body), page=paging.page, page_size=paging.page_size
        )
        return {
            "designs": _listed(session, scope, page.items, settings.public_base_url),
            "meta": page_meta(paging, page.total_count),
        }

    return await work(run)


@router.get("/v1/designs/{design_id}", summary="View a Design")
async def view_design(design_id: str, key: ApiKey, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        design = designs.get(session, scope, path_id(design_id, "design"))
        return _one(session, scope, design, settings.public_base_url)

    return await work(run)


@router.put("/v1/designs/{design_id}", summary="Update a Design")
async def update_design(
    design_id: str, body: DesignBody, key: ApiKey, work: DbWork, settings: AppSettings
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        number = path_id(design_id, "design")
        design = designs.update(session, scope, number, design_fields(body.design))
        response = _one(session, scope, design, settings.public_base_url)
        session.commit()
        return response

    return await work(run)


@router.delete("/v1/designs/{design_id}", summary="Delete a Design")
async def delete_design(design_id: str, key: ApiKey, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        design = designs.delete(session, scope, path_id(design_id, "design"))
        response = _one(session, scope, design, settings.public_base_url)
        session.commit()
        return response

    return await work(run)


@router.post("/v1/designs/{design_id}/copy", summary="Copy a Design")
async def copy_design(
    design_id: str,
    key: ApiKey,
    work: DbWork,
    settings: AppSettings,
    body: DesignCopyBody | None = None,
) -> Json:
    department_id = body.design.department_id if body else None

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        design = designs.copy(session, scope, path_id(design_id, "design"), department_id)
        response = _one(session, scope, design, settings.public_base_url)
        session.commit()
        return response

    return await work(run)


@router.post("/v1/designs/{design_id}/preview", summary="Preview a Design")
async def preview_design(
    design_id: str,
    key: ApiKey,
    work: DbWork,
    settings: AppSettings,
    secret: ServerSecret,
    body: DesignPreviewBody | None = None,
) -> Json:
    """A link to the design drawn with the given merge-field values (sample data for the
    rest); the values travel in the link, signed."""

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        design = designs.get(session, scope, path_id(design_id, "design"))
        fields = rules.preview_fields(dict(body.model_extra or {}) if body else {})
        data = preview_data.sign(secret, design.uuid, fields)
        return {"link": urls.design_preview(settings.public_base_url, design.uuid, data)}

    return await work(run)


def _one(session: Session, scope: Scope, design: Design, base_url: str) -> Json:
    groups = designs.groups_using(session, scope, [design.id])[design.id]
    return {"design": design_out(design, base_url, groups)}


def _listed(session: Session, scope: Scope, items: Sequence[Design], base_url: str) -> list[Json]:
    """A page of designs without their content, their groups read in one query."""
    groups = designs.groups_using(session, scope, [design.id for design in items])
    return [design_out(design, base_url, groups[design.id], content=False) for design in items]


def _number(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(fields={name: ["is not a number"]}) from None
