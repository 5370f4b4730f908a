"""Single sign-on links: what a request for one may name, and why a link stops working."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from plaudit.domain import limits
from plaudit.domain.errors import DomainError, Invalid
from plaudit.domain.values import is_blank

TEXT_LIMITS = {
    "credential_id": limits.NAME,
    "recipient_id": limits.NAME,
    "recipient_email": limits.EMAIL,
    "group_id": limits.NAME,
    "redirect_to": limits.URL,
}


@dataclass(frozen=True)
class SsoLinkRequest:
    """Whose credential a link signs in to: one credential (by any reference), or the most
    recent credential of a recipient (by their id and/or email, optionally within a group)."""

    credential_ref: str | None = None
    recipient_id: str | None = None
    recipient_email: str | None = None
    group_id: str | None = None
    wallet_view: bool = False
    embed: bool = False
    redirect_to: str | None = None

    @property
    def lands_embedded(self) -> bool:
        """Embedding is offered only with the wallet view."""
        return self.embed and self.wallet_view


def validate(request: SsoLinkRequest) -> None:
    values = {
        "credential_id": request.credential_ref,
        "recipient_id": request.recipient_id,
        "recipient_email": request.recipient_email,
        "group_id": request.group_id,
        "redirect_to": request.redirect_to,
    }
    limits.check_lengths(values, TEXT_LIMITS)
    if all(is_blank(values[name]) for name in ("credential_id", "recipient_id", "recipient_email")):
        raise Invalid(fields={"credential_id": ["can't be blank"]})
    if not is_blank(request.redirect_to) and not is_web_address(str(request.redirect_to)):
        raise Invalid(fields={"redirect_to": ["is invalid"]})


def is_web_address(text: str) -> bool:
    """An absolute http(s) URL: safe to put in a link or a redirect."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass
class LinkUnusable(DomainError):
    """A real link that no longer signs anyone in: `reason` is `used` or `expired`.
    `return_url` is where the recipient should go instead, when known."""

    reason: str
    return_url: str | None = None

    def __str__(self) -> str:
        return f"sign-in link {self.reason}"
