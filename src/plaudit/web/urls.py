"""The public URLs Plaudit hands out for a credential; every one starts with the base URL."""


def credential_page(base_url: str, encoded_id: str) -> str:
    return f"{base_url}/c/{encoded_id}"


def certificate_image(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/certificate.png"


def badge_image(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/badge.png"


def seo_image(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/seo.png"
