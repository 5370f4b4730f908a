"""`GET /v1/analytics` and `POST /v1/credentials/analytics/{id}`, from events recorded through
the analytics service (as the public pages record them)."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from plaudit.domain.errors import Invalid
from plaudit.services import analytics
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import client_for, department_client
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

Json = dict[str, Any]


def record(
    database: Database,
    credential_id: int | str,
    kind: str,
    at: datetime | None = None,
    **options: Any,
) -> None:
    with database.transaction() as session:
        credential = session.get(Credential, int(credential_id))
        analytics.record(session, credential, kind, at=at, **options)


def day(month: int, date: int, hour: int = 12) -> datetime:
    return datetime(2025, month, date, hour, tzinfo=UTC)


def credential_events(api: httpx.Client, ref: str) -> list[Json]:
    response = api.post(f"/v1/credentials/analytics/{ref}")
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v1/credentials/analytics/{id}", 200, response.json())
    return response.json()["analytics"]


def index(api: httpx.Client, **parameters: Any) -> Json:
    response = api.get("/v1/analytics", params=parameters)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_credentials_events_with_accredible_names_oldest_first(
    api: httpx.Client, database: Database
) -> None:
    credential = issue(api, create_group(api)["id"], id="LIC-analytics")
    record(database, credential["id"], "link_click", day(3, 5), channel="course_link")
    record(database, credential["id"], "view", day(3, 1), by_recipient=True)
    record(database, credential["id"], "view", day(3, 2))
    record(database, credential["id"], "share", day(3, 3), channel="linkedin")
    record(database, credential["id"], "download", day(3, 4))
    record(database, credential["id"], "download", day(3, 4, 13), channel="badge")
    other = issue(api, create_group(api)["id"])
    record(database, other["id"], "view", day(3, 1))

    events = credential_events(api, credential["id"])
    assert events == [
        {
            "credential_id": int(credential["id"]),
            "event": name,
            "created_at": f"2025-03-{date:02d}T{hour}:00:00.000Z",
        }
        for name, date, hour in [
            ("recipient_view_certificate", 1, 12),
            ("view_certificate", 2, 12),
            ("share_linkedin", 3, 12),
            ("download_pdf", 4, 12),
            ("download_badge", 4, 13),
            ("click_course_link", 5, 12),
        ]
    ]
    assert credential_events(api, "LIC-analytics") == events
    assert credential_events(api, credential["encoded_id"]) == events


def test_a_credential_without_events_has_an_empty_list(api: httpx.Client) -> None:
    assert credential_events(api, issue(api, create_group(api)["id"])["id"]) == []


def test_another_tenants_credential_does_not_exist(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issue(api, create_group(api)["id"])
    record(database, credential["id"], "view")
    stranger = client_for(http, make_tenant(database, "Other Academy").api_key)
    for client, ref in ((stranger, credential["id"]), (api, "999999999"), (api, "nope")):
        response = client.post(f"/v1/credentials/analytics/{ref}")
        assert (response.status_code, response.json()) == (404, {"errors": "Doesn't exist"})
    assert stranger.get("/v1/analytics").json()["analytics"] == []
    stranger.close()


def test_index_pages_through_the_organizations_events(
    api: httpx.Client, database: Database
) -> None:
    credential = issue(api, create_group(api)["id"])
    for date in range(1, 6):
        record(database, credential["id"], "view", day(4, date))

    everything = index(api)
    assert [event["created_at"][:10] for event in everything["analytics"]] == [
        f"2025-04-0{date}" for date in range(1, 6)
    ]
    assert everything["meta"] == {
        "current_page": 1,
        "next_page": None,
        "prev_page": None,
        "total_pages": 1,
        "total_count": 5,
    }
    second = index(api, page=2, page_size=2)
    assert [event["created_at"][:10] for event in second["analytics"]] == [
        "2025-04-03",
        "2025-04-04",
    ]
    assert second["meta"] == {
        "current_page": 2,
        "next_page": 3,
        "prev_page": 1,
        "total_pages": 3,
        "total_count": 5,
    }
    assert index(api, page=10**30)["analytics"] == []


def test_index_filters_by_dates_group_and_department(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)
    first = issue(api, group["id"])
    second = issue(api, create_group(api)["id"])
    department_id, scoped = department_client(http, database, tenant)
    third = issue(scoped, create_group(scoped)["id"])
    record(database, first["id"], "view", day(5, 1, 0))
    record(database, first["id"], "view", day(5, 2, 23))
    record(database, second["id"], "share", day(5, 3))
    record(database, third["id"], "download", day(5, 4))

    def dates(client: httpx.Client = api, **parameters: Any) -> list[str]:
        return [e["created_at"][:10] for e in index(client, **parameters)["analytics"]]

    assert dates(start_date="2025-05-02") == ["2025-05-02", "2025-05-03", "2025-05-04"]
    assert dates(end_date="2025-05-02") == ["2025-05-01", "2025-05-02"]
    assert dates(start_date="2025/05/02", end_date="2025/05/03") == ["2025-05-02", "2025-05-03"]
    assert dates(end_date="9999-12-31") == [f"2025-05-0{n}" for n in range(1, 5)]
    assert dates(group_id=group["id"]) == ["2025-05-01", "2025-05-02"]
    assert dates(department_id=department_id) == ["2025-05-04"]
    assert dates(department_id=tenant.default_department_id) == [
        "2025-05-01",
        "2025-05-02",
        "2025-05-03",
    ]
    assert dates(group_id=2**63 - 1) == []
    assert dates(group_id=10**30) == []
    # A department-scoped key sees its department's events only, whatever it asks for.
    assert dates(scoped) == ["2025-05-04"]
    assert dates(scoped, department_id=tenant.default_department_id) == []
    assert dates(scoped, group_id=group["id"]) == []
    response = scoped.post(f"/v1/credentials/analytics/{first['id']}")
    assert response.status_code == 404
    assert len(credential_events(scoped, third["id"])) == 1
    scoped.close()


def test_parameters_may_come_in_a_json_body(api: httpx.Client, database: Database) -> None:
    credential = issue(api, create_group(api)["id"])
    record(database, credential["id"], "view", day(6, 1))
    record(database, credential["id"], "view", day(6, 2))
    response = api.request("GET", "/v1/analytics", json={"start_date": "2025-06-02"})
    assert [e["created_at"][:10] for e in response.json()["analytics"]] == ["2025-06-02"]


@pytest.mark.parametrize(
    ("parameters", "errors"),
    [
        ({"start_date": "yesterday"}, {"start_date": ["is not a valid date"]}),
        (
            {"end_date": "2025/13/45", "start_date": "2025-02-30"},
            {"start_date": ["is not a valid date"], "end_date": ["is not a valid date"]},
        ),
        ({"group_id": "abc"}, {"group_id": ["is not a number"]}),
        ({"department_id": "1.5"}, {"department_id": ["is not a number"]}),
        ({"page": "0"}, {"page": ["must be greater than 0"]}),
        ({"page_size": "x"}, {"page_size": ["is not a number"]}),
    ],
)
def test_invalid_parameters_are_a_422(api: httpx.Client, parameters: Json, errors: Json) -> None:
    response = api.get("/v1/analytics", params=parameters)
    assert (response.status_code, response.json()) == (422, {"errors": errors})


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/v1/analytics"), ("post", "/v1/credentials/analytics/1")]
)
def test_analytics_need_a_key(http: httpx.Client, method: str, path: str) -> None:
    response = http.request(method, path)
    assert (response.status_code, response.text) == (401, "HTTP Token: Access denied.")


def test_the_service_refuses_unknown_kinds_and_channels(
    api: httpx.Client, database: Database
) -> None:
    credential = issue(api, create_group(api)["id"])
    for kind, channel in (("like", None), ("share", "LinkedIn!"), ("share", "x" * 65)):
        with pytest.raises(Invalid), database.transaction() as session:
            row = session.get(Credential, int(credential["id"]))
            analytics.record(session, row, kind, channel=channel)
    assert credential_events(api, credential["id"]) == []
