"""Reading is measured with first-party beacons, bounded and validated: a hostile page cannot
write huge or fake data, and no address or fingerprint is kept."""

import json
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.shares import service
from tests.shares.helpers import Scene, new_token, share_create
from tests.sync.helpers import Phone, push

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def _open(client: TestClient, world: Scene, agent: str = IPHONE) -> tuple[str, str]:
    token = new_token()
    items = [world.pdf.id, world.video.id]
    push(client, world.headers, share_create(world.lead.id, items, token=token))
    page = client.get(f"/s/{token}", headers={"User-Agent": agent})
    match = re.search(r'data-visit="([0-9a-f-]{36})"', page.text)
    assert match, page.text
    return token, match.group(1)


def _beacon(client: TestClient, token: str, body: Any) -> int:
    return client.post(f"/s/{token}/beacon", json=body).status_code


def _rows(db: Session) -> list[tuple[Any, ...]]:
    rows = list(db.execute(text("SELECT page, seconds, downloads FROM share_reading")))
    db.commit()
    return [tuple(r) for r in rows]


def test_reading_reaches_the_reps_phone(client: TestClient, db: Session, world: Scene) -> None:
    token, visit = _open(client, world)
    reading = [{"collateral_id": str(world.pdf.id), "page": p, "seconds": 45} for p in (1, 2, 3, 4)]
    assert _beacon(client, token, {"visit": visit, "readings": reading}) == 204
    assert _beacon(client, token, {"visit": visit, "downloads": [str(world.video.id)]}) == 204
    phone = Phone(client, world.headers)
    phone.sync()
    summary = phone.state["leads"][str(world.lead.id)]["shares"][0]
    assert summary["visits"] == 1 and summary["first_opened_at"]
    assert (summary["seconds"], summary["pages"], summary["downloads"]) == (180, [1, 2, 3, 4], 1)
    device = db.execute(text("SELECT device FROM share_visit")).scalar_one()
    db.commit()
    assert device == "phone"


def test_no_address_or_agent_is_stored(client: TestClient, db: Session, world: Scene) -> None:
    _open(client, world, agent="Mozilla/5.0 (Windows NT 10.0) UniqueAgent/42")
    dumped = json.dumps(
        [
            [str(v) for v in row]
            for table in ("share", "share_visit", "share_reading")
            for row in db.execute(text(f"SELECT * FROM {table}"))
        ]
    )
    db.commit()
    assert "testclient" not in dumped and "127.0.0.1" not in dumped
    assert "UniqueAgent" not in dumped and "desktop" in dumped


@pytest.mark.parametrize(
    "reading",
    [
        {"page": 1, "seconds": 3601},  # more than an hour
        {"page": 2001, "seconds": 5},  # beyond the last page counted
        {"page": -1, "seconds": 5},
        {"page": 1, "seconds": 5, "fingerprint": "x"},  # unknown field
    ],
)
def test_out_of_bounds_beacons_are_refused(
    client: TestClient, db: Session, world: Scene, reading: dict[str, Any]
) -> None:
    token, visit = _open(client, world)
    body = {"visit": visit, "readings": [{"collateral_id": str(world.pdf.id), **reading}]}
    assert _beacon(client, token, body) == 422
    assert _rows(db) == []


def test_oversized_and_hour_long_batches_are_refused(
    client: TestClient, db: Session, world: Scene
) -> None:
    token, visit = _open(client, world)
    many = [{"collateral_id": str(world.pdf.id), "page": p, "seconds": 1} for p in range(1, 400)]
    big = client.post(f"/s/{token}/beacon", json={"visit": visit, "readings": many})
    assert big.status_code == 413
    hours = [{"collateral_id": str(world.pdf.id), "page": p, "seconds": 3600} for p in (1, 2)]
    assert _beacon(client, token, {"visit": visit, "readings": hours}) == 400
    assert _rows(db) == []


def test_forged_visits_items_and_shares_write_nothing(
    client: TestClient, db: Session, world: Scene
) -> None:
    token, visit = _open(client, world)
    _, other_visit = _open(client, world)
    item = {"collateral_id": str(world.pdf.id), "page": 1, "seconds": 10}
    assert _beacon(client, token, {"visit": other_visit, "readings": [item]}) == 400
    assert _beacon(client, token, {"visit": str(uuid.uuid4()), "readings": [item]}) == 400
    hidden = {**item, "collateral_id": str(world.hidden.id)}
    assert _beacon(client, token, {"visit": visit, "readings": [hidden]}) == 400
    assert _beacon(client, new_token(), {"visit": visit, "readings": [item]}) == 404
    assert _beacon(client, token, {"visit": "not-a-visit", "readings": [item]}) == 422
    assert _rows(db) == []


def test_a_flood_of_beacons_stops_at_the_limit_per_visit(
    client: TestClient, db: Session, world: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_BEACONS", 5)
    token, visit = _open(client, world)
    item = {"collateral_id": str(world.pdf.id), "page": 1, "seconds": 10}
    answers = [_beacon(client, token, {"visit": visit, "readings": [item]}) for _ in range(8)]
    assert answers == [204] * 5 + [400] * 3
    assert _rows(db) == [(1, 50, 0)]


def test_the_first_opening_queues_one_neutral_push_notice(
    client: TestClient, db: Session, world: Scene
) -> None:
    token, _ = _open(client, world)
    client.get(f"/s/{token}")  # opened again: no second notice
    rows = list(db.execute(text("SELECT rep_id, kind, target_id, title, body FROM push_notice")))
    db.commit()
    assert len(rows) == 1
    rep_id, kind, target, title, body = rows[0]
    assert (str(rep_id).replace("-", ""), kind) == (world.rep.id.hex, "share_opened")
    assert target == str(world.lead.id)
    assert world.lead.company not in title + body and "pdf" not in (title + body).lower()
