"""A revoked session leaves nothing readable on the phone.

The rep syncs, opens a PDF (so it is cached) and logs two visits offline; an admin revokes the
session. Back online, the phone learns it at its next request and shows the login. Then every
IndexedDB database and store, every Cache Storage cache and key, localStorage and
sessionStorage are read: none of the rep's lead ids, companies, outcome codes, name or e-mail
is left, nor the PDF; the two unsent visits are kept only as opaque bytes. The same rep logging
in again sends them, each exactly once; another rep logging in first discards them for good.
"""

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from app.core.settings import Settings
from tests.browser.conftest import log_in
from tests.browser.rep_content import (
    Visit,
    add_visit,
    outcomes_of,
    revoke_sessions,
    wait_for_service_worker,
)
from tests.browser.test_one_tap import wait_until_pushed
from tests.server import Server

# Everything the page can read of its origin's storage, as one string (bytes as latin-1 text,
# so kept data that is not opaque would still be found).
READ_STORAGE = """async () => {
  const req = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
  const latin1 = (bytes) => Array.from(bytes, (b) => String.fromCharCode(b)).join('')
  const flat = async (v) => {
    if (v instanceof Blob) return latin1(new Uint8Array(await v.arrayBuffer()))
    if (v instanceof ArrayBuffer) return latin1(new Uint8Array(v))
    if (ArrayBuffer.isView(v)) return latin1(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
    if (Array.isArray(v)) return Promise.all(v.map(flat))
    if (v && typeof v === 'object') {
      const out = {}
      for (const [k, x] of Object.entries(v)) out[k] = await flat(x)
      return out
    }
    return v
  }
  const out = { idb: {}, caches: {}, local: {}, session: {} }
  for (const info of await indexedDB.databases()) {
    const db = await req(indexedDB.open(info.name))
    for (const name of db.objectStoreNames) {
      const store = db.transaction(name).objectStore(name)
      const keys = await req(store.getAllKeys())
      const values = await req(store.getAll())
      out.idb[`${info.name}/${name}`] = await flat({ keys, values })
    }
    db.close()
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name)
    out.caches[name] = (await cache.keys()).map((r) => r.url)
  }
  for (const [box, into] of [[localStorage, out.local], [sessionStorage, out.session]]) {
    for (let i = 0; i < box.length; i++) into[box.key(i)] = box.getItem(box.key(i))
  }
  return JSON.stringify(out)
}"""


@pytest.fixture
def page(phone: BrowserContext) -> Page:
    """A phone whose clock a test moves past the Undo window (installed before anything loads)."""
    phone.clock.install()
    return phone.new_page()


REP = "rep1@demo.strang"
REP_NAME = "Jonas Becker"


def wait_for(check: Callable[[], Any], timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def tap_first_outcome(page: Page, visit: Visit) -> str:
    page.get_by_role("link", name=visit.company).click()
    expect(page.get_by_role("heading", name=visit.company)).to_be_visible()
    button = page.locator("button.outcome").first
    code = str(button.get_attribute("data-code"))
    button.tap()
    expect(page.get_by_test_id("toast")).to_contain_text("Saved")
    page.get_by_role("link", name="Back").click()
    return code


def two_taps_then_revoke(page: Page, live_server: Server) -> tuple[list[Visit], list[str]]:
    """Rep 1 syncs, opens the PDF, logs two visits offline; the admin revokes the session;
    the phone comes back online and shows the login. Returns the visits and what was read
    on the phone before the revoke was learnt."""
    visits = [add_visit(live_server.url), add_visit(live_server.url)]
    log_in(page, REP)
    for v in visits:
        expect(page.get_by_role("link", name=v.company)).to_be_visible(timeout=15_000)
    wait_for_service_worker(page)
    page.get_by_role("link", name=visits[0].company).click()
    page.get_by_role("link", name="Spring offer").click()
    expect(page.locator("[data-testid=pdf] canvas").first).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Back").click()

    page.context.set_offline(True)
    codes = [tap_first_outcome(page, v) for v in visits]
    before = str(page.evaluate(READ_STORAGE))
    assert revoke_sessions(live_server.url, REP) >= 1

    page.context.set_offline(False)
    expect(page.get_by_label("Email")).to_be_visible(timeout=20_000)
    return visits, [before, *codes]


def needles(visits: list[Visit], codes: list[str] | None = None) -> list[str]:
    """What of rep 1 must not be readable: lead ids, companies, name, e-mail and, with `codes`,
    the outcome codes and the collateral file's address (for another rep of the same campaign
    those two are their own data too)."""
    found = [REP_NAME, REP]
    for v in visits:
        found += [v.lead_id, v.company]
        if codes is not None:
            found.append(v.file_url)
    return found + [f'"{c}"' for c in codes or []]


def kept_taps(page: Page) -> int:
    """How many users' taps the phone keeps sealed, and that nothing else is in the outbox."""
    stored = json.loads(page.evaluate(READ_STORAGE))["idb"]
    assert stored["strang/outbox"]["keys"] == []
    return len(stored["strang/held"]["keys"])


def assert_nothing_readable(page: Page, what: list[str]) -> None:
    stored = str(page.evaluate(READ_STORAGE))
    left = [n for n in what if n in stored]
    assert not left, f"still on the phone: {left}\n{stored[:4000]}"


def test_revoke_wipes_the_phone_and_the_same_rep_gets_the_taps_sent_once(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visits, [before, *codes] = two_taps_then_revoke(page, live_server)
    what = needles(visits, codes)
    # the reader sees what the app stores: the leads, the taps and the cached PDF were there
    assert all(v.lead_id in before and v.file_url in before for v in visits), before[:2000]
    assert_nothing_readable(page, what)
    assert kept_taps(page) == 1
    assert all(outcomes_of(demo_settings, v.lead_id) == [] for v in visits)

    log_in(page, REP)
    for v, code in zip(visits, codes, strict=True):
        held = wait_for(lambda v=v: outcomes_of(demo_settings, v.lead_id))
        assert [(o["code"], o["retracted"]) for o in held] == [(code, False)]
    expect(page.get_by_test_id("pending-count")).to_have_count(0, timeout=15_000)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("button", name="Sync now")).to_be_enabled()
    for v in visits:  # exactly once, after another round too
        assert len(outcomes_of(demo_settings, v.lead_id)) == 1


def test_another_rep_logging_in_discards_the_taps(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    theirs = add_visit(live_server.url, rep_email="rep2@demo.strang")
    visits, _ = two_taps_then_revoke(page, live_server)

    log_in(page, "rep2@demo.strang")
    expect(page.get_by_role("link", name=theirs.company)).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("pending-count")).to_have_count(0)
    for v in visits:
        expect(page.locator("body")).not_to_contain_text(v.company)
    assert kept_taps(page) == 0
    assert_nothing_readable(page, needles(visits))
    stored = str(page.evaluate(READ_STORAGE))
    assert theirs.lead_id in stored  # rep 2's own data is there

    # rep 2 logs out; rep 1 logs in on the same phone: the discarded taps never come back
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Email")).to_be_visible(timeout=15_000)
    assert_nothing_readable(page, [theirs.lead_id, theirs.company, "Lena Fischer"])
    log_in(page, REP)
    for v in visits:
        expect(page.get_by_role("link", name=v.company)).to_be_visible(timeout=15_000)
    wait_until_pushed(page)  # past the Undo window, when a kept tap would be pushed
    assert all(outcomes_of(demo_settings, v.lead_id) == [] for v in visits)
    assert kept_taps(page) == 0  # and none is waiting to be pushed later
