"""Status lists over real HTTP on both databases: bits flip with the change that causes them,
in its transaction, at random indices, and the list credential is signed and cached."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import insert, select

from plaudit.jobs.registry import JobContext
from plaudit.jobs.status_expiry_job import run as run_expiry_job
from plaudit.openbadges import data_integrity, did, status_list, vc_jwt
from plaudit.services import credential_status
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.jobs_tables import Job
from plaudit.store.signing_tables import StatusEntry
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, issue
from tests.signing.test_signed_credentials import encoded_id


def signed_copy(api: httpx.Client, **fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """An issued credential (API form) and its signed OB 3.0 copy, as a wallet keeps it."""
    group = create_group(api)
    credential = issue(api, group["id"], **fields)
    document = api.get(f"/c/{encoded_id(credential)}/credential.json").json()
    return credential, document


def bit_of(http: httpx.Client, base_url: str, document: dict[str, Any]) -> bool:
    status = document["credentialStatus"]
    listing = http.get(status["statusListCredential"].removeprefix(base_url))
    assert listing.status_code == 200
    bits = status_list.decode_list(listing.json()["credentialSubject"]["encodedList"])
    return status_list.bit(bits, int(status["statusListIndex"]))


def test_deleting_sets_the_bit_and_the_stable_url_answers_410(
    api: httpx.Client, http: httpx.Client, live_server
) -> None:
    credential, document = signed_copy(api)
    assert bit_of(http, live_server.base_url, document) is False
    assert api.delete(f"/v1/credentials/{credential['id']}").status_code == 200
    assert bit_of(http, live_server.base_url, document) is True
    gone = http.get(f"/c/{encoded_id(credential)}/credential.json")
    assert gone.status_code == 410


def test_expiring_sets_the_bit_and_extending_clears_it(
    api: httpx.Client, http: httpx.Client, live_server
) -> None:
    credential, document = signed_copy(api)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    path = f"/v1/credentials/{credential['id']}"
    assert api.patch(path, json={"credential": {"expired_on": yesterday}}).status_code == 200
    assert bit_of(http, live_server.base_url, document) is True
    assert api.patch(path, json={"credential": {"expired_on": None}}).status_code == 200
    assert bit_of(http, live_server.base_url, document) is False


def test_a_refused_change_leaves_the_bit_alone(
    api: httpx.Client, http: httpx.Client, live_server
) -> None:
    """The expiry and a duplicate email in one request: the request is refused, and the bit set
    in its transaction is rolled back with it."""
    group = create_group(api)
    taken = issue(api, group["id"])["recipient"]["email"]
    credential = issue(api, group["id"])
    document = api.get(f"/c/{encoded_id(credential)}/credential.json").json()
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    refused = api.patch(
        f"/v1/credentials/{credential['id']}",
        json={"credential": {"expired_on": yesterday, "recipient": {"email": taken}}},
    )
    assert refused.status_code == 422, refused.text
    assert bit_of(http, live_server.base_url, document) is False


def test_the_bit_is_set_in_the_callers_transaction(database: Database, api: httpx.Client) -> None:
    credential, _ = signed_copy(api)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), database.transaction() as session:
        row = session.get(Credential, int(credential["id"]))
        credential_status.deleted(session, row)
        assert status_list.revocation(session, row.id) == (True, status_list.DELETED)
        raise Abandoned
    with database.session() as session:
        assert status_list.revocation(session, int(credential["id"])) == (False, None)


def test_indices_are_random_and_unique(api: httpx.Client, database: Database) -> None:
    group = create_group(api)
    bodies = [
        {
            "recipient": {"name": f"L {n}", "email": f"random-{n}@example.com"},
            "group_id": group["id"],
        }
        for n in range(40)
    ]
    created = api.post("/v1/credentials/bulk_create", json={"credentials": bodies})
    assert created.status_code == 200, created.text
    ids = [item["id"] for item in created.json()["credentials"]]
    with database.session() as session:
        indices = list(
            session.scalars(select(StatusEntry.index).where(StatusEntry.credential_id.in_(ids)))
        )
    assert len(indices) == len(set(indices)) == 40
    ordered = [index for _, index in sorted(zip(ids, indices, strict=True))]
    gaps = [abs(b - a) for a, b in itertools.pairwise(ordered)]
    assert sum(gap == 1 for gap in gaps) < 3  # not handed out in sequence
    assert max(indices) - min(indices) > status_list.LIST_SIZE // 4  # spread over the list


def test_a_full_list_opens_the_next_one(api: httpx.Client, database: Database, tenant) -> None:
    credential, _ = signed_copy(api)
    taken = set(range(status_list.LIST_SIZE)) - {7}
    with database.transaction() as session:
        own = status_list.entry_of(session, int(credential["id"]))
        taken.discard(own.index)
        session.execute(
            insert(StatusEntry),
            [
                {
                    "organization_id": tenant.organization_id,
                    "purpose": status_list.REVOCATION,
                    "list_number": 1,
                    "index": index,
                    "credential_encoded_id": f"filler{index}",
                    "credential_uuid": uuid4(),
                    "is_set": False,
                    "uuid": uuid4(),
                    "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC),
                }
                for index in taken
            ],
        )
    _, document = signed_copy(api)
    assert document["credentialStatus"]["statusListCredential"].endswith("/revocation/2")


def test_the_status_list_credential_is_signed_cached_and_negotiated(
    api: httpx.Client, http: httpx.Client, database: Database, live_server
) -> None:
    _, document = signed_copy(api)
    path = document["credentialStatus"]["statusListCredential"].removeprefix(live_server.base_url)
    listing = http.get(path)
    body = listing.json()
    assert body["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert body["issuer"] == document["issuer"]["id"]
    assert body["credentialSubject"]["type"] == "BitstringStatusList"
    assert body["credentialSubject"]["statusPurpose"] == "revocation"
    method = data_integrity.proof_of(body)["verificationMethod"]
    with database.session() as session:
        key = did.resolve_did(session, live_server.base_url, method)[method]
    data_integrity.verify_proof(body, key)
    assert http.get(path).text == listing.text
    assert http.get(path, headers={"If-None-Match": listing.headers["etag"]}).status_code == 304
    token = http.get(path, headers={"Accept": "application/vc+jwt"})
    assert token.headers["content-type"].startswith("application/vc+jwt")
    assert vc_jwt.verify_jwt(token.text, key)["credentialSubject"] == body["credentialSubject"]
    assert http.get(path.replace("/revocation", "/nonsense")).status_code == 404


@pytest.mark.parametrize("number", ["0", "2", str(2**31), "9" * 30])
def test_list_numbers_that_name_no_list_are_404(
    api: httpx.Client, http: httpx.Client, live_server, number: str
) -> None:
    _, document = signed_copy(api)
    path = document["credentialStatus"]["statusListCredential"].removeprefix(live_server.base_url)
    assert http.get(f"{path}/{number}").status_code == 404


def test_an_expiry_moved_to_a_later_day_sets_the_bit_on_that_day(
    api: httpx.Client, http: httpx.Client, database: Database, settings: Settings, live_server
) -> None:
    credential, document = signed_copy(api)
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    path = f"/v1/credentials/{credential['id']}"
    assert api.patch(path, json={"credential": {"expired_on": tomorrow.isoformat()}}).is_success
    with database.session() as session:
        job = session.scalars(
            select(Job).where(Job.kind == credential_status.EXPIRY_JOB).order_by(Job.id.desc())
        ).first()
        assert job.payload == {"credential_id": int(credential["id"])}
        assert job.run_after.date() == tomorrow
    context = JobContext(database, settings, job.id, 1, job.payload)
    run_expiry_job(context)  # run early: the expiry has not come, nothing changes
    assert bit_of(http, live_server.base_url, document) is False
    with database.transaction() as session:  # the day comes
        session.get(Credential, credential["id"]).expired_on = datetime.now(UTC).date() - timedelta(
            days=1
        )
    run_expiry_job(context)
    assert bit_of(http, live_server.base_url, document) is True
