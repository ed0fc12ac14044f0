"""Fingers, not mouse pointers: on a 390x844 phone every visible link, button, input and
[role=button] of Today, a lead, Signals, Summary and Settings is at least 44x44 px, and on a
360 px phone every placeholder fits its field."""

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.rep_content import add_visit
from tests.server import Server

# Each test measures screens around a visit of its own; neither changes an account.
SHARED_SERVER = True

MIN = 44

# Every visible control smaller than MIN in either direction, named so a person can find it.
SMALL_TARGETS = """(min) => {
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')
  const small = []
  for (const el of controls) {
    const box = el.getBoundingClientRect()
    const style = getComputedStyle(el)
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue
    // a checkbox or radio counts with its label, which takes the tap too
    const label = el.labels && el.labels[0]
    const boxed = label && ['checkbox', 'radio'].includes(el.type)
    const target = boxed ? label.getBoundingClientRect() : box
    if (target.width + 0.5 < min || target.height + 0.5 < min) {
      const name = (el.getAttribute('aria-label') || el.textContent
        || el.getAttribute('placeholder') || el.name || '').trim()
      const size = `${Math.round(target.width)}x${Math.round(target.height)}`
      small.push(`${el.tagName.toLowerCase()} "${name.slice(0, 40)}" ${size}`)
    }
  }
  return small
}"""

# Inputs whose placeholder is wider than the room for text (the field's width minus padding).
CUT_PLACEHOLDERS = """() => {
  const canvas = document.createElement('canvas').getContext('2d')
  const cut = []
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    const style = getComputedStyle(el)
    if (el.getBoundingClientRect().width === 0) continue
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
    const text = canvas.measureText(el.placeholder).width
    const needs = `needs ${Math.ceil(text)} px, has ${Math.floor(room)}`
    if (text > room + 0.5) cut.push(`"${el.placeholder}" ${needs}`)
  }
  return cut
}"""


def small_targets(page: Page) -> list[str]:
    page.wait_for_timeout(300)  # late rows (history, logged marks) have landed
    return list(page.evaluate(SMALL_TARGETS, MIN))


def test_every_tap_target_is_at_least_44_px(page: Page, live_server: Server) -> None:
    visit = add_visit(live_server.url)
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    offenders = {"Today": small_targets(page)}
    page.get_by_role("link", name=visit.company).click()
    expect(page.get_by_role("heading", name=visit.company)).to_be_visible()
    offenders["a lead"] = small_targets(page)
    page.goto("/")
    for tab in ["Signals", "Summary", "Settings"]:
        page.get_by_role("link", name=tab, exact=True).click()
        expect(page.get_by_role("link", name=tab, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        offenders[tab] = small_targets(page)
    assert {screen: found for screen, found in offenders.items() if found} == {}


def test_placeholders_fit_a_360_px_phone(browser: Browser, live_server: Server) -> None:
    visit = add_visit(live_server.url)
    small_phone = {**PHONE, "viewport": {"width": 360, "height": 740}}
    for locale in ["en-GB", "de-DE"]:
        context = browser.new_context(base_url=live_server.url, locale=locale, **small_phone)
        page = context.new_page()
        try:
            page.goto("/")
            cut = {"login": page.evaluate(CUT_PLACEHOLDERS)}
            log_in(page, "rep1@demo.strang") if locale == "en-GB" else _log_in_german(page)
            expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
            cut["Today"] = page.evaluate(CUT_PLACEHOLDERS)
            page.goto("/signals")
            page.wait_for_timeout(300)
            cut["Signals"] = page.evaluate(CUT_PLACEHOLDERS)
            assert {screen: found for screen, found in cut.items() if found} == {}, locale
        finally:
            context.close()


def _log_in_german(page: Page) -> None:
    page.get_by_label("E-Mail").fill("rep1@demo.strang")
    page.get_by_label("Passwort", exact=True).fill("demo")
    page.get_by_role("button", name="Anmelden").click()
