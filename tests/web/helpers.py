"""Helpers for the page tests: credentials with something to show, and signed-in browsers."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.accredible.helpers import create_group, issue
from tests.support.live_server import LiveServer


def full_credential(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    """A credential with skills, a course link, evidence and a reference."""
    group = create_group(
        api,
        course_name="Data Analysis with Python",
        course_description="Cleaning, exploring and charting real data sets.",
        learning_outcomes=["pandas", "Data visualisation"],
        course_link="https://academy.example.org/data-analysis",
    )
    body = {
        "recipient": {"name": "Ada Lovelace"},
        "evidence_items": [
            {"description": "Capstone project", "category": "url", "url": "https://example.org/p"},
            {"description": "Final grade", "category": "grade", "string_object": "92"},
        ],
        "references": [
            {
                "description": "Ada's analysis was the clearest of her cohort.",
                "relationship": "taught",
                "referee": {"name": "Charles Babbage"},
            }
        ],
        **fields,
    }
    return issue(api, group["id"], **body)


@contextmanager
def signed_in_browser(
    api: httpx.Client, live_server: LiveServer, credential_id: str
) -> Iterator[httpx.Client]:
    """A browser-like client signed in (through an SSO link) as the credential's recipient."""
    response = api.post("/v1/sso/generate_link", json={"credential_id": credential_id})
    assert response.status_code == 200, response.text
    with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
        landing = browser.get(response.json()["link"])
        assert landing.status_code == 303, landing.text
        yield browser


def events(api: httpx.Client, credential_id: str) -> list[str]:
    """The credential's analytics events, oldest first, by their Accredible names."""
    response = api.post(f"/v1/credentials/analytics/{credential_id}")
    assert response.status_code == 200, response.text
    return [item["event"] for item in response.json()["analytics"]]
