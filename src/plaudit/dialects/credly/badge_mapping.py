"""A credential as Credly's badge object (the seed's `POST .../badges` response).

Shared by every badge endpoint: issue, get, list, replace, revoke, events. `user.id` is the
recipient's id derived from their email (domain/recipients.py).

`replacement_badge_id` and `replaces_badge_id` are UUIDs while the row holds integer ids: a
list passes `links=badge_links.linked_uuids(session, badges)` (one query for the whole page);
without it, a badge that links anywhere looks its links up in its own session (one query)."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy.orm import object_session

from plaudit.dialects.credly import mapping
from plaudit.dialects.credly.badge_evidence import evidence_out
from plaudit.dialects.credly.mapping import timestamp
from plaudit.services import badge_links
from plaudit.store.tables import Achievement, Credential, Organization
from plaudit.web import urls

Json = dict[str, Any]


def issued_at(credential: Credential) -> datetime:
    """The instant given at issue, else midnight UTC of the issue date."""
    if credential.issued_at is not None:
        return credential.issued_at
    return datetime.combine(credential.issued_on, time(0, 0), tzinfo=UTC)


def expires_at(credential: Credential) -> datetime | None:
    expired_on: date | None = credential.expired_on
    return None if expired_on is None else datetime.combine(expired_on, time(0, 0), tzinfo=UTC)


def name_parts(credential: Credential) -> tuple[str, str | None, str]:
    """First, middle and last name: as given through Credly, else split from the full name."""
    if credential.recipient_first_name is not None or credential.recipient_last_name is not None:
        return (
            credential.recipient_first_name or "",
            credential.recipient_middle_name,
            credential.recipient_last_name or "",
        )
    first, _, last = credential.recipient_name.partition(" ")
    return first, None, last


def entity(organization: Organization, base_url: str) -> Json:
    return {
        "type": "Organization",
        "id": str(organization.uuid),
        "name": organization.name,
        "url": mapping.organization_url(base_url, organization),
        "vanity_url": None,
        "internationalize_badge_templates": False,
        "share_to_ziprecruiter": False,
        "twitter_url": None,
        "verified": True,
    }


def badge_url(base_url: str, organization: Organization, credential: Credential) -> str:
    """The badge in the API: the `Location` of a new badge, where a replaced one redirects."""
    return f"{mapping.organization_url(base_url, organization)}/badges/{credential.uuid}"


def alignments_out(achievement: Achievement) -> list[Json]:
    """The template's alignments as a badge shows them (the seed: name and description)."""
    return [
        {"name": item.get("name"), "description": item.get("description")}
        for item in achievement.alignments or []
        if isinstance(item, dict)
    ]


def _links(credential: Credential, links: Mapping[int, UUID] | None) -> Mapping[int, UUID]:
    if links is not None:
        return links
    session = object_session(credential)
    if session is None or (credential.replaced_by_id is None and credential.replaces_id is None):
        return {}
    return badge_links.linked_uuids(session, [credential])


def _linked(links: Mapping[int, UUID], linked_id: int | None) -> str | None:
    found = None if linked_id is None else links.get(linked_id)
    return None if found is None else str(found)


def badge_out(
    credential: Credential,
    organization: Organization,
    base_url: str,
    links: Mapping[int, UUID] | None = None,
) -> Json:
    """The full badge object. `badge_url` is the credential's public page; `accept_badge_url`
    is the recipient's wallet, where they accept or reject it. `links`: see the module."""
    found = _links(credential, links)
    first, middle, last = name_parts(credential)
    issuer = entity(organization, base_url)
    page = urls.credential_page(base_url, credential.encoded_id)
    image_url = urls.badge_image(base_url, credential.encoded_id)
    expiry = expires_at(credential)
    return {
        "id": str(credential.uuid),
        "user": {
            "id": str(credential.recipient_user_uuid),
            "email": credential.recipient_email,
            "first_name": first,
            "middle_name": middle,
            "last_name": last,
            "url": None,
        },
        "created_by": issuer,
        "issuer": {
            "summary": f"issued by {organization.name}",
            "entities": [{"label": "Issued by", "primary": True, "entity": issuer}],
        },
        "badge_template": mapping.badge_template_out(
            credential.achievement, organization, base_url
        ),
        **recipient_fields(credential),
        "is_private_badge": credential.private,
        "translate_metadata": False,
        "replacement_badge_id": _linked(found, credential.replaced_by_id),
        "replaces_badge_id": _linked(found, credential.replaces_id),
        "revocation_reason": credential.revocation_reason,
        "state": credential.state,
        "suppress_badge_notification_email": credential.suppress_notification,
        "recipient_email": credential.recipient_email,
        "country": credential.country_name,
        "country_code": None,
        "state_or_province": credential.state_or_province,
        "created_at": timestamp(credential.created_at),
        "updated_at": timestamp(credential.updated_at),
        "issued_at": timestamp(issued_at(credential)),
        "issued_at_date": credential.issued_on.isoformat(),
        "expires_at": timestamp(expiry),
        "expires_at_date": None
        if credential.expired_on is None
        else credential.expired_on.isoformat(),
        "state_updated_at": timestamp(credential.state_updated_at),
        "image": {"id": str(credential.uuid), "url": image_url},
        "image_url": image_url,
        "alignments": alignments_out(credential.achievement),
        "evidence": [evidence_out(item) for item in credential.evidence_items],
        "printing_enabled": True,
        "print_method": None,
        "completed_pathway_id": None,
        "badge_url": page,
        "accept_badge_url": urls.wallet(base_url, credential=credential.encoded_id),
    }


def recipient_fields(credential: Credential) -> Json:
    """The badge's recipient and visibility fields, the same in every badge_format."""
    first, middle, last = name_parts(credential)
    return {
        "issued_to": credential.recipient_name,
        "issued_to_first_name": first,
        "issued_to_middle_name": middle,
        "issued_to_last_name": last,
        "issuer_earner_id": credential.recipient_external_id,
        "locale": credential.locale or "en",
        "public": not credential.private,
    }
