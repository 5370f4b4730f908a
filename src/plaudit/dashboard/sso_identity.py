"""What an identity provider vouches for once its answer has passed every check, whichever the
protocol, and the refusal of a single sign-on in words the person can act on."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    subject: str  # the provider's stable id for the person (OIDC `sub`, SAML NameID)
    email: str
    name: str | None


class SignInRefused(Exception):
    """A single sign-on that does not sign anyone in; the message is shown on the page (it
    names no secret)."""
