"""Small request builders for the Accredible dialect's tests."""

from itertools import count
from typing import Any

import httpx

from tests.support.openapi import assert_conforms

_serial = count(1)


def unique_email() -> str:
    return f"learner-{next(_serial)}@example.com"


def create_group(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {
        "name": f"group-{next(_serial)}",
        "course_name": "Intro to Programming",
        "course_description": "Variables, loops and functions.",
        **fields,
    }
    response = api.post("/v1/issuer/groups", json={"group": body})
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v1/issuer/groups", 200, response.json())
    return response.json()["group"]


def credential_body(group_id: int | str, **fields: Any) -> dict[str, Any]:
    recipient = {"name": "Ada Lovelace", "email": unique_email()}
    recipient.update(fields.pop("recipient", {}))
    return {"credential": {"recipient": recipient, "group_id": group_id, **fields}}


def issue(api: httpx.Client, group_id: int | str, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/credentials", json=credential_body(group_id, **fields))
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v1/credentials", 200, response.json())
    return response.json()["credential"]
