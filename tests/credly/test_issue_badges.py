"""Issuing a badge through Credly (`POST .../badges`, seed 002 "Issue a Badge") and reading it
(`GET .../badges/{id}`): required and optional fields, Credly's time formats, expiry, the four
evidence types, duplicates, archived templates, and the badge seen through Accredible and on
the public surfaces."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import false, select

from plaudit.dialects.credly.badge_mapping import badge_out
from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.errors import Duplicate
from plaudit.domain.scope import Scope
from plaudit.services import credentials
from plaudit.services.badge_links import linked_uuids
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Credential, Organization
from tests.accredible.helpers import create_group, unique_email
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant, make_tenant

SEED_BODY = {
    "recipient_email": "user1@example.com",
    "issued_at": "2014-04-01 09:41:00 -0500",
    "issued_to_first_name": "Earner First Name",
    "issued_to_last_name": "Earner Last Name",
    "expires_at": None,
    "issuer_earner_id": "abc123",
    "locale": "en",
    "suppress_badge_notification_email": False,
}
SEED_EVIDENCE = [
    {
        "type": "KeyValueGroupEvidence",
        "name": "Custom Evidence",
        "values": [
            {
                "type": "KeyValuePairEvidence",
                "key": "Testing Center",
                "value": "Central Test Facility, Minneapolis, MN",
                "url": "http://www.url-in-custom-evidence-is-optional.com",
            }
        ],
    },
    {"type": "PlainTextEvidence", "title": "Evidence", "description": "The evidence is clear."},
    {
        "type": "UrlEvidence",
        "value": "http://www.example.com/evidence",
        "description": "Description in URL evidence is optional",
        "name": "Evidence",
    },
    {"type": "IdEvidence", "title": "Drivers License Example", "description": "AAABBBCCC"},
]
# The seed's response evidence, without the ids it generates.
SEED_EVIDENCE_OUT = [
    {
        "type": "KeyValueGroupEvidence",
        "name": "Custom Evidence",
        "values": [
            {
                "key": "Testing Center",
                "value": "Central Test Facility, Minneapolis, MN",
                "url": "http://www.url-in-custom-evidence-is-optional.com",
            }
        ],
    },
    {"type": "PlainTextEvidence", "title": "Evidence", "description": "The evidence is clear."},
    {
        "type": "UrlEvidence",
        "name": "Evidence",
        "description": "Description in URL evidence is optional",
        "value": "http://www.example.com/evidence",
    },
    {"type": "IdEvidence", "title": "Drivers License Example", "description": "AAABBBCCC"},
]


def _badges(database: Database, tenant: Tenant) -> str:
    return f"/v1/organizations/{organization_uuid(database, tenant)}/badges"


def _template(api: httpx.Client, database: Database, **group: Any) -> str:
    """A template (an Accredible group) by its UUID; `alignments` and `auto_expiry` are set
    on the row, as the template endpoints that take them are another area's."""
    extra = {key: group.pop(key) for key in ("alignments", "auto_expiry") if key in group}
    created = create_group(api, **group)
    with database.transaction() as session:
        achievement = session.get(Achievement, created["id"])
        assert achievement is not None
        for name, value in extra.items():
            setattr(achievement, name, value)
        return str(achievement.uuid)


def _body(template_id: str, **changes: Any) -> dict[str, Any]:
    body = {**SEED_BODY, "badge_template_id": template_id, "recipient_email": unique_email()}
    body.pop("issuer_earner_id")
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def _issue(http: httpx.Client, url: str, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    response = http.post(url, headers=basic(tenant.api_key), json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def _refused(response: httpx.Response, attribute: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    data = response.json()["data"]
    assert data["message"].startswith("Validation failed: ")
    assert [error["attribute"] for error in data["errors"]] == [attribute]
    return data


def _row(database: Database, badge_id: str) -> Credential:
    with database.session(readonly=True) as session:
        credential = session.scalar(
            select(Credential).where(Credential.uuid == uuid.UUID(badge_id))
        )
        assert credential is not None
        session.expunge(credential)
        return credential


def test_the_seed_example_issues_a_pending_badge(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    template_id = _template(api, database)
    url = _badges(database, tenant)
    body = {**SEED_BODY, "badge_template_id": template_id}
    response = http.post(url, headers=basic(tenant.api_key), json=body)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["metadata"] == {}
    badge = answer["data"]
    assert response.headers["location"].endswith(f"{url}/{badge['id']}")
    expected = {
        "issued_to": "Earner First Name Earner Last Name",
        "issued_to_first_name": "Earner First Name",
        "issued_to_middle_name": None,
        "issued_to_last_name": "Earner Last Name",
        "issuer_earner_id": "abc123",
        "locale": "en",
        "public": True,
        "replacement_badge_id": None,
        "replaces_badge_id": None,
        "revocation_reason": None,
        "state": "pending",
        "state_updated_at": None,
        "suppress_badge_notification_email": False,
        "recipient_email": "user1@example.com",
        "country": None,
        "state_or_province": None,
        "expires_at": None,
        "expires_at_date": None,
        "issued_at": "2014-04-01T14:41:00.000Z",
        "issued_at_date": "2014-04-01",
        "evidence": [],
        "alignments": [],
    }
    assert {key: badge[key] for key in expected} == expected
    assert badge["badge_template"]["id"] == template_id
    assert badge["user"]["email"] == "user1@example.com"
    assert badge["issuer"]["entities"][0]["entity"]["id"] == organization_uuid(database, tenant)
    got = http.get(response.headers["location"], headers=basic(tenant.api_key))
    assert got.status_code == 200
    assert got.json() == answer


def test_the_seed_evidence_example_round_trips_and_shows_through_accredible(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    template_id = _template(api, database)
    body = {
        "recipient_email": "test@example.com",
        "badge_template_id": template_id,
        "issued_at": "2014-04-01 09:41:00 -0500",
        "issued_to": "Firstname Lastname",
        "issued_to_first_name": "Firstname",
        "issued_to_last_name": "Lastname",
        "expires_at": None,
        "evidence": SEED_EVIDENCE,
    }
    badge = _issue(http, _badges(database, tenant), tenant, body)
    assert badge["issued_to"] == "Firstname Lastname"
    assert [{k: v for k, v in item.items() if k != "id"} for item in badge["evidence"]] == (
        SEED_EVIDENCE_OUT
    )
    assert all(uuid.UUID(item["id"]) for item in badge["evidence"])
    shown = api.get(f"/v1/credentials/{_row(database, badge['id']).id}")
    assert shown.status_code == 200
    items = shown.json()["credential"]["evidence_items"]
    assert [(item["type"], item["description"], item["link_url"]) for item in items] == [
        (
            "transcript",
            "Custom Evidence: Testing Center: Central Test Facility, Minneapolis, MN",
            "http://www.url-in-custom-evidence-is-optional.com",
        ),
        ("transcript", "Evidence: The evidence is clear.", None),
        ("url", "Description in URL evidence is optional", "http://www.example.com/evidence"),
        ("transcript", "Drivers License Example: AAABBBCCC", None),
    ]


def test_evidence_made_through_accredible_reads_as_credly_evidence(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    badge = _issue(http, _badges(database, tenant), tenant, _body(_template(api, database)))
    credential_id = _row(database, badge["id"]).id
    evidence = [
        {"description": "Capstone", "url": "https://example.org/capstone", "category": "url"},
        {"description": "Final exam", "category": "grade", "string_object": "80"},
    ]
    changed = api.put(
        f"/v1/credentials/{credential_id}", json={"credential": {"evidence_items": evidence}}
    )
    assert changed.status_code == 200, changed.text
    got = http.get(f"{_badges(database, tenant)}/{badge['id']}", headers=basic(tenant.api_key))
    shown = [
        {k: v for k, v in item.items() if k != "id"} for item in got.json()["data"]["evidence"]
    ]
    assert shown == [
        {
            "type": "UrlEvidence",
            "name": None,
            "description": "Capstone",
            "value": "https://example.org/capstone",
        },
        {"type": "PlainTextEvidence", "title": "Grade", "description": "Final exam"},
    ]


@pytest.mark.parametrize(
    "field",
    [
        "recipient_email",
        "issued_to_first_name",
        "issued_to_last_name",
        "badge_template_id",
        "issued_at",
    ],
)
@pytest.mark.parametrize("given", ["missing", "blank"])
def test_each_required_field_is_named_when_missing(
    http: httpx.Client,
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    field: str,
    given: str,
) -> None:
    body = _body(_template(api, database), **{field: ... if given == "missing" else " "})
    response = http.post(_badges(database, tenant), headers=basic(tenant.api_key), json=body)
    data = _refused(response, field)
    assert data["errors"][0]["messages"] == ["can't be blank"]
    assert data["errors"][0]["attribute_label"] in data["message"]


def test_optional_fields_are_stored_and_shown(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    body = _body(
        _template(api, database),
        issued_to_middle_name="Beaker",
        issued_to="Someone Else Entirely",
        issuer_earner_id=42,
        locale="zh-CN",
        suppress_badge_notification_email=True,
        country_name="Canada",
        state_or_province="Quebec",
    )
    badge = _issue(http, _badges(database, tenant), tenant, body)
    assert badge["issued_to"] == "Earner First Name Beaker Earner Last Name"
    assert badge["user"]["middle_name"] == "Beaker"
    assert badge["issuer_earner_id"] == "42"
    assert badge["locale"] == "zh-CN"
    assert badge["suppress_badge_notification_email"] is True
    assert (badge["country"], badge["state_or_province"]) == ("Canada", "Quebec")
    row = _row(database, badge["id"])
    assert row.recipient_name == "Earner First Name Beaker Earner Last Name"
    assert (row.recipient_first_name, row.recipient_middle_name, row.recipient_last_name) == (
        "Earner First Name",
        "Beaker",
        "Earner Last Name",
    )
    assert row.recipient_external_id == "42" and row.suppress_notification is True


@pytest.mark.parametrize(
    ("locale", "stored"),
    [(..., "en"), (None, "en"), ("fr-CA", "fr-CA"), ("pt-BR", "pt-BR"), ("es-US", "es-US")],
    ids=["absent", "null", "fr-CA", "pt-BR", "es-US"],
)
def test_locale_defaults_to_en(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant, locale, stored
) -> None:
    badge = _issue(
        http, _badges(database, tenant), tenant, _body(_template(api, database), locale=locale)
    )
    assert badge["locale"] == stored


@pytest.mark.parametrize("locale", ["xx", "EN", "zh-TW", "en-GB"])
def test_a_locale_outside_the_seeds_list_is_refused(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant, locale: str
) -> None:
    body = _body(_template(api, database), locale=locale)
    response = http.post(_badges(database, tenant), headers=basic(tenant.api_key), json=body)
    _refused(response, "locale")


@pytest.mark.parametrize(
    ("given", "issued_at", "issued_at_date"),
    [
        ("2014-04-01 09:41:00 -0500", "2014-04-01T14:41:00.000Z", "2014-04-01"),
        ("2014-04-01 23:30:00 -0500", "2014-04-02T04:30:00.000Z", "2014-04-01"),
        ("2014-04-01T14:41:00.000Z", "2014-04-01T14:41:00.000Z", "2014-04-01"),
        ("2014-04-02T01:00:00+09:00", "2014-04-01T16:00:00.000Z", "2014-04-02"),
        ("2014-04-01T09:41:00", "2014-04-01T09:41:00.000Z", "2014-04-01"),
        ("2014-04-01", "2014-04-01T00:00:00.000Z", "2014-04-01"),
    ],
    ids=["seed-offset", "evening-offset", "zulu", "plus-offset", "no-offset", "date"],
)
def test_issued_at_in_credlys_formats(
    http: httpx.Client,
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    given: str,
    issued_at: str,
    issued_at_date: str,
) -> None:
    body = _body(_template(api, database), issued_at=given)
    badge = _issue(http, _badges(database, tenant), tenant, body)
    assert (badge["issued_at"], badge["issued_at_date"]) == (issued_at, issued_at_date)
    assert _row(database, badge["id"]).issued_on.isoformat() == issued_at_date


@pytest.mark.parametrize("given", ["yesterday", "2014-13-01", "2014-04-01 25:00:00 -0500"])
def test_an_unreadable_issued_at_is_refused(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant, given: str
) -> None:
    body = _body(_template(api, database), issued_at=given)
    response = http.post(_badges(database, tenant), headers=basic(tenant.api_key), json=body)
    _refused(response, "issued_at")


@pytest.mark.parametrize(
    ("expires_at", "expected"),
    [
        (None, "2015-04-01"),
        (..., "2015-04-01"),
        (False, None),
        ("2016-05-01", "2016-05-01"),
        ("2016-05-01 22:00:00 -0500", "2016-05-01"),
    ],
    ids=["null-template-default", "absent-template-default", "false-never", "date", "datetime"],
)
def test_expires_at_null_false_or_a_date(
    http: httpx.Client,
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    expires_at: Any,
    expected: str | None,
) -> None:
    template_id = _template(api, database, auto_expiry=1)
    body = _body(template_id, issued_at="2014-04-01", expires_at=expires_at)
    badge = _issue(http, _badges(database, tenant), tenant, body)
    assert badge["expires_at_date"] == expected
    stored = _row(database, badge["id"]).expired_on
    assert stored == (None if expected is None else date.fromisoformat(expected))


def test_a_null_expiry_without_a_template_default_never_expires(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    badge = _issue(http, _badges(database, tenant), tenant, _body(_template(api, database)))
    assert (badge["expires_at"], badge["expires_at_date"]) == (None, None)


def test_an_unreadable_expires_at_is_refused(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    for value in ("someday", True):
        body = _body(_template(api, database), expires_at=value)
        response = http.post(_badges(database, tenant), headers=basic(tenant.api_key), json=body)
        _refused(response, "expires_at")


@pytest.mark.parametrize(
    ("evidence", "attribute"),
    [
        ({"type": "VideoEvidence", "value": "x"}, "evidence[0].type"),
        ({"title": "No type"}, "evidence[0].type"),
        ({"type": "UrlEvidence", "name": "No value"}, "evidence[0].value"),
        ({"type": "UrlEvidence", "value": "javascript:alert(1)"}, "evidence[0].value"),
        ({"type": "PlainTextEvidence", "description": "No title"}, "evidence[0].title"),
        ({"type": "IdEvidence", "title": "No number"}, "evidence[0].description"),
        ({"type": "KeyValueGroupEvidence", "name": "Empty", "values": []}, "evidence[0].values"),
        (
            {"type": "KeyValueGroupEvidence", "name": "No key", "values": [{"value": "v"}]},
            "evidence[0].values[0].key",
        ),
        ("just text", "evidence[0]"),
    ],
    ids=[
        "unknown-type",
        "no-type",
        "url-without-value",
        "url-not-http",
        "plain-without-title",
        "id-without-description",
        "group-without-values",
        "pair-without-key",
        "not-an-object",
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_written(
    http: httpx.Client,
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    evidence: Any,
    attribute: str,
) -> None:
    body = _body(_template(api, database), evidence=[evidence])
    response = http.post(_badges(database, tenant), headers=basic(tenant.api_key), json=body)
    _refused(response, attribute)
    with database.session(readonly=True) as session:
        found = session.scalar(
            select(Credential).where(Credential.recipient_email == body["recipient_email"])
        )
        assert found is None


def test_duplicates_by_email_and_by_earner_id_are_refused(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    template_id = _template(api, database)
    url = _badges(database, tenant)
    first = _body(template_id, issuer_earner_id="earner-1")
    _issue(http, url, tenant, first)
    same_email = {**_body(template_id), "recipient_email": first["recipient_email"].upper()}
    data = _refused(
        http.post(url, headers=basic(tenant.api_key), json=same_email), "recipient_email"
    )
    assert (
        data["message"] == "Validation failed: Recipient email has already been issued this badge"
    )
    same_earner = _body(template_id, issuer_earner_id="earner-1")
    data = _refused(
        http.post(url, headers=basic(tenant.api_key), json=same_earner), "issuer_earner_id"
    )
    assert data["errors"][0]["messages"] == ["has already been issued this badge"]
    # The rule is the core's: Accredible's recipient.id is the same earner id.
    through_accredible = api.post(
        "/v1/credentials",
        json={
            "credential": {
                "group_id": _row_group_id(database, template_id),
                "recipient": {"name": "Ada", "email": unique_email(), "id": "earner-1"},
            }
        },
    )
    assert through_accredible.status_code == 422
    assert "recipient.id" in through_accredible.json()["errors"]
    # Another template, or another earner id, is no duplicate.
    _issue(http, url, tenant, _body(_template(api, database), issuer_earner_id="earner-1"))
    _issue(http, url, tenant, _body(template_id, issuer_earner_id="earner-2"))


def _row_group_id(database: Database, template_id: str) -> int:
    with database.session(readonly=True) as session:
        achievement = session.scalar(
            select(Achievement).where(Achievement.uuid == uuid.UUID(template_id))
        )
        assert achievement is not None
        return achievement.id


def test_a_template_that_allows_duplicates_takes_them(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    template_id = _template(api, database, allow_duplicate_credentials=True)
    url = _badges(database, tenant)
    body = _body(template_id, issuer_earner_id="earner-1")
    first = _issue(http, url, tenant, body)
    second = _issue(http, url, tenant, body)
    assert first["id"] != second["id"]
    assert _row(database, second["id"]).duplicate_earner_key is None


def test_an_archived_template_issues_nothing_through_either_dialect(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    template_id = _template(api, database)
    organization = organization_uuid(database, tenant)
    archived = http.put(
        f"/v1/organizations/{organization}/badge_templates/{template_id}/archive",
        headers=basic(tenant.api_key),
    )
    assert archived.status_code == 200, archived.text
    response = http.post(
        _badges(database, tenant), headers=basic(tenant.api_key), json=_body(template_id)
    )
    data = _refused(response, "badge_template_id")
    assert data["errors"][0]["messages"] == ["is archived and cannot be used to issue new badges"]
    through_accredible = api.post(
        "/v1/credentials",
        json={
            "credential": {
                "group_id": _row_group_id(database, template_id),
                "recipient": {"name": "Ada", "email": unique_email()},
            }
        },
    )
    assert through_accredible.status_code == 422
    assert "group_id" in through_accredible.json()["errors"]


@pytest.mark.parametrize(
    "template_id",
    ["0b9a4a0e-5a52-4c3e-9d7e-2f0c7f7b1a11", "not-a-uuid", "1"],
    ids=["unknown-uuid", "not-a-uuid", "integer"],
)
def test_an_unknown_template_is_a_422_naming_it(
    http: httpx.Client, database: Database, tenant: Tenant, template_id: str
) -> None:
    response = http.post(
        _badges(database, tenant), headers=basic(tenant.api_key), json=_body(template_id)
    )
    _refused(response, "badge_template_id")


def test_another_organizations_template_is_unknown(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    template_id = _template(api, database)
    other = make_tenant(database, "Other Academy")
    response = http.post(
        _badges(database, other), headers=basic(other.api_key), json=_body(template_id)
    )
    _refused(response, "badge_template_id")


def test_alignments_come_from_the_template(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    alignments = [
        {
            "id": "31c08040-eaef-4019-a303-65eb61849327",
            "name": "Alignment 116",
            "url": "http://www.example.com/alignment",
            "description": "Self-enabling cohesive task-force",
        }
    ]
    template_id = _template(api, database, alignments=alignments)
    badge = _issue(http, _badges(database, tenant), tenant, _body(template_id))
    assert badge["alignments"] == [
        {"name": "Alignment 116", "description": "Self-enabling cohesive task-force"}
    ]


def test_a_credly_badge_is_an_accredible_credential_with_the_same_public_surfaces(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    template_id = _template(api, database)
    body = _body(
        template_id,
        issued_at="2024-03-05 10:00:00 -0500",
        issuer_earner_id="earner-7",
        evidence=[SEED_EVIDENCE[2]],
    )
    badge = _issue(http, _badges(database, tenant), tenant, body)
    row = _row(database, badge["id"])
    shown = api.get(f"/v1/credentials/{row.id}")
    assert shown.status_code == 200, shown.text
    credential = shown.json()["credential"]
    assert credential["recipient"] == {
        "name": "Earner First Name Earner Last Name",
        "email": body["recipient_email"],
        "phone_number": None,
        "id": "earner-7",
        "meta_data": None,
    }
    assert credential["issued_on"] == "2024-03-05"
    assert credential["group_id"] == _row_group_id(database, template_id)
    encoded = credential["encoded_id"]
    assert badge["badge_url"] == credential["url"]
    page = http.get(f"/c/{encoded}")
    assert page.status_code == 200
    assert "Earner First Name Earner Last Name" in page.text
    pdf = http.get(f"/c/{encoded}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    signed = http.get(f"/c/{encoded}/credential.json")
    assert signed.status_code == 200
    document = signed.json()
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["evidence"][0]["id"] == "http://www.example.com/evidence"
    result = http.post("/verify", json=document).json()
    assert result["valid"] is True, result


def test_get_a_badge_and_tenant_isolation(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    url = _badges(database, tenant)
    badge = _issue(http, url, tenant, _body(_template(api, database)))
    for path in (f"{url}/{badge['id']}", f"{url}/{badge['id']}/"):
        got = http.get(path, headers=basic(tenant.api_key, ""))
        assert got.status_code == 200
        assert got.json() == {"data": badge, "metadata": {}}
    other = make_tenant(database, "Other Academy")
    # Another organization's badge, through its own path or ours, is not found.
    for path, key in (
        (f"{_badges(database, other)}/{badge['id']}", other.api_key),
        (f"{url}/{badge['id']}", other.api_key),
        (f"{url}/{uuid.uuid4()}", tenant.api_key),
        (f"{url}/not-a-uuid", tenant.api_key),
    ):
        response = http.get(path, headers=basic(key))
        assert response.status_code == 404, path
        assert response.json()["data"]["message"]
    assert http.get(f"{url}/{badge['id']}").status_code == 401


def test_a_replaced_badge_redirects_to_the_end_of_its_chain(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    url = _badges(database, tenant)
    template_id = _template(api, database)
    first, second, third = (_issue(http, url, tenant, _body(template_id)) for _ in range(3))
    ids = [_row(database, badge["id"]).id for badge in (first, second, third)]
    with database.transaction() as session:
        rows = [session.get(Credential, number) for number in ids]
        rows[0].replaced_by_id, rows[1].replaces_id = ids[1], ids[0]
        rows[1].replaced_by_id, rows[2].replaces_id = ids[2], ids[1]
    for replaced in (first, second):
        response = http.get(f"{url}/{replaced['id']}", headers=basic(tenant.api_key))
        assert response.status_code == 302
        assert response.headers["location"].endswith(f"{url}/{third['id']}")
    current = http.get(f"{url}/{third['id']}", headers=basic(tenant.api_key)).json()["data"]
    assert current["replaces_badge_id"] == second["id"]
    assert current["replacement_badge_id"] is None
    # A list passes the links of the whole page; the middle badge links both ways.
    with database.session(readonly=True) as session:
        rows = [session.get(Credential, number) for number in ids]
        organization = session.get(Organization, tenant.organization_id)
        links = linked_uuids(session, rows)
        shown = badge_out(rows[1], organization, "https://plaudit.example", links)
    assert shown["replaces_badge_id"] == first["id"]
    assert shown["replacement_badge_id"] == third["id"]


@pytest.mark.parametrize(
    ("changes", "attribute"),
    [
        ({"issued_to_first_name": "Ada\x00"}, "base"),
        (
            {"evidence": [{"type": "PlainTextEvidence", "title": "a\x00", "description": "b"}]},
            "base",
        ),
        ({"issued_to_last_name": "x" * 10_000}, "issued_to_last_name"),
        ({"issuer_earner_id": "e" * 300}, "issuer_earner_id"),
        ({"country_name": "c" * 300}, "country_name"),
    ],
    ids=["nul-in-name", "nul-in-evidence", "huge-name", "huge-earner-id", "huge-country"],
)
def test_hostile_values_are_refused_on_both_databases(
    http: httpx.Client,
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    changes: dict[str, Any],
    attribute: str,
) -> None:
    body = _body(_template(api, database), **changes)
    response = http.post(_badges(database, tenant), headers=basic(tenant.api_key), json=body)
    _refused(response, attribute)


def test_the_unique_index_refuses_a_duplicate_earner_id_that_slips_past_the_check(
    api: httpx.Client, database: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests racing: both pass the pre-check; the index refuses the second, with the
    same error the pre-check gives."""
    template_id = _template(api, database)
    scope = Scope(tenant.organization_id)

    def fields(email: str) -> CredentialFields:
        recipient = RecipientData(name="Ada Lovelace", email=email, external_id="earner-race")
        return CredentialFields(
            achievement_ref=_row_group_id(database, template_id), recipient=recipient
        )

    with database.transaction() as session:
        credentials.issue(session, scope, fields(unique_email()), today=date(2024, 1, 1))
    monkeypatch.setattr(
        credentials, "_TAKEN_DUPLICATE_EARNER_KEY", select(Credential.id).where(false())
    )
    with pytest.raises(Duplicate) as refused, database.transaction() as session:
        credentials.issue(session, scope, fields(unique_email()), today=date(2024, 1, 1))
    assert refused.value.fields == {"recipient.external_id": [credentials.DUPLICATE_EARNER_REASON]}
