import hashlib
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.campaigns.models import CampaignStatus
from app.changes.log import SyncChange, SyncEntity
from app.core.settings import Settings
from app.core.storage import LocalBlobStorage
from tests.campaigns.factories import campaign, lead, pdf_bytes, png_bytes, upload
from tests.cli import strang
from tests.factories import Factory


def test_file_is_served_with_cache_headers_etag_and_ranges(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    _, rep = factory.login_as(Role.rep)
    content = pdf_bytes()
    item = upload(client, marketing, campaign(db).id, content).json()
    url = item["file_url"]
    full = client.get(url, headers=rep)
    assert full.status_code == 200
    assert full.content == content
    assert full.headers["content-type"] == "application/pdf"
    assert full.headers["etag"] == f'"{item["sha256"]}"'
    assert full.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert full.headers["x-content-type-options"] == "nosniff"
    assert full.headers["accept-ranges"] == "bytes"
    part = client.get(url, headers={**rep, "Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == content[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(content)}"
    tail = client.get(url, headers={**rep, "Range": "bytes=-6"})
    assert tail.status_code == 206 and tail.content == content[-6:]
    rest = client.get(url, headers={**rep, "Range": f"bytes={len(content) - 3}-"})
    assert rest.content == content[-3:]
    outside = client.get(url, headers={**rep, "Range": f"bytes={len(content)}-"})
    assert outside.status_code == 416
    assert outside.headers["content-range"] == f"bytes */{len(content)}"
    cached = client.get(url, headers={**rep, "If-None-Match": full.headers["etag"]})
    assert cached.status_code == 304 and cached.content == b""
    stale = client.get(url, headers={**rep, "Range": "bytes=0-3", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == content


def test_hostile_file_names_are_stored_and_served_safely(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    names = {
        "../../etc/passwd.pdf": "passwd.pdf",
        "..\\..\\win.ini.png": "win.ini.png",
        'a"; filename=evil.html\r\nX-Injected: 1.pdf': None,  # the client escapes some of it
        "Prospekt Grüße \u202egnp.pdf": "Prospekt Grüße gnp.pdf",
        "....pdf": "file.pdf",
    }
    for raw, expected in names.items():
        content = png_bytes(len(raw)) if raw.endswith(".png") else pdf_bytes(raw)
        item = upload(client, marketing, row.id, content, raw).json()
        assert item["filename"] == expected or expected is None
        assert not set(item["filename"]) & set('"/\\;:\r\n')
        served = client.get(item["file_url"], headers=marketing)
        disposition = served.headers["content-disposition"]
        assert "\r" not in disposition and "\n" not in disposition
        assert disposition.startswith("inline; filename=")
        assert "filename*=UTF-8''" in disposition
        assert disposition.count('"') == 2
    unicode_item = upload(client, marketing, row.id, pdf_bytes("ü"), "Grüße.pdf").json()
    served = client.get(unicode_item["file_url"], headers=marketing)
    assert "filename*=UTF-8''Gr%C3%BC%C3%9Fe.pdf" in served.headers["content-disposition"]


def test_reps_get_only_files_of_live_campaigns_in_their_audience(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    north_rep, north = factory.login_as(Role.rep, region="North", team="Hamburg")
    south_rep, south = factory.login_as(Role.rep, region="South", team="Munich")
    for_north = campaign(db, audience_all=False, audience_regions=["North"])
    draft = campaign(db, status=CampaignStatus.draft)
    north_file = upload(client, marketing, for_north.id, pdf_bytes("north")).json()["file_url"]
    draft_file = upload(client, marketing, draft.id, pdf_bytes("draft")).json()["file_url"]
    assert client.get(north_file, headers=north).status_code == 200
    hidden = client.get(north_file, headers=south)
    missing = client.get(f"/api/v1/files/{'0' * 64}", headers=south)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()  # no hint that the file exists
    assert client.get(draft_file, headers=north).status_code == 404
    assert client.get(draft_file, headers=marketing).status_code == 200
    assert client.get("/api/v1/files/not-a-hash", headers=north).status_code == 404
    assert client.get(north_file).status_code == 401
    # ... but collateral recommended on the rep's own lead is theirs to open
    draft_item = client.get(f"/api/v1/campaigns/{draft.id}/collateral", headers=marketing)
    lead(db, north_rep, recommended_collateral_ids=[draft_item.json()[0]["id"]])
    assert client.get(draft_file, headers=north).status_code == 200
    assert client.get(draft_file, headers=south).status_code == 404
    # ... and so are the files of a campaign whose lead they hold, outside its audience
    given = lead(db, south_rep, campaign_id=for_north.id)
    assert client.get(north_file, headers=south).status_code == 200
    db.delete(given)
    db.commit()
    assert client.get(north_file, headers=south).status_code == 404


def test_a_new_version_hides_the_old_one_from_reps(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep_user, rep = factory.login_as(Role.rep)
    row = campaign(db)
    old = upload(client, marketing, row.id, pdf_bytes("v1"), "price-list.pdf").json()
    recommending = lead(db, rep_user, recommended_collateral_ids=[old["id"]])
    assert client.get(old["file_url"], headers=rep).status_code == 200
    new = upload(
        client, marketing, row.id, pdf_bytes("v2"), "price-list.pdf", replaces=old["id"]
    ).json()
    assert new["version"] == 2 and new["replaces_id"] == old["id"]
    assert client.get(old["file_url"], headers=rep).status_code == 404
    assert client.get(new["file_url"], headers=rep).status_code == 200
    assert client.get(old["file_url"], headers=marketing).status_code == 200  # history stays
    listing = client.get(f"/api/v1/campaigns/{row.id}/collateral", headers=marketing).json()
    assert [c["id"] for c in listing] == [new["id"]]
    lead_now = client.get(f"/api/v1/leads/{recommending.id}", headers=marketing).json()
    assert lead_now["recommended_collateral_ids"] == [new["id"]]
    again = upload(client, marketing, row.id, pdf_bytes("v3"), replaces=old["id"])
    assert again.status_code == 409
    changes = db.exec(select(SyncChange).where(SyncChange.entity == SyncEntity.collateral)).all()
    assert {c.entity_id for c in changes} == {old["id"], new["id"]}
    foreign = upload(client, marketing, campaign(db).id, pdf_bytes(), replaces=new["id"])
    assert foreign.status_code == 400
    bad_id = upload(client, marketing, row.id, pdf_bytes(), replaces=str(uuid.uuid4()))
    assert bad_id.status_code == 400 and bad_id.json()["detail"].startswith("replaces:")


def test_two_replacements_of_one_version_at_once_leave_one_current_version(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    db.commit()
    old = upload(client, marketing, row.id, pdf_bytes("v1")).json()
    start = threading.Barrier(2)

    def replace(text: str) -> int:
        start.wait()
        answer = upload(client, marketing, row.id, pdf_bytes(text), replaces=old["id"])
        return int(answer.status_code)

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(replace, ["v2a", "v2b"]))
    assert statuses == [201, 409]
    listing = client.get(f"/api/v1/campaigns/{row.id}/collateral", headers=marketing).json()
    assert len(listing) == 1 and listing[0]["version"] == 2


def test_files_prune_deletes_old_files_no_collateral_names(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    named = upload(client, marketing, campaign(db).id, pdf_bytes(), "offer.pdf").json()
    retired = upload(client, marketing, campaign(db).id, png_bytes(), "old.png").json()
    assert client.delete(f"/api/v1/collateral/{retired['id']}", headers=marketing).is_success
    storage = LocalBlobStorage(settings.blob_dir)
    orphans = {}
    for name in ("old", "new"):
        data = f"%PDF-1.4 orphan {name}".encode()
        source = storage.temp_dir() / name
        source.write_bytes(data)
        orphans[name] = hashlib.sha256(data).hexdigest()
        storage.put(source, orphans[name])
    two_days_ago = time.time() - 48 * 3600
    for sha256 in (orphans["old"], named["sha256"], retired["sha256"]):
        os.utime(storage.path(sha256), (two_days_ago, two_days_ago))

    result = strang(settings, "files", "prune", "--hours", "24")
    assert result.exit_code == 0, result.output
    assert "Deleted 1 files" in result.output
    assert {sha256 for sha256, _ in storage.stored()} == {
        named["sha256"],
        retired["sha256"],
        orphans["new"],
    }  # the named ones, the deleted item's too (history names it), and the fresh orphan
    assert client.get(named["file_url"], headers=marketing).status_code == 200
