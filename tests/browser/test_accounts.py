"""Accounts people run themselves: an admin resets a rep's password and finds it in the audit
log; a rep changes their own password on the phone and their other device is signed out."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import PHONE, log_in
from tests.console.live import DESKTOP
from tests.server import Server

pytestmark = pytest.mark.browser

# The tests work on different accounts (rep 2's password is reset, rep 3 changes theirs), and the
# audit log is read for resets only, which the second test does not make.
SHARED_SERVER = True


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


def _login_status(base_url: str, email: str, password: str) -> int:
    answer = httpx.post(
        f"{base_url}/api/v1/auth/login", json={"email": email, "password": password}
    )
    return answer.status_code


def test_an_admin_resets_a_password_and_the_audit_log_shows_it(
    desktop: BrowserContext, live_server: Server
) -> None:
    page = desktop.new_page()
    log_in(page, "admin@demo.strang")
    page.wait_for_url("**/console/")
    page.get_by_role("link", name="Users").click()
    row = page.get_by_test_id("users").get_by_role("row").filter(has_text="rep2@demo.strang")
    row.get_by_role("button", name="Reset password").click()
    row.get_by_label("New password (8+ characters): Lena Fischer").fill("fresh start 2027")
    row.get_by_role("button", name="Set").click()
    expect(row).to_contain_text("Password set; their sessions ended.")
    assert _login_status(live_server.url, "rep2@demo.strang", "demo") == 401
    assert _login_status(live_server.url, "rep2@demo.strang", "fresh start 2027") == 200

    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Action").select_option("password.reset")
    table = page.get_by_test_id("audit")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the reset
    expect(table).to_contain_text("admin@demo.strang")
    expect(table).to_contain_text("rep2@demo.strang")
    assert "action=password.reset" in (page.get_by_test_id("audit-csv").get_attribute("href") or "")


def test_a_rep_changes_their_password_and_their_other_phone_is_signed_out(
    browser: Browser, live_server: Server
) -> None:
    contexts = [
        browser.new_context(base_url=live_server.url, locale="en-GB", **PHONE) for _ in "ab"
    ]
    try:
        phone, other = (c.new_page() for c in contexts)
        for page in (phone, other):
            log_in(page, "rep3@demo.strang")
            expect(page.get_by_role("link", name="Settings")).to_be_visible()
        phone.get_by_role("link", name="Settings").click()
        form = phone.get_by_test_id("change-password")
        form.get_by_label("Current password").fill("wrong one")
        form.get_by_label("New password (8+ characters)").fill("a longer secret")
        form.get_by_role("button", name="Change password").click()
        expect(form.get_by_role("alert")).to_have_text("The current password is wrong.")

        form.get_by_label("Current password").fill("demo")
        form.get_by_role("button", name="Change password").click()
        expect(form.get_by_role("status")).to_contain_text("Password changed")
        expect(other.get_by_label("Email")).to_be_visible(timeout=15_000)  # signed out, wiped
        phone.reload()
        expect(phone.get_by_role("link", name="Settings")).to_be_visible()  # this one stays
    finally:
        for context in contexts:
            context.close()
