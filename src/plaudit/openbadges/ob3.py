"""Open Badges 3.0: a credential as an unsigned `OpenBadgeCredential` (VC Data Model 2.0).

A pure function of loaded rows. Empty values are left out, text loses the control characters
that JSON-LD processors escape differently (so that every verifier canonicalizes it the same
way), and only well-formed absolute http(s) URLs become ids. Evidence the recipient added
themselves (supplemental) is not the issuer's to sign and stays out. The grade and the custom
attributes are the subject's `result`s, each described on the achievement
(docs/compatibility.md has the mapping).
"""

import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from plaudit.domain.achievements import ACHIEVEMENT_TYPES
from plaudit.openbadges.contexts import CREDENTIALS_V2, OB_V3P0
from plaudit.store.tables import Credential, EvidenceItem, Organization
from plaudit.web import urls

CONTEXT = [CREDENTIALS_V2, OB_V3P0]
TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_URL = re.compile(r"https?://[!#-;=?-\[\]_a-z~A-Z]+")
_EXTENSION_TYPE = re.compile(r"ext:[a-zA-Z0-9.\-_|]+")


@dataclass(frozen=True)
class Issuer:
    """The organization as the credential names it."""

    id: str  # its DID
    organization: Organization


def text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = _CONTROL.sub("", value.replace("\t", " "))
    return cleaned or None


def url(value: str | None) -> str | None:
    return value if value and _URL.fullmatch(value) else None


def timestamp(day: date) -> str:
    return datetime.combine(day, time(0, 0)).isoformat() + "Z"


def recipient_salt(server_secret: bytes, credential: Credential) -> str:
    """Fixed per credential, so that its document does not change between signings, and not
    computable without the server's secret."""
    message = f"ob3-recipient-salt:{credential.uuid}".encode()
    return hmac.new(server_secret, message, hashlib.sha256).hexdigest()[:32]


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _compact(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value not in (None, [], {})}


def profile(issuer: Issuer, *, full: bool = True) -> dict[str, Any]:
    organization = issuer.organization
    document = {"id": issuer.id, "type": ["Profile"], "name": text(organization.name)}
    if full:
        document.update(
            url=url(organization.url),
            email=text(organization.email),
            description=text(organization.description),
        )
    return _compact(document)


def _achievement(
    credential: Credential,
    issuer: Issuer,
    base_url: str,
    result_descriptions: list[dict[str, Any]],
) -> dict[str, Any]:
    achievement = credential.achievement
    tags = [text(outcome) for outcome in achievement.learning_outcomes or [] if text(outcome)]
    if achievement.skill_category is not None and text(achievement.skill_category.name):
        tags.append(text(achievement.skill_category.name))
    kind = achievement.achievement_type
    if kind is not None and kind not in ACHIEVEMENT_TYPES and not _EXTENSION_TYPE.fullmatch(kind):
        kind = None
    criteria = _compact(
        {"id": url(achievement.course_link), "narrative": text(achievement.course_description)}
    )
    return _compact(
        {
            "id": f"urn:uuid:{achievement.uuid}",
            "type": ["Achievement"],
            "name": text(achievement.course_name) or text(credential.name),
            "description": text(achievement.course_description) or text(credential.description),
            "criteria": criteria or {"narrative": text(credential.name)},
            "image": {"id": urls.badge_image(base_url, credential.encoded_id), "type": "Image"},
            "creator": profile(issuer, full=False),
            "tag": list(dict.fromkeys(tags)),
            "achievementType": kind,
            "inLanguage": text(achievement.language),
            "resultDescription": result_descriptions,
        }
    )


def _result_values(credential: Credential) -> list[tuple[str, str, str]]:
    """(key, name, value) of each result the credential carries: its grade, then its custom
    attributes by key. Values are text (numbers and booleans as JSON writes them), which also
    keeps them on canonical.py's fast path; empty ones are left out."""
    found: list[tuple[str, str | None, str | None]] = [("grade", "Grade", text(credential.grade))]
    for key, value in sorted((credential.custom_attributes or {}).items()):
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        # json.dumps: the key as ASCII, whatever it holds (uuid5 refuses lone surrogates).
        found.append(
            (f"custom:{json.dumps(key)}", text(key), None if value is None else text(shown))
        )
    kept = []
    for key, name, value in found:
        if name and value:
            kept.append((key, name, value))
    return kept


def _result_description_id(credential: Credential, key: str) -> str:
    """Fixed per achievement and result, so every credential of a group names the same one."""
    return f"urn:uuid:{uuid.uuid5(credential.achievement.uuid, key)}"


def _results(credential: Credential) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The subject's `result` list and the achievement's `resultDescription` list: each result
    points at its description by id (Open Badges 3.0, 4.8.11 and 4.8.12)."""
    results, descriptions = [], []
    for key, name, value in _result_values(credential):
        description_id = _result_description_id(credential, key)
        descriptions.append(
            {
                "id": description_id,
                "type": ["ResultDescription"],
                "name": name,
                "resultType": "Result",
            }
        )
        results.append({"type": ["Result"], "resultDescription": description_id, "value": value})
    return results, descriptions


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    return _compact(
        {
            "id": url(item.link_url),
            "type": ["Evidence"],
            "name": text(item.description),
            "narrative": text(item.string_object),
            "genre": text(item.category),
        }
    )


def build_credential(
    credential: Credential,
    issuer: Issuer,
    *,
    base_url: str,
    salt: str,
    status: dict[str, Any] | None,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential. `status` is its `credentialStatus` entry."""
    results, result_descriptions = _results(credential)
    subject = _compact(
        {
            "type": ["AchievementSubject"],
            "name": text(credential.recipient_name),
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(credential.recipient_email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": _achievement(credential, issuer, base_url, result_descriptions),
            "result": results,
        }
    )
    evidence = [_evidence(item) for item in credential.evidence_items if not item.supplemental]
    return _compact(
        {
            "@context": list(CONTEXT),
            "id": f"urn:uuid:{credential.uuid}",
            "type": list(TYPE),
            "name": text(credential.name) or text(credential.achievement.course_name),
            "description": text(credential.description),
            "image": {"id": urls.badge_image(base_url, credential.encoded_id), "type": "Image"},
            "issuer": profile(issuer),
            "validFrom": timestamp(credential.issued_on),
            "validUntil": timestamp(credential.expired_on) if credential.expired_on else None,
            "credentialSubject": subject,
            "evidence": evidence,
            "credentialStatus": status,
        }
    )
