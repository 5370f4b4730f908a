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


def certificate_pdf(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/certificate.pdf"


def badge_svg(base_url: str, encoded_id: str) -> str:
    return f"{credential_page(base_url, encoded_id)}/badge.svg"


def keyed_certificate_pdf(base_url: str, encoded_id: str, key: str) -> str:
    """The PDF with the key that opens it whoever asks, even when the credential is private
    (the link `POST /v1/credentials/generate_single_pdf/{id}` hands to the issuer)."""
    return f"{certificate_pdf(base_url, encoded_id)}?{urlencode({'key': key})}"


def pdf_bundle(base_url: str, bundle_uuid: object) -> str:
    """A zip of certificate PDFs (`POST /v1/credentials/generate_pdf`), named by UUID."""
    return f"{base_url}/files/pdf-bundles/{bundle_uuid}.zip"


def outgoing(base_url: str, encoded_id: str, target: str) -> str:
    """A download, share or link of the credential page: recorded, then redirected."""
    return f"{credential_page(base_url, encoded_id)}/go/{target}"


def sso_link(base_url: str, encoded_id: str, code: str) -> str:
    """Where an SSO link lands: signs the recipient in, then shows their credential(s)."""
    return f"{credential_page(base_url, encoded_id)}/sso?{urlencode({'code': code})}"


def wallet(base_url: str, **query: str) -> str:
    """The signed-in recipient's page; `credential` shows one, `embed` the framable version."""
    return f"{base_url}/wallet" + (f"?{urlencode(query)}" if query else "")


def wallet_privacy(base_url: str, encoded_id: str) -> str:
    return f"{base_url}/wallet/credentials/{encoded_id}/privacy"


def wallet_acceptance(base_url: str, encoded_id: str) -> str:
    return f"{base_url}/wallet/credentials/{encoded_id}/acceptance"


def sign_out(base_url: str) -> str:
    return f"{base_url}/wallet/sign-out"


def asset(base_url: str, name: str, version: str) -> str:
    """A stylesheet, script or font of the pages; the version changes with its content."""
    return f"{base_url}/assets/{name}?{urlencode({'v': version})}"


def baked_badge(base_url: str, encoded_id: str, extension: str) -> str:
    """The badge image with the signed credential baked in (`png` or `svg`)."""
    return f"{credential_page(base_url, encoded_id)}/badge-baked.{extension}"


def verify_page(base_url: str) -> str:
    return f"{base_url}/verify"


def ob2_assertion(base_url: str, credential_uuid: object) -> str:
    """Open Badges 2.0 hosted documents, at Credly's paths, named by UUID."""
    return f"{base_url}/api/v1/obi/badgeassertions/{credential_uuid}"


def ob2_badge_class(base_url: str, achievement_uuid: object) -> str:
    return f"{base_url}/api/v1/obi/badgeclasses/{achievement_uuid}"


def ob2_badge_class_image(base_url: str, achievement_uuid: object) -> str:
    return f"{ob2_badge_class(base_url, achievement_uuid)}/image.png"


def ob2_issuer(base_url: str, organization_uuid: object) -> str:
    return f"{base_url}/api/v1/obi/issuers/{organization_uuid}"


def ob2_revocation_list(base_url: str, organization_uuid: object) -> str:
    return f"{ob2_issuer(base_url, organization_uuid)}/revocations"


def design_image(base_url: str, design_uuid: object) -> str:
    """A design rendered with sample data (`rasterized_content_url`): public, named by UUID."""
    return f"{base_url}/designs/{design_uuid}/rasterized.png"


def design_preview(base_url: str, design_uuid: object, data: str) -> str:
    """A design rendered with the values `data` (signed) holds."""
    return f"{base_url}/designs/{design_uuid}/preview.png?{urlencode({'data': data})}"


def designer(base_url: str, token: str) -> str:
    """The embedded design editor that a designer token opens."""
    return f"{base_url}/designer?{urlencode({'token': token})}"


def credential_json(base_url: str, encoded_id: str) -> str:
    """The credential as a signed Open Badges 3.0 credential (JSON-LD, Data Integrity proof)."""
    return f"{credential_page(base_url, encoded_id)}/credential.json"


def credential_jwt(base_url: str, encoded_id: str) -> str:
    """The same credential as a VC-JOSE-COSE JWT (`application/vc+jwt`)."""
    return f"{credential_page(base_url, encoded_id)}/credential.jwt"


def did_document(base_url: str, organization_uuid: object) -> str:
    """Where the organization's did:web identifier resolves."""
    return f"{base_url}/orgs/{organization_uuid}/did.json"


def status_list(base_url: str, organization_uuid: object, purpose: str, number: int = 1) -> str:
    """An organization's signed Bitstring Status List credential for one purpose."""
    first = f"{base_url}/orgs/{organization_uuid}/status/{purpose}"
    return first if number == 1 else f"{first}/{number}"


def api_docs(base_url: str) -> str:
    """The interactive API documentation (Swagger UI)."""
    return f"{base_url}/docs"


def openapi_document(base_url: str) -> str:
    return f"{base_url}/openapi.json"
