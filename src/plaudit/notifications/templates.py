"""Mail wording: an organization's template for the kind and locale, else the built-in one,
filled with the designs' merge fields and made into a subject, a text part and an HTML part.

Merged values are text: the HTML part escapes everything it is made of (the organization's
template included), so neither a recipient's name nor a template can bring in markup."""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain.locales import DEFAULT_LOCALE, language
from plaudit.notifications.wording import DEFAULTS, LINKS
from plaudit.render.sanitize import MERGE_FIELD
from plaudit.store.notification_tables import MailTemplate

SUBJECT_LENGTH = 255
# Control characters (a header's CR and LF among them) leave a subject as spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


@dataclass(frozen=True)
class Links:
    page: str
    wallet: str
    unsubscribe: str


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


def organization_templates(
    session: Session, organization_ids: set[int]
) -> dict[tuple[int, str, str], Wording]:
    """Every stored template of these organizations, by (organization, kind, locale)."""
    rows = session.scalars(
        select(MailTemplate).where(MailTemplate.organization_id.in_(organization_ids))
    )
    return {
        (row.organization_id, row.kind, row.locale): Wording(row.subject, row.body) for row in rows
    }


def wording_for(
    stored: Mapping[tuple[int, str, str], Wording], organization_id: int, kind: str, locale: str
) -> Wording:
    """The organization's template in the locale, else in its language, else the built-in one."""
    for key in ((organization_id, kind, locale), (organization_id, kind, language(locale))):
        if key in stored:
            return stored[key]
    built_in = DEFAULTS.get(language(locale)) or DEFAULTS[DEFAULT_LOCALE]
    subject, body = built_in[kind]
    return Wording(subject, body)


def compose(wording: Wording, fields: Mapping[str, str], links: Links, locale: str) -> Composed:
    subject = _CONTROL.sub(" ", merge(wording.subject, fields)).strip()[:SUBJECT_LENGTH]
    body = _BLANK_LINES.sub("\n\n", merge(wording.body, fields)).strip()
    view, wallet, unsubscribe = LINKS.get(language(locale)) or LINKS[DEFAULT_LOCALE]
    text = (
        f"{body}\n\n{view}: {links.page}\n{wallet}: {links.wallet}\n\n"
        f"{unsubscribe}: {links.unsubscribe}\n"
    )
    paragraphs = "".join(
        f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>\n" for part in body.split("\n\n")
    )
    page_url, wallet_url = html.escape(links.page), html.escape(links.wallet)
    markup = (
        f'<!DOCTYPE html>\n<html lang="{html.escape(locale)}"><body>\n{paragraphs}'
        f'<p><a href="{page_url}">{html.escape(view)}</a></p>\n'
        f'<p><a href="{wallet_url}">{html.escape(wallet)}</a></p>\n'
        f'<p style="font-size:small"><a href="{html.escape(links.unsubscribe)}">'
        f"{html.escape(unsubscribe)}</a></p>\n</body></html>\n"
    )
    return Composed(subject=subject, text=text, html=markup)


def merge(template: str, fields: Mapping[str, str]) -> str:
    """`{{ field }}` replaced by its value (an unknown field by nothing), as designs merge."""
    return MERGE_FIELD.sub(
        lambda match: _NOT_TEXT.sub("", fields.get(match.group(1), "")), template
    )
