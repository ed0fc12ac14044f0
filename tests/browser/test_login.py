from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

# Each test logs a demo account in and changes nothing another test reads.
SHARED_SERVER = True


def test_rep_logs_in_through_the_page_and_stays_logged_in(page: Page) -> None:
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_text("Jonas Becker")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "strang_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.reload()
    expect(page.get_by_text("Jonas Becker")).to_be_visible()


def test_wrong_password_shows_a_message_and_no_session(page: Page) -> None:
    log_in(page, "rep1@demo.strang", "wrong")
    expect(page.get_by_text("Email or password is wrong.")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "strang_session"]


def test_login_fits_a_360px_phone(page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    box = page.get_by_role("button", name="Log in").bounding_box()
    assert box is not None and box["height"] >= 48
