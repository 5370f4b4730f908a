"""Open Badges 2.0 hosted documents at Credly's `/obi/v2/...` paths: public, the same
documents as `/api/v1/obi/...`, and 410 Gone for a badge revoked (its status bit, or only its
Credly state) or deleted (signed or not)."""

from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import delete, select

from plaudit.store.db import Database
from plaudit.store.signing_tables import StatusEntry
from plaudit.store.tables import Achievement, Credential, Organization
from tests.credly.badge_images import PNG_DATA_URI
from tests.credly.helpers import basic, organization_uuid
from tests.openbadges.verify_helpers import issued, revoke
from tests.support.tenants import Tenant


def _ids(database: Database, encoded_id: str) -> dict[str, str]:
    with database.session(readonly=True) as session:
        credential = session.scalar(select(Credential).where(Credential.encoded_id == encoded_id))
        assert credential is not None
        achievement = session.get(Achievement, credential.achievement_id)
        organization = session.get(Organization, credential.organization_id)
        assert achievement is not None and organization is not None
        return {
            "badge": str(credential.uuid),
            "template": str(achievement.uuid),
            "organization": str(organization.uuid),
        }


def _document(http: httpx.Client, path: str, status: int = 200) -> dict[str, Any]:
    response = http.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    return response.json()


def test_credly_paths_serve_the_hosted_documents(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    ids = _ids(database, issued(api)["encoded_id"])
    pairs = [
        (f"/obi/v2/badge_assertions/{ids['badge']}", f"/api/v1/obi/badgeassertions/{ids['badge']}"),
        (
            f"/obi/v2/badge_classes/{ids['template']}",
            f"/api/v1/obi/badgeclasses/{ids['template']}",
        ),
        (f"/obi/v2/issuers/{ids['organization']}", f"/api/v1/obi/issuers/{ids['organization']}"),
    ]
    for alias, hosted in pairs:
        assert _document(http, alias) == _document(http, hosted)
        assert _document(http, "/v1" + alias) == _document(http, hosted)
    assertion = _document(http, f"/obi/v2/badge_assertions/{ids['badge']}")
    assert assertion["type"] == "Assertion"
    image = http.get(f"/obi/v2/badge_classes/{ids['template']}/image.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "/obi/v2/badge_assertions/00000000-0000-0000-0000-000000000000",
        "/obi/v2/badge_classes/not-a-uuid",
        "/obi/v2/issuers/00000000-0000-0000-0000-000000000000",
    ],
    ids=["assertion", "badge-class", "issuer"],
)
def test_an_unknown_id_is_a_404(http: httpx.Client, path: str) -> None:
    assert http.get(path).status_code == 404


def test_a_badge_revoked_by_its_status_bit_is_gone(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api)
    ids = _ids(database, credential["encoded_id"])
    revoke(database, credential["encoded_id"])
    gone = _document(http, f"/obi/v2/badge_assertions/{ids['badge']}", 410)
    assert gone["revoked"] is True


def test_a_badge_revoked_only_in_its_credly_state_is_gone(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    ids = _ids(database, issued(api)["encoded_id"])
    with database.transaction() as session:
        credential = session.scalar(select(Credential).where(Credential.uuid == UUID(ids["badge"])))
        assert credential is not None
        credential.state = "revoked"
    for path in (
        f"/obi/v2/badge_assertions/{ids['badge']}",
        f"/api/v1/obi/badgeassertions/{ids['badge']}",
    ):
        assert _document(http, path, 410)["revoked"] is True


def test_a_deleted_badge_is_gone_even_if_never_signed(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api)
    ids = _ids(database, credential["encoded_id"])
    with database.transaction() as session:  # as if never signed: no status bit to set
        session.execute(
            delete(StatusEntry).where(StatusEntry.credential_uuid == UUID(ids["badge"]))
        )
    deleted = api.delete(f"/v1/credentials/{credential['id']}")
    assert deleted.status_code == 200, deleted.text
    assert _document(http, f"/obi/v2/badge_assertions/{ids['badge']}", 410)["revoked"] is True
    assert http.get(f"/obi/v2/badge_classes/{ids['template']}").status_code == 200


def test_a_templates_skills_and_alignments_show_in_its_badge_class(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    body = {
        "name": "Aligned",
        "description": "Has alignments",
        "global_activity_url": "https://example.com/a",
        "image": PNG_DATA_URI,
        "skills": ["Python", "SQL"],
        "badge_template_activities": [{"activity_type": "Award", "title": "Pass"}],
        "alignments": [
            {"name": "ESCO", "url": "https://esco.example/1", "description": "Programming"},
            {"name": "No URL"},
        ],
    }
    base = f"/v1/organizations/{organization_uuid(database, tenant)}/badge_templates"
    created = http.post(base, headers=basic(tenant.api_key), json=body)
    assert created.status_code == 201, created.text
    badge_class = _document(http, f"/obi/v2/badge_classes/{created.json()['data']['id']}")
    assert badge_class["tags"] == ["Python", "SQL"]
    assert badge_class["alignment"] == [
        {
            "targetName": "ESCO",
            "targetUrl": "https://esco.example/1",
            "targetDescription": "Programming",
        }
    ]
    assert badge_class["image"] == created.json()["data"]["image_url"]
