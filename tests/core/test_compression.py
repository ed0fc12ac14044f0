"""What travels over the wire: the built front end in the smallest copy the browser accepts,
API answers gzipped, collateral files and event streams as they are."""

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.collateral.samples import pdf_document
from app.core.settings import Settings
from app.main import create_app
from tests.campaigns.factories import campaign, lead, upload
from tests.factories import Factory

SCRIPT = b"export const greet = (name) => `Hello, ${name}!`;\n" * 200
BROTLI = b"(the brotli copy written by the build)"
PHONE = "gzip, deflate, br"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built front end as `npm run build` leaves it: files with .br and .gz copies."""
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_bytes(b"<!doctype html><title>Strang</title>")
    script = folder / "assets" / "app-1a2b3c4d.js"
    script.write_bytes(SCRIPT)
    (folder / "assets" / "app-1a2b3c4d.js.br").write_bytes(BROTLI)
    (folder / "assets" / "app-1a2b3c4d.js.gz").write_bytes(gzip.compress(SCRIPT))
    (folder / "assets" / "logo-1a2b3c4d.png").write_bytes(b"\x89PNG not compressed")
    return folder


@pytest.fixture
def web(settings: Settings, dist: Path) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"pwa_dist": dist}))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client
    app.state.engine.dispose()


def _script(web: TestClient, accept: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the bytes as sent (not decoded) of the script."""
    with web.stream(
        "GET", "/assets/app-1a2b3c4d.js", headers={"Accept-Encoding": accept, **headers}
    ) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


def test_a_script_is_sent_in_the_best_coding_the_browser_accepts(web: TestClient) -> None:
    status, headers, body = _script(web, PHONE)
    assert status == 200 and body == BROTLI
    assert headers["content-encoding"] == "br"
    assert headers["content-length"] == str(len(BROTLI))
    assert headers["content-type"].startswith("text/javascript")
    assert headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"

    for accept in ("gzip", "br;q=0, gzip;q=0.5", "gzip, deflate"):
        status, headers, body = _script(web, accept)
        assert headers["content-encoding"] == "gzip", accept
        assert gzip.decompress(body) == SCRIPT
        assert headers["content-length"] == str(len(body))
        assert headers["vary"] == "Accept-Encoding"

    for accept in ("", "identity", "deflate", "br;q=0, gzip;q=0", "*;q=0"):
        status, headers, body = _script(web, accept)
        assert status == 200 and body == SCRIPT, accept
        assert "content-encoding" not in headers
        assert headers["content-length"] == str(len(SCRIPT))
        assert headers["vary"] == "Accept-Encoding"

    assert _script(web, "*")[1]["content-encoding"] == "br"


def test_each_coding_has_its_own_etag_and_answers_304_to_it(web: TestClient) -> None:
    etags = {accept: _script(web, accept)[1]["etag"] for accept in ("br", "gzip", "identity")}
    assert len(set(etags.values())) == 3
    for accept, etag in etags.items():
        status, headers, body = _script(web, accept, **{"If-None-Match": etag})
        assert status == 304 and body == b"", accept
        assert headers["etag"] == etag
        assert headers["vary"] == "Accept-Encoding"
        assert "content-encoding" not in headers
    # The browser holds the gzip copy but now accepts brotli: a different copy, sent in full.
    status, headers, body = _script(web, "br", **{"If-None-Match": etags["gzip"]})
    assert status == 200 and body == BROTLI
    status, _, _ = _script(web, "gzip", **{"If-None-Match": f'W/{etags["gzip"]}, "x"'})
    assert status == 304


def test_copies_older_than_their_file_and_files_without_copies_are_sent_as_they_are(
    web: TestClient, dist: Path
) -> None:
    script = dist / "assets" / "app-1a2b3c4d.js"
    later = script.stat().st_mtime + 60
    os.utime(script, (later, later))  # replaced after the build: the copies are stale
    status, headers, body = _script(web, PHONE)
    assert status == 200 and body == SCRIPT and "content-encoding" not in headers

    logo = web.get("/assets/logo-1a2b3c4d.png", headers={"Accept-Encoding": PHONE})
    assert logo.content == b"\x89PNG not compressed"
    assert "content-encoding" not in logo.headers and "vary" not in logo.headers


def test_the_compressed_copies_are_not_served_as_files(web: TestClient) -> None:
    response = web.get("/assets/app-1a2b3c4d.js.br", headers={"Accept-Encoding": "identity"})
    assert response.content != BROTLI
    assert response.headers["content-type"].startswith("text/html")  # the app shell


def test_a_large_json_answer_is_gzipped(client: TestClient, factory: Factory, db: Session) -> None:
    rep, headers = factory.login_as(Role.rep)
    for i in range(40):
        lead(db, rep, company=f"Beispiel Maschinenbau {i} GmbH", brief_html="<p>Why now</p>" * 5)
    plain = client.get("/api/v1/sync/pull", headers={**headers, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream(
        "GET", "/api/v1/sync/pull", headers={**headers, "Accept-Encoding": PHONE}
    ) as packed:
        wire = b"".join(packed.iter_raw())
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["vary"] == "Accept-Encoding"
        assert packed.headers["content-length"] == str(len(wire))
    assert len(wire) < len(plain.content) / 4
    pulled = json.loads(gzip.decompress(wire))
    assert pulled["changes"]["leads"] == plain.json()["changes"]["leads"]
    assert len(pulled["changes"]["leads"]) == 40


def _gzips_api_answers(client: TestClient) -> bool:
    """The contrast for the answers that must pass untouched: a large one is gzipped."""
    described = client.get("/api/openapi.json", headers={"Accept-Encoding": PHONE})
    return described.headers.get("content-encoding") == "gzip"


def test_a_small_json_answer_is_sent_as_it_is(client: TestClient, factory: Factory) -> None:
    _, headers = factory.login_as(Role.rep)
    me = client.get("/api/v1/me", headers={**headers, "Accept-Encoding": PHONE})
    assert me.status_code == 200
    assert "content-encoding" not in me.headers
    assert me.headers["content-length"] == str(len(me.content))
    assert _gzips_api_answers(client)


def test_collateral_files_and_their_ranges_are_sent_as_they_are(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    _, rep = factory.login_as(Role.rep)
    content = pdf_document([["Price list", *(["Model 7, 18 % less energy"] * 30)]] * 20)
    assert len(content) > 20_000
    url = upload(client, marketing, campaign(db).id, content).json()["file_url"]
    accept = {**rep, "Accept-Encoding": PHONE}

    full = client.get(url, headers=accept)
    assert full.status_code == 200 and full.content == content
    assert "content-encoding" not in full.headers
    assert full.headers["content-length"] == str(len(content))

    part = client.get(url, headers={**accept, "Range": "bytes=1000-5999"})
    assert part.status_code == 206
    assert "content-encoding" not in part.headers
    assert part.content == content[1000:6000]
    assert part.headers["content-range"] == f"bytes 1000-5999/{len(content)}"
    assert part.headers["content-length"] == "5000"
    assert _gzips_api_answers(client)


def test_an_event_stream_is_never_compressed(app: FastAPI, client: TestClient) -> None:
    @app.get("/api/v1/test-events")
    def events() -> StreamingResponse:
        notices = (f"event: changed\ndata: {'x' * 2000}\n\n" for _ in range(3))
        return StreamingResponse(notices, media_type="text/event-stream")

    app.router.routes.insert(0, app.router.routes.pop())  # before the front end's catch-all
    with client.stream(
        "GET", "/api/v1/test-events", headers={"Accept-Encoding": PHONE}
    ) as response:
        assert "content-encoding" not in response.headers
        assert response.read().count(b"event: changed") == 3
    assert _gzips_api_answers(client)
