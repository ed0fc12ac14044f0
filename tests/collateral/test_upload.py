from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.changes.log import SyncChange, SyncEntity
from app.collateral.models import Collateral
from app.core.settings import Settings
from app.main import create_app
from tests.campaigns.factories import campaign, pdf_bytes, png_bytes, upload
from tests.factories import Factory


def stored_blobs(settings: Settings) -> list[Path]:
    root = settings.blob_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_pdf_upload_is_typed_from_its_content(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    answer = upload(client, marketing, row.id, pdf_bytes(), "angebot.pdf", segments="retail, b2b")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["kind"], body["content_type"], body["filename"]) == (
        "pdf",
        "application/pdf",
        "angebot.pdf",
    )
    assert body["segments"] == ["retail", "b2b"]
    assert body["file_url"] == f"/api/v1/files/{body['sha256']}"
    image = upload(client, marketing, row.id, png_bytes(), "visual", title="Visual").json()
    assert (image["kind"], image["content_type"], image["filename"]) == (
        "image",
        "image/png",
        "visual.png",
    )
    changes = db.exec(select(SyncChange).where(SyncChange.entity == SyncEntity.collateral)).all()
    assert {c.entity_id for c in changes} == {body["id"], image["id"]}


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "offer.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.svg"),
        (b"", "empty.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "really-a-png.pdf"),
    ],
)
def test_wrong_content_is_refused_with_415_and_nothing_stored(
    client: TestClient,
    factory: Factory,
    db: Session,
    settings: Settings,
    content: bytes,
    name: str,
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    answer = upload(client, marketing, row.id, content, name)
    assert answer.status_code == 415
    assert answer.json()["detail"].startswith("file:")
    assert stored_blobs(settings) == []
    assert db.exec(select(Collateral)).all() == []


def test_oversize_upload_is_refused_while_streaming(
    settings: Settings, factory: Factory, db: Session
) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 1000})
    app: FastAPI = create_app(small)
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as small_client:
            factory.client = small_client
            _, marketing = factory.login_as(Role.marketing)
            row = campaign(db)
            big = pdf_bytes() + b"%" * 2000
            answer = upload(small_client, marketing, row.id, big)
            assert answer.status_code == 413
            assert "file" in answer.json()["detail"]
            ok = upload(small_client, marketing, row.id, pdf_bytes()[:900] + b"\n%%EOF")
            assert ok.status_code == 201
    finally:
        app.state.engine.dispose()
    assert len(stored_blobs(settings)) == 1  # only the small one; no temporary leftovers
    assert len(db.exec(select(Collateral)).all()) == 1


def test_same_bytes_are_stored_once(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    first = upload(client, marketing, row.id, pdf_bytes(), "a.pdf").json()
    second = upload(client, marketing, row.id, pdf_bytes(), "b.pdf", title="Copy").json()
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert len(stored_blobs(settings)) == 1


def test_links_need_an_http_address(client: TestClient, factory: Factory, db: Session) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    url = f"/api/v1/campaigns/{row.id}/collateral"
    good = client.post(url, headers=marketing, data={"title": "Video", "url": "https://x.test/v"})
    assert good.status_code == 201 and good.json()["kind"] == "link"
    bad = client.post(url, headers=marketing, data={"title": "X", "url": "javascript:alert(1)"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("url:")
    neither = client.post(url, headers=marketing, data={"title": "X"})
    assert neither.status_code == 400
    untitled = client.post(url, headers=marketing, data={"url": "https://x.test"})
    assert untitled.status_code == 400 and "title" in untitled.json()["detail"]


def test_reps_cannot_upload_or_manage_collateral(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    _, rep = factory.login_as(Role.rep)
    row = campaign(db)
    item = upload(client, marketing, row.id, pdf_bytes()).json()
    assert upload(client, rep, row.id, pdf_bytes()).status_code == 403
    assert client.get(f"/api/v1/campaigns/{row.id}/collateral", headers=rep).status_code == 403
    assert client.get(f"/api/v1/collateral/{item['id']}", headers=rep).status_code == 403
    assert client.delete(f"/api/v1/collateral/{item['id']}", headers=rep).status_code == 403
    assert client.get(f"/api/v1/collateral/{item['id']}").status_code == 401
    assert upload(client, {}, row.id, pdf_bytes()).status_code == 401


def test_marketing_edits_and_deletes_collateral(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    item = upload(client, marketing, row.id, pdf_bytes()).json()
    url = f"/api/v1/collateral/{item['id']}"
    edited = client.patch(url, json={"title": "Neu", "segments": ["Handel"]}, headers=marketing)
    assert edited.json()["title"] == "Neu" and edited.json()["segments"] == ["Handel"]
    assert client.delete(url, headers=marketing).status_code == 204
    listing = f"/api/v1/campaigns/{row.id}/collateral"
    assert client.get(listing, headers=marketing).json() == []
    history = client.get(listing, params={"include_history": True}, headers=marketing).json()
    assert history[0]["deleted_at"] is not None and history[0]["is_current"] is False
