"""Screenshots of the rep app's main screens at 390x844 into ./screenshots/ (not committed).

Usage: `make screenshots` (or `.venv/bin/python -m scripts.screenshots`). Builds nothing: run
`cd pwa && npm run build` first if the PWA changed. Uses a fresh demo data folder and server.
"""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from app.core.migrations import upgrade
from app.core.settings import Settings
from app.demo import seed_demo_database
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, log_in
from tests.browser.rep_content import add_visit, revoke_sessions
from tests.server import running_server

OUT = Path("screenshots")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, environment="test", data_dir=Path(tmp) / "data")  # type: ignore[call-arg]
        upgrade(settings)
        seed_demo_database(settings)
        with running_server(settings) as server, sync_playwright() as pw:
            visit = add_visit(server.url, company="Bäckerei Sommer")
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=server.url, locale="en-GB", **PHONE)  # type: ignore[arg-type]
            page = context.new_page()
            page.goto("/")
            page.screenshot(path=OUT / "01-login.png")
            log_in(page, "rep1@demo.strang")
            expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=20_000)
            page.screenshot(path=OUT / "02-today.png")
            page.get_by_role("link", name=visit.company).click()
            expect(page.locator("button.outcome").first).to_be_visible()
            page.screenshot(path=OUT / "03-lead.png")
            page.screenshot(path=OUT / "04-lead-full.png", full_page=True)
            page.get_by_role("link", name="Spring offer").click()
            expect(page.locator("[data-testid=pdf] canvas").first).to_be_visible(timeout=20_000)
            page.wait_for_timeout(500)
            page.screenshot(path=OUT / "05-collateral-pdf.png")
            page.get_by_role("link", name="Back").click()
            # outcome first, reason right after: the confirmation offers the objection's chips
            page.locator('button.outcome[data-code="objection"]').tap()
            page.get_by_test_id("toast").locator('[data-chip="price"]').tap()
            expect(page.get_by_test_id("toast")).to_be_visible()
            page.screenshot(path=OUT / "06-outcome-toast.png")
            # a follow-up offers the next visit's date right after the tap
            page.get_by_role("button", name="Log another visit").tap()
            page.locator('button.outcome[data-code="follow_up"]').tap()
            expect(page.get_by_test_id("toast").get_by_text("Tomorrow")).to_be_visible()
            page.screenshot(path=OUT / "06b-follow-up-dates.png")
            for n, (link, name) in enumerate(
                [("Signals", "signals"), ("Summary", "summary"), ("Settings", "settings")], start=7
            ):
                page.goto("/")
                page.get_by_role("link", name=link, exact=True).click()
                page.wait_for_timeout(300)
                page.screenshot(path=OUT / f"{n:02d}-{name}.png")
            # the report writes itself: the day, then the week, as a manager would read them
            page.goto("/summary")
            expect(page.get_by_test_id("report-visits")).to_be_visible()
            page.screenshot(path=OUT / "11-report-day.png", full_page=True)
            page.get_by_role("button", name="Week").click()
            page.screenshot(path=OUT / "12-report-week.png", full_page=True)
            # out of signal, every screen says how old its data is
            context.set_offline(True)
            page.goto("/")
            page.wait_for_timeout(500)
            page.screenshot(path=OUT / "13-offline-today.png")
            context.set_offline(False)
            # an admin revokes the session: the live notice clears the phone and login shows
            revoke_sessions(server.url, "rep1@demo.strang")
            expect(page.get_by_label("Email")).to_be_visible(timeout=20_000)
            page.screenshot(path=OUT / "10-after-revoke.png")
            context.close()
            browser.close()
    for path in sorted(OUT.glob("*.png")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
