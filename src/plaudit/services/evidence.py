"""A credential's evidence items and references, one at a time: add, read, change, remove.

The credential is found as `credentials.get` finds it (license id, id or encoded id, within the
caller's scope); an item of another credential is not found. Changes touch the credential's
`updated_at`, since they change what the credential shows.
"""

from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from plaudit.domain import credentials as rules
from plaudit.domain import limits
from plaudit.domain.credentials import EvidenceItemData, ReferenceData
from plaudit.domain.errors import NotFound
from plaudit.domain.scope import Scope
from plaudit.services import credentials
from plaudit.services.credentials import evidence_row, reference_row
from plaudit.store.tables import Credential, EvidenceItem, Reference, utcnow

Item = TypeVar("Item", EvidenceItem, Reference)


def get_evidence_item(
    session: Session, scope: Scope, credential_ref: str, item_id: int
) -> EvidenceItem:
    return _find(credentials.get(session, scope, credential_ref).evidence_items, item_id)


def add_evidence_item(
    session: Session, scope: Scope, credential_ref: str, data: EvidenceItemData
) -> EvidenceItem:
    """Adds an item; without a position it goes after the credential's last one."""
    credential = credentials.get(session, scope, credential_ref)
    rules.check_evidence_item(data)
    item = evidence_row(data, default_position=_next_position(credential.evidence_items))
    credential.evidence_items.append(item)
    _touch(session, credential)
    return item


def change_evidence_item(
    session: Session, scope: Scope, credential_ref: str, item_id: int, changes: dict[str, Any]
) -> EvidenceItem:
    """Changes the given fields (`EvidenceItemData` names); a new `url` or `file` replaces the
    item's link, whichever of the two it came from."""
    credential = credentials.get(session, scope, credential_ref)
    item = _find(credential.evidence_items, item_id)
    current = EvidenceItemData(
        description=item.description,
        category=item.category,
        url=None if {"url", "file"} & changes.keys() else item.link_url,
        preview=item.preview_image_url,
        string_object=item.string_object,
        position=item.position,
        supplemental=item.supplemental,
    )
    data = replace(current, **changes)
    rules.check_evidence_item(data)
    evidence_row(data, default_position=item.position, row=item)
    _touch(session, credential)
    return item


def remove_evidence_item(
    session: Session, scope: Scope, credential_ref: str, item_id: int
) -> EvidenceItem:
    credential = credentials.get(session, scope, credential_ref)
    item = _find(credential.evidence_items, item_id)
    credential.evidence_items.remove(item)
    _touch(session, credential)
    return item


def get_reference(session: Session, scope: Scope, credential_ref: str, item_id: int) -> Reference:
    return _find(credentials.get(session, scope, credential_ref).references, item_id)


def add_reference(
    session: Session, scope: Scope, credential_ref: str, data: ReferenceData
) -> Reference:
    """Adds a reference; without a position it goes after the credential's last one."""
    credential = credentials.get(session, scope, credential_ref)
    rules.check_reference(data)
    reference = reference_row(data, default_position=_next_position(credential.references))
    credential.references.append(reference)
    _touch(session, credential)
    return reference


def change_reference(
    session: Session, scope: Scope, credential_ref: str, item_id: int, changes: dict[str, Any]
) -> Reference:
    """Changes the given fields (`ReferenceData` names)."""
    credential = credentials.get(session, scope, credential_ref)
    reference = _find(credential.references, item_id)
    current = ReferenceData(
        description=reference.description,
        relationship=reference.relationship,
        referee_name=reference.referee_name,
        referee_email=reference.referee_email,
        referee_avatar=reference.referee_avatar,
        referee_url=reference.referee_url,
        supplemental=reference.supplemental,
        approve=reference.approve,
        position=reference.position,
    )
    data = replace(current, **changes)
    rules.check_reference(data)
    reference_row(data, default_position=reference.position, row=reference)
    _touch(session, credential)
    return reference


def remove_reference(
    session: Session, scope: Scope, credential_ref: str, item_id: int
) -> Reference:
    credential = credentials.get(session, scope, credential_ref)
    reference = _find(credential.references, item_id)
    credential.references.remove(reference)
    _touch(session, credential)
    return reference


def _find(items: list[Item], item_id: int) -> Item:
    if limits.is_storable_id(item_id):
        for item in items:
            if item.id == item_id:
                return item
    raise NotFound("evidence")


def _next_position(items: list[EvidenceItem] | list[Reference]) -> int:
    """After the last item; capped so that it still fits the column."""
    return min(max((item.position for item in items), default=-1) + 1, limits.INT32_MAX)


def _touch(session: Session, credential: Credential) -> None:
    credential.updated_at = utcnow()
    session.flush()
