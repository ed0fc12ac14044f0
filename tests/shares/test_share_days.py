"""A share ends after its campaign's days, counted when the server takes the share in; a
later change of the campaign's days moves no share made before it."""

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

import app.shares.router as share_router
from app.auth.models import Role
from app.core.time import as_utc, utcnow
from app.shares.models import Share
from tests.factories import Factory
from tests.shares.helpers import Scene, new_token, share_create, stored
from tests.sync.helpers import Content, push


def _share(client: TestClient, world: Scene, lead_id: object, *items: object) -> str:
    token = new_token()
    result = push(client, world.headers, share_create(lead_id, list(items), token=token))
    assert result[0]["status"] == "applied", result
    return token


def _days(db: Session, world: Scene, days: int) -> None:
    world.campaign.share_days = days
    db.add(world.campaign)
    db.commit()


def _term(share: Share) -> timedelta:
    return as_utc(share.expires_at) - as_utc(share.created_at)


def test_a_share_of_a_7_day_campaign_ends_after_7_days_and_then_answers_410(
    client: TestClient, db: Session, world: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    _days(db, world, 7)
    before = utcnow()
    token = _share(client, world, world.lead.id, world.pdf.id)
    (share,) = stored(db)
    assert _term(share) == timedelta(days=7)
    assert before <= as_utc(share.created_at) <= utcnow()

    def clock(at: datetime) -> None:
        monkeypatch.setattr(share_router, "utcnow", lambda: at)

    end = as_utc(share.expires_at)
    clock(end - timedelta(minutes=1))
    assert client.get(f"/s/{token}").status_code == 200
    assert client.get(f"/s/{token}/files/{world.pdf.id}").status_code == 200
    clock(end + timedelta(minutes=1))
    gone = client.get(f"/s/{token}")
    assert gone.status_code == 410
    assert "no longer available" in gone.text
    assert client.get(f"/s/{token}/files/{world.pdf.id}").status_code == 410


def test_changing_the_days_later_moves_no_share_made_before(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    _days(db, world, 7)
    _share(client, world, world.lead.id, world.pdf.id)
    (first,) = stored(db)
    _, marketing = factory.login_as(Role.marketing)
    changed = client.patch(
        f"/api/v1/campaigns/{world.campaign.id}", json={"share_days": 90}, headers=marketing
    )
    assert changed.status_code == 200, changed.text
    _share(client, world, world.lead.id, world.video.id)
    old, new = stored(db)
    assert old.id == first.id and old.expires_at == first.expires_at
    assert _term(old) == timedelta(days=7)
    assert _term(new) == timedelta(days=90)


def test_a_lead_without_a_campaign_shares_under_the_items_campaign_and_its_days(
    client: TestClient, db: Session, world: Scene
) -> None:
    _days(db, world, 12)
    loose = Content(db).lead(world.rep)  # no campaign of its own
    _share(client, world, loose.id, world.pdf.id)
    (share,) = stored(db)
    assert share.campaign_id == world.campaign.id
    assert _term(share) == timedelta(days=12)


def test_a_campaign_left_at_its_default_keeps_shares_30_days(
    client: TestClient, db: Session, world: Scene
) -> None:
    _share(client, world, world.lead.id, world.pdf.id, world.video.id)
    (share,) = stored(db)
    assert _term(share) == timedelta(days=30)
