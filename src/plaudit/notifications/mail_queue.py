"""Queueing mail: one `mails` row per message, composed in full when it is queued (subject,
parts, Message-ID), so that every later send of it is byte-for-byte the same message.

The dispatcher composes in a read-only session and adds the rows in its short writing
transaction, with the events marked dispatched (the row commits with its event marked, or
neither does); the reminders compose and add in one transaction."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain.locales import DEFAULT_LOCALE, supported
from plaudit.notifications import templates, unsubscribe
from plaudit.render.fields import credential_fields
from plaudit.settings import Settings
from plaudit.store.notification_tables import HELD, PENDING, Mail
from plaudit.store.tables import Credential, Organization
from plaudit.web import urls

NAME_LENGTH = 255


def message_domain(settings: Settings) -> str:
    """The right-hand side of every Message-ID: the From address's domain."""
    address = parseaddr(settings.smtp_from)[1]
    return address.rpartition("@")[2] or "localhost"


def locale_of(credential: Credential, organization: Organization) -> str:
    return (
        supported(credential.locale)
        or supported(credential.achievement.language)
        or supported(organization.language)
        or DEFAULT_LOCALE
    )


class MailQueue:
    """Makes the mail of one transaction; `prepare` loads what the credentials' mail needs in
    a few statements (organizations, templates, unsubscribes) instead of one per mail."""

    def __init__(self, session: Session, settings: Settings, secret: bytes, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.secret = secret
        self.now = now
        self.domain = message_domain(settings)
        self._organizations: dict[int, Organization] = {}
        self._templates: dict[tuple[int, str, str], templates.Wording] = {}
        self._unsubscribed: set[tuple[int, str]] = set()

    def prepare(self, credentials: Iterable[Credential]) -> None:
        listed = list(credentials)
        organization_ids = {item.organization_id for item in listed}
        self._organizations = {
            row.id: row
            for row in self.session.scalars(
                select(Organization).where(Organization.id.in_(organization_ids))
            )
        }
        self._templates = templates.organization_templates(self.session, organization_ids)
        self._unsubscribed = unsubscribe.unsubscribed_among(
            self.session,
            {(item.organization_id, item.recipient_email_normalized) for item in listed},
        )

    def add(
        self, credential: Credential, kind: str, dedupe_key: str, message: str | None = None
    ) -> Mail | None:
        """Compose one mail (for the caller to add to its writing session); None when the
        recipient has unsubscribed from the organization."""
        key = (credential.organization_id, credential.recipient_email_normalized)
        organization = self._organizations.get(credential.organization_id)
        if organization is None or key in self._unsubscribed:
            return None
        locale = locale_of(credential, organization)
        base_url = self.settings.public_base_url
        links = templates.Links(
            page=urls.credential_page(base_url, credential.encoded_id),
            wallet=urls.wallet(base_url, credential=credential.encoded_id),
            unsubscribe=unsubscribe.url(
                base_url,
                unsubscribe.token(
                    self.secret, credential.organization_id, credential.recipient_email
                ),
            ),
        )
        fields = {
            **credential_fields(
                credential=credential,
                group=credential.achievement,
                issuer_name=organization.name,
                issuer_url=organization.url,
                url=links.page,
            ),
            "notification.message": message or "",
        }
        wording = templates.wording_for(self._templates, organization.id, kind, locale)
        composed = templates.compose(wording, fields, links, locale)
        row_uuid = uuid.uuid4()
        mail = Mail(
            uuid=row_uuid,
            organization_id=credential.organization_id,
            credential_id=credential.id,
            kind=kind,
            dedupe_key=dedupe_key,
            locale=locale,
            recipient_email=credential.recipient_email,
            recipient_name=credential.recipient_name[:NAME_LENGTH],
            message_id=f"<{row_uuid.hex}@{self.domain}>",
            subject=composed.subject,
            text_body=composed.text,
            html_body=composed.html,
            unsubscribe_url=links.unsubscribe,
            state=PENDING if self.settings.smtp_host else HELD,
            attempts=0,
            run_after=self.now,
            created_at=self.now,
        )
        return mail
