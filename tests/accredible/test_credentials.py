"""The credential loop over HTTP: issue, view, update, delete."""

from datetime import UTC, datetime

import httpx

from tests.accredible.helpers import create_group, credential_body, issue, unique_email
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_conforms


def test_issue_view_update_delete(api: httpx.Client, live_server: LiveServer) -> None:
    group = create_group(api, course_link="https://example.org/intro")
    email = unique_email()
    credential = issue(
        api,
        group["id"],
        recipient={
            "email": email,
            "id": "PK-17993",
            "phone_number": "+14155552671",
            "meta_data": {"credential_batch": "772"},
        },
        issued_on="2026-03-01",
        expired_on="2029-03-01",
        grade="A",
        custom_attributes={"Location": "London"},
        meta_data={"batch_id": "TK210"},
        evidence_items=[
            {"description": "Final grade", "category": "grade", "string_object": "83"},
            {"description": "Report", "category": "url", "url": "https://example.org/report"},
        ],
        references=[
            {
                "description": "Worked hard",
                "relationship": "managed",
                "referee": {"name": "Jane Doe", "email": "jane@example.org"},
            }
        ],
    )
    assert credential["name"] == "Intro to Programming"
    assert credential["description"] == "Variables, loops and functions."
    assert credential["group_id"] == group["id"] and credential["group_name"] == group["name"]
    assert credential["course_link"] == "https://example.org/intro"
    assert credential["issued_on"] == "2026-03-01" and credential["expired_on"] == "2029-03-01"
    assert credential["recipient"] == {
        "name": "Ada Lovelace",
        "email": email,
        "phone_number": "+14155552671",
        "id": "PK-17993",
        "meta_data": {"credential_batch": "772"},
    }
    assert credential["custom_attributes"] == {"Location": "London"}
    assert credential["meta_data"] == {"batch_id": "TK210"}
    assert credential["grade"] == "A"
    assert credential["complete"] is True and credential["approve"] is True
    assert credential["private"] is False
    assert [e["string_object"] for e in credential["evidence_items"]] == [{"grade": 83}, None]
    assert credential["evidence_items"][1]["link_url"] == "https://example.org/report"
    assert credential["references"][0]["referee"]["name"] == "Jane Doe"
    assert credential["issuer"]["name"] == "Test Academy"
    assert credential["url"] == f"{live_server.base_url}/c/{credential['encoded_id']}"
    assert str(credential["id"]) != credential["encoded_id"]
    path = f"/v1/credentials/{credential['id']}"

    viewed = api.get(path)
    assert viewed.status_code == 200
    assert_conforms("get", "/v1/credentials/{id}", 200, viewed.json())
    assert viewed.json()["credential"] == credential

    updated = api.put(
        path,
        json={
            "credential": {"name": "Renamed", "private": True, "recipient": {"name": "Ada King"}}
        },
    )
    assert updated.status_code == 200, updated.text
    changed = updated.json()["credential"]
    assert changed["name"] == "Renamed" and changed["private"] is True
    assert changed["recipient"]["name"] == "Ada King" and changed["recipient"]["email"] == email
    assert changed["evidence_items"] == credential["evidence_items"]
    assert api.get(path).json()["credential"] == changed

    deleted = api.delete(path)
    assert deleted.status_code == 200
    assert_conforms("delete", "/v1/credentials/{id}", 200, deleted.json())
    assert deleted.json()["credential"]["id"] == credential["id"]
    gone = api.get(path)
    assert gone.status_code == 404 and gone.json() == {"errors": "Doesn't exist"}


def test_patch_is_update_and_expired_on_revokes(api: httpx.Client) -> None:
    """Open edX revokes an Accredible credential by PATCHing expired_on."""
    credential = issue(api, create_group(api)["id"])
    response = api.patch(
        f"/v1/credentials/{credential['id']}", json={"credential": {"expired_on": "2026-11-22"}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["credential"]["expired_on"] == "2026-11-22"


def test_defaults(api: httpx.Client) -> None:
    credential = issue(api, create_group(api)["id"])
    assert credential["issued_on"] == datetime.now(UTC).date().isoformat()
    assert credential["expired_on"] is None
    assert credential["complete"] is True and credential["approve"] is True
    assert credential["evidence_items"] == [] and credential["references"] == []
    assert credential["custom_attributes"] is None and credential["meta_data"] is None


def test_group_given_by_name_or_numeric_string(api: httpx.Client) -> None:
    group = create_group(api)
    assert issue(api, group["name"])["group_id"] == group["id"]
    assert issue(api, str(group["id"]))["group_id"] == group["id"]
    body = credential_body(None)
    body["credential"].pop("group_id")
    body["credential"]["group_name"] = group["name"]
    response = api.post("/v1/credentials", json=body)
    assert response.status_code == 200 and response.json()["credential"]["group_id"] == group["id"]


def test_bare_body_without_wrapper_is_accepted(api: httpx.Client) -> None:
    group = create_group(api)
    body = credential_body(group["id"])["credential"]
    response = api.post("/v1/credentials", json=body)
    assert response.status_code == 200, response.text


def test_name_and_description_fall_back_to_the_group(api: httpx.Client) -> None:
    group = create_group(api)
    credential = issue(api, group["id"], name="Own name", description="Own text")
    assert (credential["name"], credential["description"]) == ("Own name", "Own text")
    # Updating the name to blank falls back to the group's course name again.
    response = api.put(f"/v1/credentials/{credential['id']}", json={"credential": {"name": ""}})
    assert response.json()["credential"]["name"] == group["course_name"]


def test_dates_accept_what_real_clients_send(api: httpx.Client) -> None:
    group = create_group(api, allow_duplicate_credentials=True)
    cases = {
        "2026-11-22": "2026-11-22",
        "22/11/2026": "2026-11-22",
        "2026-11-22 08:56:39 +0000": "2026-11-22",
        "2026-11-22 08:56:39 +0000 ": "2026-11-22",
        "2026-11-22T23:56:39-05:00": "2026-11-22",
        "2026-11-22T08:56:39.123Z": "2026-11-22",
    }
    for sent, kept in cases.items():
        assert issue(api, group["id"], issued_on=sent)["issued_on"] == kept, sent


def test_private_resolves_credential_then_group_then_department(
    api: httpx.Client, database, tenant
) -> None:
    from plaudit.store.tables import Department

    public_group = create_group(api)
    assert issue(api, public_group["id"])["private"] is False
    assert issue(api, public_group["id"], private=True)["private"] is True
    private_group = create_group(api, generate_private_credential=True)
    assert issue(api, private_group["id"])["private"] is True
    assert issue(api, private_group["id"], private=False)["private"] is False

    with database.transaction() as session:
        session.get(Department, tenant.default_department_id).generate_private_credential = True
    inheriting = create_group(api)
    assert inheriting["generate_private_credential"] is None
    assert issue(api, inheriting["id"])["private"] is True
    explicit_public = create_group(api, generate_private_credential=False)
    assert issue(api, explicit_public["id"])["private"] is False


def test_auto_expiry_sets_expired_on(api: httpx.Client) -> None:
    group = create_group(api, auto_expiry=2)
    credential = issue(api, group["id"], issued_on="2024-02-29")
    assert credential["expired_on"] == "2026-02-28"
    explicit = issue(api, group["id"], issued_on="2024-01-01", expired_on="2024-06-01")
    assert explicit["expired_on"] == "2024-06-01"


def test_license_id_works_wherever_the_id_does(api: httpx.Client) -> None:
    group = create_group(api)
    credential = issue(api, group["id"], id="LIC-2026-0042")
    by_license = api.get("/v1/credentials/LIC-2026-0042")
    assert by_license.status_code == 200
    assert by_license.json()["credential"]["id"] == credential["id"]
    assert api.get(f"/v1/credentials/{credential['id']}").status_code == 200
    updated = api.patch("/v1/credentials/LIC-2026-0042", json={"credential": {"grade": "B"}})
    assert updated.json()["credential"]["grade"] == "B"
    assert api.delete("/v1/credentials/LIC-2026-0042").status_code == 200
    assert api.get(f"/v1/credentials/{credential['id']}").status_code == 404


def test_license_id_is_unique_in_the_organization(api: httpx.Client) -> None:
    group = create_group(api)
    issue(api, group["id"], id="LIC-1")
    response = api.post("/v1/credentials", json=credential_body(group["id"], id="LIC-1"))
    assert response.status_code == 422
    assert response.json() == {"errors": {"id": ["has already been taken"]}}


def test_duplicate_email_in_a_group(api: httpx.Client) -> None:
    strict = create_group(api)
    first = issue(api, strict["id"], recipient={"email": "twice@example.com"})
    response = api.post(
        "/v1/credentials",
        json=credential_body(strict["id"], recipient={"email": " TWICE@example.com"}),
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"recipient.email": ["has already received a credential in this group"]}
    }
    # The same email is welcome in another group, and twice in a group that allows it.
    issue(api, create_group(api)["id"], recipient={"email": "twice@example.com"})
    lenient = create_group(api, allow_duplicate_credentials=True)
    issue(api, lenient["id"], recipient={"email": "twice@example.com"})
    issue(api, lenient["id"], recipient={"email": "twice@example.com"})
    # Changing another credential's email to a taken one is refused too.
    other = issue(api, strict["id"])
    response = api.put(
        f"/v1/credentials/{other['id']}",
        json={"credential": {"recipient": {"email": "twice@example.com"}}},
    )
    assert response.status_code == 422
    assert api.get(f"/v1/credentials/{first['id']}").status_code == 200


def test_moving_a_credential_to_another_group(api: httpx.Client) -> None:
    credential = issue(api, create_group(api)["id"])
    target = create_group(api, course_name="Advanced")
    response = api.put(
        f"/v1/credentials/{credential['id']}", json={"credential": {"group_id": target["id"]}}
    )
    assert response.status_code == 200
    assert response.json()["credential"]["group_id"] == target["id"]


def test_update_replaces_evidence_and_references_when_given(api: httpx.Client) -> None:
    credential = issue(
        api,
        create_group(api)["id"],
        evidence_items=[{"description": "Old", "category": "url", "url": "https://a.example"}],
    )
    response = api.put(
        f"/v1/credentials/{credential['id']}",
        json={
            "credential": {
                "evidence_items": [
                    {"description": "New", "category": "file", "file": "https://b.example/f.pdf"}
                ]
            }
        },
    )
    items = response.json()["credential"]["evidence_items"]
    assert [(i["description"], i["type"], i["link_url"]) for i in items] == [
        ("New", "file", "https://b.example/f.pdf")
    ]
