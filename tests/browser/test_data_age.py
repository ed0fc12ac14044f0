"""How old the data is, on every screen: after syncing and reloading offline, Today, a lead and
Settings say "offline · data from HH:MM" with the real time of the last sync, Settings shows that
sync instead of "not yet", and a failed sync is explained in the rep's language."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.rep_content import add_visit, wait_for_service_worker
from tests.server import Server

# Each test has a visit and a phone of its own; the rep's language is kept on the phone.
SHARED_SERVER = True

LAST_PULL = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('strang')
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const all = open.result.transaction('sync').objectStore('sync').getAll()
    all.onsuccess = () => resolve(all.result.map((s) => s.lastPullAt))
  }
})"""


def synced_at(page: Page, locale: str) -> str:
    """The stored time of the last successful sync as the rep reads it (HH:MM, phone clock)."""
    [stamp] = page.evaluate(LAST_PULL)
    assert stamp, "the phone never recorded a sync"
    return str(
        page.evaluate(
            "([iso, locale]) => new Intl.DateTimeFormat(locale, "
            "{hour: '2-digit', minute: '2-digit'}).format(new Date(iso))",
            [stamp, locale],
        )
    )


def sync_and_go_offline(page: Page, live_server: Server) -> str:
    visit = add_visit(live_server.url)
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    # online and just synced: the line stays away
    expect(page.get_by_test_id("data-age")).to_have_count(0)
    wait_for_service_worker(page)
    page.context.set_offline(True)
    page.reload()
    return visit.company


def test_every_screen_says_how_old_the_data_is_offline(page: Page, live_server: Server) -> None:
    company = sync_and_go_offline(page, live_server)
    line = f"offline · data from {synced_at(page, 'en-GB')}"
    age = page.get_by_test_id("data-age")

    expect(age).to_have_text(line)  # Today
    page.get_by_role("link", name=company).click()
    expect(page.get_by_role("heading", name=company)).to_be_visible()
    expect(age).to_have_text(line)  # a lead
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(age).to_have_text(line)
    expect(page.get_by_test_id("last-sync")).not_to_contain_text("not yet")
    expect(page.get_by_test_id("last-sync")).to_contain_text(synced_at(page, "en-GB"))
    expect(page.get_by_test_id("sync-failure")).to_have_text(
        "Last attempt failed: The server could not be reached."
    )

    # back online: a round succeeds and the line goes away
    page.context.set_offline(False)
    page.get_by_role("button", name="Sync now").click()
    expect(age).to_have_count(0)
    expect(page.get_by_test_id("sync-failure")).to_have_count(0)


def test_german_rep_reads_why_in_german(page: Page, live_server: Server) -> None:
    visit = add_visit(live_server.url)
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Language").select_option("de")
    expect(page.get_by_role("heading", name="Einstellungen")).to_be_visible()

    # a busy server answers in English; the rep reads German
    page.route(
        "**/api/v1/sync/pull*",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"detail": "Service temporarily unavailable"}',
        ),
    )
    page.get_by_role("button", name="Jetzt synchronisieren").click()
    failure = page.get_by_test_id("sync-failure")
    expect(failure).to_have_text(
        "Letzter Versuch fehlgeschlagen: "
        "Der Server ist gerade ausgelastet. Die App versucht es von selbst erneut."
    )
    page.unroute("**/api/v1/sync/pull*")

    wait_for_service_worker(page)
    page.context.set_offline(True)
    page.reload()
    age = page.get_by_test_id("data-age")
    expect(age).to_have_text(f"offline · Daten von {synced_at(page, 'de-DE')}")
    expect(failure).to_have_text("Letzter Versuch fehlgeschlagen: Der Server war nicht erreichbar.")
    expect(page.get_by_test_id("last-sync")).not_to_contain_text("noch nicht")
    for english in ("could not be reached", "Service temporarily unavailable", "data from"):
        expect(page.locator("body")).not_to_contain_text(english)
    page.get_by_role("link", name="Heute").click()
    expect(age).to_have_text(f"offline · Daten von {synced_at(page, 'de-DE')}")
