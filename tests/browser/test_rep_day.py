"""The rep's day on a 390 px phone in Berlin: Today in parts (today's visits by time, the next
days with dates, overdue ones, the rest), a logged visit's mark, and the report that writes
itself from the taps: the visit with its reason chips and the collateral shown, follow-ups and
signals with marketing's answer, shared as text in one tap or copied, and readable offline."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from app.core.settings import Settings
from tests.browser.conftest import PHONE, log_in
from tests.browser.rep_content import (
    Visit,
    add_visit,
    api_client,
    in_force,
    outcomes_of,
    rep_id,
    wait_for_service_worker,
)
from tests.browser.test_rep_journey import UNDO_PASSED_MS, wait_for
from tests.server import Server

pytestmark = pytest.mark.browser

# Each test makes its own leads (named with a tag of its own) or its own rep, and reads only those.
SHARED_SERVER = True
BERLIN = ZoneInfo("Europe/Berlin")
RSQUO, EN_DASH = "\u2019", "\u2013"  # as the app writes them

# The system share sheet is the edge of the world: this stand-in behaves as Chromium's
# navigator.share does (a user gesture is required, some data is required) and records what it
# was given instead of opening the sheet.
SHARE_SHEET = """(() => {
  window.__shared = []
  Object.defineProperty(Navigator.prototype, 'share', {
    configurable: true,
    writable: true,
    value: function share(data) {
      if (!navigator.userActivation.isActive) {
        const why = 'Must be handling a user gesture to perform a share request.'
        return Promise.reject(new DOMException(why, 'NotAllowedError'))
      }
      if (!data || (data.title === undefined && data.text === undefined && data.url === undefined))
        return Promise.reject(new TypeError('No known share data fields supplied.'))
      window.__shared.push({ title: data.title, text: data.text })
      return Promise.resolve()
    },
  })
})()"""


@pytest.fixture
def berlin_phone(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/Berlin",
        **PHONE,  # type: ignore[arg-type]
    )
    yield context
    context.close()


def berlin_today() -> date:
    return datetime.now(BERLIN).date()


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), BERLIN).isoformat()


def day_text(day: date) -> str:
    """A day as the app writes it in English this year: 'Thu 3 Dec'."""
    return f"{day:%a} {day.day} {day:%b}"


@dataclass
class Rep:
    id: str
    name: str
    email: str


def new_rep(base_url: str) -> Rep:
    """A rep of their own, so that the demo's visits do not mix into this rep's day."""
    tag = uuid.uuid4().hex[:6]
    rep = Rep("", f"Rita Report {tag}", f"rita-{tag}@demo.strang")
    admin = api_client(base_url, "admin@demo.strang")
    try:
        body = {"email": rep.email, "name": rep.name, "role": "rep", "password": "demo-pass-1"}
        rep.id = str(admin.post("/users", json=body).raise_for_status().json()["id"])
    finally:
        admin.close()
    return rep


def add_lead(base_url: str, visit: Visit, rep: str, company: str, **fields: object) -> str:
    body = {
        "company": company,
        "rep_id": rep,
        "campaign_id": visit.campaign_id,
        "postal_code": "20095",
        "city": "Hamburg",
        "priority": 2,
        "brief_md": "Asked about heating last year.",
        **fields,
    }
    marketing = api_client(base_url, "marketing@demo.strang")
    try:
        return str(marketing.post("/leads", json=body).raise_for_status().json()["id"])
    finally:
        marketing.close()


def replan(base_url: str, lead_id: str, rep: str, planned: str) -> None:
    marketing = api_client(base_url, "marketing@demo.strang")
    try:
        body = {"rep_id": rep, "planned_visit_at": planned}
        marketing.patch(f"/leads/{lead_id}", json=body).raise_for_status()
    finally:
        marketing.close()


def part(page: Page, name: str) -> Locator:
    return page.locator(f'.today-part[data-part="{name}"]')


def row(page: Page, company: str) -> Locator:
    return page.locator(".lead-row").filter(has_text=company)


def test_today_lists_todays_visits_by_time_then_the_next_days_then_overdue_then_the_rest(
    berlin_phone: BrowserContext, live_server: Server
) -> None:
    tag = uuid.uuid4().hex[:4]
    today = berlin_today()
    visit = add_visit(live_server.url, company=f"Early {tag}")
    rep1 = "rep1@demo.strang"
    marketing = api_client(live_server.url, "marketing@demo.strang")
    try:
        rep1_id = rep_id(marketing, rep1)
    finally:
        marketing.close()
    replan(live_server.url, visit.lead_id, rep1_id, at(today, 9))
    add_lead(live_server.url, visit, rep1_id, f"Late {tag}", planned_visit_at=at(today, 15))
    tomorrow = today + timedelta(days=1)
    add_lead(live_server.url, visit, rep1_id, f"Next {tag}", planned_visit_at=at(tomorrow, 10, 30))
    yesterday = today - timedelta(days=1)
    add_lead(live_server.url, visit, rep1_id, f"Missed {tag}", planned_visit_at=at(yesterday, 11))
    add_lead(live_server.url, visit, rep1_id, f"Mühle Süd {tag}", priority=1)

    page = berlin_phone.new_page()
    log_in(page, rep1)
    expect(row(page, f"Early {tag}")).to_be_visible(timeout=15_000)
    parts = page.locator(".today-part").evaluate_all("(els) => els.map((e) => e.dataset.part)")
    assert parts == ["today", "next", "overdue", "rest"]
    expect(part(page, "today").get_by_role("heading")).to_have_text(f"Today{RSQUO}s visits")
    expect(part(page, "next").get_by_role("heading")).to_have_text("Next days")
    expect(part(page, "overdue").get_by_role("heading")).to_have_text("Overdue")
    expect(part(page, "rest").get_by_role("heading")).to_have_text("Other leads")

    mine = part(page, "today").locator(".lead-row").filter(has_text=tag)
    expect(mine).to_have_count(2)
    expect(mine.nth(0)).to_contain_text(f"Early {tag}")
    expect(mine.nth(1)).to_contain_text(f"Late {tag}")
    expect(mine.nth(0).get_by_test_id("when")).to_have_text("09:00")
    expect(mine.nth(1).get_by_test_id("when")).to_have_text("15:00")
    expect(mine.nth(0)).to_contain_text("20095 Hamburg")
    expect(
        part(page, "next")
        .locator(".lead-row")
        .filter(has_text=f"Next {tag}")
        .get_by_test_id("when")
    ).to_have_text(f"{day_text(tomorrow)}, 10:30")
    missed = part(page, "overdue").locator(".lead-row").filter(has_text=f"Missed {tag}")
    expect(missed.get_by_test_id("when")).to_have_text(f"Was planned {day_text(yesterday)}")
    expect(
        part(page, "rest").locator(".lead-row").filter(has_text=f"Mühle Süd {tag}")
    ).to_contain_text("Priority 1")

    # Search narrows every part, ignoring case and accents, and needs no network.
    page.context.set_offline(True)
    search = page.get_by_label("Search company, city or postal code")
    expect(search).to_have_attribute("placeholder", "Company, city, postcode")
    search.fill(f"MUHLE SUD {tag}")
    expect(page.locator(".lead-row")).to_have_count(1)
    expect(page.locator(".today-part")).to_have_count(1)
    expect(part(page, "rest")).to_contain_text(f"Mühle Süd {tag}")
    search.fill(f"missed {tag}")
    expect(page.locator(".lead-row")).to_have_count(1)
    expect(part(page, "overdue")).to_be_visible()
    page.context.set_offline(False)

    # The search field's hint fits a 360 px phone, in English and in German.
    page.set_viewport_size({"width": 360, "height": 740})
    assert placeholder_overflow(page) <= 0
    page.evaluate("localStorage.setItem('strang.lang', 'de')")
    page.reload()
    expect(page.get_by_role("heading", name="Heutige Besuche")).to_be_visible()
    assert placeholder_overflow(page) <= 0


PLACEHOLDER_OVERFLOW = """() => {
  const input = document.querySelector('input[type=search]')
  const style = getComputedStyle(input)
  const ctx = document.createElement('canvas').getContext('2d')
  ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
  return ctx.measureText(input.placeholder).width - room
}"""


SMALL_TARGETS = """() => [...document.querySelectorAll('main a, main button, main input')]
  .map((e) => ({
    what: e.textContent.trim() || e.outerHTML.slice(0, 60),
    box: e.getBoundingClientRect(),
  }))
  .filter((t) => t.box.width < 44 || t.box.height < 44)
  .map((t) => `${t.what}: ${Math.round(t.box.width)}x${Math.round(t.box.height)}`)"""


def small_targets(page: Page) -> list[str]:
    """What on the screen can be tapped but is smaller than 44 x 44 px."""
    return list(page.evaluate(SMALL_TARGETS))


def placeholder_overflow(page: Page) -> float:
    return float(page.evaluate(PLACEHOLDER_OVERFLOW))


def open_pdf_and_come_back(page: Page) -> None:
    page.get_by_role("link", name="Spring offer").click()
    expect(page.locator("[data-testid=pdf] canvas").first).to_be_visible(timeout=15_000)
    expect(page.get_by_role("img", name="Page 2 of 2")).to_be_attached()
    page.get_by_role("img", name="Page 2 of 2").scroll_into_view_if_needed()
    page.wait_for_timeout(1200)  # the rep shows both pages for a moment
    page.get_by_role("link", name="Back").click()


def log_with_reason(page: Page, code: str, chip: str) -> None:
    """One tap on the outcome and one on its reason, wherever the lead screen offers the chip:
    before the tap (below the brief) or right after it (in the confirmation)."""
    before = page.locator("section[aria-labelledby=det-h]").get_by_role(
        "button", name=chip, exact=True
    )
    if before.count():
        before.click()
        page.locator(f'button.outcome[data-code="{code}"]').click()
    else:
        page.locator(f'button.outcome[data-code="{code}"]').click()
        page.get_by_test_id("toast").get_by_role("button", name=chip, exact=True).click()


def page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3, 5' (with an en dash), as the report writes pages."""
    runs: list[list[int]] = []
    for p in sorted(set(pages)):
        if runs and runs[-1][-1] == p - 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}{EN_DASH}{r[-1]}" for r in runs)


@dataclass
class Day:
    rep: Rep
    visit: Visit
    later: str
    tap: datetime
    pages: list[int]


def a_logged_visit(page: Page, live_server: Server, settings: Settings) -> Day:
    """A rep of their own with a visit planned today and one tomorrow; the rep reads the brief,
    shows the PDF, logs an objection with the reason "Price" and waits for the server."""
    rep = new_rep(live_server.url)
    tag = rep.name.split()[-1]
    visit = add_visit(live_server.url, company=f"Kanzlei Adler {tag}")
    # The phone's clock is set to a known minute for the tap (just ahead, so that the PDF is
    # shown before it), so the report's time is known.
    tap = datetime.now(BERLIN).replace(second=0, microsecond=0) + timedelta(minutes=2)
    today = tap.date()
    replan(live_server.url, visit.lead_id, rep.id, at(today, 9))
    later = f"Praxis Brandt {tag}"
    add_lead(
        live_server.url,
        visit,
        rep.id,
        later,
        planned_visit_at=at(today + timedelta(days=1), 10, 30),
    )

    log_in(page, rep.email, "demo-pass-1")
    expect(row(page, visit.company)).to_be_visible(timeout=15_000)
    row(page, visit.company).click()
    expect(page.get_by_role("heading", name=visit.company)).to_be_visible()
    open_pdf_and_come_back(page)
    page.clock.set_system_time(tap)  # and on from there
    log_with_reason(page, "objection", "Price")
    page.clock.fast_forward(UNDO_PASSED_MS)  # the tap is pushed once its Undo window passed
    held = wait_for(lambda: in_force(settings, visit.lead_id))
    assert len(held) == 1, outcomes_of(settings, visit.lead_id)
    [(_, _, pages)] = held[0]["views"]
    return Day(rep, visit, later, tap, pages)


def test_a_logged_visit_is_marked_and_the_report_tells_it_with_chips_collateral_and_signals(
    berlin_phone: BrowserContext, live_server: Server, demo_settings: Settings
) -> None:
    page = berlin_phone.new_page()
    day = a_logged_visit(page, live_server, demo_settings)
    page.get_by_role("link", name="Back").click()
    expect(row(page, day.visit.company).get_by_test_id("logged-mark")).to_have_text("Logged today")
    expect(row(page, day.later).get_by_test_id("logged-mark")).to_have_count(0)
    assert small_targets(page) == []

    # A signal from the field, answered by marketing.
    page.get_by_role("link", name="Signals").click()
    page.get_by_role("main").get_by_role("button", name="Competitor", exact=True).click()
    page.get_by_label("Details (optional)").fill("Rival van outside")
    page.get_by_role("button", name="Send", exact=True).click()
    marketing = api_client(live_server.url, "marketing@demo.strang")
    try:
        signal = wait_for(
            lambda: [
                s for s in marketing.get("/signals").json() if s["text"] == "Rival van outside"
            ]
        )[0]
        reply = {"reply": "Counter-offer sheet is on its way"}
        marketing.post(f"/signals/{signal['id']}/acknowledge", json=reply).raise_for_status()
    finally:
        marketing.close()
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("button", name="Sync now")).to_be_enabled()

    page.get_by_role("link", name="Summary").click()
    report_shows_the_day(page, day)
    assert small_targets(page) == []

    # Offline, after a restart of the app, the report is still there: it is read from the phone.
    wait_for_service_worker(page)
    page.context.set_offline(True)
    page.reload()
    report_shows_the_day(page, day)
    page.get_by_role("button", name="Week").click()
    expect(page.get_by_role("heading", name="Week report")).to_be_visible()
    expect(page.get_by_test_id("report-visits")).to_contain_text(day.visit.company)


def report_shows_the_day(page: Page, day: Day) -> None:
    expect(
        page.get_by_role("heading", name=f"Day report, {day.tap:%a}, {day.tap.day}")
    ).to_be_visible()
    expect(page.get_by_test_id("report-counts")).to_have_text("1 visit: Objection 1")
    visit = page.get_by_test_id("report-visits").locator("li")
    expect(visit).to_have_count(1)
    expect(visit).to_contain_text(f"{day.tap:%H:%M} {day.visit.company}, 20095 Hamburg")
    expect(visit.locator(".pill")).to_have_text(["Objection", "Price"])
    shown = f"Spring offer ({'page' if len(day.pages) == 1 else 'pages'} {page_ranges(day.pages)})"
    expect(visit).to_contain_text(f"Shown: {shown}")
    follow = page.get_by_test_id("follow-ups")
    expect(follow).to_contain_text(f"{day_text(day.tap.date() + timedelta(days=1))}, 10:30")
    expect(follow).to_contain_text(day.later)
    signals = page.get_by_test_id("report-signals")
    expect(signals).to_contain_text("Competitor")
    expect(signals).to_contain_text("Seen by marketing")
    expect(signals).to_contain_text("Reply: Counter-offer sheet is on its way")


def test_one_tap_shares_the_days_report_as_text_or_copies_it(
    berlin_phone: BrowserContext, live_server: Server, demo_settings: Settings
) -> None:
    berlin_phone.add_init_script(SHARE_SHEET)
    page = berlin_phone.new_page()
    day = a_logged_visit(page, live_server, demo_settings)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Summary").click()
    shown = f"Spring offer ({'page' if len(day.pages) == 1 else 'pages'} {page_ranges(day.pages)})"
    tomorrow = day.tap.date() + timedelta(days=1)
    expected = "\n".join(
        [
            f"Day report, {day.tap:%a}, {day.tap.day} {day.tap:%b %Y}",
            day.rep.name,
            "1 visit: Objection 1",
            "",
            "Visits",
            f"{day.tap:%H:%M} {day.visit.company}, 20095 Hamburg",
            "- Outcome: Objection (Price)",
            f"- Shown: {shown}",
            "",
            "Follow-ups",
            f"- {day_text(tomorrow)}, 10:30: {day.later}, 20095 Hamburg",
        ]
    )
    share = page.get_by_role("button", name="Share report")
    box = share.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    share.click()
    handle = page.wait_for_function("() => window.__shared.length > 0 && window.__shared")
    shared = handle.json_value()
    assert shared == [
        {"title": f"Day report, {day.tap:%a}, {day.tap.day} {day.tap:%b %Y}", "text": expected}
    ]

    # Where the browser has no share sheet, the same tap copies the report.
    berlin_phone.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("delete Navigator.prototype.share")
    share.click()
    expect(page.get_by_test_id("share-status")).to_have_text(
        "Report copied. Paste it into a message."
    )
    assert page.evaluate("navigator.clipboard.readText()") == expected
