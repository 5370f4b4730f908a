"""Creates sent at once (committed in batches, store/group_commit.py): every acknowledged one is
stored, and a license id or earner id sent by several at once is given to exactly one of them,
the others refused as if they had come later."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import func, select

from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Credential
from tests.accredible.helpers import create_group, credential_body, unique_email
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant

SENDERS = 8


def _all_at_once(send: Any, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(SENDERS) as pool:
        return list(pool.map(send, bodies))


def test_every_acknowledged_concurrent_create_is_stored(
    api: httpx.Client, database: Database
) -> None:
    group = create_group(api)
    answers = _all_at_once(
        lambda body: api.post("/v1/credentials", json=body),
        [credential_body(group["id"]) for _ in range(3 * SENDERS)],
    )

    assert [answer.status_code for answer in answers] == [200] * (3 * SENDERS)
    ids = [answer.json()["credential"]["id"] for answer in answers]
    assert len(set(ids)) == len(ids)
    for credential_id in ids:
        found = api.get(f"/v1/credentials/{credential_id}")
        assert found.status_code == 200, found.text


def test_a_license_id_sent_by_several_creates_at_once_goes_to_one(
    api: httpx.Client, database: Database
) -> None:
    group = create_group(api)
    license_id = f"LIC-{unique_email()}"
    answers = _all_at_once(
        lambda body: api.post("/v1/credentials", json=body),
        [credential_body(group["id"], id=license_id) for _ in range(SENDERS)],
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [422] * (SENDERS - 1)
    for refused in (answer for answer in answers if answer.status_code == 422):
        assert refused.json() == {"errors": {"id": ["has already been taken"]}}
    with database.session(readonly=True) as session:
        query = select(func.count()).where(Credential.license_id == license_id)
        assert session.scalar(query) == 1


def test_a_credly_earner_id_sent_by_several_badges_at_once_goes_to_one(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)
    with database.session(readonly=True) as session:
        template_id = str(session.get_one(Achievement, group["id"]).uuid)
    url = f"/v1/organizations/{organization_uuid(database, tenant)}/badges"
    earner = f"earner-{unique_email()}"
    bodies = [
        {
            "badge_template_id": template_id,
            "recipient_email": unique_email(),
            "issued_at": "2014-04-01 09:41:00 -0500",
            "issued_to_first_name": "Ada",
            "issued_to_last_name": "Lovelace",
            "issuer_earner_id": earner,
        }
        for _ in range(SENDERS)
    ]
    answers = _all_at_once(
        lambda body: http.post(url, headers=basic(tenant.api_key), json=body), bodies
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [422] * (SENDERS - 1)
    for refused in (answer for answer in answers if answer.status_code == 422):
        (error,) = refused.json()["data"]["errors"]
        assert error["attribute"] == "issuer_earner_id"
        assert error["messages"] == ["has already been issued this badge"]
    stored = next(answer for answer in answers if answer.status_code == 201).json()["data"]
    assert http.get(f"{url}/{stored['id']}", headers=basic(tenant.api_key)).status_code == 200
    with database.session(readonly=True) as session:
        query = select(func.count()).where(Credential.achievement_id == group["id"])
        assert session.scalar(query) == 1
