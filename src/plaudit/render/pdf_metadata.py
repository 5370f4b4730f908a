"""What a certificate PDF says about itself: its document information (title, author,
subject, dates) from the credential's merge fields.

The dates are the credential's issue date, never the time of drawing, so that the same
credential still gives the same bytes (render/pdf.py draws in reportlab's invariant mode).
"""

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class PdfMetadata:
    title: str
    author: str
    subject: str
    created: date | None

    @classmethod
    def of(cls, fields: dict[str, str], kind: str) -> "PdfMetadata":
        achievement = fields.get("credential.name") or fields.get("group.course_name") or ""
        recipient = fields.get("recipient.name", "")
        issuer = fields.get("issuer.name", "")
        title = " — ".join(part for part in (achievement, recipient) if part)
        subject = f"{kind.capitalize()} of {achievement or 'an achievement'}"
        if recipient:
            subject += f" awarded to {recipient}"
        if issuer:
            subject += f" by {issuer}"
        if fields.get("credential.url"):
            subject += f"; verify it at {fields['credential.url']}"
        return cls(
            title=title or kind.capitalize(),
            author=issuer,
            subject=subject,
            created=_printed_date(fields.get("credential.issued_on", "")),
        )

    def apply(self, canvas: Canvas) -> None:
        canvas.setTitle(self.title)
        canvas.setAuthor(self.author)
        canvas.setSubject(self.subject)
        if self.created is not None:
            stamp = f"D:{self.created:%Y%m%d}000000+00'00'"
            # reportlab writes CreationDate and ModDate through this formatter; invariant mode
            # would otherwise say 2000-01-01.
            canvas.setDateFormatter(lambda *_: stamp)


def _printed_date(text: str) -> date | None:
    """The inverse of render/fields.format_date (`23 November 2026`); None when empty or not
    a date (a template's own value)."""
    try:
        return datetime.strptime(text.strip(), "%d %B %Y").date()
    except ValueError:
        return None
