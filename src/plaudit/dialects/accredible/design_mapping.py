"""Designs in Accredible's wire format: request bodies to domain commands, rows to responses."""

from typing import Any

from plaudit.dialects.accredible.design_schemas import DesignIn, DesignSearchBody
from plaudit.dialects.accredible.mapping import timestamp
from plaudit.domain import designs as rules
from plaudit.domain.designs import DesignFields, DesignSearch
from plaudit.services import designs
from plaudit.services.designs import GroupRef
from plaudit.store.tables import Design
from plaudit.web import urls


def design_fields(body: DesignIn) -> DesignFields:
    given = body.model_dump(exclude_unset=True)
    encoded = given.pop("encoded_content", None)
    fields = DesignFields(**given)
    if encoded is not None:
        fields.template = rules.decode_content(encoded)
    return fields


def design_search(body: DesignSearchBody) -> DesignSearch:
    return DesignSearch(
        kind=rules.search_kind(body.kind),
        meta_data=body.meta_data,
        department_id=body.department_id,
    )


def design_out(
    design: Design, base_url: str, groups: list[GroupRef], *, content: bool = True
) -> dict[str, Any]:
    """A design as Accredible shows it, with the groups that use it. Lists leave
    `encoded_content` out (a template with a background image weighs megabytes); viewing one
    design gives it."""
    out: dict[str, Any] = {
        "id": design.id,
        "name": design.name,
        "kind": design.kind,
        "department_id": design.department_id,
        "orientation": design.orientation,
        "size": design.size,
        "background_bleeds": design.background_bleeds,
        "meta_data": design.meta_data,
        "rasterized_content_url": urls.design_image(base_url, design.uuid),
        "created_at": timestamp(design.created_at),
        "updated_at": timestamp(design.updated_at),
        "groups": [{"id": group.id, "name": group.name} for group in groups],
    }
    if content:
        out["encoded_content"] = rules.encode_content(designs.template_of(design))
    return out
