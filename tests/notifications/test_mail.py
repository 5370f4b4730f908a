"""Mail to recipients (issue 14): issued, replaced and revoked badges reach a real SMTP server
on loopback, through the outbox; the seeds' flags change what is sent; 4xx is retried, 5xx
recorded; with no SMTP the mail is held, then sent; headers cannot be injected."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from uuid import UUID

import httpx
from sqlalchemy import select

from plaudit.notifications import dispatch
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.event_tables import Event
from plaudit.store.notification_tables import FAILED, HELD, SENT, Mail
from plaudit.store.tables import Achievement, Credential
from tests.accredible.helpers import unique_email
from tests.credly.lifecycle_helpers import Org
from tests.notifications.conftest import SENDER, deliver
from tests.support.smtp_server import SmtpServer


def mails_of(database: Database, email: str) -> list[Mail]:
    with database.session(readonly=True) as session:
        return list(
            session.scalars(select(Mail).where(Mail.recipient_email == email).order_by(Mail.id))
        )


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def received(smtp: SmtpServer, email: str) -> list[EmailMessage]:
    return smtp.recorder.to(email)


def test_an_issued_badge_is_mailed_in_its_locale_with_links_and_unsubscribe(
    org: Org, smtp: SmtpServer, mail_database: Database, worker_settings: Settings
) -> None:
    email = unique_email()
    badge = org.issue(recipient_email=email, locale="fr")
    deliver(mail_database, worker_settings)

    [message] = received(smtp, email)
    [mail] = mails_of(mail_database, email)
    credential = org.row(badge["id"])
    assert credential is not None
    base = worker_settings.public_base_url
    page = f"{base}/c/{credential.encoded_id}"
    wallet = f"{base}/wallet?credential={credential.encoded_id}"
    assert mail.state == SENT and mail.kind == "issued" and mail.locale == "fr"
    assert message["Subject"] == f"Test Academy vous a décerné {credential.name}"
    assert message["To"].addresses[0].addr_spec == email
    assert message["To"].addresses[0].display_name == "Ada Lovelace"
    assert message["From"] == SENDER
    assert message["Message-ID"] == mail.message_id
    assert mail.message_id.endswith("@academy.test>")
    assert message["Content-Language"] == "fr"
    text, html = parts(message)
    assert "Bonjour Ada Lovelace" in text and "Félicitations" in text
    assert f"Voir votre certification: {page}" in text and wallet in text
    assert f'href="{page}"' in html and f'href="{wallet.replace("&", "&amp;")}"' in html
    assert message["List-Unsubscribe"] == f"<{mail.unsubscribe_url}>"
    assert mail.unsubscribe_url.startswith(f"{base}/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.unsubscribe_url in text


def test_suppress_badge_notification_email_sends_no_issue_mail(
    org: Org, smtp: SmtpServer, mail_database: Database, worker_settings: Settings
) -> None:
    email = unique_email()
    badge = org.issue(recipient_email=email, suppress_badge_notification_email=True)
    deliver(mail_database, worker_settings)

    assert received(smtp, email) == [] and mails_of(mail_database, email) == []
    with mail_database.session(readonly=True) as session:
        event = session.scalars(select(Event).where(Event.subject_uuid == badge_uuid(badge))).one()
        assert event.dispatched_at is not None


def test_a_credential_issued_unpublished_is_mailed_when_it_is_published(
    org: Org,
    smtp: SmtpServer,
    mail_api: httpx.Client,
    mail_database: Database,
    worker_settings: Settings,
) -> None:
    email = unique_email()
    with mail_database.session(readonly=True) as session:
        group_id = session.scalar(
            select(Achievement.id).where(Achievement.uuid == UUID(org.template))
        )
    recipient = {"name": "Ada Lovelace", "email": email}
    created = mail_api.post(
        "/v1/credentials",
        json={"credential": {"group_id": group_id, "recipient": recipient, "approve": False}},
    )
    assert created.status_code == 200, created.text
    deliver(mail_database, worker_settings)
    assert mails_of(mail_database, email) == []

    path = f"/v1/credentials/{created.json()['credential']['id']}"
    published = mail_api.put(path, json={"credential": {"approve": True}})
    assert published.status_code == 200, published.text
    deliver(mail_database, worker_settings)
    again = mail_api.put(path, json={"credential": {"approve": True, "name": "Same, renamed"}})
    assert again.status_code == 200, again.text
    deliver(mail_database, worker_settings)

    assert [mail.kind for mail in mails_of(mail_database, email)] == ["issued"]
    assert len(received(smtp, email)) == 1


def badge_uuid(badge: dict) -> UUID:
    return UUID(badge["id"])


def test_suppress_revoke_notification_email_sends_no_revoke_mail(
    org: Org, smtp: SmtpServer, mail_database: Database, worker_settings: Settings
) -> None:
    quiet, told = unique_email(), unique_email()
    quiet_badge = org.issue(recipient_email=quiet)
    told_badge = org.issue(recipient_email=told)
    for badge, suppress in ((quiet_badge, True), (told_badge, False)):
        body = {"reason": "Issued in error", "suppress_revoke_notification_email": suppress}
        response = org.send("PUT", f"/badges/{badge['id']}/revoke", json=body)
        assert response.status_code == 200, response.text
    deliver(mail_database, worker_settings)

    assert [mail.kind for mail in mails_of(mail_database, quiet)] == ["issued"]
    assert [mail.kind for mail in mails_of(mail_database, told)] == ["issued", "revoked"]
    revoked = received(smtp, told)[-1]
    assert "has been revoked" in revoked["Subject"]
    assert "has revoked your" in parts(revoked)[0]


def test_a_replacement_mails_its_notification_message(
    org: Org, smtp: SmtpServer, mail_database: Database, worker_settings: Settings
) -> None:
    email = unique_email()
    badge = org.issue(recipient_email=email)
    note = "Your grade was corrected <b>upwards</b> & re-issued."
    org.replaced(badge["id"], notification_message=note)
    deliver(mail_database, worker_settings)

    kinds = [mail.kind for mail in mails_of(mail_database, email)]
    assert kinds == ["issued", "replaced"]
    replaced = received(smtp, email)[-1]
    text, html = parts(replaced)
    assert "has been updated" in replaced["Subject"]
    assert note in text
    assert "Your grade was corrected &lt;b&gt;upwards&lt;/b&gt; &amp; re-issued." in html
    assert "<b>" not in html


def test_a_4xx_answer_is_retried_and_the_mail_arrives_once(
    org: Org, smtp: SmtpServer, mail_database: Database, worker_settings: Settings
) -> None:
    email = unique_email()
    smtp.recorder.answers[email] = ["451 4.3.0 Try again later"]
    org.issue(recipient_email=email)
    deliver(mail_database, worker_settings)

    [mail] = mails_of(mail_database, email)
    assert mail.state == SENT and mail.attempts == 2
    [message] = received(smtp, email)
    assert message["Message-ID"] == mail.message_id


def test_a_5xx_answer_is_recorded_failed_and_not_retried(
    org: Org, smtp: SmtpServer, mail_database: Database, worker_settings: Settings
) -> None:
    email = unique_email()
    smtp.recorder.answers[email] = ["550 5.1.1 No such user", "550 5.1.1 No such user"]
    org.issue(recipient_email=email)
    deliver(mail_database, worker_settings)

    [mail] = mails_of(mail_database, email)
    assert mail.state == FAILED and mail.attempts == 1
    assert mail.last_error is not None and "550" in mail.last_error
    assert received(smtp, email) == []
    assert smtp.recorder.answers[email] == ["550 5.1.1 No such user"]  # asked once only


def test_without_smtp_mail_is_held_then_sent_once_smtp_is_configured(
    org: Org, smtp: SmtpServer, mail_database: Database, worker_settings: Settings
) -> None:
    email = unique_email()
    org.issue(recipient_email=email)
    deliver(mail_database, worker_settings.model_copy(update={"smtp_host": None}))
    [mail] = mails_of(mail_database, email)
    assert mail.state == HELD and received(smtp, email) == []

    deliver(mail_database, worker_settings)
    [mail] = mails_of(mail_database, email)
    assert mail.state == SENT
    [message] = received(smtp, email)
    assert message["Message-ID"] == mail.message_id


def test_a_name_or_subject_cannot_inject_a_header(
    org: Org,
    smtp: SmtpServer,
    mail_api: httpx.Client,
    mail_database: Database,
    worker_settings: Settings,
) -> None:
    email, victim = unique_email(), unique_email()
    hostile = f"Eve\r\nBcc: {victim}\r\nX-Injected: yes"
    response = mail_api.put(
        "/v1/notifications/mail_templates/issued/en",
        json={"mail_template": {"subject": "Hi {{ recipient.name }}\r\nX-Other: 1", "body": "B"}},
    )
    assert response.status_code == 200, response.text
    badge = org.issue(recipient_email=email)
    with mail_database.transaction() as session:
        credential = session.scalars(
            select(Credential).where(Credential.uuid == badge_uuid(badge))
        ).one()
        credential.recipient_name = hostile
    deliver(mail_database, worker_settings)

    [message] = received(smtp, email)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["X-Other"] is None
    assert received(smtp, victim) == []
    assert message["Subject"] == f"Hi Eve Bcc: {victim} X-Injected: yes X-Other: 1"
    assert message["To"].addresses[0].addr_spec == email
    assert "Bcc" in message["To"].addresses[0].display_name


def test_two_dispatchers_compose_different_batches(
    org: Org, mail_database: Database, worker_settings: Settings
) -> None:
    """The first reserves its batch: the second composes none of it (nor its mail)."""
    email = unique_email()
    org.issue(recipient_email=email)
    secret, now = b"s" * 32, datetime.now(UTC)
    first = dispatch.compose_batch(mail_database, worker_settings, secret, now)
    second = dispatch.compose_batch(mail_database, worker_settings, secret, now)
    assert first.mails and not set(first.event_ids) & set(second.event_ids)

    assert dispatch.claim_and_queue(mail_database, first, now) == len(first.event_ids)
    assert [mail.kind for mail in mails_of(mail_database, email)] == ["issued"]


def test_a_dispatcher_that_outlived_its_reservation_queues_nothing(
    org: Org, mail_database: Database, worker_settings: Settings
) -> None:
    """Its batch, reserved again by another once the lease ran out, is queued once."""
    email = unique_email()
    org.issue(recipient_email=email)
    secret, now = b"s" * 32, datetime.now(UTC)
    later = now + timedelta(seconds=worker_settings.job_lease_seconds + 1)
    first = dispatch.compose_batch(mail_database, worker_settings, secret, now)
    second = dispatch.compose_batch(mail_database, worker_settings, secret, later)
    assert first.event_ids == second.event_ids and first.mails

    assert dispatch.claim_and_queue(mail_database, second, later) == len(second.event_ids)
    assert dispatch.claim_and_queue(mail_database, first, now) == 0
    assert [mail.kind for mail in mails_of(mail_database, email)] == ["issued"]
