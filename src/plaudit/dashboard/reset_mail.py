"""The password-reset mail of a team member, sent at once over the project's SMTP settings
(notifications/smtp.py), after the answer to the form has gone: the answer neither waits for
the mail server nor tells, by its timing, whether the email belongs to anyone."""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from plaudit.notifications.smtp import SmtpSender
from plaudit.settings import Settings

logger = logging.getLogger("plaudit.dashboard")
SUBJECT = "Reset your Plaudit password"


@dataclass(frozen=True)
class ResetMail:
    name: str
    email: str
    organization_name: str
    link: str = field(repr=False)  # opens the account: never in a log


def can_send(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def build(mail: ResetMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=" ".join(mail.name.split()), addr_spec=mail.email)
    message["Subject"] = SUBJECT
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="plaudit.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"Someone (we hope you) asked to reset your password for {mail.organization_name} "
        f"on Plaudit.\n\nSet a new one here within the hour:\n{mail.link}\n\n"
        "If it was not you, ignore this mail: your password stays as it is.\n"
    )
    return message


def send_all(mails: list[ResetMail], settings: Settings) -> None:
    """Sends each; a failure is logged (without the link) and the others still go."""
    if not mails:
        return
    with SmtpSender(settings) as sender:
        for mail in mails:
            try:
                sender.send(build(mail, settings.smtp_from), mail.email)
            except (OSError, smtplib.SMTPException, ValueError) as error:
                fields = {"error": type(error).__name__}
                logger.warning("dashboard.reset_mail.failed", extra={"fields": fields})
