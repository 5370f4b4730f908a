"""What recipients and issuers do with the mail: unsubscribe (one click, honoured for later
mail), reminders (once each), the organization's own templates, and the mail list API."""

from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import select

from plaudit.notifications import reminders
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.notification_tables import Mail
from plaudit.store.tables import Credential
from tests.accredible.helpers import unique_email
from tests.credly.lifecycle_helpers import Org, template
from tests.notifications.conftest import deliver
from tests.support.live_server import LiveServer
from tests.support.smtp_server import SmtpServer
from tests.support.tenants import Tenant, add_department, department_key, make_tenant


def kinds(database: Database, email: str) -> list[str]:
    with database.session(readonly=True) as session:
        return list(
            session.scalars(
                select(Mail.kind).where(Mail.recipient_email == email).order_by(Mail.id)
            )
        )


def test_one_click_unsubscribe_stops_later_mail_from_that_organization(
    org: Org,
    smtp: SmtpServer,
    mail_api: httpx.Client,
    mail_database: Database,
    worker_settings: Settings,
) -> None:
    email = unique_email()
    org.issue(recipient_email=email)
    deliver(mail_database, worker_settings)
    [message] = smtp.recorder.to(email)
    link = message["List-Unsubscribe"].strip("<>")

    asked = org.http.get(link)
    assert asked.status_code == 200 and email in asked.text
    assert kinds(mail_database, email) == ["issued"]  # a GET changes nothing
    one_click = org.http.post(link, content=message["List-Unsubscribe-Post"])
    assert one_click.status_code == 200 and "no more mail" in one_click.text
    assert org.http.post(link).status_code == 200  # twice is fine
    forged = org.http.post(link[:-3] + "xyz")
    assert forged.status_code == 404

    org.template = template(mail_api, mail_database)
    org.issue(recipient_email=email)
    deliver(mail_database, worker_settings)
    assert kinds(mail_database, email) == ["issued"]
    assert len(smtp.recorder.to(email)) == 1


def test_reminders_are_queued_once_for_pending_and_expiring_badges(
    org: Org, mail_database: Database, worker_settings: Settings
) -> None:
    pending, expiring, recent = unique_email(), unique_email(), unique_email()
    today = datetime.now(UTC).date()
    org.issue(recipient_email=pending)  # issued in 2024, still pending
    org.issue(recipient_email=expiring, expires_at=(today + timedelta(days=10)).isoformat())
    org.issue(recipient_email=recent, issued_at=today.isoformat())
    with mail_database.transaction() as session:
        for credential in session.scalars(
            select(Credential).where(Credential.recipient_email == expiring)
        ):
            credential.state = "accepted"
    settings = worker_settings.model_copy(
        update={"mail_accept_reminder_days": 7, "mail_expiry_reminder_days": 30}
    )
    deliver(mail_database, worker_settings)

    secret = server_secret(settings)
    for _ in range(2):  # the second pass finds nothing new
        with mail_database.transaction() as session:
            reminders.queue_reminders(session, settings, secret, datetime.now(UTC), today)
    assert kinds(mail_database, pending) == ["issued", "accept_reminder"]
    assert kinds(mail_database, expiring) == ["issued", "expiry_reminder"]
    assert kinds(mail_database, recent) == ["issued"]
    assert reminders.expiry_key(7, date(2027, 1, 2)) == "expiry_reminder:7:2027-01-02"


def test_the_organizations_template_in_the_recipients_locale_is_used(
    org: Org,
    smtp: SmtpServer,
    mail_api: httpx.Client,
    mail_database: Database,
    worker_settings: Settings,
) -> None:
    email, other = unique_email(), unique_email()
    response = mail_api.put(
        "/v1/notifications/mail_templates/issued/de",
        json={
            "mail_template": {
                "subject": "Neu: {{ credential.name }}",
                "body": "Hallo {{ recipient.name }}!",
            }
        },
    )
    assert response.status_code == 200, response.text
    assert (
        mail_api.get("/v1/notifications/mail_templates").json()["mail_templates"][0]["locale"]
        == "de"
    )
    refused = mail_api.put(
        "/v1/notifications/mail_templates/issued/xx",
        json={"mail_template": {"subject": "", "body": "b"}},
    )
    assert refused.status_code == 422
    org.issue(recipient_email=email, locale="de")
    org.issue(recipient_email=other, locale="ja")
    deliver(mail_database, worker_settings)

    [german] = smtp.recorder.to(email)
    assert german["Subject"].startswith("Neu: ")
    assert "Hallo Ada Lovelace!" in german.get_body(("plain",)).get_content()
    [japanese] = smtp.recorder.to(other)
    assert "が授与されました" in japanese["Subject"]


def test_the_mail_list_shows_the_organizations_mail_only_with_paging(
    org: Org,
    mail_api: httpx.Client,
    mail_server: LiveServer,
    mail_database: Database,
    mail_tenant: Tenant,
    worker_settings: Settings,
) -> None:
    emails = [unique_email() for _ in range(3)]
    for email in emails:
        org.issue(recipient_email=email)
    deliver(mail_database, worker_settings)

    first = mail_api.get("/v1/notifications/mails", params={"page_size": 2})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["meta"]["total_count"] == 3 and body["meta"]["next_page"] == 2
    assert [item["recipient_email"] for item in body["mails"]] == emails[::-1][:2]
    assert body["mails"][0]["state"] == "sent" and body["mails"][0]["message_id"]
    sent = mail_api.get("/v1/notifications/mails", params={"state": "held"}).json()
    assert sent["meta"]["total_count"] == 0
    assert mail_api.get("/v1/notifications/mails", params={"state": "x"}).status_code == 422

    stranger = make_tenant(mail_database, "Other Academy")
    headers = {"Authorization": f"Token token={stranger.api_key}"}
    other = httpx.get(f"{mail_server.base_url}/v1/notifications/mails", headers=headers, timeout=30)
    assert other.status_code == 200 and other.json()["mails"] == []
    department = add_department(mail_database, mail_tenant.organization_id, "Elsewhere")
    scoped_key = department_key(mail_database, mail_tenant.organization_id, department)
    scoped = {"Authorization": f"Token token={scoped_key}"}
    assert (
        httpx.get(
            f"{mail_server.base_url}/v1/notifications/mails", headers=scoped, timeout=30
        ).json()["mails"]
        == []
    )
    assert (
        httpx.get(f"{mail_server.base_url}/v1/notifications/mails", timeout=30).status_code == 401
    )
