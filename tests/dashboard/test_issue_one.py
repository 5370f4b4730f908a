"""`/dashboard/issue`: one credential issued from the form through the API's issuance, bad input
shown next to its field with nothing written, and the preview drawn without issuing."""

from typing import Any

import httpx
import pytest

from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Credential
from tests.accredible.helpers import create_group
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.dashboard_credentials import credential_count
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

PATH = "/dashboard/issue"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def group(api: httpx.Client) -> dict[str, Any]:
    return create_group(api, name="Data Science", course_name="Data Science Foundations")


def _form(group: dict[str, Any], **changes: str) -> dict[str, Any]:
    return {
        "achievement": str(group["id"]),
        "recipient_name": "Katherine Johnson",
        "recipient_email": "katherine@example.org",
        "issued_on": "2026-06-01",
        "expired_on": "2029-06-01",
        "grade": "Distinction",
        "attribute_key": ["cohort", "mentor", ""],
        "attribute_value": ["Summer 2026", "Dorothy Vaughan", ""],
        "publish": "yes",
        "send_email": "yes",
        "action": "issue",
        **changes,
    }


def test_the_form_issues_a_credential_with_the_fields_given(
    live_server: LiveServer, api: httpx.Client, issuer: Member, group: dict[str, Any]
) -> None:
    with signed_in_client(live_server.base_url, issuer) as client:
        page = client.get(f"{PATH}?achievement={group['id']}")
        assert page.status_code == 200
        assert f'<option value="{group["id"]}" selected>Data Science</option>' in page.text
        assert 'aria-current="page">Issue' in page.text
        token = form_token(client, PATH)
        answer = client.post(PATH, data={"csrf_token": token, **_form(group)})
        assert answer.status_code == 303, answer.text
        location = answer.headers["location"]
        assert location.startswith("/dashboard/credentials/") and location.endswith("?done=issued")
        assert "The credential is issued." in client.get(location).text
    credential_id = location.split("/")[-1].split("?")[0]
    shown = api.get(f"/v1/credentials/{credential_id}").json()["credential"]
    assert shown["recipient"]["name"] == "Katherine Johnson"
    assert shown["recipient"]["email"] == "katherine@example.org"
    assert shown["group_id"] == group["id"]
    assert shown["issued_on"] == "2026-06-01" and shown["expired_on"] == "2029-06-01"
    assert shown["grade"] == "Distinction"
    assert shown["custom_attributes"] == {"cohort": "Summer 2026", "mentor": "Dorothy Vaughan"}
    assert shown["approve"] is True


def test_unticked_boxes_issue_unpublished_and_silent(
    live_server: LiveServer,
    api: httpx.Client,
    database: Database,
    issuer: Member,
    group: dict[str, Any],
) -> None:
    form = _form(group, expired_on="")
    del form["publish"], form["send_email"]
    with signed_in_client(live_server.base_url, issuer) as client:
        answer = client.post(PATH, data={"csrf_token": form_token(client, PATH), **form})
    assert answer.status_code == 303
    credential_id = answer.headers["location"].split("/")[-1].split("?")[0]
    shown = api.get(f"/v1/credentials/{credential_id}").json()["credential"]
    assert shown["approve"] is False and shown["expired_on"] is None
    with database.session(readonly=True) as session:
        row = session.get(Credential, int(credential_id))
        assert row is not None and row.suppress_notification is True


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"recipient_email": "not-an-email"}, "recipient_email", "Enter a valid email address"),
        ({"recipient_name": ""}, "recipient_name", "Enter the recipient"),
        ({"achievement": ""}, "achievement", "Choose an achievement."),
        ({"achievement": "99999999999"}, "achievement", "Choose one of your organization"),
        ({"issued_on": "31/31/2026"}, "issued_on", "Enter a date as YYYY-MM-DD."),
        ({"expired_on": "soon"}, "expired_on", "Enter a date as YYYY-MM-DD."),
        ({"expired_on": "2026-05-01"}, "expired_on", "must come after the issue date"),
        ({"attribute_key": ["", "x"]}, "attributes", "Give every attribute with a value a name."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_writes_nothing(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    issuer: Member,
    group: dict[str, Any],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    with signed_in_client(live_server.base_url, issuer) as client:
        answer = client.post(
            PATH, data={"csrf_token": form_token(client, PATH), **_form(group, **changes)}
        )
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text and message in answer.text
    assert f'aria-describedby="{field}-error' in answer.text
    assert 'value="Summer 2026"' in answer.text  # the form keeps what was typed
    assert credential_count(database, tenant.organization_id) == 0


def test_another_organizations_achievement_is_unknown(
    live_server: LiveServer, database: Database, tenant: Tenant, issuer: Member
) -> None:
    other = make_tenant(database, name="Other Academy")
    with httpx.Client(
        base_url=live_server.base_url,
        headers={"Authorization": f"Token token={other.api_key}"},
        timeout=30,
    ) as other_api:
        foreign = create_group(other_api)
    with signed_in_client(live_server.base_url, issuer) as client:
        answer = client.post(PATH, data={"csrf_token": form_token(client, PATH), **_form(foreign)})
        image = client.get(f"{PATH}/preview/certificate.png", params={"achievement": foreign["id"]})
    assert answer.status_code == 422
    assert "Choose one of your organization" in answer.text
    assert image.status_code == 404
    assert credential_count(database, tenant.organization_id) == 0
    assert credential_count(database, other.organization_id) == 0


def test_a_second_credential_to_the_same_recipient_is_refused_by_the_service(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    issuer: Member,
    group: dict[str, Any],
) -> None:
    with signed_in_client(live_server.base_url, issuer) as client:
        token = form_token(client, PATH)
        assert client.post(PATH, data={"csrf_token": token, **_form(group)}).status_code == 303
        again = client.post(PATH, data={"csrf_token": token, **_form(group)})
    assert again.status_code == 422
    assert 'id="recipient_email-error"' in again.text
    assert "already has a credential for this achievement" in again.text
    assert credential_count(database, tenant.organization_id) == 1


def test_the_preview_draws_the_designs_and_issues_nothing(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    issuer: Member,
    group: dict[str, Any],
) -> None:
    values = {key: value for key, value in _form(group).items() if key not in ("action",)}
    with signed_in_client(live_server.base_url, issuer) as client:
        certificate = client.get(f"{PATH}/preview/certificate.png", params=values)
        badge = client.get(f"{PATH}/preview/badge.png", params=values)
        again = client.get(
            f"{PATH}/preview/certificate.png",
            params=values,
            headers={"If-None-Match": certificate.headers["etag"]},
        )
        other = client.get(
            f"{PATH}/preview/certificate.png", params={**values, "recipient_name": "Mary Jackson"}
        )
        unknown_kind = client.get(f"{PATH}/preview/diploma.png", params=values)
        # Without JavaScript: the Preview button shows the form again with the images.
        shown = client.post(
            PATH, data={"csrf_token": form_token(client, PATH), **_form(group, action="preview")}
        )
        added = client.post(
            PATH, data={"csrf_token": form_token(client, PATH), **_form(group, action="add_row")}
        )
    for image in (certificate, badge):
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(PNG)
    assert certificate.content != badge.content
    assert again.status_code == 304
    assert other.status_code == 200 and other.headers["etag"] != certificate.headers["etag"]
    assert unknown_kind.status_code == 404
    assert shown.status_code == 200
    assert 'src="/dashboard/issue/preview/certificate.png?achievement=' in shown.text
    assert "recipient_name=Katherine+Johnson" in shown.text
    assert added.status_code == 200 and 'id="attribute_key_4"' in added.text
    assert 'id="attribute_key_5"' not in added.text
    assert credential_count(database, tenant.organization_id) == 0


def test_a_viewer_may_not_issue_nor_preview(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    settings: Settings,
    group: dict[str, Any],
) -> None:
    viewer = make_member(database, tenant.organization_id, "viewer")
    with signed_in_client(live_server.base_url, viewer) as client:
        token = session_form_token(client, server_secret(settings))
        assert client.get(PATH).status_code == 403
        assert client.post(PATH, data={"csrf_token": token, **_form(group)}).status_code == 403
        preview = client.get(f"{PATH}/preview/certificate.png", params={"achievement": group["id"]})
        assert preview.status_code == 403
        navigation = client.get("/dashboard").text
    assert 'href="/dashboard/issue"' not in navigation
    assert 'href="/dashboard/credentials"' in navigation
    assert credential_count(database, tenant.organization_id) == 0


def test_without_the_form_token_nothing_is_issued(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    issuer: Member,
    group: dict[str, Any],
) -> None:
    with signed_in_client(live_server.base_url, issuer) as client:
        answer = client.post(PATH, data=_form(group))
    assert answer.status_code == 403
    assert credential_count(database, tenant.organization_id) == 0


def test_an_archived_achievement_is_neither_offered_nor_issued(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    issuer: Member,
    group: dict[str, Any],
) -> None:
    with database.transaction() as session:
        achievement = session.get(Achievement, group["id"])
        assert achievement is not None
        achievement.state = "archived"
    with signed_in_client(live_server.base_url, issuer) as client:
        assert f'<option value="{group["id"]}"' not in client.get(PATH).text
        answer = client.post(PATH, data={"csrf_token": form_token(client, PATH), **_form(group)})
    assert answer.status_code == 422
    assert 'id="achievement-error"' in answer.text and "archived" in answer.text
    assert credential_count(database, tenant.organization_id) == 0
