"""The console's Webhooks screen against a real server sending to a real HTTPS receiver (the
tests' own CA): an admin registers the CRM's endpoint, sees the signing secret once, and the
delivery log shows the lead assignment delivered, signed with that secret."""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from app.core.settings import Settings
from tests.browser.conftest import log_in
from tests.console.live import DESKTOP
from tests.server import Server, running_server
from tests.tls import Authority, make_authority
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.browser


@pytest.fixture
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def receiver(authority: Authority) -> Iterator[Receiver]:
    receiver = Receiver(authority).start()
    yield receiver
    receiver.close()


@pytest.fixture
def sending_server(demo_settings: Settings, authority: Authority) -> Iterator[Server]:
    with running_server(
        demo_settings,
        STRANG_WEBHOOK_SENDER_ENABLED="true",
        STRANG_WEBHOOK_CA_FILE=str(authority.ca_file),
        STRANG_WEBHOOK_POLL_SECONDS="0.2",
    ) as server:
        yield server


@pytest.fixture
def desktop(browser: Browser, sending_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=sending_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


def _assign_a_new_lead(base_url: str) -> None:
    token = httpx.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": "marketing@demo.strang", "password": "demo"},
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    rep = httpx.get(f"{base_url}/api/v1/console/reps", headers=headers).json()[0]
    created = httpx.post(
        f"{base_url}/api/v1/leads",
        headers=headers,
        json={"company": "Webhook GmbH", "rep_id": rep["id"], "external_ref": "CRM-7"},
    )
    assert created.status_code == 201, created.text


def test_an_admin_registers_the_crm_sees_the_secret_once_and_the_log_shows_a_delivery(
    desktop: BrowserContext, sending_server: Server, receiver: Receiver
) -> None:
    hook = receiver.hook()
    page = desktop.new_page()
    log_in(page, "admin@demo.strang")
    page.wait_for_url("**/console/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_text("No endpoints yet.")).to_be_visible()
    page.get_by_label("Endpoint URL (https://)").fill("http://crm.example.test/x")
    page.get_by_label("Lead assigned").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert")).to_contain_text("https://")  # refused, naming the problem
    page.get_by_label("Endpoint URL (https://)").fill(hook.url)
    page.get_by_label("Description (optional)").fill("Our CRM")
    page.get_by_role("button", name="Register").click()

    secret = page.get_by_test_id("webhook-secret")
    expect(secret).to_have_text(re.compile(r"^whsec_[0-9a-f]{64}$"))
    hook.secret = secret.inner_text()
    expect(page.get_by_test_id("webhooks")).to_contain_text(hook.url)
    page.get_by_role("button", name="I have copied it").click()
    expect(page.get_by_test_id("webhook-secret")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("webhooks")).to_contain_text("Our CRM")
    assert hook.secret not in page.content()  # never shown again

    _assign_a_new_lead(sending_server.url)
    page.get_by_role("link", name="Delivery log").click()
    log = page.get_by_test_id("webhook-deliveries")
    row = log.locator("tbody tr").first
    for _ in range(50):  # the sender polls every 0.2 s
        if row.get_attribute("data-status") == "delivered":
            break
        page.get_by_role("button", name="Refresh").click()
        page.wait_for_timeout(200)
    expect(row).to_have_attribute("data-status", "delivered")
    expect(row).to_contain_text("Lead assigned")
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("200")
    (event,) = receiver.events(hook)  # verified with the secret the screen showed
    assert event["type"] == "lead.assigned" and event["data"]["lead"]["external_ref"] == "CRM-7"
    assert hook.refused == []
