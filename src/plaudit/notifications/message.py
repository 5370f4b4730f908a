"""A queued mail as an RFC 5322 message, built by the email library: every header value goes
through it, so a name or subject holding CR/LF cannot add a header (the library refuses it,
and the queued subject and name have none: see templates.py and `_one_line`)."""

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from plaudit.store.notification_tables import Mail

_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f]+")


def build(mail: Mail, sender: str) -> EmailMessage:
    """Raises ValueError for an address the email library cannot write."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(
        display_name=_one_line(mail.recipient_name), addr_spec=mail.recipient_email
    )
    message["Subject"] = _one_line(mail.subject)
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"
    # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe.
    message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    # After the parts are made: making them moves every Content-* header into the first.
    message["Content-Language"] = mail.locale
    return message


def _one_line(value: str) -> str:
    return _LINE_BREAKS.sub(" ", value).strip()
