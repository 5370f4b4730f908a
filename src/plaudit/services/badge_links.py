"""The UUIDs of the badges a page of badges links to (`replaced_by_id`, `replaces_id` hold
integer ids; Credly shows `replacement_badge_id` and `replaces_badge_id` as UUIDs)."""

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.store.tables import Credential


def linked_uuids(session: Session, badges: Iterable[Credential]) -> dict[int, UUID]:
    """UUID by credential id of every badge `badges` replace or are replaced by, in one query
    (none when no badge links anywhere). Pass it to badge_mapping.badge_out as `links` so a
    list costs one query, not one per badge."""
    wanted = {
        linked
        for badge in badges
        for linked in (badge.replaced_by_id, badge.replaces_id)
        if linked is not None
    }
    if not wanted:
        return {}
    rows = session.execute(select(Credential.id, Credential.uuid).where(Credential.id.in_(wanted)))
    return {row.id: row.uuid for row in rows}
