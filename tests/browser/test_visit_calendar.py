"""A rep subscribes their calendar app to their planned visits from Settings, and turns it off."""

import httpx
import icalendar
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.server import Server

pytestmark = pytest.mark.browser


def test_a_rep_gets_a_calendar_link_that_a_calendar_app_reads_and_can_end_it(
    page: Page, live_server: Server
) -> None:
    log_in(page, "rep1@demo.strang")
    page.get_by_role("link", name="Settings").click()
    card = page.get_by_test_id("calendar")
    card.get_by_role("button", name="Get a calendar link").click()
    url = card.get_by_test_id("calendar-url").input_value()
    assert url.startswith(live_server.url) and url.endswith(".ics")

    feed = httpx.get(url)
    assert feed.status_code == 200
    calendar = icalendar.Calendar.from_ical(feed.text)
    assert str(calendar["x-wr-calname"]) == "Strang: Jonas Becker"
    events = list(calendar.walk("VEVENT"))
    assert events, "the demo rep has planned visits"
    assert all(str(e["url"]).startswith(f"{live_server.url}/lead/") for e in events)

    page.reload()
    expect(card).to_contain_text("Your calendar app last read it")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="New link").click()
    replaced = card.get_by_test_id("calendar-url").input_value()
    assert replaced != url and httpx.get(url).status_code == 404

    card.get_by_role("button", name="Turn off the calendar link").click()
    expect(card).to_have_attribute("data-active", "no")
    assert httpx.get(replaced).status_code == 404
