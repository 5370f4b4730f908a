"""Screenshots of every issuer dashboard screen for the docs (docs/screenshots/dashboard/*.png).

Starts a throw-away Plaudit server as the benchmarks do (temporary data directory, SQLite; its
in-process worker runs the import), issues a few demo credentials through the Accredible API,
then walks the dashboard in Debian's headless Chromium (/usr/bin/chromium, through Playwright)
as a new owner: from the first-owner link `plaudit init` prints, through every page. Each screen
is saved at desktop (1280x900, NAME.png) and phone width (390x844, NAME-phone.png), at most
MAX_HEIGHT pixels tall and re-encoded as a palette PNG (each well under 300 KB). At phone width
the script also checks that no page scrolls sideways and names any that does.

    .venv/bin/python bench/dashboard_screenshots.py [--out docs/screenshots/dashboard]

The exit status is non-zero if a page scrolls sideways at phone width.
"""

import argparse
import io
import sys
import tempfile
from pathlib import Path

import httpx
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from issue_credentials import (
    free_port,
    log,
    plaudit_init,
    server_environment,
    start_server,
    stop_server,
    wait_until_healthy,
)
from screenshots import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE

MAX_HEIGHT = 2400
DOCS = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "dashboard"
PASSWORD = "screenshots passphrase, not a secret"
LEARNERS = [
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Katherine Johnson", "katherine@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("Vera Rubin", "vera@example.com"),
    ("Edsger Dijkstra", "edsger@example.com"),
]
ACHIEVEMENTS = [
    ("data-analysis-2026", "Data Analysis with Python"),
    ("cloud-foundations", "Cloud Foundations"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS)
    return parser.parse_args()


def demo_data(base_url: str, api_key: str) -> None:
    """Two achievements and a few credentials, issued through the API."""
    headers = {"Authorization": f"Token token={api_key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        for index, (name, course) in enumerate(ACHIEVEMENTS):
            group = {
                "name": name,
                "course_name": course,
                "course_description": f"Awarded for completing {course}.",
            }
            made = client.post("/v1/issuer/groups", json={"group": group})
            made.raise_for_status()
            group_id = made.json()["group"]["id"]
            for learner, email in LEARNERS[index::2]:
                body = {"recipient": {"name": learner, "email": email}, "group_id": group_id}
                client.post("/v1/credentials", json={"credential": body}).raise_for_status()


class Camera:
    """Saves each screen at both widths and notes pages that scroll sideways on a phone."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.saved: list[Path] = []
        self.too_wide: list[str] = []

    def shoot(self, page: Page, name: str) -> None:
        for suffix, viewport in (("", DESKTOP), ("-phone", PHONE)):
            page.set_viewport_size(viewport)
            page.wait_for_load_state("networkidle")
            if suffix:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    self.too_wide.append(f"{name} ({width}px)")
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            clip = {"x": 0, "y": 0, "width": viewport["width"], "height": height}
            picture = page.screenshot(full_page=True, clip=clip)
            self.saved.append(save_small(picture, self.out / f"{name}{suffix}.png"))
        page.set_viewport_size(DESKTOP)


def save_small(picture: bytes, path: Path) -> Path:
    """A 256-colour PNG at the highest compression: a screen of text and flat colours keeps
    its look at a fraction of the size."""
    image = Image.open(io.BytesIO(picture)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
        path, format="PNG", optimize=True
    )
    return path


def walk(page: Page, base_url: str, owner_link: str, camera: Camera, files: Path) -> None:
    """Every dashboard screen, in the order a new owner meets them."""
    page.goto(f"{base_url}/dashboard/sign-in")
    camera.shoot(page, "sign-in")

    page.goto(owner_link)
    camera.shoot(page, "welcome")
    page.get_by_label("Your name").fill("Olive Owner")
    page.get_by_label("Email", exact=True).fill("olive@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.locator("form.dash-form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/dashboard")

    # Views to count in analytics: the public pages of the first credentials.
    page.goto(f"{base_url}/dashboard/credentials")
    first = page.locator("#credentials-table tbody a").first.get_attribute("href")
    page.goto(f"{base_url}{first}")
    public = page.get_by_role("link", name="Public page").get_attribute("href")
    page.goto(public if str(public).startswith("http") else f"{base_url}{public}")
    page.goto(f"{base_url}/dashboard")
    camera.shoot(page, "overview")

    page.goto(f"{base_url}/dashboard/credentials")
    camera.shoot(page, "credentials")
    page.goto(f"{base_url}{first}")
    camera.shoot(page, "credential")
    page.goto(f"{base_url}{first}/revoke")
    camera.shoot(page, "credential-revoke")

    page.goto(f"{base_url}/dashboard/issue")
    page.get_by_label("Achievement").select_option(label=ACHIEVEMENTS[0][0])
    page.get_by_label("Recipient's name").fill("Mary Jackson")
    page.get_by_label("Recipient's email").fill("mary@example.com")
    page.wait_for_function(
        """() => {
            const image = document.getElementById('preview-certificate');
            return !image.hidden && image.src.includes('Mary+Jackson') && image.complete
                && image.naturalWidth > 0;
        }"""
    )
    camera.shoot(page, "issue")

    import_screens(page, base_url, camera, files)

    page.goto(f"{base_url}/dashboard/achievements")
    camera.shoot(page, "achievements")
    page.get_by_role("link", name=ACHIEVEMENTS[0][0]).first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dash-gallery img')]"
        ".every(i => { i.loading = 'eager'; return i.complete && i.naturalWidth > 0; })"
    )
    camera.shoot(page, "achievement")

    page.goto(f"{base_url}/dashboard/settings")
    camera.shoot(page, "settings")
    page.locator("#departments tbody a").first.click()
    camera.shoot(page, "departments")
    page.goto(f"{base_url}/dashboard/settings/sso")
    camera.shoot(page, "sso-settings")
    page.goto(f"{base_url}/dashboard/settings/sso/new?protocol=oidc")
    camera.shoot(page, "sso-new")

    page.goto(f"{base_url}/dashboard/analytics")
    camera.shoot(page, "analytics")

    page.goto(f"{base_url}/dashboard/keys")
    camera.shoot(page, "keys")
    page.get_by_label("Label").fill("Learning platform")
    page.get_by_role("button", name="Make the key").click()
    camera.shoot(page, "key-made")

    page.goto(f"{base_url}/dashboard/webhooks")
    camera.shoot(page, "webhooks")

    page.goto(f"{base_url}/dashboard/openedx")
    page.get_by_label("JWT issuer").fill("https://lms.example.org/oauth2")
    page.get_by_label("JWT audience").fill("lms-key")
    page.get_by_label("JWT secret").fill("screenshots secret, not a secret")
    page.get_by_label("Service user").fill("credentials_service_user")
    page.get_by_role("button", name="Connect the site").click()
    expect(page.get_by_role("status")).to_contain_text("The site is connected")
    camera.shoot(page, "openedx")

    page.goto(f"{base_url}/dashboard/team")
    page.get_by_label("Name", exact=True).fill("Ivan Issuer")
    page.get_by_label("Email", exact=True).fill("ivan@example.com")
    page.get_by_label("Role", exact=True).select_option("issuer")
    page.get_by_role("button", name="Invite").click()
    camera.shoot(page, "team-invited")
    page.goto(f"{base_url}/dashboard/team")
    camera.shoot(page, "team")


def import_screens(page: Page, base_url: str, camera: Camera, files: Path) -> None:
    """A CSV with a bad row (mapping, then its errors), then the fixed one issued."""
    rows = [(f"Learner {index}", f"learner-{index}@example.com") for index in range(40)]
    bad = files / "learners-with-an-error.csv"
    wrong = [
        (name, "not-an-email" if index == 7 else email) for index, (name, email) in enumerate(rows)
    ]
    bad.write_text("Name,Email\n" + "".join(f"{name},{email}\n" for name, email in wrong))
    good = files / "learners.csv"
    good.write_text("Name,Email\n" + "".join(f"{name},{email}\n" for name, email in rows))

    page.goto(f"{base_url}/dashboard/imports/new")
    camera.shoot(page, "import-new")
    page.get_by_label("Achievement").select_option(label=ACHIEVEMENTS[1][0])
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text("learner-0@example.com")
    camera.shoot(page, "import-mapping")
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("#check")).to_contain_text("1 error in 1 row")
    page.locator("#check").scroll_into_view_if_needed()
    camera.shoot(page, "import-errors")

    page.goto(f"{base_url}/dashboard/imports/new")
    page.get_by_label("Achievement").select_option(label=ACHIEVEMENTS[1][0])
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Check every row").click()
    page.get_by_role("button", name=f"Issue {len(rows)} credentials").click()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible(timeout=120_000)
    camera.shoot(page, "import-progress")
    page.goto(f"{base_url}/dashboard/imports")
    camera.shoot(page, "imports")


def main() -> int:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    camera = Camera(args.out)
    with tempfile.TemporaryDirectory(prefix="plaudit-screenshots-") as data_dir:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = server_environment(Path(data_dir), None)
        env["PLAUDIT_BASE_URL"] = base_url
        made = plaudit_init(env)
        server = start_server(env, port, 1)
        try:
            wait_until_healthy(base_url, server)
            demo_data(base_url, made["api_key"])
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport=DESKTOP, locale="en-GB")
                walk(context.new_page(), base_url, made["owner_link"], camera, Path(data_dir))
                browser.close()
        finally:
            stop_server(server)
    for path in camera.saved:
        log(f"{path} ({path.stat().st_size // 1024} KB)")
    if camera.too_wide:
        log("scrolls sideways at phone width: " + ", ".join(camera.too_wide))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
