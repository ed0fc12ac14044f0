"""The customer's page shows a shared PDF in the page (pdf.js, one canvas per page, drawn only
near the screen, as wide as the page) and measures the seconds per page; the rep's lead then
says which pages were read. Without the reader, the PDF is a link and is measured whole."""

import secrets
import time
import uuid
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlmodel import Session, select

from app.collateral.samples import pdf_document
from app.core.db import make_engine
from app.core.settings import Settings
from app.shares.models import ShareReading
from tests.browser.conftest import PHONE, log_in
from tests.browser.rep_content import Visit, add_visit, api_client
from tests.console.live import DESKTOP
from tests.server import Server

# Each test shares a PDF of its own and reads back only that PDF's reading.
SHARED_SERVER = True


def share_pdf(base_url: str, visit: Visit, pages: int) -> tuple[str, str]:
    """Marketing adds a PDF of `pages` pages to the visit's campaign; the rep shares it.
    Returns the link and the PDF's collateral id."""
    marketing = api_client(base_url, "marketing@demo.strang")
    try:
        pdf = pdf_document(
            [[f"Heat pumps, part {n}", f"Page {n} text"] for n in range(1, pages + 1)]
        )
        collateral = marketing.post(
            f"/campaigns/{visit.campaign_id}/collateral",
            data={"title": f"Guide in {pages} pages"},
            files={"file": ("guide.pdf", pdf, "application/octet-stream")},
        )
        collateral_id = collateral.raise_for_status().json()["id"]
    finally:
        marketing.close()
    token = secrets.token_urlsafe(16)
    rep = api_client(base_url, "rep1@demo.strang")
    try:
        mutation = {
            "type": "share.create", "id": str(uuid.uuid4()), "share_id": str(uuid.uuid4()),
            "lead_id": visit.lead_id, "token": token, "collateral_ids": [collateral_id],
        }  # fmt: skip
        pushed = rep.post("/sync/push", json={"device_id": "t", "mutations": [mutation]})
        assert pushed.json()["results"][0]["status"] == "applied", pushed.text
    finally:
        rep.close()
    return f"{base_url}/s/{token}", str(collateral_id)


def seconds_per_page(settings: Settings, collateral_id: str) -> dict[int, int]:
    """What the server holds of the customers' reading of one collateral item, per page."""
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            query = select(ShareReading.page, ShareReading.seconds).where(
                ShareReading.collateral_id == uuid.UUID(collateral_id)
            )
            return {int(page): int(seconds) for page, seconds in session.exec(query)}
    finally:
        engine.dispose()


def wait_for_pages(
    settings: Settings, collateral_id: str, pages: set[int], seconds: float = 20
) -> dict[int, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        held = seconds_per_page(settings, collateral_id)
        if set(held) >= pages:
            return held
        time.sleep(0.25)
    return seconds_per_page(settings, collateral_id)


def complaints(page: Page) -> list[str]:
    """Content-Security-Policy refusals and script errors the page reports."""
    found: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            found.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def show(page: Page, n: int) -> None:
    """Scroll page `n` of the PDF to the top of the screen."""
    page.locator(f'.pdf [data-page="{n}"]').evaluate("box => box.scrollIntoView({block: 'start'})")


def canvases(page: Page) -> int:
    return int(page.locator(".pdf canvas").count())


def test_the_customer_pages_through_a_pdf_and_the_rep_sees_the_pages_read(
    browser: Browser, page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visit = add_visit(live_server.url)
    link, pdf = share_pdf(live_server.url, visit, pages=3)
    customer = browser.new_context(locale="en-GB", **PHONE)
    try:
        reader = customer.new_page()
        problems = complaints(reader)
        opened = time.monotonic()
        answer = reader.goto(link)
        assert answer is not None and answer.status == 200
        csp = answer.headers["content-security-policy"]
        assert "unsafe-eval" not in csp and "unsafe-inline" not in csp and "http" not in csp
        boxes = reader.locator(".pdf [data-page]")
        expect(boxes).to_have_count(3)
        expect(reader.get_by_role("img", name="Page 1 of 3")).to_be_visible()
        expect(reader.locator('[data-page="1"] canvas')).to_have_count(1)
        expect(reader.get_by_role("link", name="Open the PDF")).to_be_hidden()
        assert reader.locator("iframe").count() == 0
        width = reader.locator(".pdf").bounding_box()
        drawn = reader.locator('[data-page="1"] canvas').bounding_box()
        assert width and drawn and abs(drawn["width"] - width["width"]) <= 1, (width, drawn)
        assert width["width"] < 390  # a phone's width, not the page's own 595 points
        for n in (1, 2, 3):
            show(reader, n)
            expect(reader.locator(f'[data-page="{n}"] canvas')).to_have_count(1)
            reader.wait_for_timeout(2_500)  # the customer reads page n
        reader.goto("about:blank")  # leaving sends the reading
        on_screen = time.monotonic() - opened
        held = wait_for_pages(demo_settings, pdf, {1, 2, 3})
        assert set(held) == {1, 2, 3}, held  # per page, and not the PDF as a whole (page 0)
        assert all(seconds >= 1 for seconds in held.values()), held
        # one page at a time (two are on a phone's screen at once), not every page in view
        assert sum(held.values()) <= on_screen + 1, (held, on_screen)
        assert problems == [], problems
    finally:
        customer.close()

    log_in(page, "rep1@demo.strang")
    page.get_by_role("link", name=visit.company).click(timeout=15_000)
    expect(page.get_by_test_id("share-reading")).to_contain_text("opened today")
    expect(page.get_by_test_id("share-reading")).to_contain_text("pages 1\u20133")  # an en dash


def test_a_long_pdf_draws_only_the_pages_near_the_screen_at_any_width(
    browser: Browser, live_server: Server
) -> None:
    visit = add_visit(live_server.url)
    link, _ = share_pdf(live_server.url, visit, pages=40)
    customer = browser.new_context(locale="en-GB", viewport=DESKTOP)
    try:
        reader = customer.new_page()
        problems = complaints(reader)
        reader.goto(link)
        expect(reader.locator(".pdf [data-page]")).to_have_count(40)
        expect(reader.locator('[data-page="1"] canvas')).to_have_count(1)
        reader.wait_for_timeout(1_000)
        assert canvases(reader) <= 4  # not 40 up front

        show(reader, 20)
        expect(reader.locator('[data-page="20"] canvas')).to_have_count(1)
        reader.wait_for_timeout(1_000)
        assert canvases(reader) <= 5
        expect(reader.locator('[data-page="1"] canvas')).to_have_count(0)  # let go when far

        wide = reader.locator('[data-page="20"]').bounding_box()
        reader.set_viewport_size({"width": 390, "height": 844})
        show(reader, 20)
        reader.wait_for_function(
            """() => { const box = document.querySelector('[data-page="20"]')
                   const c = box.querySelector('canvas'), pdf = document.querySelector('.pdf')
                   return c && Math.abs(c.getBoundingClientRect().width - pdf.clientWidth) <= 1
                          && pdf.clientWidth < 390 }"""
        )
        narrow = reader.locator('[data-page="20"]').bounding_box()
        assert wide and narrow and narrow["width"] < wide["width"]
        shape = (narrow["height"] / narrow["width"], wide["height"] / wide["width"])
        assert abs(shape[0] - shape[1]) < 0.02, shape  # A4 at both widths
        assert problems == [], problems
    finally:
        customer.close()


def test_without_the_reader_the_pdf_is_a_link_and_read_as_a_whole(
    browser: Browser, live_server: Server, demo_settings: Settings
) -> None:
    visit = add_visit(live_server.url)
    link, pdf = share_pdf(live_server.url, visit, pages=3)
    customer = browser.new_context(locale="en-GB", **PHONE)
    try:
        reader = customer.new_page()
        reader.route("**/assets/share-*.js", lambda route: route.abort())  # pdf.js never loads
        reader.goto(link)
        expect(reader.get_by_role("link", name="Open the PDF")).to_be_visible()
        expect(reader.locator(".pdf [data-page]")).to_have_count(0)
        reader.wait_for_timeout(2_500)
        reader.goto("about:blank")
        held: dict[int, Any] = wait_for_pages(demo_settings, pdf, {0})
        assert set(held) == {0} and held[0] >= 1, held
    finally:
        customer.close()
