"""An organization's own mail wording: one template per kind of mail and locale (or language:
`fr` covers `fr` and `fr-CA`). Plain text with the designs' merge fields; see templates.py."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain.errors import Forbidden, Invalid
from plaudit.domain.limits import contains_nul
from plaudit.domain.locales import LOCALES, language
from plaudit.domain.scope import Scope
from plaudit.notifications.wording import KINDS
from plaudit.store.notification_tables import MailTemplate

TEMPLATE_LOCALES = tuple(dict.fromkeys([*LOCALES, *(language(item) for item in LOCALES)]))
SUBJECT_LENGTH = 255
BODY_LENGTH = 20_000
SCOPED_KEY = "A department API key cannot change the organization's mail templates"


def list_all(session: Session, scope: Scope) -> list[MailTemplate]:
    return list(
        session.scalars(
            select(MailTemplate)
            .where(MailTemplate.organization_id == scope.organization_id)
            .order_by(MailTemplate.kind, MailTemplate.locale)
        )
    )


def put(
    session: Session, scope: Scope, kind: str, locale: str, subject: str, body: str
) -> MailTemplate:
    """Create or replace the template of `kind` in `locale`."""
    if scope.department_id is not None:
        raise Forbidden("department.scoped_key", SCOPED_KEY)
    problems: dict[str, list[str]] = {}
    if kind not in KINDS:
        problems["kind"] = [f"must be one of {', '.join(KINDS)}"]
    if locale not in TEMPLATE_LOCALES:
        problems["locale"] = [f"must be one of {', '.join(TEMPLATE_LOCALES)}"]
    for name, value, longest in (("subject", subject, SUBJECT_LENGTH), ("body", body, BODY_LENGTH)):
        if not value.strip():
            problems[name] = ["can't be blank"]
        elif len(value) > longest or contains_nul(value):
            problems[name] = [f"must be text of at most {longest} characters"]
    if problems:
        raise Invalid(fields=problems)
    template = session.scalar(
        select(MailTemplate).where(
            MailTemplate.organization_id == scope.organization_id,
            MailTemplate.kind == kind,
            MailTemplate.locale == locale,
        )
    )
    if template is None:
        template = MailTemplate(organization_id=scope.organization_id, kind=kind, locale=locale)
        session.add(template)
    template.subject = subject
    template.body = body
    session.flush()
    return template
