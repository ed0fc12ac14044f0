"""One tap, one visit, in real Chromium at a phone viewport: a hurried second tap never counts
twice, Undo takes back everything the screen shows as logged, and a second visit the same day
is a deliberate act. The server is read only after the phone's outbox has pushed."""

import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from app.core.settings import Settings
from tests.browser.conftest import log_in
from tests.browser.rep_content import Visit, add_visit, api_client, in_force, outcomes_of
from tests.browser.test_rep_journey import UNDO_PASSED_MS, wait_for
from tests.server import Server

# Each test taps on visits of its own and reads back only those leads' outcomes.
SHARED_SERVER = True

# The phone's outbox, counted straight from IndexedDB.
OUTBOX_SIZE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('strang')
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const db = open.result
    const count = db.transaction('outbox').objectStore('outbox').count()
    count.onsuccess = () => { db.close(); resolve(count.result) }
  }
})"""

# Two taps from inside the page, `gap` ms apart; 0: both in one task, before any render.
TWO_TAPS_IN_PAGE = """([first, second, gap]) => new Promise((resolve) => {
  const button = (code) => document.querySelector(`button.outcome[data-code="${code}"]`)
  const a = button(first)
  const b = button(second)
  a.click()
  if (gap === 0) { b.click(); resolve(null); return }
  setTimeout(() => { b.click(); resolve(null) }, gap)
})"""

# (ms between the taps, whether the second tap hits the same button)
HURRIED = [
    (0, False),
    (50, True),
    (50, False),
    (150, True),
    (150, False),
    (400, True),
    (400, False),
]


@pytest.fixture
def page(phone: BrowserContext) -> Page:
    """A phone with Playwright's clock installed before anything loads, so that a test moves
    its time past the Undo window instead of waiting it out (the clock runs on meanwhile)."""
    phone.clock.install()
    return phone.new_page()


def codes_on_screen(page: Page) -> list[str]:
    return [str(b.get_attribute("data-code")) for b in page.locator("button.outcome").all()]


def log_in_with(page: Page, visits: list[Visit]) -> None:
    log_in(page, "rep1@demo.strang")
    for visit in visits:
        expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)


def open_lead(page: Page, company: str) -> None:
    """From Today, as the rep does (the page is not reloaded)."""
    if page.get_by_role("link", name="Back").count():
        page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name=company).click()
    expect(page.get_by_role("heading", name=company)).to_be_visible()
    expect(page.locator("button.outcome").first).to_be_visible()


def tap_twice(page: Page, first: str, second: str, gap_ms: int) -> None:
    """Two taps on the outcome buttons as a hurried thumb makes them: on the spots where the
    buttons were. Under 100 ms apart the taps are dispatched inside the page, on time."""
    if gap_ms < 100:
        page.evaluate(TWO_TAPS_IN_PAGE, [first, second, gap_ms])
        return
    spots = {}
    for code in (first, second):
        box = page.locator(f'button.outcome[data-code="{code}"]').bounding_box()
        assert box
        spots[code] = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.touchscreen.tap(*spots[first])
    page.wait_for_timeout(gap_ms)
    page.touchscreen.tap(*spots[second])


def wait_until_pushed(page: Page) -> None:
    """The outbox is empty: every tap left its Undo window and the server acknowledged it. The
    page's clock (installed before the page loaded) jumps past the window and the push's timer."""
    page.clock.fast_forward(UNDO_PASSED_MS)
    assert wait_for(lambda: page.evaluate(OUTBOX_SIZE) == 0, timeout=40), "the outbox never emptied"


def second_code(codes: list[str], first: str, same: bool) -> str:
    return first if same else codes[-1]


def visits_for(live_server: Server, n: int) -> list[Visit]:
    return [add_visit(live_server.url) for _ in range(n)]


def test_hurried_double_taps_log_one_visit(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visits = visits_for(live_server, len(HURRIED))
    log_in_with(page, visits)
    expected: dict[str, str] = {}
    for visit, (gap_ms, same) in zip(visits, HURRIED, strict=True):
        open_lead(page, visit.company)
        codes = codes_on_screen(page)
        first = codes[0]
        label = page.locator(f'button.outcome[data-code="{first}"]').inner_text()
        tap_twice(page, first, second_code(codes, first, same), gap_ms)

        expect(page.get_by_test_id("toast").locator("span")).to_have_text(f"Saved: {label}")
        # the screen shows one visit, marked on its button with its time; no button takes a tap
        expect(page.get_by_test_id("logged-visit")).to_have_count(1)
        expect(page.get_by_test_id("logged-visit")).to_contain_text(label)
        expect(page.locator("button.outcome.logged")).to_have_count(1)
        expect(page.locator(f'button.outcome.logged[data-code="{first}"]')).to_contain_text(":")
        for button in page.locator("button.outcome").all():
            expect(button).to_be_disabled()
        expect(page.get_by_role("button", name="Log another visit")).to_be_visible()
        # the confirmation, with its Undo, does not cover the buttons
        toast = page.get_by_test_id("toast").bounding_box()
        bar = page.locator(".outcomes").bounding_box()
        assert toast and bar and toast["y"] + toast["height"] <= bar["y"], (toast, bar)
        expected[visit.lead_id] = first

    wait_until_pushed(page)
    for visit, case in zip(visits, HURRIED, strict=True):
        held = [o["code"] for o in in_force(demo_settings, visit.lead_id)]
        assert held == [expected[visit.lead_id]], (case, outcomes_of(demo_settings, visit.lead_id))
    # the phone still shows exactly what the server holds
    open_lead(page, visits[-1].company)
    expect(page.get_by_test_id("logged-visit")).to_have_count(1)


UNDONE = [(50, False), (150, True), (400, False)]


def test_undo_after_double_taps_takes_back_everything(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visits = visits_for(live_server, len(UNDONE))
    log_in_with(page, visits)
    for visit, (gap_ms, same) in zip(visits, UNDONE, strict=True):
        open_lead(page, visit.company)
        codes = codes_on_screen(page)
        tap_twice(page, codes[0], second_code(codes, codes[0], same), gap_ms)
        expect(page.get_by_test_id("toast")).to_contain_text("Saved")
        page.get_by_role("button", name="Undo").click()
        expect(page.get_by_test_id("toast").locator("span")).to_have_text("Taken back")
        # nothing is shown as logged any more: the buttons are open again
        expect(page.get_by_test_id("logged-visit")).to_have_count(0)
        expect(page.locator("button.outcome.logged")).to_have_count(0)
        expect(page.locator("button.outcome").first).to_be_enabled()

    wait_until_pushed(page)  # past the Undo window: anything left is pushed now
    for visit, case in zip(visits, UNDONE, strict=True):
        assert in_force(demo_settings, visit.lead_id) == [], (
            case,
            outcomes_of(demo_settings, visit.lead_id),
        )
    page.get_by_role("link", name="Back").click()
    for visit in visits:
        row = page.get_by_role("link", name=visit.company)
        expect(row).to_be_visible()
        expect(row.get_by_test_id("logged-mark")).to_have_count(0)


def push_from_other_phone(live_server: Server, lead_id: str, code: str) -> datetime:
    """The same rep logs a visit from their other phone."""
    at = datetime.now(UTC).replace(microsecond=0)
    rep = api_client(live_server.url, "rep1@demo.strang")
    try:
        mutation = {
            "type": "outcome.log",
            "id": str(uuid.uuid4()),
            "seq": 1,
            "lead_id": lead_id,
            "code": code,
            "occurred_at": at.isoformat(),
        }
        answer = rep.post(
            "/sync/push", json={"device_id": "rep1-other-phone", "mutations": [mutation]}
        )
        assert answer.raise_for_status().json()["results"][0]["status"] == "applied"
    finally:
        rep.close()
    return at


def test_another_visit_the_same_day_is_deliberate(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visit = add_visit(live_server.url)
    rep = api_client(live_server.url, "rep1@demo.strang")
    try:
        codes = [
            c["code"]
            for c in sorted(
                rep.get("/outcome-codes").raise_for_status().json(), key=lambda c: c["position"]
            )
            if c["active"]
        ]
    finally:
        rep.close()
    push_from_other_phone(live_server, visit.lead_id, codes[0])

    log_in_with(page, [visit])
    open_lead(page, visit.company)
    # the visit from the other phone is shown on the buttons, which take no tap
    expect(page.get_by_test_id("logged-visit")).to_have_count(1)
    expect(page.locator(f'button.outcome.logged[data-code="{codes[0]}"]')).to_be_visible()
    expect(page.locator(f'button.outcome[data-code="{codes[1]}"]')).to_be_disabled()

    page.get_by_role("button", name="Log another visit").click()
    follow = page.locator(f'button.outcome[data-code="{codes[1]}"]')
    expect(follow).to_be_enabled()
    tap_twice(page, codes[1], codes[1], 150)
    expect(page.get_by_test_id("toast")).to_contain_text("Saved")
    expect(page.get_by_test_id("logged-visit")).to_have_count(2)
    expect(follow).to_be_disabled()

    wait_until_pushed(page)
    held = sorted(o["code"] for o in in_force(demo_settings, visit.lead_id))
    assert held == sorted(codes[:2]), outcomes_of(demo_settings, visit.lead_id)


def test_two_windows_on_one_lead_log_one_visit(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    """The same lead open twice on one phone (the installed app and a browser tab): the second
    window's tap finds the visit the first one logged and creates nothing."""
    visit = add_visit(live_server.url)
    log_in_with(page, [visit])
    open_lead(page, visit.company)
    other = page.context.new_page()
    other.goto(f"/lead/{visit.lead_id}")
    expect(other.get_by_role("heading", name=visit.company)).to_be_visible()
    codes = codes_on_screen(page)
    label = page.locator(f'button.outcome[data-code="{codes[0]}"]').inner_text()

    page.locator(f'button.outcome[data-code="{codes[0]}"]').click()
    other.wait_for_timeout(150)
    other.locator(f'button.outcome[data-code="{codes[-1]}"]').click()

    expect(other.get_by_test_id("toast").locator("span")).to_have_text(f"Already logged: {label}")
    expect(other.get_by_test_id("logged-visit")).to_have_count(1)
    other.close()
    wait_until_pushed(page)
    assert [o["code"] for o in in_force(demo_settings, visit.lead_id)] == [codes[0]], outcomes_of(
        demo_settings, visit.lead_id
    )
