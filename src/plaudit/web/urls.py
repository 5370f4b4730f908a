"""The public URLs Plaudit hands out for a credential; every one starts with the base URL."""

from urllib.parse import urlencode


def credential_page(base_url: str, encoded_id: str) -> str:
    return f"{base_url}/c/{encoded_id}"


def certificate_image(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/certificate.png"


def badge_image(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/badge.png"


def seo_image(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/seo.png"


def sso_link(base_url: str, encoded_id: str, code: str) -> str:
    """Where an SSO link lands: signs the recipient in, then shows their credential(s)."""
    return f"{credential_page(base_url, encoded_id)}/sso?{urlencode({'code': code})}"


def wallet(base_url: str, **query: str) -> str:
    """The signed-in recipient's page; `credential` shows one, `embed` the framable version."""
    return f"{base_url}/wallet" + (f"?{urlencode(query)}" if query else "")
