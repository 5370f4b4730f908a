"""Screenshots of the public pages for the docs (docs/screenshots/*.png).

Starts a throw-away Plaudit server as the benchmarks do (temporary data directory, SQLite),
issues credentials through the Accredible API with no design work (the organization's default
designs), then photographs them in Debian's headless Chromium (/usr/bin/chromium, through
Playwright): the credential page on a desktop and on a phone, the recipient's wallet (entered
through an SSO link) and the page a stranger gets for a private credential. The same
credential's certificate PDF (first page, through poppler's pdftoppm), badge PNG and link-preview
card (the og:image, `seo.png`) are saved too.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]
"""

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

from issue_credentials import (
    create_api_key,
    free_port,
    log,
    server_environment,
    start_server,
    stop_server,
    wait_until_healthy,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
RECIPIENT = {"name": "Ada Lovelace", "email": "ada.lovelace@example.com"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    return parser.parse_args()


async def issue(client: httpx.AsyncClient, group: dict[str, Any], **credential: Any) -> Any:
    created = await client.post("/v1/issuer/groups", json={"group": group})
    created.raise_for_status()
    body = {"recipient": RECIPIENT, "group_id": created.json()["group"]["id"], **credential}
    issued = await client.post("/v1/credentials", json={"credential": body})
    issued.raise_for_status()
    return issued.json()["credential"]


async def make_credentials(base_url: str, api_key: str) -> dict[str, Any]:
    headers = {"Authorization": f"Token token={api_key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        main = await issue(
            client,
            {
                "name": "data-analysis",
                "course_name": "Data Analysis with Python",
                "course_description": "Twelve weeks of cleaning, exploring and charting real "
                "data sets with Python, pandas and matplotlib, ending in a capstone analysis "
                "of public transport data.",
                "learning_outcomes": ["Python", "pandas", "Data visualisation", "Statistics"],
                "course_link": "https://academy.example.org/data-analysis",
            },
            issued_on="2026-06-12",
            expired_on="2029-06-12",
            id="PDA-2026-0142",
            evidence_items=[
                {
                    "description": "Capstone: ridership patterns of the city's bus network",
                    "category": "url",
                    "url": "https://portfolio.example.org/ada/capstone",
                },
                {"description": "Final assessment", "category": "grade", "string_object": "94"},
            ],
            references=[
                {
                    "description": "Ada's capstone was the clearest analysis of her cohort: "
                    "careful with the data and honest about what it could not show.",
                    "relationship": "taught",
                    "referee": {"name": "Charles Babbage"},
                }
            ],
        )
        await issue(
            client,
            {
                "name": "cloud",
                "course_name": "Cloud Foundations",
                "course_description": "Networking, storage and compute in the cloud.",
            },
            issued_on="2025-11-03",
        )
        private = await issue(
            client,
            {
                "name": "sql",
                "course_name": "SQL for Analysts",
                "course_description": "Querying, joining and aggregating relational data.",
            },
            issued_on="2026-02-20",
            private=True,
        )
        link = await client.post(
            "/v1/sso/generate_link", json={"credential_id": main["id"], "wallet_view": True}
        )
        link.raise_for_status()
    return {"main": main, "private": private, "sso_link": link.json()["link"]}


def settle(page: Page) -> None:
    """Wait until every image and font has loaded."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.evaluate("document.fonts.ready.then(() => true)")


def photograph(browser: Browser, made: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    desktop = browser.new_context(viewport=DESKTOP)
    page = desktop.new_page()
    page.goto(made["main"]["url"])
    settle(page)
    page.screenshot(path=str(out / "credential-page.png"), full_page=True)

    page.goto(made["private"]["url"])
    settle(page)
    page.screenshot(path=str(out / "private-refusal.png"))

    page.goto(made["sso_link"])
    settle(page)
    page.screenshot(path=str(out / "wallet.png"), full_page=True)
    desktop.close()

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = phone.new_page()
    page.goto(made["main"]["url"])
    settle(page)
    page.screenshot(path=str(out / "credential-page-mobile.png"), full_page=True)
    phone.close()


def save_files(made: dict[str, Any], out: Path) -> None:
    """The certificate PDF as a picture of its first page, the badge PNG and the link-preview
    card, as served."""
    page_url = made["main"]["url"]
    with httpx.Client(timeout=60) as client, tempfile.TemporaryDirectory() as scratch:
        pdf = Path(scratch) / "certificate.pdf"
        pdf.write_bytes(client.get(f"{page_url}/certificate.pdf").raise_for_status().content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "96", "-singlefile", str(pdf), str(out / "certificate-pdf")],
            check=True,
        )
        badge = client.get(f"{page_url}/badge.png").raise_for_status().content
        (out / "badge.png").write_bytes(badge)
        card = client.get(f"{page_url}/seo.png").raise_for_status().content
        (out / "link-preview-card.png").write_bytes(card)


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="plaudit-screenshots-") as data_dir:
        env = server_environment(Path(data_dir), None)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env["PLAUDIT_BASE_URL"] = base_url
        env["PLAUDIT_DEMO_ORG_NAME"] = "Northwind Academy"
        api_key = create_api_key(env)
        server = start_server(env, port, 1)
        try:
            wait_until_healthy(base_url, server)
            made = asyncio.run(make_credentials(base_url, api_key))
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                photograph(browser, made, args.out)
                browser.close()
            save_files(made, args.out)
        finally:
            stop_server(server)
    log(f"screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
