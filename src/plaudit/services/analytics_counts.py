"""Analytics events counted as they are written: per organization, UTC day and achievement
(analytics_days, what the dashboard's charts add up) and per credential (credential_engagement,
the views and shares its row in the list shows and sorts by).

Why: grouping a year of a large organization's events (100,000 and more) on every chart cost
200 ms and more a request; a year of days is a few thousand rows per organization. The counts
change in the same transaction as the events they count, in every place that writes or removes
events: the page-view batch (web/page_views.py), `services/analytics.record`, a credential's
deletion (`forget`: its events go by cascade) and a credential moved to another achievement
(`move`). Migration 0028 counted the events written before it.

Whoever counts a credential's events locks its row for share first (PostgreSQL; SQLite has one
writer at a time), and whoever deletes or moves it holds it for update: a batch of views that
races a move counts them under the achievement they end up in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plaudit.domain import analytics as kinds
from plaudit.store.conflicts import add_on_conflict
from plaudit.store.reporting_tables import AnalyticsDay, AnalyticsEvent, CredentialEngagement
from plaudit.store.tables import Credential
from plaudit.store.time_buckets import bucket_start

DAY_COUNTERS = ("viewed", "shared", "added_to_linkedin", "verified")
_DAY_KEYS = ("organization_id", "day", "achievement_id")
# Ids in one IN list: well under what SQLite and PostgreSQL take as bound parameters.
_IDS_PER_STATEMENT = 500


@dataclass(frozen=True)
class Event:
    """What counting needs of an event; `times` alike events at once."""

    credential_id: int
    kind: str
    channel: str | None
    created_at: datetime
    times: int = 1


@dataclass(frozen=True)
class Home:
    """Where a credential's events are counted."""

    organization_id: int
    achievement_id: int


def homes(session: Session, credential_ids: Iterable[int]) -> dict[int, Home]:
    """The credentials of `credential_ids` that still exist, locked for share until the caller
    commits (so that none is moved or deleted before its events are counted)."""
    found: dict[int, Home] = {}
    wanted = sorted(set(credential_ids))
    for first in range(0, len(wanted), _IDS_PER_STATEMENT):
        rows = session.execute(
            select(Credential.id, Credential.organization_id, Credential.achievement_id)
            .where(Credential.id.in_(wanted[first : first + _IDS_PER_STATEMENT]))
            .with_for_update(read=True)
        )
        for id_, organization_id, achievement_id in rows:
            found[id_] = Home(organization_id, achievement_id)
    return found


def count(session: Session, events: Sequence[Event], found: dict[int, Home]) -> None:
    """Adds `events` (written in this transaction, of credentials in `found`) to the counts."""
    _add_days(session, events, found, sign=1)
    _add_engagement(session, events, found)


def forget(session: Session, credential: Credential) -> None:
    """Takes a credential's events out of the day counts before it is deleted (its engagement
    row goes with it, by cascade)."""
    home = _locked(session, credential)
    _add_days(session, _events_of(session, credential.id), {credential.id: home}, sign=-1)


def move(session: Session, credential: Credential, from_achievement_id: int) -> None:
    """Moves a credential's events' day counts from the achievement it was in to the one it is
    in now (`credential.achievement_id`)."""
    if from_achievement_id == credential.achievement_id:
        return
    home = _locked(session, credential)
    events = _events_of(session, credential.id)
    before = Home(home.organization_id, from_achievement_id)
    _add_days(session, events, {credential.id: before}, sign=-1)
    _add_days(session, events, {credential.id: home}, sign=1)


def day_of(moment: datetime) -> date:
    """The UTC day an event is counted in (what time_buckets.bucket_start gives in SQL)."""
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def _locked(session: Session, credential: Credential) -> Home:
    session.execute(select(Credential.id).where(Credential.id == credential.id).with_for_update())
    return Home(credential.organization_id, credential.achievement_id)


def _events_of(session: Session, credential_id: int) -> list[Event]:
    """A credential's counted events, one per (day, kind, channel) with how many there were."""
    day = bucket_start(session.get_bind().dialect.name, "day", AnalyticsEvent.created_at)
    rows = session.execute(
        select(day, AnalyticsEvent.kind, AnalyticsEvent.channel, func.count())
        .where(
            AnalyticsEvent.credential_id == credential_id,
            AnalyticsEvent.kind.in_((kinds.VIEW, kinds.SHARE, kinds.VERIFY)),
        )
        .group_by(day, AnalyticsEvent.kind, AnalyticsEvent.channel)
    )
    return [
        Event(credential_id, kind, channel, datetime.combine(on, time(), UTC), times)
        for on, kind, channel, times in rows
    ]


def _add_days(
    session: Session, events: Iterable[Event], found: dict[int, Home], *, sign: int
) -> None:
    days: dict[tuple[int, date, int], dict[str, int]] = {}
    for event in events:
        home = found[event.credential_id]
        key = (home.organization_id, day_of(event.created_at), home.achievement_id)
        for counter in _day_counters(event):
            days.setdefault(key, dict.fromkeys(DAY_COUNTERS, 0))[counter] += sign * event.times
    rows = [dict(zip(_DAY_KEYS, key, strict=True)) | counts for key, counts in days.items()]
    add_on_conflict(session, AnalyticsDay.__table__, _DAY_KEYS, DAY_COUNTERS, rows)


def _add_engagement(session: Session, events: Iterable[Event], found: dict[int, Home]) -> None:
    counts: dict[int, dict[str, int]] = {}
    for event in events:
        if event.kind in (kinds.VIEW, kinds.SHARE):
            row = counts.setdefault(
                event.credential_id,
                {
                    "organization_id": found[event.credential_id].organization_id,
                    "views": 0,
                    "shares": 0,
                },
            )
            row["views" if event.kind == kinds.VIEW else "shares"] += event.times
    rows = [{"credential_id": id_} | row for id_, row in counts.items()]
    add_on_conflict(
        session, CredentialEngagement.__table__, ("credential_id",), ("views", "shares"), rows
    )


def _day_counters(event: Event) -> tuple[str, ...]:
    if event.kind == kinds.VIEW:
        return ("viewed",)
    if event.kind == kinds.VERIFY:
        return ("verified",)
    if event.kind == kinds.SHARE:
        to_profile = event.channel == kinds.LINKEDIN_PROFILE
        return ("shared", "added_to_linkedin") if to_profile else ("shared",)
    return ()
