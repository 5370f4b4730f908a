"""Links that hand a credential to LinkedIn and X, built from its public URL."""

from datetime import date
from urllib.parse import urlencode


def linkedin_add_to_profile(
    *,
    name: str,
    organization_name: str,
    linkedin_company_id: str | None,
    issued_on: date,
    expired_on: date | None,
    credential_url: str,
    credential_id: str,
) -> str:
    """LinkedIn's "Add to profile" form for a licence or certification, filled in.
    `organizationId` (LinkedIn's numeric company id) links the issuer's LinkedIn page; without
    one, `organizationName` names it as text."""
    query: dict[str, str | int] = {"startTask": "CERTIFICATION_NAME", "name": name}
    company = (linkedin_company_id or "").strip()
    if company.isascii() and company.isdigit():
        query["organizationId"] = company
    else:
        query["organizationName"] = organization_name
    query |= {"issueYear": issued_on.year, "issueMonth": issued_on.month}
    if expired_on is not None:
        query |= {"expirationYear": expired_on.year, "expirationMonth": expired_on.month}
    query |= {"certUrl": credential_url, "certId": credential_id}
    return f"https://www.linkedin.com/profile/add?{urlencode(query)}"


def linkedin_share(credential_url: str) -> str:
    return f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': credential_url})}"


def x_share(credential_url: str, text: str) -> str:
    return f"https://x.com/intent/post?{urlencode({'text': text, 'url': credential_url})}"
