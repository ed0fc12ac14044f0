"""The rep's core journey in a real browser: brief, PDF, one tap, toast, and the server holds it."""

import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from app.core.settings import Settings
from tests.browser.conftest import log_in
from tests.browser.rep_content import add_visit, in_force, outcomes_of, wait_for_service_worker
from tests.server import Server

# pwa/src/offline/engine.ts pushes a tap 8.5 s after it (its Undo window is 8 s).
UNDO_PASSED_MS = 9_500


def wait_for(check: Callable[[], Any], timeout: float = 25) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def open_lead_and_pdf(page: Page, company: str) -> None:
    page.get_by_role("link", name=company).click()
    expect(page.get_by_role("heading", name=company)).to_be_visible()
    expect(page.get_by_text("Family business")).to_be_visible()
    page.get_by_role("link", name="Spring offer").click()
    expect(page.locator("[data-testid=pdf] canvas").first).to_be_visible(timeout=15_000)
    expect(page.get_by_role("img", name="Page 2 of 2")).to_be_attached()
    page.wait_for_timeout(1200)  # the rep reads for a moment
    page.get_by_role("link", name="Back").click()


def test_online_journey(page: Page, live_server: Server, demo_settings: Settings) -> None:
    visit = add_visit(live_server.url)
    page.context.clock.install()  # before the app loads: the test moves it past the Undo window
    log_in(page, "rep1@demo.strang")
    row = page.get_by_role("link", name=visit.company)
    expect(row).to_be_visible(timeout=15_000)
    # today's planned visit comes first
    expect(page.locator(".lead-row").first).to_contain_text(visit.company)
    open_lead_and_pdf(page, visit.company)

    page.locator("button.outcome").first.tap()
    expect(page.get_by_test_id("toast")).to_contain_text("Saved")
    code = page.locator("button.outcome").first.get_attribute("data-code")

    page.clock.fast_forward(UNDO_PASSED_MS)  # the tap is pushed once its Undo window passed
    held = wait_for(lambda: in_force(demo_settings, visit.lead_id))
    assert len(held) == 1, outcomes_of(demo_settings, visit.lead_id)
    assert held[0]["code"] == code
    [(collateral_id, seconds, pages)] = held[0]["views"]
    assert collateral_id == visit.collateral_id
    assert seconds >= 1
    assert 1 in pages
    page.get_by_role("link", name="Back").click()
    expect(
        page.get_by_role("link", name=visit.company).get_by_test_id("logged-mark")
    ).to_be_visible()


IS_CACHED = "url => caches.open('strang-files-v1').then(c => c.match(url)).then(r => !!r)"


def wait_offline_ready(page: Page, file_url: str) -> None:
    """The worker controls the page and this lead's PDF (not just any file) is cached.

    Polled from here: `wait_for_function` takes a predicate's promise itself for a truthy
    answer and returns at once, cached or not. The worker usually takes over only after the
    prefetch stored the PDF, so the journey cut the network before it only now and then."""
    wait_for_service_worker(page)
    cached = wait_for(lambda: page.evaluate(IS_CACHED, file_url), timeout=30)
    assert cached, f"{file_url} is not in the files cache"


def test_offline_ready_waits_for_the_file(page: Page, live_server: Server) -> None:
    """A file stored a moment after the worker took over (a prefetch still downloading) is
    waited for, not taken as there."""
    page.goto("/")
    expect(page.get_by_label("Email")).to_be_visible()  # the start's clearing of files is over
    wait_for_service_worker(page)
    url = "/api/v1/files/arrives-later"
    page.evaluate(
        "url => setTimeout(() => caches.open('strang-files-v1')"
        ".then(c => c.put(url, new Response('%PDF-1.4'))), 1500)",
        url,
    )
    wait_offline_ready(page, url)
    assert page.evaluate(IS_CACHED, url)


def test_offline_journey(page: Page, live_server: Server, demo_settings: Settings) -> None:
    visit = add_visit(live_server.url)
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    wait_offline_ready(page, visit.file_url)

    live_server.stop()  # no network at all, the worker's requests included
    page.reload()
    expect(page.get_by_test_id("data-age")).to_contain_text("offline · data from")
    open_lead_and_pdf(page, visit.company)
    outcomes = page.locator("button.outcome")
    outcomes.nth(0).tap()
    page.get_by_role("button", name="Undo").tap()
    expect(page.get_by_test_id("toast")).to_contain_text("Taken back")
    outcomes.nth(1).tap()
    expect(page.get_by_test_id("toast")).to_contain_text("Saved")
    kept = outcomes.nth(1).get_attribute("data-code")
    page.close()

    again = page.context.new_page()
    again.goto("/")
    expect(again.get_by_test_id("pending-count")).to_have_text("1 waiting to sync")
    assert outcomes_of(demo_settings, visit.lead_id) == []

    live_server.restart()
    again.reload()
    held = wait_for(lambda: outcomes_of(demo_settings, visit.lead_id))
    assert [(o["code"], o["retracted"]) for o in held] == [(kept, False)]
    assert held[0]["views"] and held[0]["views"][0][0] == visit.collateral_id
    expect(again.get_by_test_id("pending-count")).to_have_count(0)
