"""The requests real Credly clients send, replayed byte for byte against a live Plaudit, and
every field each client reads from the answers (issue 11, "Done when").

- openedx/credentials (`credentials/apps/badges/credly/api_client.py`, `issuers.py`,
  `webhooks.py`, `admin_forms.py`): `requests` with `Basic base64(key)` (no colon), `Accept` and
  `Content-Type: application/json` on every call, paths joined under `organizations/{org}/` with
  trailing slashes; badge templates by `filter=state::active`, then `next_page_url` up to
  `total_pages`; issue and revoke read `data.id` and `data.state`; the webhook receiver reads
  `data.badge_template` of an event. Its client imports a whole Django project (models, sites,
  settings), so it is replayed here with `requests`, as its `perform_request` sends.
- riipen/credly-ruby 0.2.0 (Faraday): `Basic base64(key:)`, `Accept: application/json`, paths
  under `/v1/` without trailing slashes, query parameters sorted and escaped as Faraday does
  (`filter=state%3A%3Aactive`), JSON bodies; reads the body, and `data.message` of errors.
- isovalent/credly-go: `Basic base64(key|)`, `Content-Type` and `Accept: application/json` on
  every call; issue expects exactly 201 (422: "already issued"); its Go structs decode `id`,
  `badge_url`, `image_url`, `image.url`, `state`, `issued_at` (a `time.Time`: RFC 3339),
  `user.{id,email,first_name,last_name,url}` and `badge_template.{id,name,skills,url,image_url,
  vanity_slug}` with `skills` a list of strings; a number or an object where it wants a string
  fails the whole decode.
"""

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, urljoin

import httpx
import pytest
import requests

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, unique_email
from tests.credly.helpers import organization_uuid
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

Json = dict[str, Any]
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _basic(raw: str) -> str:
    return "Basic " + base64.b64encode(raw.encode()).decode()


@pytest.fixture
def org(database: Database, tenant: Tenant) -> str:
    return organization_uuid(database, tenant)


@pytest.fixture
def templates(credly: httpx.Client, api: httpx.Client, org: str) -> list[Json]:
    """Two active badge templates (Accredible groups), as Credly lists them."""
    names = {create_group(api)["name"] for _ in range(2)}
    listed = credly.get(f"/v1/organizations/{org}/badge_templates").json()["data"]
    return [template for template in listed if template["name"] in names]


@pytest.fixture
def credly(live_server: LiveServer, tenant: Tenant) -> Iterator[httpx.Client]:
    """Our own look at what the clients did."""
    headers = {"Authorization": _basic(f"{tenant.api_key}:")}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as client:
        yield client


# --- openedx/credentials ---------------------------------------------------------------------


class OpenEdx:
    """What `CredlyAPIClient.perform_request` sends: `urljoin` under `organizations/{org}/`,
    `requests.request(METHOD, url, headers=..., json=data, timeout=10)`, `raise_for_status`."""

    def __init__(self, base_url: str, organization_id: str, api_key: str) -> None:
        self.base = urljoin(f"{base_url}/v1/", f"organizations/{organization_id}/")
        self.headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": _basic(api_key),
        }

    def request(self, method: str, suffix: str, data: Json | None = None) -> Json:
        url = urljoin(self.base, suffix)
        response = requests.request(
            method.upper(), url, headers=self.headers, json=data, timeout=10
        )
        assert response.ok, (method, url, response.status_code, response.text)
        result: Json = response.json()
        return result

    def fetch_badge_templates(self) -> list[Json]:
        """`fetch_badge_templates`: the first page, then `next_page_url` up to `total_pages`."""
        response = self.request("get", "badge_templates/?filter=state::active")
        results = list(response.get("data", []))
        metadata = response.get("metadata", {})
        next_page_url = metadata.get("next_page_url")
        for _ in range(2, metadata.get("total_pages", 1) + 1):
            if not next_page_url:
                break
            response = self.request("get", next_page_url)
            results.extend(response.get("data", []))
            next_page_url = response.get("metadata", {}).get("next_page_url")
        return results


@pytest.fixture
def openedx(live_server: LiveServer, tenant: Tenant, org: str) -> OpenEdx:
    return OpenEdx(live_server.base_url, org, tenant.api_key)


def test_openedx_checks_the_organization_and_reads_its_name(openedx: OpenEdx) -> None:
    """admin_forms.py: `fetch_organization()` is a GET of `organizations/{org}/`."""
    data = openedx.request("get", "")["data"]
    assert isinstance(data["name"], str) and data["name"]


def test_openedx_syncs_every_active_template_across_pages(
    openedx: OpenEdx, credly: httpx.Client, api: httpx.Client, org: str
) -> None:
    """sync_organization_badge_templates: 52 templates, one archived, 51 read over two pages."""
    groups = [create_group(api) for _ in range(52)]
    archived = credly.get(f"/v1/organizations/{org}/badge_templates").json()["data"][0]
    response = credly.put(f"/v1/organizations/{org}/badge_templates/{archived['id']}/archive")
    assert response.status_code == 200, response.text
    synced = openedx.fetch_badge_templates()
    assert len(synced) == 51
    assert archived["id"] not in {template["id"] for template in synced}
    assert {template["name"] for template in synced} < {group["name"] for group in groups}
    for template in synced:  # what update_or_create stores
        assert template["state"] == "active"
        assert isinstance(template["description"], str)
        assert template["image_url"].startswith("http")
    assert credly.get(synced[0]["image_url"]).status_code == 200


def test_openedx_issues_and_revokes_a_badge(openedx: OpenEdx, templates: list[Json]) -> None:
    """issuers.py: `CredlyBadgeData` (attrs `asdict`) POSTed to `badges/`, then a PUT of
    `badges/{id}/revoke/` with Open edX's reason; each reads `data.id`, `data.state`."""
    issued = openedx.request(
        "post",
        "badges/",
        {
            "recipient_email": unique_email(),
            "issued_to_first_name": "ada",
            "issued_to_last_name": "ada",
            "badge_template_id": templates[0]["id"],
            "issued_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S %z"),
        },
    )["data"]
    assert issued["state"] in {"pending", "accepted"}
    revoked = openedx.request(
        "put",
        f"badges/{issued['id']}/revoke/",
        {"reason": "Open edX internal user credential was revoked"},
    )["data"]
    assert revoked["id"] == issued["id"]
    assert revoked["state"] == "revoked"


def test_openedx_webhook_reads_the_template_of_an_event(
    openedx: OpenEdx, credly: httpx.Client, templates: list[Json], org: str
) -> None:
    """webhooks.py: for `badge_template.*` events it GETs `events/{id}/` and reads
    `data.badge_template.{id, name, state, description, image_url, owner.id}`."""
    events = credly.get(f"/v1/organizations/{org}/events").json()["data"]
    created = [event for event in events if event["event_type"] == "badge_template.created"]
    assert created
    template = openedx.request("get", f"events/{created[0]['id']}/")["data"]["badge_template"]
    assert template["id"] in {template["id"] for template in templates}
    assert template["owner"]["id"] == org
    for field in ("name", "state", "description", "image_url"):
        assert isinstance(template[field], str), field


# --- riipen/credly-ruby ----------------------------------------------------------------------


def _faraday_query(params: Json) -> str:
    """Faraday's NestedParamsEncoder: sorted keys, everything but `a-zA-Z0-9 .~_-` escaped,
    spaces as `+`."""
    return "&".join(
        f"{quote_plus(str(key), safe='.~_-')}={quote_plus(str(value), safe='.~_-')}"
        for key, value in sorted(params.items())
    )


class Riipen:
    """`Credly::Connection`: Faraday at `{base}/v1`, `request :json`, `basic_auth(token, '')`,
    `Accept: application/json`; GET and DELETE parameters go in the query."""

    def __init__(self, client: httpx.Client, api_key: str) -> None:
        self.client = client
        self.headers = {
            "Authorization": _basic(f"{api_key}:"),
            "Accept": "application/json",
            "User-Agent": "Faraday v1.10.3",
        }

    def call(self, method: str, path: str, params: Json | None = None) -> httpx.Response:
        url = f"/v1/{path}"
        if method in {"get", "delete"}:
            query = _faraday_query(params or {})
            return self.client.request(
                method.upper(), f"{url}?{query}" if query else url, headers=self.headers
            )
        headers = {**self.headers, "Content-Type": "application/json"}
        return self.client.request(method.upper(), url, headers=headers, json=params or {})

    def body(self, method: str, path: str, params: Json | None = None) -> Json:
        response = self.call(method, path, params)
        assert response.is_success, (method, path, response.status_code, response.text)
        result: Json = response.json() if response.content else {}
        return result


@pytest.fixture
def riipen(http: httpx.Client, tenant: Tenant) -> Riipen:
    return Riipen(http, tenant.api_key)


def test_riipen_organization_calls(riipen: Riipen, org: str) -> None:
    assert [item["id"] for item in riipen.body("get", "organizations")["data"]] == [org]
    assert riipen.body("get", f"organizations/{org}")["data"]["id"] == org
    # organization_update with the body of its own spec: unknown fields are ignored.
    updated = riipen.body(
        "put",
        f"organizations/{org}",
        {
            "name": "Example Organization",
            "website_url": "https://www.example.com",
            "webhook_url": "https://example.com/webhook_endpoint",
            "location": "East Junius, Ohio",
            "contact_email": "info@example.com",
            "legal_contact_email": "legal@example.com",
            "bio": "Since 1994",
            "photo": "https://cdn.example.com/path/to/image.png",
            "hide_subscription": False,
        },
    )["data"]
    assert updated["name"] == "Example Organization"
    assert updated["webhook_url"] == "https://example.com/webhook_endpoint"
    tokens = riipen.body("get", f"organizations/{org}/authorization_tokens")["data"]
    assert tokens and all(token["token"] for token in tokens)


def test_riipen_badge_template_calls(riipen: Riipen, templates: list[Json], org: str) -> None:
    listed = riipen.body("get", f"organizations/{org}/badge_templates", {"filter": "state::active"})
    assert {template["id"] for template in templates} <= {t["id"] for t in listed["data"]}
    name = templates[0]["name"]
    found = riipen.body(
        "get", f"organizations/{org}/badge_templates", {"filter": f'name::"{name}"'}
    )["data"]
    assert [template["id"] for template in found] == [templates[0]["id"]]
    got = riipen.body("get", f"organizations/{org}/badge_templates/{templates[0]['id']}")["data"]
    assert got["id"] == templates[0]["id"]


def _ruby_issue_body(template_id: str, email: str) -> Json:
    """badge_issue, as riipen's spec sends it."""
    return {
        "recipient_email": email,
        "badge_template_id": template_id,
        "issued_at": "2014-04-01 09:41:00 -0500",
        "issued_to_first_name": "Earner First Name",
        "issued_to_last_name": "Earner Last Name",
        "expires_at": None,
        "issuer_earner_id": f"abc-{email}",
        "locale": "en",
        "suppress_badge_notification_email": False,
    }


def test_riipen_badge_calls(riipen: Riipen, templates: list[Json], org: str) -> None:
    badges = f"organizations/{org}/badges"
    email = unique_email()
    issued = riipen.body("post", badges, _ruby_issue_body(templates[0]["id"], email))["data"]
    assert issued["recipient_email"] == email
    assert issued["issued_at"].startswith("2014-04-01T14:41:00")
    assert issued["issuer_earner_id"] == f"abc-{email}"
    # The same again is a duplicate: Credly::UnprocessableEntity with `data.message`.
    again = riipen.call("post", badges, _ruby_issue_body(templates[0]["id"], email))
    assert again.status_code == 422
    assert again.json()["data"]["message"]
    # badge_list with its spec's parameters (filter, sort, page), on pages 1 and 2.
    query = {"filter": f"query::{email}|state::{issued['state']}", "sort": "-issued_at"}
    first = riipen.body("get", badges, {**query, "page": 1})
    assert [badge["id"] for badge in first["data"]] == [issued["id"]]
    second = riipen.body("get", badges, {**query, "page": 2})
    assert second["data"] == [] and second["metadata"]["current_page"] == 2
    bulk = riipen.body("get", f"organizations/{org}/high_volume_issued_badge_search")
    assert issued["id"] in {badge["id"] for badge in bulk["data"]}
    # badge_replace with its spec's body, then badge_revoke on the new one, then badge_delete.
    replaced = riipen.body(
        "post",
        f"{badges}/{issued['id']}/replace",
        {
            "badge_template_id": templates[1]["id"],
            "issued_at": "2014-04-01 09:41:00 -0500",
            "issued_to": "Firstname Lastname",
            "issued_to_first_name": "Firstname",
            "issued_to_last_name": "Lastname",
            "issuer_earner_id": "earner-1",
            "expires_at": False,
            "country_name": "United States of America",
            "state_or_province": "Minnesota",
            "evidence": [
                {
                    "type": "UrlEvidence",
                    "value": "http://www.example.com/evidence",
                    "description": "Description in URL evidence is optional",
                    "name": "Evidence",
                }
            ],
            "notification_message": "Lorem ipsum dolor",
        },
    )["data"]
    assert replaced["id"] != issued["id"]
    assert replaced["badge_template"]["id"] == templates[1]["id"]
    assert replaced["expires_at"] is None
    revoked = riipen.body(
        "put",
        f"{badges}/{replaced['id']}/revoke",
        {"reason": "Check bounced", "suppress_revoke_notification_email": False},
    )["data"]
    assert revoked["state"] == "revoked"
    assert riipen.call("delete", f"{badges}/{replaced['id']}").status_code == 204
    gone = riipen.call("get", badges, {"filter": f"query::{email}"})
    assert gone.json()["data"] == []
    # Credly::NotFound carries `data.message` too.
    missing = riipen.call("put", f"{badges}/{replaced['id']}/revoke", {"reason": "again"})
    assert missing.status_code == 404 and missing.json()["data"]["message"]


def test_riipen_event_calls(riipen: Riipen, templates: list[Json], org: str) -> None:
    events = riipen.body("get", f"organizations/{org}/events")
    assert events["data"] and "next_page_url" in events["metadata"]
    assert riipen.body("get", f"organizations/{org}/events", {"page": 2})["data"] == []
    event = events["data"][0]
    assert (
        riipen.body("get", f"organizations/{org}/events/{event['id']}")["data"]["id"] == event["id"]
    )


def test_riipen_obi_calls(riipen: Riipen, templates: list[Json], org: str) -> None:
    """obi.rb: `obi/v2/...` relative to the client's `/v1` base, with its Basic header."""
    email = unique_email()
    badge = riipen.body(
        "post", f"organizations/{org}/badges", _ruby_issue_body(templates[0]["id"], email)
    )["data"]
    assertion = riipen.body("get", f"obi/v2/badge_assertions/{badge['id']}")
    assert assertion["type"] == "Assertion"
    badge_class = riipen.body("get", f"obi/v2/badge_classes/{templates[0]['id']}")
    assert badge_class["type"] == "BadgeClass"
    issuer = riipen.body("get", f"obi/v2/issuers/{org}")
    assert issuer["type"] in {"Issuer", "Profile"}


# --- isovalent/credly-go ---------------------------------------------------------------------


def _go_decodes(value: Any, shape: Any) -> None:
    """What Go's encoding/json does with the client's structs: a string field takes a string or
    null, `[]string` a list of strings or null, `time.Time` an RFC 3339 string or null."""
    if value is None:
        return
    if shape is str:
        assert isinstance(value, str), value
    elif shape == "time":
        assert isinstance(value, str) and RFC3339.match(value), value
    elif isinstance(shape, list):
        assert isinstance(value, list), value
        for item in value:
            _go_decodes(item, shape[0])
    else:
        assert isinstance(value, dict), value
        for field, inner in shape.items():
            _go_decodes(value.get(field), inner)


GO_TEMPLATE = {"id": str, "name": str, "skills": [str], "url": str, "image_url": str}
GO_TEMPLATE["vanity_slug"] = str
GO_BADGE = {
    "id": str,
    "image_url": str,
    "badge_url": str,
    "issued_at": "time",
    "state": str,
    "image": {"url": str},
    "badge_template": GO_TEMPLATE,
    "user": {"id": str, "email": str, "first_name": str, "last_name": str, "url": str},
}


@pytest.fixture
def go(http: httpx.Client, tenant: Tenant) -> dict[str, str]:
    """`Client.Do` sets these three headers on every request."""
    return {
        "Authorization": _basic(f"{tenant.api_key}|"),
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def test_go_badge_template_calls(
    http: httpx.Client, go: dict[str, str], templates: list[Json], org: str
) -> None:
    listed = http.get(f"/v1/organizations/{org}/badge_templates", headers=go)
    assert listed.status_code == 200
    _go_decodes(listed.json()["data"], [GO_TEMPLATE])
    template_id = templates[0]["id"]
    got = http.get(f"/v1/organizations/{org}/badge_templates/{template_id}", headers=go)
    assert got.status_code == 200
    _go_decodes(got.json()["data"], GO_TEMPLATE)
    assert got.json()["data"]["id"] == template_id


def test_go_issues_and_finds_badges(
    http: httpx.Client, go: dict[str, str], templates: list[Json], org: str
) -> None:
    badges = f"/v1/organizations/{org}/badges"
    email = unique_email()
    body = {
        "badge_template_id": templates[0]["id"],
        "recipient_email": email,
        "issued_to_first_name": "Ada",
        "issued_to_last_name": "Lovelace",
        "issued_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S +0000"),
    }
    issued = http.post(badges, headers=go, json=body)
    assert issued.status_code == 201, issued.text
    badge = issued.json()["data"]
    _go_decodes(badge, GO_BADGE)
    assert badge["user"]["email"] == email
    for value in (
        badge["badge_url"],
        badge["image_url"],
        badge["image"]["url"],
        badge["user"]["id"],
    ):
        assert value, badge
    assert badge["badge_template"]["id"] == templates[0]["id"] and badge["badge_template"]["name"]
    assert http.get(badge["badge_url"]).status_code == 200  # its public page
    # ErrBadgeAlreadyIssued is told by the status alone.
    assert http.post(badges, headers=go, json=body).status_code == 422
    # GetBadges: the email escaped (url.QueryEscape), then with collections the reporting-tags
    # filter escaped as a whole; the template has no such tags.
    mine = f"{badges}?filter=recipient_email_all::{quote_plus(email)}"
    found = http.get(mine, headers=go)
    assert found.status_code == 200
    _go_decodes(found.json()["data"], [GO_BADGE])
    assert [item["id"] for item in found.json()["data"]] == [badge["id"]]
    tags = quote_plus("|badge_templates[reporting_tags]::security,networking")
    tagged = http.get(mine + tags, headers=go)
    assert tagged.status_code == 200, tagged.text
    assert tagged.json()["data"] == []
    # GetBadge: the filter as is, unescaped, and the first item read.
    one = http.get(
        f"{badges}?filter=recipient_email_all::{email}|badge_template_id::{templates[0]['id']}",
        headers=go,
    )
    assert [item["id"] for item in one.json()["data"]] == [badge["id"]]
