"""Designs: create, read, change, copy, delete, list and search, within the caller's scope.

An organization's built-in designs are organization-wide (no department): every department's
groups may use them and every key sees them, but only an account-wide key changes them. Other
designs belong to one department, as in Accredible.
"""

import functools
import re
from collections.abc import Collection
from typing import NamedTuple
from uuid import UUID

from lxml import etree
from sqlalchemy import Select, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from plaudit.domain import designs as rules
from plaudit.domain import limits
from plaudit.domain.designs import DesignFields, DesignSearch
from plaudit.domain.errors import Forbidden, Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.render.branding import branded
from plaudit.render.builtin import BUILTIN_DESIGNS, builtin_design, default_key
from plaudit.render.layout import Layout
from plaudit.render.sanitize import UnsafeSvg, sanitize_svg
from plaudit.services import departments, meta_data, organizations
from plaudit.services.pages import Page, fetch_page
from plaudit.store.tables import Achievement, Design, Organization

# The group columns that name a design.
GROUP_COLUMNS = (
    Achievement.certificate_design_id,
    Achievement.badge_design_id,
    Achievement.primary_design_id,
)
_LENGTH = re.compile(r"^\s*([\d.]+(?:e-?\d+)?)\s*(px|pt)?\s*$")


def visible(scope: Scope) -> Select[tuple[Design]]:
    """The organization's designs; a department key sees its department's and the
    organization-wide ones."""
    query = select(Design).where(Design.organization_id == scope.organization_id)
    if scope.department_id is not None:
        query = query.where(
            or_(Design.department_id.is_(None), Design.department_id == scope.department_id)
        )
    return query


def get(session: Session, scope: Scope, design_id: int) -> Design:
    design = (
        session.scalar(visible(scope).where(Design.id == design_id))
        if limits.is_storable_id(design_id)
        else None
    )
    if design is None:
        raise NotFound("design")
    return design


def by_uuid(session: Session, design_uuid: str) -> Design:
    """A design by its public UUID (its image URLs), whoever asks."""
    try:
        wanted = UUID(design_uuid)
    except ValueError:
        raise NotFound("design") from None
    design = session.scalar(select(Design).where(Design.uuid == wanted))
    if design is None:
        raise NotFound("design")
    return design


def _writable(session: Session, scope: Scope, design_id: int) -> Design:
    design = get(session, scope, design_id)
    if scope.department_id is not None and design.department_id is None:
        raise Forbidden(
            "design.organization_wide",
            "A department API key cannot change the organization's built-in designs",
        )
    return design


def create(session: Session, scope: Scope, data: DesignFields) -> Design:
    rules.validate_new(data)
    values = data.given()
    department_id = _department_for(session, scope, values.pop("department_id", None))
    template = sanitized(values.pop("template"))
    design = Design(
        organization_id=scope.organization_id,
        department_id=department_id,
        orientation="landscape",
        size="a4",
        background_bleeds=False,
    )
    for name, value in values.items():
        setattr(design, name, value)
    design.content_svg = fitted(template, layout_of(design))
    session.add(design)
    session.flush()
    return design


def update(session: Session, scope: Scope, design_id: int, data: DesignFields) -> Design:
    """Changes the given fields. The kind stays while a group shows the design as its
    certificate or badge (a group never shows a badge design as its certificate)."""
    design = _writable(session, scope, design_id)
    rules.validate_change(data)
    values = data.given()
    values.pop("department_id", None)  # the file's update has no department
    if "template" in values:
        design.content_svg = sanitized(values.pop("template"))
    if values.get("kind", design.kind) != design.kind and _shown_as_kind(session, design):
        raise Invalid(fields={"kind": ["cannot change while groups use this design"]})
    for name, value in values.items():
        setattr(design, name, value)
    if design.content_svg is not None:
        design.content_svg = fitted(design.content_svg, layout_of(design))
    session.flush()
    return design


def copy(session: Session, scope: Scope, design_id: int, department_id: int | None) -> Design:
    """A new design with the original's content and layout, named "Copy of <name>", in the
    given department (by default the key's, else the organization's default one)."""
    original = get(session, scope, design_id)
    design = Design(
        organization_id=scope.organization_id,
        department_id=_department_for(session, scope, department_id),
        kind=original.kind,
        name=rules.copy_name(original.name),
        content_svg=original.content_svg,
        builtin_key=original.builtin_key,
        orientation=original.orientation,
        size=original.size,
        background_bleeds=original.background_bleeds,
        meta_data=dict(original.meta_data) if original.meta_data is not None else None,
    )
    session.add(design)
    session.flush()
    return design


def for_editor(
    session: Session, scope: Scope, kind: str, design_id: int | None, department_id: int | None
) -> Design:
    """The design an embedded editor opens: the given one (of that kind, one the key may
    change), else a new one in the given department, started from the default built-in."""
    if design_id is None:
        design = Design(
            organization_id=scope.organization_id,
            department_id=_department_for(session, scope, department_id),
            kind=kind,
            name=f"New {kind} design",
            builtin_key=default_key(kind),
        )
        session.add(design)
        session.flush()
        return design
    design = _writable(session, scope, design_id)
    if design.kind != kind:
        raise Invalid(fields={"design_id": [f"must be a {kind} design"]})
    if department_id is not None and department_id != design.department_id:
        raise Invalid(fields={"department_id": ["is not the design's department"]})
    return design


def delete(session: Session, scope: Scope, design_id: int) -> Design:
    """Deletes a design. Groups that showed it fall back to the organization's default
    design of that kind (one their department may use), or to none when there is no other."""
    design = _writable(session, scope, design_id)
    for column in GROUP_COLUMNS:
        used_in = session.scalars(
            select(Achievement.department_id).where(column == design.id).distinct()
        ).all()
        for department_id in used_in:
            fallback = _fallback(session, design, department_id)
            session.execute(
                sql_update(Achievement)
                .where(column == design.id, Achievement.department_id == department_id)
                .values({column.key: fallback})
            )
    session.delete(design)
    session.flush()
    return design


def search(
    session: Session, scope: Scope, filters: DesignSearch, *, page: int, page_size: int
) -> Page[Design]:
    """Designs of a kind, whose meta data holds every given pair, usable in a department
    (its own and the organization-wide ones), by id."""
    rules.validate_search(filters)
    query = visible(scope)
    if filters.kind is not None:
        query = query.where(Design.kind == filters.kind)
    for key, value in (filters.meta_data or {}).items():
        query = query.where(meta_data.has_pair(session, Design.meta_data, key, str(value)))
    if filters.department_id is not None:
        department = departments.resolve(session, scope, filters.department_id, "department_id")
        query = query.where(
            or_(Design.department_id.is_(None), Design.department_id == department.id)
        )
    return fetch_page(session, query.order_by(Design.id), page=page, page_size=page_size)


class GroupRef(NamedTuple):
    id: int
    name: str


def groups_using(
    session: Session, scope: Scope, design_ids: Collection[int]
) -> dict[int, list[GroupRef]]:
    """The groups in the caller's scope that show each design (as certificate, badge or
    primary design), by id: one query for a whole page of designs."""
    users: dict[int, list[GroupRef]] = {design_id: [] for design_id in design_ids}
    if not users:
        return users
    query = select(Achievement.id, Achievement.name, *GROUP_COLUMNS).where(
        Achievement.organization_id == scope.organization_id,
        or_(*(column.in_(list(users)) for column in GROUP_COLUMNS)),
    )
    if scope.department_id is not None:
        query = query.where(Achievement.department_id == scope.department_id)
    for group_id, name, *shown in session.execute(query.order_by(Achievement.id)):
        for design_id in dict.fromkeys(shown):
            if design_id in users:
                users[design_id].append(GroupRef(group_id, name))
    return users


def check_group_design(
    session: Session, scope: Scope, field: str, design_id: int, department_id: int
) -> None:
    """A group may show the organization's designs and those of its own department, each in
    a slot of its kind (`design_id` is the certificate's)."""
    design = session.get(Design, design_id) if limits.is_storable_id(design_id) else None
    if (
        design is None
        or design.organization_id != scope.organization_id
        or design.department_id not in (None, department_id)
    ):
        raise Invalid(fields={field: ["is invalid"]})
    wanted = {"certificate_design_id": "certificate", "design_id": "certificate"}.get(
        field, "badge" if field == "badge_design_id" else None
    )
    if wanted is not None and design.kind != wanted:
        raise Invalid(fields={field: [f"must be a {wanted} design"]})


def layout_of(design: Design) -> Layout:
    return Layout(
        kind=design.kind,  # type: ignore[arg-type]
        orientation=design.orientation,  # type: ignore[arg-type]
        size=design.size,  # type: ignore[arg-type]
        bleeds=design.background_bleeds,
    )


def template_of(design: Design) -> str:
    """The design's SVG template: its own, else its built-in one drawn for its layout."""
    if design.content_svg is not None:
        return design.content_svg
    return builtin_template(design.builtin_key, layout_of(design))


def branded_template_of(design: Design, organization: Organization) -> str:
    """As `template_of`, a built-in one in the organization's colours (render/branding.py)."""
    if design.content_svg is not None:
        return design.content_svg
    key = drawn_builtin_key(design.builtin_key, design.kind)
    return branded(
        builtin_template(key, layout_of(design)),
        key,
        organization.primary_color,
        organization.accent_color,
    )


@functools.lru_cache(maxsize=64)
def builtin_template(key: str | None, layout: Layout) -> str:
    """Built-in design `key` drawn for `layout`; the kind's default one for an unknown key or
    one of another kind."""
    builtin = builtin_design(drawn_builtin_key(key, layout.kind), layout)
    assert builtin is not None  # the default keys always name a built-in design
    return builtin.template_svg


def drawn_builtin_key(key: str | None, kind: str) -> str:
    """The built-in design drawn for `key`: itself, else (unknown, or the design changed kind)
    the kind's default one."""
    builtin = BUILTIN_DESIGNS.get(key or "")
    return key if builtin is not None and key and builtin.kind == kind else default_key(kind)


def fitted(template: str, layout: Layout) -> str:
    """The template drawn on its layout's page: its root `width` and `height` are the paper's
    (in points), and its `viewBox` maps its own drawing onto it (kept, else made from its old
    size). Every rendering is then as large as the paper, whatever sizes the SVG claimed."""
    root = parse_template(template)
    if len((root.get("viewBox") or "").replace(",", " ").split()) != 4:
        width, height = _length(root.get("width")), _length(root.get("height"))
        if not (width and height):
            width, height = layout.trim_points
        root.set("viewBox", f"0 0 {_number(width)} {_number(height)}")
    width, height = layout.trim_points
    root.set("width", _number(width))
    root.set("height", _number(height))
    return etree.tostring(root, encoding="unicode")


def parse_template(template: str) -> etree._Element:
    """A stored (sanitized) template's tree, parsed without entities or network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(template.encode("utf-8"), parser)


def _length(value: str | None) -> float | None:
    """A plain SVG length (`842`, `842px`, `595pt`); None for percentages and nonsense."""
    match = _LENGTH.match(value or "")
    if not match:
        return None
    try:
        number = float(match.group(1))
    except ValueError:
        return None
    return number if 0 < number < 1e7 else None


def _number(number: float) -> str:
    """A coordinate as SVG text: short, and the same every time."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


def sanitized(template: bytes, field: str = "encoded_content") -> str:
    """The SVG made safe to store; one that cannot be is refused naming `field`."""
    try:
        return sanitize_svg(template)
    except UnsafeSvg as error:
        reason = f"is not a usable SVG image: {str(error)[:200]}"
        raise Invalid(fields={field: [reason]}) from None


def _shown_as_kind(session: Session, design: Design) -> bool:
    query = select(Achievement.id).where(
        or_(
            Achievement.certificate_design_id == design.id,
            Achievement.badge_design_id == design.id,
        )
    )
    return session.scalar(query.limit(1)) is not None


def _fallback(session: Session, deleted: Design, department_id: int) -> int | None:
    """The design a group of `department_id` shows instead of `deleted`: the organization's
    oldest organization-wide one of the kind, else its department's oldest."""
    return session.scalar(
        select(Design.id)
        .where(
            Design.organization_id == deleted.organization_id,
            Design.kind == deleted.kind,
            Design.id != deleted.id,
            or_(Design.department_id.is_(None), Design.department_id == department_id),
        )
        .order_by(Design.department_id.is_not(None), Design.id)
        .limit(1)
    )


def _department_for(session: Session, scope: Scope, department_id: int | None) -> int:
    if department_id is None:
        if scope.department_id is not None:
            return scope.department_id
        return organizations.default_department(session, scope.organization_id).id
    return departments.resolve(session, scope, department_id, "department_id").id
