"""SVG fixtures, friendly and hostile, and request builders for the design tests."""

import base64
from itertools import count
from typing import Any

import httpx

_serial = count(1)

PLAIN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 842 595" width="842" height="595">'
    '<rect width="842" height="595" fill="#fdf8ee"/>'
    '<text x="421" y="280" text-anchor="middle" font-size="40">{{ recipient.name }}</text>'
    '<text x="421" y="340" text-anchor="middle" font-size="24">{{ group.course_name }}</text>'
    '<rect data-merge="qr_code" x="700" y="450" width="100" height="100"/>'
    "</svg>"
)
BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400">'
    '<circle cx="200" cy="200" r="180" fill="#0b6e4f"/>'
    '<text x="200" y="210" text-anchor="middle" fill="#fff">{{ group.course_name }}</text>'
    "</svg>"
)
SCRIPTED_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 100 100" onload="alert(1)">'
    "<script>alert(document.cookie)</script>"
    '<image xlink:href="https://evil.example/track.png" width="10" height="10"/>'
    '<rect width="100" height="100" fill="url(https://evil.example/paint)" '
    'style="fill: url(http://evil.example/x)"/>'
    '<a href="javascript:alert(1)"><text x="5" y="50">safe text</text></a>'
    '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>'
    "</svg>"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>'
)


def b64(svg: str) -> str:
    return base64.b64encode(svg.encode()).decode()


def decoded(design: dict[str, Any]) -> str:
    return base64.b64decode(design["encoded_content"]).decode()


def design_body(**fields: Any) -> dict[str, Any]:
    return {
        "design": {
            "name": f"design-{next(_serial)}",
            "kind": "certificate",
            "encoded_content": b64(PLAIN_SVG),
            **fields,
        }
    }


def create_design(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/designs", json=design_body(**fields))
    assert response.status_code == 200, response.text
    return response.json()["design"]
