"""One credential as `/dashboard/credentials/{id}` shows it: the credential, its links, what
happened to it in public (analytics events), and which actions its state allows."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plaudit.dashboard.credential_list import REVOKED, state_of
from plaudit.domain import analytics as kinds
from plaudit.domain import limits
from plaudit.domain.errors import NotFound
from plaudit.domain.scope import Scope
from plaudit.services.credentials import scoped
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.store.tables import Credential
from plaudit.web import urls
from plaudit.web.credential_files import file_key

LATEST_EVENTS = 20
# Share channels that put the credential on LinkedIn (web/credential_links.py).
LINKEDIN_CHANNELS = frozenset({kinds.LINKEDIN, kinds.LINKEDIN_PROFILE})
KIND_LABELS = {
    kinds.VIEW: "Views",
    kinds.SHARE: "Shares",
    kinds.DOWNLOAD: "Downloads",
    kinds.LINK_CLICK: "Link clicks",
    kinds.VERIFY: "Verifications",
}


@dataclass(frozen=True)
class ShownEvent:
    at: datetime
    kind: str
    channel: str | None
    by_recipient: bool


@dataclass(frozen=True)
class Detail:
    credential: Credential  # loaded with its achievement and evidence items
    state: str
    page_url: str
    pdf_url: str | None  # only a published credential has files
    totals: list[tuple[str, int]]
    latest_events: list[ShownEvent]
    actions: list[str]


def find(session: Session, scope: Scope, credential_id: str) -> Credential:
    """The scope's credential by its id; any other (another organization's) is a NotFound."""
    number = limits.parse_id(credential_id)
    credential = (
        session.scalar(scoped(scope).where(Credential.id == number))
        if number is not None and limits.is_storable_id(number)
        else None
    )
    if credential is None:
        raise NotFound("credential")
    return credential


def actions_for(credential: Credential) -> list[str]:
    """The actions the credential's state allows, in the order the page offers them."""
    if credential.replaced_by_id is not None:
        return ["delete"]  # a replaced credential is frozen; only its chain's end changes
    revoked = credential.state == REVOKED
    shown = []
    if credential.approve and not revoked:
        shown.append("resend")
    shown.append("unpublish" if credential.approve else "publish")
    if not revoked:
        shown.append("revoke")
    shown.append("delete")
    return shown


def detail(
    session: Session, scope: Scope, credential_id: str, *, base_url: str, secret: bytes, today: date
) -> Detail:
    credential = find(session, scope, credential_id)
    encoded_id = credential.encoded_id
    pdf_url = (
        urls.keyed_certificate_pdf(base_url, encoded_id, file_key(secret, encoded_id))
        if credential.approve
        else None
    )
    return Detail(
        credential=credential,
        state=state_of(credential, today),
        page_url=urls.credential_page(base_url, encoded_id),
        pdf_url=pdf_url,
        totals=_totals(session, credential.id),
        latest_events=_latest(session, credential.id),
        actions=actions_for(credential),
    )


def _totals(session: Session, credential_id: int) -> list[tuple[str, int]]:
    """Events per kind (LinkedIn shares apart too), in one grouped statement; kinds a later
    version records show under their own name."""
    rows = session.execute(
        select(AnalyticsEvent.kind, AnalyticsEvent.channel, func.count())
        .where(AnalyticsEvent.credential_id == credential_id)
        .group_by(AnalyticsEvent.kind, AnalyticsEvent.channel)
    ).all()
    by_kind: dict[str, int] = dict.fromkeys(KIND_LABELS, 0)
    linkedin = 0
    for kind, channel, count in rows:
        by_kind[kind] = by_kind.get(kind, 0) + count
        if kind == kinds.SHARE and channel in LINKEDIN_CHANNELS:
            linkedin += count
    totals = [
        (KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()), n)
        for kind, n in by_kind.items()
    ]
    totals.insert(2, ("Added to or shared on LinkedIn", linkedin))
    return totals


def _label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def _latest(session: Session, credential_id: int) -> list[ShownEvent]:
    rows = session.execute(
        select(
            AnalyticsEvent.created_at,
            AnalyticsEvent.kind,
            AnalyticsEvent.channel,
            AnalyticsEvent.by_recipient,
        )
        .where(AnalyticsEvent.credential_id == credential_id)
        .order_by(AnalyticsEvent.created_at.desc(), AnalyticsEvent.id.desc())
        .limit(LATEST_EVENTS)
    ).all()
    return [ShownEvent(*row) for row in rows]
