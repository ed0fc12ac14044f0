"""Single sign-on in a real browser: the login screen's button, the provider's own page (a real
OpenID provider started here), back in the app logged in; then the phone works offline."""

from collections.abc import Iterator

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Page, expect

from app.core.settings import Settings
from tests.browser.rep_content import add_visit, wait_for_service_worker
from tests.server import Server, running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def live_server(demo_settings: Settings, provider: str) -> Iterator[Server]:
    with running_server(
        demo_settings,
        STRANG_OIDC_ISSUER=provider,
        STRANG_OIDC_CLIENT_ID="strang",
        STRANG_OIDC_CLIENT_SECRET="s3cret",
        STRANG_OIDC_NAME="Acme ID",
    ) as server:
        yield server


def test_sign_in_with_the_provider_then_offline(
    page: Page, live_server: Server, provider: str
) -> None:
    visit = add_visit(live_server.url)
    claims = {"email": "REP1@demo.strang", "email_verified": True, "name": "Rep One"}
    httpx.put(f"{provider}/users/rep-one", json=claims).raise_for_status()
    page.goto("/")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    # the provider's own page
    page.wait_for_url(f"{provider}/oauth2/authorize*")
    page.get_by_placeholder("sub").fill("rep-one")
    page.get_by_role("button", name="Authorize").click()
    # back in the app, logged in: today's visits
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    assert page.url == f"{live_server.url}/"
    wait_for_service_worker(page)
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("link", name=visit.company)).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    page.context.set_offline(False)


def test_a_refused_sign_in_is_worded_on_the_login_screen(
    page: Page, live_server: Server, provider: str
) -> None:
    claims = {"email": "rep1@demo.strang", "email_verified": False}
    httpx.put(f"{provider}/users/unverified", json=claims).raise_for_status()
    page.goto("/")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    page.get_by_placeholder("sub").fill("unverified")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Sign-in refused: your identity provider has not confirmed your email address."
    )
    assert "sso_error" not in page.url
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
