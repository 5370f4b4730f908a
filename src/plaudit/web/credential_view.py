"""What the credential page template gets: plain values built from the loaded rows."""

from datetime import date
from typing import Any

from plaudit.domain import credential_state
from plaudit.domain.sso import is_web_address
from plaudit.store.tables import EvidenceItem, Reference
from plaudit.web import organization_files, urls
from plaudit.web.credential_access import Visit
from plaudit.web.credential_links import COPY_LINK, is_link, issuer_link

_RELATIONSHIPS = {
    "taught": "Teacher",
    "managed": "Manager",
    "mentored": "Mentor",
    "worked": "Colleague",
    "studied": "Fellow student",
    "friends": "Friend",
    "stranger": "Reviewer",
    "professor": "Professor",
}
_SUMMARY_LENGTH = 200


def context(visit: Visit, base_url: str, *, today: date) -> dict[str, Any]:
    shown = visit.shown
    credential, achievement = shown.credential, shown.credential.achievement
    encoded = credential.encoded_id
    state = credential_state.state_of(
        expired_on=credential.expired_on, revoked=shown.revoked, today=today
    )
    page_url = urls.credential_page(base_url, encoded)
    skills = [item for item in achievement.learning_outcomes or [] if isinstance(item, str)]
    category = achievement.skill_category
    return {
        "title": f"{credential.name} · {credential.recipient_name}",
        "lang": achievement.language or shown.organization.language or "en",
        "state": state.value,
        "by_recipient": visit.by_recipient,
        "private": credential.private,
        "page_url": page_url,
        "wallet_url": urls.wallet(base_url),
        "theme_css": organization_files.theme_url(base_url, shown.organization),
        "summary": _summary(credential.description),
        "credential": {
            "name": credential.name,
            "description": credential.description,
            "recipient_name": credential.recipient_name,
            "issued_on": day(credential.issued_on),
            "expired_on": day(credential.expired_on) if credential.expired_on else None,
            "grade": credential.grade,
            "credential_id": credential.license_id or str(credential.id),
        },
        "achievement": {
            "course_name": achievement.course_name,
            "description": achievement.course_description,
            "skills": skills,
            "skill_category": category.name if category else None,
            "has_link": is_link(achievement.course_link),
        },
        "issuer": {
            "name": shown.organization.name,
            "department": None if shown.department.is_default else shown.department.name,
            "logo": organization_files.logo_url(base_url, shown.organization)
            or _https(shown.department.logo),
            "has_link": issuer_link(shown) is not None,
        },
        "evidence": [_evidence(item) for item in credential.evidence_items],
        "references": [_reference(item) for item in credential.references if item.approve],
        "images": {
            "certificate": urls.certificate_image(base_url, encoded),
            "badge": urls.badge_image(base_url, encoded),
            "seo": urls.seo_image(base_url, encoded),
        },
        "go": {
            target: urls.outgoing(base_url, encoded, target)
            for target in ("pdf", "badge", "linkedin-profile", "linkedin", "x", "course", "issuer")
        },
        "copy_beacon": urls.outgoing(base_url, encoded, COPY_LINK),
        "go_evidence": urls.outgoing(base_url, encoded, "evidence-"),
    }


def day(value: date) -> dict[str, str]:
    """A date for `<time>`: machine-readable, and as people write it (23 November 2026)."""
    return {"iso": value.isoformat(), "text": f"{value.day} {value:%B %Y}"}


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "description": item.description,
        "category": item.category,
        "has_link": is_link(item.link_url),
        "preview": _https(item.preview_image_url),
        "grade": item.string_object if item.category == "grade" else None,
    }


def _reference(item: Reference) -> dict[str, Any]:
    return {
        "description": item.description,
        "referee_name": item.referee_name,
        "relationship": _RELATIONSHIPS.get(item.relationship, item.relationship.title()),
        "avatar": _https(item.referee_avatar),
    }


def _https(url: str | None) -> str | None:
    """Images from elsewhere only over https (the page's CSP allows no other)."""
    return url if url and url.startswith("https://") and is_web_address(url) else None


def _summary(text: str) -> str:
    """The description cut to fit link previews (Open Graph, X cards)."""
    flat = " ".join(text.split())
    if len(flat) <= _SUMMARY_LENGTH:
        return flat
    return flat[: _SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
