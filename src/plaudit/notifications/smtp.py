"""Sending queued mail over SMTP (smtplib), one connection per batch, opened when the first
mail of the batch is sent and opened again after an error.

What an answer means (issue 14): a 5xx refusal of the sender, the recipient or the data is
final (`Refused`, recorded failed); a 4xx, a lost connection, a timeout or a failed login is
retried. The password goes to the server only, never into a log or an error text."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from types import TracebackType

from plaudit.notifications import message
from plaudit.notifications.deliveries import Refused
from plaudit.settings import Settings
from plaudit.store.notification_tables import Mail


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("PLAUDIT_SMTP_HOST is not set")
        self.settings = settings
        self.envelope_from = parseaddr(settings.smtp_from)[1]
        self._connection: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpSender":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def __call__(self, mail: Mail) -> None:
        try:
            built = message.build(mail, self.settings.smtp_from)
        except ValueError as error:
            raise Refused(f"cannot be written as a message: {error}") from None
        try:
            connection = self._connect()
            connection.send_message(built, self.envelope_from, [mail.recipient_email])
        except smtplib.SMTPRecipientsRefused as error:
            self._reset()
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise Refused(f"recipient refused: {codes[0]}") from None
            raise
        except smtplib.SMTPAuthenticationError:
            self.close()
            raise
        except smtplib.SMTPResponseException as error:
            self._reset()
            if 500 <= error.smtp_code < 600:
                raise Refused(f"{error.smtp_code} {_text(error.smtp_error)}") from None
            raise
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def send(self, built: EmailMessage, recipient: str) -> None:
        """One message that is no queued mail (a dashboard password reset), sent at once:
        errors are the caller's."""
        try:
            self._connect().send_message(built, self.envelope_from, [recipient])
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        settings = self.settings
        host, port, timeout = (
            settings.smtp_host or "",
            settings.smtp_port,
            settings.smtp_timeout_seconds,
        )
        connection: smtplib.SMTP
        if settings.smtp_tls:
            connection = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
            if settings.smtp_starttls:
                connection.starttls(context=ssl.create_default_context())
        try:
            if settings.smtp_username:
                password = (
                    settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                )
                connection.login(settings.smtp_username, password)
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _reset(self) -> None:
        """After a refused mail the connection is fine for the next one, once reset."""
        connection = self._connection
        if connection is None:
            return
        try:
            connection.rset()
        except (OSError, smtplib.SMTPException):
            self.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
