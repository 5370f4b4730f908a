"""`GET /v1/organizations/{org}/events` and `.../events/{event_id}`: every badge and template
change, with the object a webhook receiver reads (openedx/credentials webhooks.py reads
`data.badge_template`'s id, owner.id, name, state, description and image_url)."""

from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from tests.credly.helpers import basic
from tests.credly.lifecycle_helpers import Org, base_path, make_org, template
from tests.support.tenants import Tenant, add_department, department_key, make_tenant

EVENT_KEYS = {"id", "organization_id", "event_type", "occurred_at"}


@pytest.fixture
def org(api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant) -> Org:
    return make_org(api, http, database, tenant)


def _events(org: Org, **params: Any) -> dict[str, Any]:
    response = org.send("GET", "/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_every_change_is_an_event_oldest_first(org: Org) -> None:
    badge = org.issue()
    new = org.replaced(badge["id"])
    assert org.send("PUT", f"/badges/{new['id']}/revoke", json={"reason": "r"}).status_code == 200
    listed = _events(org)
    kinds = [(event["event_type"], _subject(event)) for event in listed["data"]]
    assert kinds == [
        ("badge_template.created", org.template),
        ("badge.created", badge["id"]),
        ("badge.created", new["id"]),
        ("badge.state.changed", new["id"]),
    ]
    first = listed["data"][0]
    assert set(first) == EVENT_KEYS | {"badge_template"}
    assert first["organization_id"] == org.base.rsplit("/", 1)[1]
    assert first["occurred_at"].endswith("Z")
    # A badge event carries the badge as the badge endpoints show it.
    assert listed["data"][3]["badge"] == org.send("GET", f"/badges/{new['id']}").json()["data"]
    assert listed["data"][3]["badge"]["state"] == "revoked"
    assert listed["metadata"]["total_count"] == 4 and listed["metadata"]["per"] == 50


def test_get_an_event_by_its_id(org: Org) -> None:
    badge = org.issue()
    listed = _events(org)["data"]
    for event in listed:
        got = org.send("GET", f"/events/{event['id']}/")
        assert got.status_code == 200, got.text
        assert got.json() == {"data": event, "metadata": {}}
    template = listed[0]["badge_template"]
    assert template["id"] == org.template
    assert template["owner"]["id"] == listed[0]["organization_id"]
    for key in ("name", "state", "description", "image_url"):
        assert key in template
    assert template["state"] == "active"
    assert listed[1]["badge"]["id"] == badge["id"]


def test_a_deleted_subject_is_named_by_its_id_alone(org: Org) -> None:
    badge = org.issue()
    assert org.send("DELETE", f"/badges/{badge['id']}").status_code == 204
    events = [e for e in _events(org)["data"] if e["event_type"].startswith("badge.")]
    assert [e["event_type"] for e in events] == ["badge.created", "badge.deleted"]
    assert all(e["badge"] == {"id": badge["id"]} for e in events)

    template = org.send("GET", f"/badge_templates/{org.template}")
    assert template.status_code == 200
    assert org.send("DELETE", f"/badge_templates/{org.template}").status_code == 204
    deleted = _events(org)["data"][-1]
    assert deleted["event_type"] == "badge_template.deleted"
    assert deleted["badge_template"] == {"id": org.template}


def test_events_page_by_fifty(org: Org, database: Database) -> None:
    for _ in range(50):
        org.issue()
    first = _events(org)
    assert first["metadata"]["count"] == 50 and first["metadata"]["total_count"] == 51
    assert first["metadata"]["next_page_url"].endswith("page=2")
    second = _events(org, page=2)
    assert [event["event_type"] for event in second["data"]] == ["badge.created"]
    assert second["data"][0]["id"] not in {event["id"] for event in first["data"]}


def test_another_organizations_events_are_not_found(
    org: Org, http: httpx.Client, database: Database
) -> None:
    org.issue()
    other = make_tenant(database, "Other Academy")
    other_base = base_path(database, other)
    assert http.get(f"{other_base}/events", headers=basic(other.api_key)).json()["data"] == []
    for event in _events(org)["data"]:
        stranger = http.get(f"{other_base}/events/{event['id']}", headers=basic(other.api_key))
        assert stranger.status_code == 404
        assert stranger.json()["data"]["message"]
    # Their key on our organization's path is a 404 too.
    assert http.get(f"{org.base}/events", headers=basic(other.api_key)).status_code == 404
    assert org.send("GET", "/events/not-a-uuid").status_code == 404


@pytest.mark.parametrize("page", ["0", "x"], ids=["zero", "not-a-number"])
def test_a_bad_page_is_a_422(org: Org, page: str) -> None:
    assert org.send("GET", "/events", params={"page": page}).status_code == 422


def test_a_department_key_sees_its_departments_events_only(
    org: Org, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department = add_department(database, tenant.organization_id, "Evening school")
    theirs = template(api, database, department_id=department)
    org.issue()
    key = department_key(database, tenant.organization_id, department)
    mine = Org(
        org.http, database, Tenant(tenant.organization_id, department, key), org.base, theirs
    )
    badge = mine.issue()
    seen = [(e["event_type"], _subject(e)) for e in _events(mine)["data"]]
    assert seen == [("badge_template.created", theirs), ("badge.created", badge["id"])]


def _subject(event: dict[str, Any]) -> str:
    return (event.get("badge") or event["badge_template"])["id"]
