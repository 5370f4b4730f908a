"""`GET /v1/credentials/{id}` checks its API key inside the statement that reads the credential
(services/credential_reads.py), on a connection the server keeps (http/loop_reads.py): a key
revoked by any process is refused on the very next request, and a key reaches only its own
organization's, or department's, credentials."""

import httpx

from plaudit.services import api_keys
from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.support.tenants import Tenant, add_department, department_key, make_tenant


def _get(http: httpx.Client, key: str, ref: str | int) -> httpx.Response:
    return http.get(f"/v1/credentials/{ref}", headers={"Authorization": f"Token token={key}"})


def test_a_key_revoked_by_another_process_is_refused_at_once(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issue(api, create_group(api)["id"])
    with database.transaction() as session:
        key = api_keys.create_key(session, tenant.organization_id, label="revoked").plaintext
    for _ in range(3):  # the server now reads on the connection it keeps
        assert _get(http, key, credential["id"]).status_code == 200
    # Another process (the CLI's `plaudit keys revoke`, another worker): a Database of its own.
    elsewhere = Database(database.url)
    try:
        with elsewhere.transaction() as session:
            api_keys.revoke_key(session, key)
    finally:
        elsewhere.dispose()
    refused = _get(http, key, credential["id"])
    assert refused.status_code == 401
    assert refused.text == "HTTP Token: Access denied."
    assert _get(http, tenant.api_key, credential["id"]).status_code == 200


def test_a_right_prefix_with_a_wrong_secret_is_refused(
    api: httpx.Client, http: httpx.Client, tenant: Tenant
) -> None:
    credential = issue(api, create_group(api)["id"])
    prefix = tenant.api_key[: api_keys.PREFIX_LENGTH]
    forged = prefix + "0" * (len(tenant.api_key) - len(prefix))
    assert _get(http, forged, credential["id"]).status_code == 401
    assert _get(http, tenant.api_key[:-1], credential["id"]).status_code == 401


def test_a_key_reaches_its_own_organization_and_department_only(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issue(api, create_group(api)["id"])
    other = make_tenant(database, "Other Academy")
    department_id = add_department(database, tenant.organization_id, "Elsewhere")
    narrow = department_key(database, tenant.organization_id, department_id)
    for key in (other.api_key, narrow):
        for ref in (credential["id"], credential["encoded_id"]):
            missing = _get(http, key, ref)
            assert missing.status_code == 404
            assert missing.json() == {"errors": "Doesn't exist"}
    wide = department_key(database, tenant.organization_id, tenant.default_department_id)
    assert _get(http, wide, credential["encoded_id"]).json()["credential"]["id"] == credential["id"]
