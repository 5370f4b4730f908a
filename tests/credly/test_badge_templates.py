"""Badge templates are achievements (Accredible groups): list with Credly's filter syntax and
page following, get, create, update, delete, archive and unarchive."""

from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.credly.badge_images import PNG_DATA_URI
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant, make_tenant

NEW = {
    "name": "Data Science",
    "description": "Analyses data",
    "global_activity_url": "https://example.com/course",
    "image": PNG_DATA_URI,
    "skills": ["Python"],
    "badge_template_activities": [
        {"activity_type": "Award", "title": "Pass", "activity_url": "https://example.com/a"}
    ],
}


def _base(database: Database, tenant: Tenant) -> str:
    return f"/v1/organizations/{organization_uuid(database, tenant)}/badge_templates"


def _create(http: httpx.Client, base: str, tenant: Tenant, **changes: Any) -> dict[str, Any]:
    response = http.post(base, headers=basic(tenant.api_key), json={**NEW, **changes})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_create_maps_to_an_achievement_seen_as_an_accredible_group(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    response = http.post(
        base, headers=basic(tenant.api_key), json={**NEW, "allow_duplicate_badges": True}
    )
    assert response.status_code == 201, response.text
    template = response.json()["data"]
    assert response.headers["location"].endswith(f"{base}/{template['id']}")
    assert template["name"] == "Data Science"
    assert template["description"] == "Analyses data"
    assert template["state"] == "active"
    assert template["allow_duplicate_badges"] is True
    assert template["global_activity_url"] == "https://example.com/course"
    assert template["owner"]["id"] == organization_uuid(database, tenant)
    got = http.get(f"{base}/{template['id']}", headers=basic(tenant.api_key, ""))
    assert got.status_code == 200
    assert got.json() == {"data": template, "metadata": {}}
    # The same achievement through Accredible: found by its UUID among the groups.
    groups = api.get("/v1/issuer/all_groups").json()["groups"]
    [group] = [group for group in groups if group["name"] == "Data Science"]
    assert group["course_description"] == "Analyses data"
    assert group["allow_duplicate_credentials"] is True
    viewed = api.get(f"/v1/issuer/groups/{group['id']}")
    assert viewed.status_code == 200


def test_an_accredible_group_is_an_active_badge_template(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)
    base = _base(database, tenant)
    body = http.get(base, headers=basic(tenant.api_key)).json()
    [template] = body["data"]
    assert template["name"] == group["name"]
    assert template["state"] == "active"
    assert template["allow_duplicate_badges"] is False


@pytest.mark.parametrize("missing", ["name", "description"])
def test_create_needs_a_name_and_a_description(
    http: httpx.Client, database: Database, tenant: Tenant, missing: str
) -> None:
    body = {key: value for key, value in NEW.items() if key != missing}
    response = http.post(_base(database, tenant), headers=basic(tenant.api_key), json=body)
    assert response.status_code == 422
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] == missing
    assert error["messages"] == ["can't be blank"]


def test_create_as_draft_and_a_bad_state_is_refused(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    assert _create(http, base, tenant, state="draft")["state"] == "draft"
    for state in ("archived", "gone"):
        response = http.post(base, headers=basic(tenant.api_key), json={**NEW, "state": state})
        assert response.status_code == 422, response.text
        assert response.json()["data"]["errors"][0]["attribute"] == "state"


def test_update_changes_only_the_fields_given(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    template = _create(http, base, tenant)
    response = http.put(
        f"{base}/{template['id']}/",
        headers=basic(tenant.api_key),
        json={"name": "Renamed", "allow_duplicate_badges": True},
    )
    assert response.status_code == 200, response.text
    changed = response.json()["data"]
    assert changed["name"] == "Renamed"
    assert changed["description"] == "Analyses data"
    assert changed["allow_duplicate_badges"] is True
    blank = http.put(
        f"{base}/{template['id']}", headers=basic(tenant.api_key), json={"description": " "}
    )
    assert blank.status_code == 422
    assert blank.json()["data"]["errors"][0]["attribute"] == "course_description"


def test_archive_and_unarchive(http: httpx.Client, database: Database, tenant: Tenant) -> None:
    base = _base(database, tenant)
    template = _create(http, base, tenant)
    headers = basic(tenant.api_key)
    archived = http.put(f"{base}/{template['id']}/archive", headers=headers)
    assert archived.status_code == 200, archived.text
    assert archived.json()["data"]["state"] == "archived"
    active = http.get(base, headers=headers, params={"filter": "state::active"}).json()
    assert active["data"] == []
    unarchived = http.post(f"{base}/{template['id']}/unarchive/", headers=headers)
    assert unarchived.status_code == 200
    assert unarchived.json()["data"]["state"] == "active"


def test_delete_is_a_204_and_refused_when_badges_were_issued(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    headers = basic(tenant.api_key)
    template = _create(http, base, tenant)
    response = http.delete(f"{base}/{template['id']}", headers=headers)
    assert response.status_code == 204
    assert http.get(f"{base}/{template['id']}", headers=headers).status_code == 404
    group = create_group(api)
    issue(api, group["id"])
    [used] = http.get(base, headers=headers).json()["data"]
    refused = http.delete(f"{base}/{used['id']}", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["data"]["message"] == (
        "Validation failed: Badge template has issued badges and cannot be deleted"
    )
    assert http.get(f"{base}/{used['id']}", headers=headers).status_code == 200


def test_another_organizations_template_is_a_404(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    other = make_tenant(database, "Other Academy")
    theirs = _create(http, _base(database, other), other)
    mine = _base(database, tenant)
    headers = basic(tenant.api_key)
    for ref in (theirs["id"], "not-a-uuid", "1"):
        assert http.get(f"{mine}/{ref}", headers=headers).status_code == 404
        assert http.put(f"{mine}/{ref}", headers=headers, json={"name": "x"}).status_code == 404
        assert http.delete(f"{mine}/{ref}", headers=headers).status_code == 404
        assert http.put(f"{mine}/{ref}/archive", headers=headers).status_code == 404
    assert http.get(mine, headers=headers).json()["data"] == []


def test_openedx_lists_active_templates_following_next_page_url(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    """openedx/credentials: `badge_templates/?filter=state::active`, then `next_page_url`."""
    base = _base(database, tenant)
    for number in range(52):
        _create(http, base, tenant, name=f"Template {number:02d}")
    _create(http, base, tenant, name="Drafted", state="draft")
    url: str | None = f"{base}/?filter=state::active"
    names: list[str] = []
    while url:
        body = http.get(url, headers=basic(tenant.api_key, "")).json()
        assert body["metadata"]["per"] == 50
        assert body["metadata"]["total_count"] == 52
        names += [template["name"] for template in body["data"]]
        url = body["metadata"]["next_page_url"]
    assert names == [f"Template {number:02d}" for number in range(52)]


def test_filters(http: httpx.Client, database: Database, tenant: Tenant) -> None:
    base = _base(database, tenant)
    headers = basic(tenant.api_key)
    _create(http, base, tenant, name="Python Basics")
    _create(http, base, tenant, name="Python", state="draft")
    _create(http, base, tenant, name="Rust")
    org = organization_uuid(database, tenant)

    def names(text: str) -> list[str]:
        response = http.get(base, headers=headers, params={"filter": text})
        assert response.status_code == 200, (text, response.text)
        return [template["name"] for template in response.json()["data"]]

    assert names("name::python") == ["Python Basics", "Python"]
    assert names('name::"Python"') == ["Python"]
    assert names("name::python|state::active") == ["Python Basics"]
    assert names("state::draft,archived") == ["Python"]
    assert names("query::RUS") == ["Rust"]
    assert names("public::true|state::active") == ["Python Basics", "Rust"]
    assert names("public::false") == []
    assert names(f"owner_id::{org}|name::Rust") == ["Rust"]
    assert names("owner_id::00000000-0000-0000-0000-000000000000") == []
    assert names("updated_at_min::2000-01-01|name::Rust") == ["Rust"]
    assert names("updated_at_max::2000-01-01") == []


@pytest.mark.parametrize(
    "text", ["colour::red", "created_at_min::soon", "state", "state::gone", "public::maybe"]
)
def test_an_unknown_or_malformed_filter_is_a_422_naming_filter(
    http: httpx.Client, database: Database, tenant: Tenant, text: str
) -> None:
    response = http.get(
        _base(database, tenant), headers=basic(tenant.api_key), params={"filter": text}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] in {"filter", "state"}


def test_sort(http: httpx.Client, database: Database, tenant: Tenant) -> None:
    base = _base(database, tenant)
    headers = basic(tenant.api_key)
    for name in ("Beta", "Alpha", "Gamma"):
        _create(http, base, tenant, name=name)

    def names(sort: str) -> list[str]:
        response = http.get(base, headers=headers, params={"sort": sort})
        assert response.status_code == 200, response.text
        return [template["name"] for template in response.json()["data"]]

    assert names("name") == ["Alpha", "Beta", "Gamma"]
    assert names("-name") == ["Gamma", "Beta", "Alpha"]
    assert names("created_at") == ["Beta", "Alpha", "Gamma"]
    refused = http.get(base, headers=headers, params={"sort": "popularity"})
    assert refused.status_code == 422
    assert refused.json()["data"]["errors"][0]["attribute"] == "sort"
