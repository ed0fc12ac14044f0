"""The customer's page: no login, only what was shared, strict headers, polite 404 and 410,
files only of the share with byte ranges, downloads only where marketing allows them."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.time import utcnow
from tests.shares.helpers import Scene, new_token, share_create, stored
from tests.sync.helpers import push


def _shared(client: TestClient, world: Scene, *items: object) -> str:
    token = new_token()
    chosen = list(items) or [world.pdf.id, world.video.id]
    result = push(client, world.headers, share_create(world.lead.id, chosen, token=token))
    assert result[0]["status"] == "applied", result
    return token


def test_the_page_shows_the_campaign_the_sender_and_the_shared_items_only(
    client: TestClient, world: Scene
) -> None:
    token = _shared(client, world, world.pdf.id)
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert world.campaign.name in page.text
    assert "Rita Rep" in page.text and world.rep.email in page.text
    assert f"/s/{token}/files/{world.pdf.id}" in page.text
    assert str(world.video.id) not in page.text  # not shared
    assert str(world.hidden.id) not in page.text
    assert world.lead.company not in page.text  # nothing about the lead
    assert "/api/" not in page.text
    assert "measured" in page.text or "counts when it is opened" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-robots-tag"].startswith("noindex")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in page.headers


def test_unknown_is_404_and_expired_is_410_both_polite(
    client: TestClient, db: Session, world: Scene
) -> None:
    missing = client.get(f"/s/{new_token()}")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]
    assert missing.headers["x-robots-tag"].startswith("noindex")
    assert client.get("/s/" + "x" * 500).status_code == 404

    token = _shared(client, world)
    share = stored(db)[0]
    share.expires_at = utcnow() - timedelta(minutes=1)
    db.add(share)
    db.commit()
    gone = client.get(f"/s/{token}")
    assert gone.status_code == 410
    assert "no longer available" in gone.text
    assert gone.headers["referrer-policy"] == "no-referrer"


def test_files_only_of_the_share_with_byte_ranges(client: TestClient, world: Scene) -> None:
    token = _shared(client, world)
    other = _shared(client, world, world.pdf.id)
    whole = client.get(f"/s/{token}/files/{world.video.id}")
    assert whole.status_code == 200
    assert whole.content == bytes(range(256)) * 40
    part = client.get(f"/s/{token}/files/{world.video.id}", headers={"Range": "bytes=256-511"})
    assert part.status_code == 206
    assert part.content == bytes(range(256))
    assert part.headers["x-robots-tag"].startswith("noindex")
    assert client.get(f"/s/{token}/files/{world.hidden.id}").status_code == 404
    assert client.get(f"/s/{other}/files/{world.video.id}").status_code == 404  # not in that one
    assert client.get(f"/s/{new_token()}/files/{world.pdf.id}").status_code == 404
    assert client.get(f"/api/v1/files/{world.pdf.sha256}").status_code == 401  # no API access


def test_download_only_where_marketing_allows_it(
    client: TestClient, db: Session, world: Scene
) -> None:
    world.video.shareable_download = True
    db.add(world.video)
    db.commit()
    token = _shared(client, world)
    page = client.get(f"/s/{token}").text
    assert f'data-download="{world.video.id}"' in page
    assert f'data-download="{world.pdf.id}"' not in page
    video = client.get(f"/s/{token}/files/{world.video.id}?download=1")
    assert video.headers["content-disposition"].startswith("attachment")
    pdf = client.get(f"/s/{token}/files/{world.pdf.id}?download=1")
    assert pdf.headers["content-disposition"].startswith("inline")


@pytest.mark.parametrize("path", ["", "/files/00000000-0000-0000-0000-000000000000"])
def test_guessing_is_rate_limited_per_address(client: TestClient, path: str) -> None:
    answers = [client.get(f"/s/{new_token()}{path}").status_code for _ in range(650)]
    assert set(answers[:100]) == {404}
    assert answers[-1] == 429
