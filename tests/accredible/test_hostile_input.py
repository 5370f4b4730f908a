"""Hostile and odd input: never a 500, always an Accredible error, nothing written."""

from typing import Any

import httpx
import pytest

from tests.accredible.helpers import create_group, credential_body


@pytest.fixture
def group(api: httpx.Client) -> dict[str, Any]:
    return create_group(api)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/credentials/99999999999999999999999999",
        "/v1/credentials/9223372036854775808",
        "/v1/credentials/%C2%B2",
        "/v1/issuer/groups/99999999999999999999999999",
        "/v1/issuer/groups/%C2%B2",
        "/v1/issuer/groups/-1",
    ],
)
def test_ids_no_row_can_have_are_404(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"errors": "Doesn't exist"}


@pytest.mark.parametrize(
    "group_ref", [99999999999999999999999999, "99999999999999999999999999", -5, "²"]
)
def test_group_refs_no_row_can_have_are_invalid_group(api: httpx.Client, group_ref: object) -> None:
    response = api.post("/v1/credentials", json=credential_body(group_ref))
    assert response.status_code == 422
    assert response.json() == {"errors": "Invalid Group"}


def test_nul_characters_are_refused(api: httpx.Client, group: dict[str, Any]) -> None:
    body = credential_body(group["id"], custom_attributes={"k": "a\x00b"})
    response = api.post("/v1/credentials", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": {"body": ["contains a NUL character"]}}
    assert api.get("/v1/credentials/a%00b").status_code == 400
    assert api.get("/v1/issuer/all_groups", params={"name": "a\x00"}).status_code == 400


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": "n" * 256}, {"name": ["is too long (maximum is 255 characters)"]}),
        (
            {"recipient": {"name": "r" * 256}},
            {"recipient.name": ["is too long (maximum is 255 characters)"]},
        ),
        (
            {"recipient": {"email": "e" * 250 + "@example.com"}},
            {"recipient.email": ["is too long (maximum is 254 characters)"]},
        ),
        ({"id": "L" * 300}, {"id": ["is too long (maximum is 255 characters)"]}),
        (
            {
                "evidence_items": [
                    {
                        "description": "d",
                        "category": "url",
                        "url": "https://e.example/" + "x" * 2100,
                    }
                ]
            },
            {"evidence_items[0].url": ["is too long (maximum is 2048 characters)"]},
        ),
        (
            {"evidence_items": [{"description": "d", "category": "url", "position": 2**40}]},
            {"evidence_items[0].position": ["is out of range"]},
        ),
    ],
)
def test_values_too_large_for_their_column(
    api: httpx.Client, group: dict[str, Any], fields: dict, errors: dict
) -> None:
    response = api.post("/v1/credentials", json=credential_body(group["id"], **fields))
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"auto_expiry": -(2**40)}, {"auto_expiry": ["is out of range"]}),
        ({"auto_expiry": 500}, {"auto_expiry": ["must be less than or equal to 200"]}),
        ({"language": "klingon"}, {"language": ["is not included in the list"]}),
        ({"achievement_type": "Trophy"}, {"achievement_type": ["is not included in the list"]}),
        (
            {"course_link": "https://x.example/" + "p" * 2100},
            {"course_link": ["is too long (maximum is 2048 characters)"]},
        ),
        ({"certificate_design_id": 2**70}, {"certificate_design_id": ["is invalid"]}),
        ({"department_id": 2**70}, {"department_id": ["is invalid"]}),
    ],
)
def test_group_values_out_of_range(api: httpx.Client, fields: dict, errors: dict) -> None:
    body = {"name": "g", "course_name": "c", "course_description": "d", **fields}
    response = api.post("/v1/issuer/groups", json={"group": body})
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}


def test_extension_achievement_types_are_allowed(api: httpx.Client) -> None:
    assert (
        create_group(api, achievement_type="ext:Hackathon")["achievement_type"] == "ext:Hackathon"
    )


def test_ten_megabyte_name_is_413(api: httpx.Client, group: dict[str, Any]) -> None:
    body = credential_body(group["id"], recipient={"name": "x" * (10 * 1024 * 1024)})
    response = api.post("/v1/credentials", json=body)
    assert response.status_code == 413


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_json_without_a_json_content_type(
    api: httpx.Client, group: dict[str, Any], content_type: str | None
) -> None:
    """`curl -d '{...}'` sends a form content type; the JSON is still read."""
    import json

    headers = {"Content-Type": content_type} if content_type else {}
    payload = json.dumps(credential_body(group["id"])).encode()
    response = api.post("/v1/credentials", content=payload, headers=headers)
    assert response.status_code == 200, response.text


def test_empty_body_is_422(api: httpx.Client) -> None:
    response = api.post("/v1/credentials")
    assert response.status_code == 422
    assert response.json() == {"errors": {"body": ["can't be blank"]}}


def test_malformed_json_under_a_form_content_type_is_400(api: httpx.Client) -> None:
    response = api.post(
        "/v1/credentials",
        content=b"{not json",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert response.json() == {"errors": "Request body is not valid JSON"}
