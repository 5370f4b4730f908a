"""Request bodies of the design and designer operations, as Accredible clients send them."""

from typing import Any

from pydantic import ConfigDict

from plaudit.dialects.accredible.schemas import Body, In, LooseStr, PageIn, Wrapped


class DesignIn(In):
    name: LooseStr | None = None
    kind: LooseStr | None = None
    encoded_content: LooseStr | None = None
    background_bleeds: bool | None = None
    orientation: LooseStr | None = None
    size: LooseStr | None = None
    department_id: int | None = None
    meta_data: dict[str, Any] | None = None


class DesignBody(Wrapped):
    wrapper_key = "design"
    design: DesignIn


class DesignCopyIn(In):
    department_id: int | None = None


class DesignCopyBody(Wrapped):
    wrapper_key = "design"
    design: DesignCopyIn


class DesignSearchBody(PageIn):
    """`POST /v1/designs/search`: filters at the top level, beside the paging."""

    kind: LooseStr | None = None
    meta_data: dict[str, LooseStr] | None = None
    department_id: int | None = None


class DesignPreviewBody(Body):
    """`POST /v1/designs/{id}/preview`: any merge field by name, `{"recipient.name": "..."}`."""

    model_config = ConfigDict(extra="allow")


class DesignerBody(Body):
    """`POST /v1/designers/{kind}/initialize`: the design to edit, or where a new one goes."""

    design_id: int | None = None
    department_id: int | None = None
