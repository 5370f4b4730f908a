"""`application/vc`, VC Data Model 2.0's registered media type for a credential secured with an
embedded proof, is served by content negotiation on the public URL and accepted by /verify,
as `application/vc+ld+json` is."""

import httpx

from tests.openbadges.verify_helpers import issued


def test_the_public_url_serves_application_vc(api: httpx.Client, http: httpx.Client) -> None:
    credential = issued(api)
    for url in (credential["url"], f"{credential['url']}/credential.json"):
        response = http.get(url, headers={"Accept": "application/vc"})
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == "application/vc"
        assert response.headers["vary"] == "Accept"
        document = response.json()
        assert document["proof"] and document["type"][-1] == "OpenBadgeCredential"


def test_verify_accepts_application_vc(api: httpx.Client, http: httpx.Client) -> None:
    credential = issued(api)
    document = http.get(credential["url"], headers={"Accept": "application/vc"}).content
    result = http.post("/verify", content=document, headers={"Content-Type": "application/vc"})
    assert result.status_code == 200
    assert result.json()["valid"] is True, result.json()
