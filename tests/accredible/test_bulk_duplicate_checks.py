"""Bulk issuance checks its items' duplicate keys against the database in one statement per key
column (services/credentials.py BatchKeys), with the same outcomes as one check per item."""

import re
from typing import Any

import httpx

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, credential_body, issue, unique_email
from tests.support.statements import counting_queries

DUPLICATE_CHECK = re.compile(r"credentials\.duplicate_(earner_)?key (=|IN)")


def _item(group_id: int, **fields: Any) -> dict[str, Any]:
    return credential_body(group_id, **fields)["credential"]


def _results(api: httpx.Client, items: list[dict[str, Any]]) -> list[bool]:
    """Whether each item of a v2 bulk create was issued."""
    response = api.post("/v2/credentials/bulk_create", json={"credentials": items})
    assert response.status_code in (200, 207, 422), response.text
    return ["credential" in result for result in response.json()["results"]]


def test_a_bulk_create_reads_duplicate_keys_in_one_statement_per_column_whatever_its_size(
    api: httpx.Client, database: Database
) -> None:
    group = create_group(api)
    issue(api, group["id"])  # the organization's key, status list and DID exist now
    counts = {}
    for count in (2, 100):
        items = [_item(group["id"], recipient={"id": f"earner-{count}-{n}"}) for n in range(count)]
        with counting_queries(database) as statements:
            response = api.post("/v1/credentials/bulk_create", json={"credentials": items})
        assert response.status_code == 200, response.text
        counts[count] = len([s for s in statements if DUPLICATE_CHECK.search(s)])
    assert counts[100] == counts[2] == 2  # one per key column: emails, earner ids


def test_an_email_already_issued_is_refused_whatever_its_case_and_spaces(
    api: httpx.Client,
) -> None:
    group = create_group(api)
    taken = unique_email()
    issue(api, group["id"], recipient={"email": taken})
    items = [
        _item(group["id"]),
        _item(group["id"], recipient={"email": f"  {taken.upper()} "}),
        _item(group["id"]),
    ]
    assert _results(api, items) == [True, False, True]
    v1 = api.post("/v1/credentials/bulk_create", json={"credentials": items})
    assert v1.status_code == 422  # all or nothing


def test_an_earner_id_already_issued_is_refused(api: httpx.Client) -> None:
    group = create_group(api)
    issue(api, group["id"], recipient={"id": "earner-7"})
    items = [_item(group["id"], recipient={"id": "earner-7"}), _item(group["id"])]
    assert _results(api, items) == [False, True]


def test_keys_are_checked_per_group(api: httpx.Client) -> None:
    """A key taken in one group is free in another, in the same request."""
    first, second = create_group(api), create_group(api)
    email = unique_email()
    issue(api, first["id"], recipient={"email": email, "id": "earner-9"})
    same_recipient = {"email": email, "id": "earner-9"}
    items = [
        _item(second["id"], recipient=same_recipient),
        _item(first["id"], recipient=same_recipient),
        _item(first["id"], recipient={"id": "earner-9"}),
    ]
    assert _results(api, items) == [True, False, False]


def test_a_group_that_allows_duplicates_issues_them(api: httpx.Client) -> None:
    group = create_group(api, allow_duplicate_credentials=True)
    email = unique_email()
    issue(api, group["id"], recipient={"email": email})
    items = [_item(group["id"], recipient={"email": email}) for _ in range(2)]
    assert _results(api, items) == [True, True]
