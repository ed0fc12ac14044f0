"""Real headless Chromium (Debian's) driven by Playwright against a real `strang serve`.

Browser tests run on SQLite with the demo data seeded; each test gets a fresh server, except in
a module that sets `SHARED_SERVER = True`: its tests share one server and data folder, started
once (a server costs seconds of CPU to start). A module may share only when each of its tests
makes the content it looks at (its own visits, leads or reps) and none changes what another
test relies on (an account's password or sessions, a count over the whole organisation).
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from app.core.migrations import upgrade
from app.core.settings import Settings
from app.demo import seed_demo_database
from tests.server import Server, running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}

BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks every test of this folder `browser` (`-m "not browser"` leaves them out); a
    `pytestmark` here would mark nothing, a conftest not being a test module."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("STRANG_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _browser_settings(data_dir: Path) -> Settings:
    return Settings(_env_file=None, environment="test", data_dir=data_dir)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder with `strang demo` content, seeded once per test session."""
    settings = _browser_settings(tmp_path_factory.mktemp("demo") / "data")
    upgrade(settings)
    seed_demo_database(settings)
    return settings.data_dir


def _shares_server(request: pytest.FixtureRequest) -> bool:
    return bool(getattr(request.module, "SHARED_SERVER", False))


@pytest.fixture(scope="module")
def module_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Server]]:
    """One copy of the demo data and one server for a module that sets `SHARED_SERVER`."""
    settings = _browser_settings(tmp_path_factory.mktemp("shared") / "data")
    shutil.copytree(demo_template, settings.data_dir)
    with running_server(settings) as server:
        yield settings, server


@pytest.fixture
def demo_settings(request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path) -> Settings:
    """A fresh copy of the demo data folder (database and files) for this test alone, or the
    module's shared one."""
    if _shares_server(request):
        return request.getfixturevalue("module_server")[0]  # type: ignore[no-any-return]
    data_dir = tmp_path / "data"
    shutil.copytree(demo_template, data_dir)
    return _browser_settings(data_dir)


@pytest.fixture
def live_server(request: pytest.FixtureRequest, demo_settings: Settings) -> Iterator[Server]:
    if _shares_server(request):
        yield request.getfixturevalue("module_server")[1]
        return
    with running_server(demo_settings) as server:
        yield server


@pytest.fixture
def phone(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **PHONE)
    yield context
    context.close()


@pytest.fixture
def page(phone: BrowserContext) -> Page:
    return phone.new_page()


def log_in(page: Page, email: str, password: str = "demo") -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in_german(page: Page, email: str, password: str = "demo") -> None:
    """`log_in` on a page whose browser speaks German (the login form follows its language)."""
    page.goto("/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
