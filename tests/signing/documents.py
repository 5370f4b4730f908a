"""Unsigned Open Badges 3.0 credentials built by Plaudit's own builder from rows never stored."""

from datetime import date
from typing import Any
from uuid import uuid4

from plaudit.openbadges import ob3, status_list
from plaudit.store.tables import Achievement, Credential, EvidenceItem, Organization

BASE_URL = "https://plaudit.example.org"
ISSUER = "did:web:plaudit.example.org:orgs:6f1c2f4e-3a55-4d5e-9a0b-1c2d3e4f5a6b"
METHOD = f"{ISSUER}#z6MkmVRHN1ZgADRvRg2Wcg63RomkRFa5VCUXhbiieaSULsM8"


def evidence(
    description: str, link: str | None = None, text: str | None = None, category: str = "url"
) -> EvidenceItem:
    return EvidenceItem(
        description=description,
        category=category,
        link_url=link,
        string_object=text,
        supplemental=False,
    )


def credential_document(
    *,
    name: str = "Intro to Programming",
    recipient: str = "Ada Lovelace",
    email: str = "ada@example.com",
    description: str = "Variables, loops and functions.",
    organization_name: str = "Plaudit Academy",
    organization_url: str | None = "https://example.org",
    course_link: str | None = None,
    outcomes: list[str] | None = None,
    achievement_type: str | None = "Certificate",
    items: list[EvidenceItem] | None = None,
    expired_on: date | None = None,
    index: int = 42,
    grade: str | None = None,
    custom_attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    organization = Organization(name=organization_name, url=organization_url, uuid=uuid4())
    achievement = Achievement(
        uuid=uuid4(),
        course_name=name,
        course_description=description,
        course_link=course_link,
        language="en",
        learning_outcomes=outcomes,
        skill_category=None,
        achievement_type=achievement_type,
    )
    credential = Credential(
        uuid=uuid4(),
        encoded_id="abcdefghij",
        name=name,
        description=description,
        recipient_name=recipient,
        recipient_email=email,
        issued_on=date(2026, 3, 1),
        expired_on=expired_on,
        achievement=achievement,
        evidence_items=items or [],
        grade=grade,
        custom_attributes=custom_attributes,
    )
    status = status_list.entry_document(
        f"{BASE_URL}/orgs/{organization.uuid}/status/revocation", "revocation", index
    )
    return ob3.build_credential(
        credential, ob3.Issuer(ISSUER, organization), base_url=BASE_URL, salt="s4lt", status=status
    )
