"""Every Credly badge template field is stored and shown: skills, activities, alignments,
recommendations, reporting tags, extras, the default expiration (which the core applies to a
credential issued without an expiry), badges_count and the seed's other keys; the filters
and the sort they make possible."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from plaudit.store.db import Database
from tests.accredible.helpers import issue
from tests.credly.badge_images import PNG_DATA_URI
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant

SEED = Path(__file__).parents[2] / "../shared/specs/seeds/002_ab57c8c0ad8f660a.txt"
NEW: dict[str, Any] = {
    "name": "Cloud Architect",
    "description": "Designs cloud systems",
    "global_activity_url": "https://example.com/cloud",
    "image": PNG_DATA_URI,
    "skills": ["AWS", "Terraform", "AWS", " "],
    "badge_template_activities": [
        {
            "activity_type": "Schedule / Registration",
            "title": "Register",
            "activity_url": "https://example.com/register",
        },
        {"activity_type": "award", "title": "Pass the exam"},
    ],
    "alignments": [
        {"name": "ESCO", "url": "https://esco.example/skill", "description": "Cloud skill"}
    ],
    "recommendations": [{"title": "Next: Kubernetes", "activity_url": "https://example.com/k"}],
    "reporting_tags": ["cloud", "2026"],
    "cost": "Paid",
    "level": "Advanced",
    "time_to_earn": "Months",
    "type_category": "Certification",
    "translatable": True,
    "lock_badge_state": True,
    "linkedin_share_default_message": "I am certified",
}
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _base(database: Database, tenant: Tenant) -> str:
    return f"/v1/organizations/{organization_uuid(database, tenant)}/badge_templates"


def _create(http: httpx.Client, tenant: Tenant, base: str, **changes: Any) -> dict[str, Any]:
    response = http.post(base, headers=basic(tenant.api_key), json={**NEW, **changes})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def _group_id(api: httpx.Client, name: str) -> int:
    groups = api.get("/v1/issuer/all_groups").json()["groups"]
    [group] = [group for group in groups if group["name"] == name]
    return group["id"]


def _seed_template_keys() -> set[str]:
    """The keys of the seed's `badge_template` object (the issue-badge response)."""
    text = SEED.resolve().read_text()
    start = text.index('"badge_template": {')
    depth, keys, index = 0, set(), start + len('"badge_template": ')
    for match in re.finditer(r'[{}\[\]]|"(\w+)":', text[index:]):
        token = match.group(0)
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1:
            keys.add(match.group(1))
    return keys


def test_create_stores_and_shows_every_field(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    template = _create(http, tenant, base)
    assert template["skills"] == ["AWS", "Terraform"]
    first, second = template["badge_template_activities"]
    assert first["activity_type"] == "Schedule / Registration"
    assert first["title"] == "Register"
    assert first["activity_url"] == "https://example.com/register"
    assert first["required_badge_template_id"] is None
    assert second["activity_type"] == "Award"
    assert UUID_TEXT.match(first["id"]) and UUID_TEXT.match(second["id"])
    assert first["id"] != second["id"]
    [alignment] = template["alignments"]
    assert alignment["name"] == "ESCO" and alignment["url"] == "https://esco.example/skill"
    assert alignment["description"] == "Cloud skill" and UUID_TEXT.match(alignment["id"])
    [recommendation] = template["recommendations"]
    assert recommendation["title"] == "Next: Kubernetes"
    assert recommendation["type"] == "information"
    assert UUID_TEXT.match(recommendation["id"])
    assert template["reporting_tags"] == ["cloud", "2026"]
    for name in ("cost", "level", "time_to_earn", "type_category"):
        assert template[name] == NEW[name]
    assert template["translatable"] is True and template["lock_badge_state"] is True
    assert template["linkedin_share_default_message"] == "I am certified"
    assert template["badges_count"] == 0 and template["allow_delete"] is True
    assert _seed_template_keys() <= set(template), _seed_template_keys() - set(template)
    got = http.get(f"{base}/{template['id']}", headers=basic(tenant.api_key))
    assert got.json()["data"] == template


def test_create_names_every_missing_required_attribute(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    response = http.post(_base(database, tenant), headers=basic(tenant.api_key), json={})
    assert response.status_code == 422, response.text
    errors = {error["attribute"]: error["messages"] for error in response.json()["data"]["errors"]}
    assert set(errors) == {
        "name",
        "description",
        "image",
        "skills",
        "global_activity_url",
        "badge_template_activities",
    }


@pytest.mark.parametrize(
    ("changes", "attribute"),
    [
        (
            {"badge_template_activities": [{"activity_type": "Lecture", "title": "x"}]},
            "badge_template_activities[0].activity_type",
        ),
        ({"alignments": [{"url": "https://example.com"}]}, "alignments[0].name"),
        ({"skills": ["x" * 256]}, "skills"),
        ({"cost": {"amount": 3}}, "cost"),
        ({"level": "x" * 1001}, "level"),
        (
            {"badge_template_activities": [{"activity_type": "Award", "title": "t" * 256}]},
            "badge_template_activities[0].title",
        ),
        (
            {"alignments": [{"name": "n", "url": "https://e.com/" + "u" * 2048}]},
            "alignments[0].url",
        ),
        ({"default_expires_in": "P0D"}, "default_expires_in"),
        ({"default_expires_in": "soon"}, "default_expires_in"),
        ({"default_expires_at_amount": 2, "default_expires_at_type": "aeons"}, None),
        ({"default_expires_at": "not a date"}, "default_expires_at"),
    ],
    ids=[
        "activity-type",
        "alignment-name",
        "long-skill",
        "object-extra",
        "long-extra",
        "long-activity-title",
        "long-alignment-url",
        "zero",
        "words",
        "unit",
        "date",
    ],
)
def test_bad_template_fields_are_a_422_naming_them(
    http: httpx.Client,
    database: Database,
    tenant: Tenant,
    changes: dict[str, Any],
    attribute: str | None,
) -> None:
    response = http.post(
        _base(database, tenant), headers=basic(tenant.api_key), json={**NEW, **changes}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] == (attribute or "default_expires_at_type")


def test_update_replaces_lists_merges_extras_and_keeps_ids_sent_back(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    template = _create(http, tenant, base)
    kept = template["badge_template_activities"][0]
    response = http.put(
        f"{base}/{template['id']}",
        headers=basic(tenant.api_key),
        json={
            "badge_template_activities": [kept],
            "skills": ["GCP"],
            "level": "Intermediate",
            "reporting_tags": None,
        },
    )
    assert response.status_code == 200, response.text
    changed = response.json()["data"]
    assert changed["badge_template_activities"] == [kept]
    assert changed["skills"] == ["GCP"]
    assert changed["reporting_tags"] == []
    assert changed["level"] == "Intermediate"
    assert changed["cost"] == "Paid"  # not given: unchanged
    assert changed["alignments"] == template["alignments"]


@pytest.mark.parametrize(
    ("expiry", "shown", "expected"),
    [
        (
            {"default_expires_at": "2030-05-01"},
            {"default_expires_at": "2030-05-01T00:00:00.000Z", "default_expires_at_type": "date"},
            "2030-05-01",
        ),
        (
            {"default_expires_in": "P1M"},
            {"default_expires_at_type": "months", "default_expires_at_amount": 1},
            "2026-02-28",
        ),
        (
            {"default_expires_at_type": "years", "default_expires_at_amount": 2},
            {"default_expires_in": "P2Y", "default_expires_at": None},
            "2028-01-31",
        ),
        ({"default_expires_in": "P1Y10D"}, {"default_expires_at_type": "period"}, "2027-02-10"),
        ({}, {"default_expires_at_type": None, "default_expires_in": None}, None),
    ],
    ids=["fixed-date", "one-month", "type-and-amount", "combined", "none"],
)
def test_a_credential_issued_without_expiry_gets_the_template_default(
    http: httpx.Client,
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    expiry: dict[str, Any],
    shown: dict[str, Any],
    expected: str | None,
) -> None:
    template = _create(http, tenant, _base(database, tenant), **expiry)
    for key, value in shown.items():
        assert template[key] == value, key
    group_id = _group_id(api, template["name"])
    credential = issue(api, group_id, issued_on="2026-01-31")
    assert credential["expired_on"] == expected
    # A credential naming its own expiry keeps it.
    own = issue(api, group_id, issued_on="2026-01-31", expired_on="2040-01-01")
    assert own["expired_on"] == "2040-01-01"


def test_a_null_expiry_clears_the_default(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    template = _create(http, tenant, base, default_expires_in="P3Y")
    cleared = http.put(
        f"{base}/{template['id']}",
        headers=basic(tenant.api_key),
        json={"default_expires_in": None},
    ).json()["data"]
    assert cleared["default_expires_in"] is None
    assert cleared["default_expires_at_type"] is None
    fixed = http.put(
        f"{base}/{template['id']}",
        headers=basic(tenant.api_key),
        json={"default_expires_at": "2031-01-01"},
    ).json()["data"]
    assert fixed["default_expires_at_date"] == "2031-01-01"
    assert fixed["default_expires_in"] is None


def test_badges_count_and_its_sort(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    for name, badges in (("None issued", 0), ("Two issued", 2), ("One issued", 1)):
        _create(http, tenant, base, name=name)
        for _ in range(badges):
            issue(api, _group_id(api, name))

    def listed(sort: str) -> list[tuple[str, int]]:
        response = http.get(base, headers=basic(tenant.api_key), params={"sort": sort})
        assert response.status_code == 200, response.text
        return [(item["name"], item["badges_count"]) for item in response.json()["data"]]

    assert listed("-badges_count") == [("Two issued", 2), ("One issued", 1), ("None issued", 0)]
    assert listed("badges_count")[0] == ("None issued", 0)
    [template] = [
        item
        for item in http.get(base, headers=basic(tenant.api_key)).json()["data"]
        if item["name"] == "Two issued"
    ]
    assert template["allow_delete"] is False
    got = http.get(f"{base}/{template['id']}", headers=basic(tenant.api_key)).json()["data"]
    assert got["badges_count"] == 2


def test_filters_on_skills_tags_recommendations_collections_and_creation(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    cloud = _create(http, tenant, base, name="Cloud")
    _create(
        http,
        tenant,
        base,
        name="Data",
        skills=["SQL", "Python"],
        reporting_tags=["data"],
        recommendations=[],
    )
    recommendation_id = cloud["recommendations"][0]["id"]
    featured = {"name": "Featured", "groups": [{"id": _group_id(api, "Cloud")}]}
    collection = api.post("/v1/collections", json={"collection": featured})
    assert collection.status_code == 200, collection.text
    collection_id = collection.json()["collection"]["id"]

    def names(text: str) -> list[str]:
        response = http.get(base, headers=basic(tenant.api_key), params={"filter": text})
        assert response.status_code == 200, response.text
        return sorted(template["name"] for template in response.json()["data"])

    assert names("skills::terraform") == ["Cloud"]
    assert names("skills::Python,AWS") == ["Cloud", "Data"]
    assert names("skills::Rust") == []
    assert names("reporting_tags::data") == ["Data"]
    assert names("reporting_tags::cloud,data|skills::SQL") == ["Data"]
    assert names(f"recommendation_ids::{recommendation_id}") == ["Cloud"]
    assert names("recommendation_ids::00000000-0000-0000-0000-000000000000") == []
    assert names("created_at_min::2000-01-01") == ["Cloud", "Data"]
    assert names("created_at_max::2000-01-01") == []
    assert names("created_at_min::2999-01-01") == []
    assert names(f"collection_id::{collection_id}") == ["Cloud"]
    assert names("collection_id::999999") == []


def test_a_list_counts_badges_in_the_same_statements_however_many_templates(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    base = _base(database, tenant)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    def listed() -> int:
        statements.clear()
        event.listen(database.engine, "before_cursor_execute", count)
        try:
            response = http.get(
                base, headers=basic(tenant.api_key), params={"sort": "-badges_count"}
            )
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.text
        return len(statements)

    _create(http, tenant, base, name="T0")
    issue(api, _group_id(api, "T0"))
    one = listed()
    for index in range(1, 6):
        _create(http, tenant, base, name=f"T{index}")
        issue(api, _group_id(api, f"T{index}"))
    assert listed() == one
