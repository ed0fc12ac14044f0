"""The customer's page loads the PDF reader by the hashed names of the PWA build (Vite's
manifest) under a strict CSP; without a build the PDF is still there, as a link."""

import json
import os
from pathlib import Path

from fastapi.testclient import TestClient

from app.shares import page
from tests.shares.helpers import Scene, new_token, share_create
from tests.sync.helpers import push

READER = "assets/share-AbC123.js"
PDFJS = "assets/pdfjs-XyZ789.js"
HELPERS = "assets/helpers-Q1.js"


def built(dist: Path, reader: str = READER) -> Path:
    """A PWA build with the share reader, as `vite build` writes its manifest."""
    manifest = {
        "src/share/reader.ts": {"file": reader, "isEntry": True, "imports": ["_pdfjs.js"]},
        "_pdfjs.js": {"file": PDFJS, "imports": ["_helpers.js"]},
        "_helpers.js": {"file": HELPERS},
        "index.html": {"file": "assets/app-1.js", "isEntry": True, "imports": ["_pdfjs.js"]},
    }
    (dist / ".vite").mkdir(parents=True, exist_ok=True)
    (dist / ".vite" / "manifest.json").write_text(json.dumps(manifest))
    for name in (reader, PDFJS, HELPERS):
        (dist / name).parent.mkdir(parents=True, exist_ok=True)
        (dist / name).write_text("export {}")
    return dist


def _open(client: TestClient, world: Scene, dist: Path, *items: object) -> str:
    client.app.state.settings.pwa_dist = dist  # type: ignore[attr-defined]
    token = new_token()
    result = push(client, world.headers, share_create(world.lead.id, list(items), token=token))
    assert result[0]["status"] == "applied", result
    answer = client.get(f"/s/{token}")
    assert answer.status_code == 200, answer.text
    return answer.text


def test_a_pdf_is_read_in_the_page_by_the_built_reader_under_a_strict_csp(
    client: TestClient, world: Scene, tmp_path: Path
) -> None:
    dist = built(tmp_path / "dist")
    client.app.state.settings.pwa_dist = dist  # type: ignore[attr-defined]
    token = new_token()
    push(client, world.headers, share_create(world.lead.id, [world.pdf.id], token=token))
    answer = client.get(f"/s/{token}")
    html = answer.text
    assert f'<script type="module" id="reader" src="/{READER}"></script>' in html
    assert f'<link rel="modulepreload" href="/{PDFJS}">' in html
    assert f'<link rel="modulepreload" href="/{HELPERS}">' in html
    assert "app-1.js" not in html  # nothing of the rep app
    src = f"/s/{token}/files/{world.pdf.id}"
    assert f'data-pdf="{src}"' in html and f'<a href="{src}">Open the PDF</a>' in html
    assert "<iframe" not in html
    csp = dict(
        part.strip().split(" ", 1) for part in answer.headers["content-security-policy"].split(";")
    )
    assert csp["default-src"] == "'none'"
    assert csp["script-src"].endswith("'self'") and csp["script-src"].startswith("'nonce-")
    assert csp["worker-src"] == "'self'" and csp["connect-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and "frame-src" not in csp
    assert not any(w in answer.headers["content-security-policy"] for w in ("unsafe", "http", "*"))

    file = client.get(src)
    assert file.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in file.headers["content-security-policy"]


def test_without_a_build_the_pdf_is_a_link(
    client: TestClient, world: Scene, tmp_path: Path
) -> None:
    html = _open(client, world, tmp_path / "nothing-built", world.pdf.id)
    assert '<script type="module"' not in html and "modulepreload" not in html
    assert "Open the PDF" in html and f"/files/{world.pdf.id}" in html
    assert "data-visit=" in html  # still measured (as a whole)


def test_a_broken_manifest_is_no_build(client: TestClient, world: Scene, tmp_path: Path) -> None:
    dist = built(tmp_path / "dist")
    (dist / ".vite" / "manifest.json").write_text('{"src/share/reader.ts": {"file": 7}')
    assert '<script type="module"' not in _open(client, world, dist, world.pdf.id)
    (dist / ".vite" / "manifest.json").write_text('{"index.html": {"file": "assets/app.js"}}')
    assert page.reader_of(dist) is None
    built(dist)
    (dist / PDFJS).unlink()  # named but missing: not referenced
    assert page.reader_of(dist) is None


def test_a_new_build_is_picked_up_and_images_only_need_no_reader(
    client: TestClient, world: Scene, tmp_path: Path
) -> None:
    dist = built(tmp_path / "dist")
    assert READER in _open(client, world, dist, world.pdf.id)
    manifest = dist / ".vite" / "manifest.json"
    before = manifest.stat().st_mtime_ns
    built(dist, reader="assets/share-New456.js")
    os.utime(manifest, ns=(before + 10**9, before + 10**9))
    again = _open(client, world, dist, world.pdf.id)
    assert "assets/share-New456.js" in again and READER not in again
    assert "share-New456" not in _open(client, world, dist, world.video.id)  # no PDF shared
