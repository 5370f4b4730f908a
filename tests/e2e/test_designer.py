"""The embedded designer in Chromium, inside an iframe as an issuer's app embeds it: opened
with a token from `POST /v1/designers/certificate/initialize`, an SVG template uploaded, a merge
field added and dragged into place, previewed, saved, and the saved design read back through the
API (and posted to the embedding window)."""

import base64
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import FrameLocator, Page, expect

from tests.designs.helpers import PLAIN_SVG
from tests.support.live_server import LiveServer

SLOW = 30_000  # milliseconds: a preview is drawn on a busy test machine


def preview_width(frame: FrameLocator) -> int:
    return frame.locator("#preview").evaluate("image => image.complete ? image.naturalWidth : 0")


def test_design_a_certificate_in_the_embedded_designer(
    page: Page, api: httpx.Client, live_server: LiveServer, screenshot: Callable[..., Path]
) -> None:
    started = api.post("/v1/designers/certificate/initialize", json={}).json()
    # The issuer's app (a page the browser is handed for this address, never served).
    app_url = f"{live_server.base_url}/issuer-app"
    app_page = (
        '<!doctype html><title>Issuer app</title><iframe id="designer" title="Designer" '
        f'src="{started["url"]}" width="1240" height="1120"></iframe>'
    )
    page.route(app_url, lambda route: route.fulfill(body=app_page, content_type="text/html"))
    page.goto(app_url)
    page.evaluate(
        "window.saved = []; window.addEventListener('message', event => "
        "window.saved.push(event.data))"
    )
    frame = page.frame_locator("#designer")
    status = frame.locator("#status")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Certificate designer")
    expect(status).to_have_text("Preview up to date.", timeout=SLOW)
    assert preview_width(frame) > 0

    frame.locator("#svg-file").set_input_files(
        files=[{"name": "gold.svg", "mimeType": "image/svg+xml", "buffer": PLAIN_SVG.encode()}]
    )
    expect(frame.locator("#base-note")).to_have_text("Using the SVG template gold.svg.")
    expect(status).to_have_text("Preview up to date.", timeout=SLOW)

    frame.locator("#design-name").fill("Gold certificate")
    frame.locator("#field-name").select_option("group.course_name")
    frame.get_by_role("button", name="Add field").click()
    marker = frame.locator(".marker")
    expect(marker).to_have_count(1)
    expect(status).to_have_text("Preview up to date.", timeout=SLOW)
    # Drag the field's marker from the middle of the page to near its top.
    stage = frame.locator("#markers").bounding_box()
    box = marker.bounding_box()
    assert stage is not None and box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(stage["x"] + stage["width"] * 0.5, stage["y"] + stage["height"] * 0.15, steps=8)
    page.mouse.up()
    expect(status).to_have_text("Preview up to date.", timeout=SLOW)
    frame.get_by_role("button", name="Preview").click()
    expect(status).to_have_text("Preview up to date.", timeout=SLOW)
    assert preview_width(frame) == 1200
    screenshot(page, "designer")

    frame.get_by_role("button", name="Save design").click()
    expect(status).to_have_text("Saved “Gold certificate”.", timeout=SLOW)
    expect(marker).to_have_count(0)

    design = api.get(f"/v1/designs/{started['design_id']}").json()["design"]
    assert design["name"] == "Gold certificate"
    template = base64.b64decode(design["encoded_content"]).decode()
    assert template.count("{{ group.course_name }}") == 2  # the upload's own and the placed one
    placed = template.rsplit("<text", 1)[1]
    y = float(placed.split(' y="', 1)[1].split('"', 1)[0])
    assert 40 < y < 140  # near the top of a 595-point-high page
    posted = page.evaluate("window.saved")
    assert posted[-1]["completed"] is True and posted[-1]["status"] == "saved"
    assert posted[-1]["design"]["id"] == started["design_id"]
    assert posted[-1]["design"]["encoded_content"] == design["encoded_content"]
    screenshot(page, "designer-saved")
