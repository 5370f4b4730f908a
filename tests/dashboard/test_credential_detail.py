"""`/dashboard/credentials/{id}`: one credential with its links and events, and revoke,
un-publish, publish, delete and re-send, each confirmed first, each changing exactly what the
API would, and refused to a viewer, without the form token and for another organization."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.event_tables import Event
from plaudit.store.notification_tables import Mail
from plaudit.store.tables import Credential
from tests.credly.helpers import basic
from tests.credly.lifecycle_helpers import base_path
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.dashboard_credentials import record_events
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant
from tests.web.helpers import full_credential

ACTIONS = ("revoke", "unpublish", "publish", "delete", "resend")


@pytest.fixture
def credential(api: httpx.Client) -> dict[str, Any]:
    return full_credential(
        api,
        recipient={"name": "Ada Lovelace", "email": "ada@example.org"},
        custom_attributes={"cohort": "Spring 2026"},
        grade="A+",
    )


def _path(credential: dict[str, Any], action: str = "") -> str:
    return f"/dashboard/credentials/{credential['id']}" + (f"/{action}" if action else "")


def _post(
    client: httpx.Client, credential: dict[str, Any], action: str, **data: str
) -> httpx.Response:
    token = form_token(client, _path(credential, action))
    return client.post(_path(credential, action), data={"csrf_token": token, **data})


def _row(database: Database, credential_id: int) -> Credential | None:
    with database.session(readonly=True) as session:
        return session.get(Credential, credential_id)


def _events(database: Database, credential: Credential) -> list[str]:
    with database.session(readonly=True) as session:
        return list(
            session.scalars(
                select(Event.event_type)
                .where(Event.subject_uuid == credential.uuid)
                .order_by(Event.id)
            )
        )


def _mails(database: Database, credential_id: int) -> list[Mail]:
    with database.session(readonly=True) as session:
        return list(session.scalars(select(Mail).where(Mail.credential_id == credential_id)))


def _assert_untouched(database: Database, credential_id: int) -> None:
    """The credential is still accepted and approved, and no mail went out about it."""
    row = _row(database, credential_id)
    assert row is not None and row.state == "accepted" and row.approve
    assert _mails(database, credential_id) == []


def test_the_page_shows_the_credential_its_links_and_events(
    live_server: LiveServer,
    database: Database,
    viewer: Member,
    credential: dict[str, Any],
) -> None:
    record_events(database, credential["id"], "view", 2)
    record_events(database, credential["id"], "share", 1)
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get(_path(credential))
        assert page.status_code == 200
        for text in (
            "Ada Lovelace",
            "ada@example.org",
            "Data Analysis with Python",
            "cohort",
            "Spring 2026",
            "A+",
            "Capstone project",
            f'href="{credential["url"]}"',
        ):
            assert text in page.text, text
        assert "<dt>Views</dt><dd>2</dd>" in page.text
        assert "<dt>Shares</dt><dd>1</dd>" in page.text
        assert page.text.count("<td>view</td>") == 2
        # A viewer is offered no action.
        assert f'href="{_path(credential, "revoke")}"' not in page.text
        pdf_url = _pdf_link(page.text)
    pdf = httpx.get(pdf_url, timeout=60)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


def _pdf_link(html: str) -> str:
    marker = ">Download the certificate (PDF)</a>"
    before = html[: html.index(marker)]
    return before[before.rindex('href="') + 6 : -1].replace("&amp;", "&")


def test_an_owner_sees_the_actions_its_state_allows(
    live_server: LiveServer, owner: Member, credential: dict[str, Any]
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        page = client.get(_path(credential)).text
    for action in ("resend", "unpublish", "revoke", "delete"):
        assert f'href="{_path(credential, action)}"' in page
    assert f'href="{_path(credential, "publish")}"' not in page


def test_revoke_is_confirmed_then_revokes_as_the_api_does(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    owner: Member,
    credential: dict[str, Any],
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        confirm = client.get(_path(credential, "revoke"))
        assert confirm.status_code == 200
        assert 'name="reason"' in confirm.text and "cannot be undone" in confirm.text
        answer = _post(client, credential, "revoke", reason="Exam misconduct", notify="yes")
        assert answer.status_code == 303
        assert answer.headers["location"] == f"{_path(credential)}?done=revoke"
        page = client.get(answer.headers["location"]).text
    assert "The credential is revoked." in page and "Exam misconduct" in page
    row = _row(database, credential["id"])
    assert row is not None and row.state == "revoked"
    badge = httpx.get(
        f"{live_server.base_url}{base_path(database, tenant)}/badges/{row.uuid}",
        headers=basic(tenant.api_key),
        timeout=30,
    ).json()["data"]
    assert badge["state"] == "revoked" and badge["revocation_reason"] == "Exam misconduct"
    assert _events(database, row)[-1] == "badge.state.changed"
    public = httpx.get(credential["url"], timeout=30)
    assert "revoked" in public.text.lower()


def test_unpublish_and_publish_change_approve_as_the_api_does(
    live_server: LiveServer,
    database: Database,
    api: httpx.Client,
    owner: Member,
    credential: dict[str, Any],
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        assert _post(client, credential, "unpublish").status_code == 303
        assert (
            api.get(f"/v1/credentials/{credential['id']}").json()["credential"]["approve"] is False
        )
        assert httpx.get(credential["url"], timeout=30).status_code == 404
        page = client.get(_path(credential)).text
        assert f'href="{_path(credential, "publish")}"' in page
        assert _post(client, credential, "publish").status_code == 303
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"]["approve"] is True
    row = _row(database, credential["id"])
    assert row is not None
    assert _events(database, row) == ["badge.created", "badge.published"]


def test_delete_removes_the_credential_as_the_api_does(
    live_server: LiveServer,
    database: Database,
    api: httpx.Client,
    owner: Member,
    credential: dict[str, Any],
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        answer = _post(client, credential, "delete")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/dashboard/credentials?done=delete"
        assert "The credential was deleted." in client.get(answer.headers["location"]).text
        assert client.get(_path(credential)).status_code == 404
    assert api.get(f"/v1/credentials/{credential['id']}").status_code == 404


def test_resend_queues_the_notification_again(
    live_server: LiveServer, database: Database, owner: Member, credential: dict[str, Any]
) -> None:
    before = _mails(database, credential["id"])
    with signed_in_client(live_server.base_url, owner) as client:
        answer = _post(client, credential, "resend")
        assert answer.status_code == 303
        assert "The notification is queued." in client.get(answer.headers["location"]).text
        assert _post(client, credential, "resend").status_code == 303
    added = [mail for mail in _mails(database, credential["id"]) if mail not in before]
    assert len(added) == 2
    assert {mail.kind for mail in added} == {"issued"}
    assert all(mail.recipient_email == "ada@example.org" for mail in added)
    assert all(mail.dedupe_key.startswith(f"resend:{credential['id']}:") for mail in added)


def test_resend_of_an_unpublished_credential_is_refused_and_queues_nothing(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    api: httpx.Client,
    owner: Member,
) -> None:
    unpublished = full_credential(api, approve=False)
    with signed_in_client(live_server.base_url, owner) as client:
        token = session_form_token(client, server_secret(settings))
        answer = client.post(_path(unpublished, "resend"), data={"csrf_token": token})
    assert answer.status_code == 409
    assert "Publish this credential first" in answer.text
    assert _mails(database, unpublished["id"]) == []


@pytest.mark.parametrize("action", ACTIONS)
def test_a_viewer_can_do_none_of_it(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    viewer: Member,
    credential: dict[str, Any],
    action: str,
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        token = session_form_token(client, server_secret(settings))  # a valid one
        assert client.get(_path(credential, action)).status_code == 403
        answer = client.post(_path(credential, action), data={"csrf_token": token, "reason": "x"})
    assert answer.status_code == 403
    assert "does not allow" in answer.text
    _assert_untouched(database, credential["id"])


@pytest.mark.parametrize("action", ACTIONS)
def test_without_the_form_token_nothing_changes(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    owner: Member,
    credential: dict[str, Any],
    action: str,
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        missing = client.post(_path(credential, action), data={"reason": "x"})
        token = session_form_token(client, server_secret(settings))
        cross_site = client.post(
            _path(credential, action),
            data={"csrf_token": token},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
    assert missing.status_code == cross_site.status_code == 403
    _assert_untouched(database, credential["id"])


def test_another_organizations_credential_is_not_found(
    live_server: LiveServer, database: Database, settings: Settings, credential: dict[str, Any]
) -> None:
    other = make_tenant(database, name="Other Academy")
    stranger = make_member(database, other.organization_id, "owner")
    with signed_in_client(live_server.base_url, stranger) as client:
        token = session_form_token(client, server_secret(settings))
        for action in ACTIONS:
            assert client.get(_path(credential, action)).status_code == 404
            answer = client.post(_path(credential, action), data={"csrf_token": token})
            assert answer.status_code == 404
        assert client.get("/dashboard/credentials/99999999999999999999").status_code == 404
        assert client.get("/dashboard/credentials/abc").status_code == 404
        assert client.get(f"{_path(credential)}/explode").status_code == 404
    row = _row(database, credential["id"])
    assert row is not None and row.state == "accepted" and row.approve
