"""The design fields of groups: `design_id`, `certificate_design_id`, `badge_design_id`,
`primary_design_id` (and `blockchain` beside them), checked against the designs' tenant,
department and kind."""

from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import create_group
from tests.accredible.org_helpers import client_for, department_client
from tests.designs.helpers import BADGE_SVG, create_design
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant


def group_body(**fields: Any) -> dict[str, Any]:
    return {
        "group": {
            "name": "design-fields",
            "course_name": "Intro",
            "course_description": "About it.",
            **fields,
        }
    }


def test_a_group_shows_the_designs_it_names(api: httpx.Client) -> None:
    certificate = create_design(api, name="Gold certificate")
    badge = create_design(api, kind="badge", encoded_content=BADGE_SVG)
    group = create_group(
        api,
        certificate_design_id=certificate["id"],
        badge_design_id=badge["id"],
        primary_design_id=badge["id"],
        blockchain=True,
    )
    assert group["certificate_design_id"] == group["design_id"] == certificate["id"]
    assert group["badge_design_id"] == badge["id"]
    assert group["primary_design_id"] == badge["id"]
    assert group["design_name"] == "Gold certificate"
    assert group["blockchain"] is True

    other = create_design(api, name="Silver certificate")
    response = api.put(
        f"/v1/issuer/groups/{group['id']}", json={"group": {"design_id": other["id"]}}
    )
    assert response.status_code == 200
    assert_conforms("put", "/v1/issuer/groups/{group_id}", 200, response.json())
    updated = response.json()["group"]
    assert updated["certificate_design_id"] == other["id"]
    assert updated["design_name"] == "Silver certificate"
    assert updated["blockchain"] is True


@pytest.mark.parametrize(
    ("field", "kind", "reason"),
    [
        ("certificate_design_id", "badge", "must be a certificate design"),
        ("design_id", "badge", "must be a certificate design"),
        ("badge_design_id", "certificate", "must be a badge design"),
    ],
)
def test_a_design_of_the_wrong_kind_is_refused(
    api: httpx.Client, field: str, kind: str, reason: str
) -> None:
    svg = BADGE_SVG if kind == "badge" else None
    design = create_design(api, kind=kind, **({"encoded_content": svg} if svg else {}))
    response = api.post("/v1/issuer/groups", json=group_body(**{field: design["id"]}))
    assert response.status_code == 422
    assert response.json() == {"errors": {field: [reason]}}
    group = create_group(api)
    response = api.put(f"/v1/issuer/groups/{group['id']}", json={"group": {field: design["id"]}})
    assert response.status_code == 422
    after = api.get(f"/v1/issuer/groups/{group['id']}").json()["group"]
    assert after["certificate_design_id"] == group["certificate_design_id"]
    assert after["badge_design_id"] == group["badge_design_id"]


def test_the_primary_design_may_be_either_kind(api: httpx.Client) -> None:
    badge = create_design(api, kind="badge", encoded_content=BADGE_SVG)
    assert create_group(api, primary_design_id=badge["id"])["primary_design_id"] == badge["id"]


def test_another_tenants_or_departments_design_is_invalid(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    with client_for(http, make_tenant(database, "Another Academy").api_key) as other:
        foreign = create_design(other)
    department_id, scoped = department_client(http, database, tenant)
    with scoped:
        elsewhere = create_design(scoped)
    for field, design_id in (
        ("certificate_design_id", foreign["id"]),
        ("certificate_design_id", elsewhere["id"]),
        ("primary_design_id", 999_999_999),
    ):
        response = api.post("/v1/issuer/groups", json=group_body(**{field: design_id}))
        assert response.status_code == 422
        assert response.json() == {"errors": {field: ["is invalid"]}}
    # In its own department the department's design is fine.
    group = create_group(api, department_id=department_id, certificate_design_id=elsewhere["id"])
    assert group["certificate_design_id"] == elsewhere["id"]


def test_groups_fall_back_to_a_design_their_department_may_use(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department_id, scoped = department_client(http, database, tenant)
    with scoped:
        own = create_design(scoped)
        doomed = create_design(scoped)
        group = create_group(scoped, certificate_design_id=doomed["id"])
    in_default = create_group(api)
    builtins = api.post("/v1/designs/search", json={"kind": "certificate"}).json()["designs"]
    builtins = [item for item in builtins if item["department_id"] is None]
    # Deleting the organization's default moves groups to the next organization-wide one.
    api.delete(f"/v1/designs/{in_default['certificate_design_id']}")
    after = api.get(f"/v1/issuer/groups/{in_default['id']}").json()["group"]
    assert after["certificate_design_id"] == builtins[1]["id"]
    for item in builtins[1:]:
        api.delete(f"/v1/designs/{item['id']}")
    # With no organization-wide design left, a group falls back to its department's own...
    api.delete(f"/v1/designs/{doomed['id']}")
    assert (
        api.get(f"/v1/issuer/groups/{group['id']}").json()["group"]["certificate_design_id"]
        == (own["id"])
    )
    # ...and to none when there is none: a credential then shows the built-in default.
    assert (
        api.get(f"/v1/issuer/groups/{in_default['id']}").json()["group"]["certificate_design_id"]
        is None
    )
    # A new group of the department starts with its department's design.
    assert create_group(api, department_id=department_id)["certificate_design_id"] == own["id"]
