"""What a person sees on a credential's public page, in Chromium: text, loaded images, link
previews, states, the private refusal, keyboard use and the copy button."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.e2e.conftest import PageProblems
from tests.web.helpers import events, full_credential
from tests.web.test_credential_page import give_status_entry

MOBILE = {"width": 390, "height": 844}


def images_loaded(page: Page, selector: str) -> list[int]:
    """The natural widths of the images `selector` matches, once each has finished loading."""
    page.wait_for_function(
        "s => [...document.querySelectorAll(s)].every(i => i.complete)", arg=selector
    )
    return page.eval_on_selector_all(selector, "images => images.map(i => i.naturalWidth)")


def test_credential_page_shows_the_credential(
    page: Page, api: httpx.Client, screenshot: Callable[..., Path]
) -> None:
    credential = full_credential(api, issued_on="2026-03-14")
    response = page.goto(credential["url"])
    assert response is not None and response.status == 200
    expect(page).to_have_title("Data Analysis with Python · Ada Lovelace · Plaudit")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Data Analysis with Python")
    expect(page.locator(".awarded")).to_have_text("Awarded to Ada Lovelace on 14 March 2026")
    expect(page.locator(".status")).to_have_text("Valid credential")
    for text in ("Cleaning, exploring and charting real data sets.", "pandas", "Capstone project"):
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Certificate (PDF)")).to_be_visible()
    expect(page.get_by_role("link", name="Add to LinkedIn profile")).to_be_visible()
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("complementary")).to_be_visible()

    widths = images_loaded(page, "main img")
    assert len(widths) == 2 and all(width > 0 for width in widths), widths
    for image in page.locator("main img").all():
        assert image.get_attribute("alt"), "every content image has a text alternative"
    assert (
        page.locator('meta[property="og:image"]').get_attribute("content")
        == (credential["seo_image"])
    )
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == (
        "summary_large_image"
    )
    seo = page.request.get(credential["seo_image"])
    assert seo.ok and seo.headers["content-type"] == "image/png"
    fonts = page.evaluate("document.fonts.check('16px Lato')")
    assert fonts, "the page's own font loaded"
    screenshot(page, "credential-page")

    page.set_viewport_size(MOBILE)
    page.reload()
    widths = images_loaded(page, "main img")
    assert all(width > 0 for width in widths)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= MOBILE["width"], "no sideways scrolling on a phone"
    screenshot(page, "credential-page-mobile")


def test_private_credential_is_refused(
    page: Page,
    page_problems: PageProblems,
    api: httpx.Client,
    screenshot: Callable[..., Path],
) -> None:
    credential = full_credential(api, private=True)
    path = httpx.URL(credential["url"]).path
    page_problems.allow_status(403, path)
    response = page.goto(credential["url"])
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("This credential is private")
    expect(page.get_by_text("Ada Lovelace")).to_have_count(0)
    screenshot(page, "private-refusal")
    as_json = page.request.get(credential["url"], headers={"Accept": "application/json"})
    assert as_json.status == 403
    assert as_json.json() == {"errors": "Private Certificate, use key"}


def test_expired_credential_is_marked_expired(
    page: Page, api: httpx.Client, screenshot: Callable[..., Path]
) -> None:
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    credential = issue(api, create_group(api)["id"], issued_on="2024-05-02", expired_on=yesterday)
    page.goto(credential["url"])
    banner = page.get_by_role("status").filter(has_text="This credential expired on")
    expect(banner).to_be_visible()
    expect(page.locator(".status")).to_have_text("Expired")
    expect(page.get_by_text("Valid credential")).to_have_count(0)
    screenshot(page, "credential-page-expired")


def test_revoked_credential_is_marked_revoked(
    page: Page, api: httpx.Client, database: Database, screenshot: Callable[..., Path]
) -> None:
    credential = full_credential(api)
    give_status_entry(database, credential["id"], revoke=True)
    page.goto(credential["url"])
    expect(page.get_by_role("alert")).to_contain_text("This credential has been revoked.")
    expect(page.locator(".status")).to_have_text("Revoked · not valid")
    expect(page.get_by_text("Valid credential")).to_have_count(0)
    expect(page.get_by_role("link", name="Certificate (PDF)")).to_have_count(0)
    expect(page.get_by_role("link", name="Add to LinkedIn profile")).to_have_count(0)
    expect(page.locator(".stamp")).to_have_text("Revoked")
    filters = page.eval_on_selector_all(
        "main img", "els => els.map(e => getComputedStyle(e).filter)"
    )
    assert filters and all("grayscale(1)" in value for value in filters), filters
    screenshot(page, "credential-page-revoked")


def test_every_control_is_reachable_by_keyboard_and_shows_focus(
    page: Page, api: httpx.Client
) -> None:
    credential = full_credential(api)
    page.goto(credential["url"])
    page.wait_for_selector("[data-copy-from]:not([hidden])")
    controls = page.eval_on_selector_all(
        "a[href], button:not([hidden]), input",
        "elements => elements.map(e => e.outerHTML.slice(0, 80))",
    )
    reached: list[str] = []
    for _ in range(len(controls) + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const e = document.activeElement;
                const style = getComputedStyle(e);
                return {html: e.outerHTML.slice(0, 80), outline: style.outlineStyle,
                        width: parseFloat(style.outlineWidth)};
            }"""
        )
        if focused["html"] in reached or focused["html"].startswith("<body"):
            continue  # past the last control, focus leaves the page before it comes round
        reached.append(focused["html"])
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
    assert reached[0].startswith('<a class="skip-link"')
    assert set(controls) <= set(reached), set(controls) - set(reached)


def test_text_has_enough_contrast(page: Page, api: httpx.Client) -> None:
    """WCAG AA (4.5:1) for the page's text styles, against the background they sit on."""
    page.goto(full_credential(api)["url"])
    failures = page.evaluate(
        """() => {
            const rgb = c => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
            const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
                .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
            const background = e => {
                for (; e; e = e.parentElement) {
                    const c = rgb(getComputedStyle(e).backgroundColor);
                    if (c.length < 4 || c[3] === 1) return c;
                }
                return [255, 255, 255];
            };
            const bad = [];
            for (const e of document.querySelectorAll('main *, header *, footer *')) {
                const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                if (!own) continue;
                const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                if (ratio < 4.5) bad.push(`${e.tagName}.${e.className}: ${ratio.toFixed(2)}`);
            }
            return bad;
        }"""
    )
    assert failures == []


def test_copy_button_copies_the_link_and_counts_a_share(page: Page, api: httpx.Client) -> None:
    credential = full_credential(api)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(credential["url"])
    with page.expect_response(lambda response: response.url.endswith("/go/copy-link")) as beacon:
        page.get_by_role("button", name="Copy").click()
    assert beacon.value.status == 204
    expect(page.locator(".copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == credential["url"]
    assert events(api, credential["id"])[-1] == "share_copy_link"
