"""Open Badges 2.0 hosted documents: Assertion, BadgeClass, Issuer and RevocationList.

Pure functions from loaded rows to JSON-LD; the ids are the public URLs these documents are
served at (web/urls.py), which name rows by UUID. The recipient is hashed with the same salt as
in the credential's OB 3.0 form. Hosted verification: a verifier fetches the
assertion from its id, and a revoked one answers 410 Gone with `revoked: true`.
"""

from typing import Any
from uuid import UUID

from plaudit.openbadges import ob3
from plaudit.store.tables import Achievement, Credential, Organization
from plaudit.web import urls

CONTEXT = "https://w3id.org/openbadges/v2"


def assertion(credential: Credential, base_url: str, server_secret: bytes) -> dict[str, Any]:
    salt = ob3.recipient_salt(server_secret, credential)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": urls.ob2_assertion(base_url, credential.uuid),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": ob3.identity_hash(credential.recipient_email, salt),
        },
        "badge": urls.ob2_badge_class(base_url, credential.achievement.uuid),
        "verification": {"type": "hosted"},
        "issuedOn": ob3.timestamp(credential.issued_on),
        "image": urls.badge_image(base_url, credential.encoded_id),
    }
    if credential.expired_on is not None:
        document["expires"] = ob3.timestamp(credential.expired_on)
    evidence = [
        _evidence(item.description, ob3.url(item.link_url))
        for item in credential.evidence_items
        if not item.supplemental
    ]
    if evidence:
        document["evidence"] = evidence
    return document


def _evidence(description: str, link_url: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "Evidence", "narrative": description}
    if link_url:
        item["id"] = link_url
    return item


def revoked_assertion(credential_uuid: UUID, base_url: str, reason: str | None) -> dict[str, Any]:
    """The body of the 410 Gone a revoked hosted assertion answers."""
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": urls.ob2_assertion(base_url, credential_uuid),
        "revoked": True,
    }
    if reason:
        document["revocationReason"] = reason
    return document


def badge_class(
    achievement: Achievement, organization: Organization, base_url: str
) -> dict[str, Any]:
    criteria: dict[str, Any] = {"narrative": _criteria_narrative(achievement)}
    if achievement.course_link:
        criteria["id"] = achievement.course_link
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": urls.ob2_badge_class(base_url, achievement.uuid),
        "name": achievement.course_name,
        "description": achievement.course_description or achievement.course_name,
        "criteria": criteria,
        "image": urls.ob2_badge_class_image(base_url, achievement.uuid),
        "issuer": urls.ob2_issuer(base_url, organization.uuid),
    }
    outcomes = [outcome for outcome in achievement.learning_outcomes or [] if outcome]
    tags = list(dict.fromkeys([*outcomes, *(achievement.skills or [])]))
    if tags:
        document["tags"] = tags
    # A Credly template's alignments; OB 2.0 requires a targetUrl, so one without is left out.
    alignments = [
        {
            "targetName": alignment["name"],
            "targetUrl": alignment["url"],
            "targetDescription": alignment.get("description") or None,
        }
        for alignment in achievement.alignments or []
        if alignment.get("url")
    ]
    if alignments:
        document["alignment"] = [
            {key: value for key, value in item.items() if value is not None} for item in alignments
        ]
    return document


def _criteria_narrative(achievement: Achievement) -> str:
    outcomes = [outcome for outcome in achievement.learning_outcomes or [] if outcome]
    if outcomes:
        return "Learning outcomes: " + "; ".join(outcomes)
    return f"Completion of {achievement.course_name}."


def issuer(organization: Organization, base_url: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": urls.ob2_issuer(base_url, organization.uuid),
        "name": organization.name,
        "url": organization.url or base_url,
        "revocationList": urls.ob2_revocation_list(base_url, organization.uuid),
    }
    if organization.email:
        document["email"] = organization.email
    if organization.description:
        document["description"] = organization.description
    return document


def revocation_list(
    organization: Organization, base_url: str, revoked: list[tuple[UUID, str | None]]
) -> dict[str, Any]:
    """The issuer's list of revoked assertions, each `(credential uuid, reason)`."""
    entries = []
    for credential_uuid, reason in revoked:
        entry: dict[str, Any] = {"id": urls.ob2_assertion(base_url, credential_uuid)}
        if reason:
            entry["revocationReason"] = reason
        entries.append(entry)
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": urls.ob2_revocation_list(base_url, organization.uuid),
        "issuer": urls.ob2_issuer(base_url, organization.uuid),
        "revokedAssertions": entries,
    }
