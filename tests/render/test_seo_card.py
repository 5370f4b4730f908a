"""The link-preview card (`/c/{id}/seo.png`, the og:image): it shows the credential's name, the
recipient and the issuer, never a merge field's braces."""

from lxml import etree

from plaudit.render import documents
from plaudit.render.layout import Layout
from plaudit.render.sanitize import parse_svg

FIELDS = {
    "credential.name": "Intro to Programming",
    "recipient.name": "Ada Lovelace",
    "issuer.name": "Plaudit Demo Academy",
}


def test_the_card_shows_the_names() -> None:
    for layout in (Layout(), Layout(orientation="portrait", size="us-letter")):
        card = documents.seo_card(documents.fallback_template("certificate"), layout, FIELDS)
        texts = [
            " ".join(text.itertext())
            for text in parse_svg(card).iterfind("{http://www.w3.org/2000/svg}text")
        ]
        assert all(value in texts for value in FIELDS.values()), texts
        assert "{" not in "".join(texts)
        assert etree.fromstring(card.encode()).get("viewBox") == "0 0 1200 630"
