"""`POST /v1/issuer/groups/{group_id}/clone`: a copy of a group, with overrides."""

from typing import Any

import httpx

from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Credential, Design
from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import client_for, department_client, row_count
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

CLONE = "/v1/issuer/groups/{group_id}/clone"
# Fields a clone has of its own.
OWN = {"id", "name", "created_at", "updated_at"}


def clone(api: httpx.Client, group_id: int, body: Any = None) -> dict[str, Any]:
    response = api.post(CLONE.format(group_id=group_id), json=body)
    assert response.status_code == 200, response.text
    assert_conforms("post", CLONE, 200, response.json())
    return response.json()["group"]


def collection(api: httpx.Client, name: str) -> dict[str, Any]:
    response = api.post("/v1/collections", json={"collection": {"name": name}})
    assert response.status_code == 200, response.text
    return response.json()["collection"]


def full_group(api: httpx.Client) -> dict[str, Any]:
    shelf = collection(api, "Shelf")
    return create_group(
        api,
        course_link="https://example.org/course",
        language="fr",
        attach_pdf=True,
        learning_outcomes=["Reading"],
        meta_data={"course_id": "TK764"},
        generate_private_credential=True,
        auto_expiry=3,
        signup_url="https://example.org/signup",
        signup_url_show=True,
        course_link_show=True,
        organization_link_show=False,
        allow_duplicate_credentials=True,
        skill_category_id=2,
        achievement_type="Badge",
        collections=[{"id": shelf["id"]}],
    )


def test_a_clone_copies_every_field_and_is_named_copy(api: httpx.Client) -> None:
    original = full_group(api)
    issue(api, original["id"])
    copied = clone(api, original["id"])
    assert copied["id"] != original["id"]
    assert copied["name"] == f"Copy {original['name']}"
    assert {k: v for k, v in copied.items() if k not in OWN} == {
        k: v for k, v in original.items() if k not in OWN
    }
    assert copied["collections"] and copied["skill_category"]["id"] == 2
    # The clone is a group of its own, without the original's credentials.
    assert api.get(f"/v1/issuer/groups/{copied['id']}").json()["group"] == copied
    assert api.delete(f"/v1/issuer/groups/{copied['id']}").status_code == 200
    assert api.get(f"/v1/issuer/groups/{original['id']}").json()["group"] == original


def test_overrides_change_the_copy_only(api: httpx.Client) -> None:
    original = full_group(api)
    other = collection(api, "Other")
    copied = clone(
        api,
        original["id"],
        {
            "group": {
                "name": "new group copy",
                "course_name": "Intro to Prgramming",
                "language": "en",
                "attach_pdf": False,
                "meta_data": {"batch_id": "271"},
                "learning_outcomes": ["Writing Essays"],
                "auto_expiry": 1,
                "skill_category_id": 1,
                "achievement_type": "Certificate",
                "certificate_design_id": None,
                "collections": [{"id": other["id"]}],
            }
        },
    )
    assert copied["name"] == "new group copy"
    assert copied["course_name"] == "Intro to Prgramming"
    assert copied["course_description"] == original["course_description"]
    assert copied["language"] == "en" and copied["attach_pdf"] is False
    assert copied["meta_data"] == {"batch_id": "271"}
    assert copied["learning_outcomes"] == ["Writing Essays"]
    assert copied["skill_category"]["id"] == 1
    assert copied["achievement_type"] == "Certificate"
    assert [c["id"] for c in copied["collections"]] == [int(other["id"])]
    # A null design falls back to the organization's default, as on create.
    assert copied["certificate_design_id"] == original["certificate_design_id"]
    assert api.get(f"/v1/issuer/groups/{original['id']}").json()["group"] == original


def test_a_bare_body_and_blank_names_keep_the_copy_name(api: httpx.Client) -> None:
    original = create_group(api, name="x" * 255)
    copied = clone(api, original["id"], {"name": " ", "course_name": None})
    assert copied["name"] == ("Copy " + "x" * 255)[:255]
    assert copied["course_name"] == original["course_name"]
    assert clone(api, original["id"], {})["name"] == copied["name"]


def test_refused_clones_write_nothing(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    original = create_group(api)
    before = row_count(database, Achievement, organization_id=tenant.organization_id)
    cases = [
        ({"group": {"skill_category_id": 999_999}}, {"skill_category_id": ["is invalid"]}),
        ({"group": {"auto_expiry": 201}}, {"auto_expiry": ["must be less than or equal to 200"]}),
        ({"group": {"language": "xx"}}, {"language": ["is not included in the list"]}),
        ({"group": {"collections": [{"id": 999_999}]}}, {"collections": ["is invalid"]}),
        (
            {"group": {"collections": [{"id": n} for n in range(1001)]}},
            {"collections": ["is too long (maximum is 1000 items)"]},
        ),
        ({"group": {"badge_design_id": 999_999}}, {"badge_design_id": ["is invalid"]}),
        ({"group": {"attach_pdf": "maybe"}}, {"attach_pdf": ["is not a boolean"]}),
    ]
    for body, errors in cases:
        response = api.post(CLONE.format(group_id=original["id"]), json=body)
        assert response.status_code == 422, body
        assert response.json() == {"errors": errors}
    for group_id in ("999999999", "abc", str(2**64)):
        response = api.post(CLONE.format(group_id=group_id))
        assert response.status_code == 404
        assert response.json() == {"errors": "Doesn't exist"}

    intruder = client_for(http, make_tenant(database, "Intruder Inc").api_key)
    response = intruder.post(CLONE.format(group_id=original["id"]))
    assert response.status_code == 404 and response.json() == {"errors": "Doesn't exist"}
    assert http.post(CLONE.format(group_id=original["id"])).status_code == 401
    assert row_count(database, Achievement, organization_id=tenant.organization_id) == before
    assert row_count(database, Credential, achievement_id=original["id"]) == 0


def test_department_keys_clone_only_their_groups(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department_id, scoped = department_client(http, database, tenant)
    own = create_group(scoped)
    copied = clone(scoped, own["id"])
    assert copied["department_id"] == department_id

    elsewhere = create_group(api)
    response = scoped.post(CLONE.format(group_id=elsewhere["id"]))
    assert response.status_code == 404
    moved = scoped.post(
        CLONE.format(group_id=own["id"]),
        json={"group": {"department_id": tenant.default_department_id}},
    )
    assert moved.status_code == 422
    assert moved.json() == {"errors": {"department_id": ["is invalid"]}}
    # The account-wide key may clone into another department.
    into_main = clone(api, own["id"], {"department_id": tenant.default_department_id})
    assert into_main["department_id"] == tenant.default_department_id


def test_designs_of_another_department_are_refused(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    """ "Cloning a group only works when certificate or badge designs are within the same
    department as the original group" (the OpenAPI file); the same holds for any group."""
    department_id, scoped = department_client(http, database, tenant)
    with database.transaction() as session:
        design = Design(
            organization_id=tenant.organization_id,
            department_id=department_id,
            kind="certificate",
            name="Engineering certificate",
        )
        session.add(design)
        session.flush()
        design_id = design.id
    own = create_group(scoped, certificate_design_id=design_id)
    assert own["design_name"] == "Engineering certificate"
    assert clone(scoped, own["id"])["certificate_design_id"] == design_id

    before = row_count(database, Achievement, organization_id=tenant.organization_id)
    moved = api.post(
        CLONE.format(group_id=own["id"]),
        json={"group": {"department_id": tenant.default_department_id}},
    )
    assert moved.status_code == 422
    assert moved.json() == {"errors": {"certificate_design_id": ["is invalid"]}}
    elsewhere = api.post(
        "/v1/issuer/groups",
        json={
            "group": {
                "name": "n",
                "course_name": "c",
                "course_description": "d",
                "badge_design_id": design_id,
            }
        },
    )
    assert elsewhere.json() == {"errors": {"badge_design_id": ["is invalid"]}}
    assert row_count(database, Achievement, organization_id=tenant.organization_id) == before
    # With designs of the target department (or the organization's), the clone may move.
    moved = clone(
        api,
        own["id"],
        {
            "department_id": tenant.default_department_id,
            "certificate_design_id": None,
            "primary_design_id": None,
        },
    )
    assert moved["department_id"] == tenant.default_department_id
    assert moved["certificate_design_id"] != design_id
