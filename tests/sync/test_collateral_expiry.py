"""Expired collateral leaves phones at their next pull, also when nothing was written."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.auth.models import Role
from app.changes.log import SyncChange
from app.collateral import freshness
from app.collateral.models import Collateral
from app.core.settings import Settings
from tests.factories import Factory
from tests.sync.helpers import Content, Phone

Clock = Callable[[datetime], None]


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Sets the instant the server takes for now when it judges expiry."""

    def set_to(instant: datetime) -> None:
        monkeypatch.setattr(freshness, "utcnow", lambda: instant)

    return set_to


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin"))
    return local.astimezone(UTC)


DAY = date(2026, 12, 10)


def _valid_until(db: Session, item: Collateral, day: date | None) -> None:
    item.valid_until = day
    db.add(item)
    db.commit()


def test_an_item_expiring_at_midnight_leaves_the_phone_with_nothing_written(
    client: TestClient, factory: Factory, content: Content, db: Session, set_clock: Clock
) -> None:
    assert Settings().timezone == "Europe/Berlin"
    _, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    lasting, expiring = content.collateral(campaign), content.collateral(campaign)
    _valid_until(db, expiring, DAY)  # no change recorded: only the day can take it away
    set_clock(berlin(DAY, 23, 30))
    phone = Phone(client, headers)
    phone.sync()
    assert phone.ids("collateral") == {str(lasting.id), str(expiring.id)}
    phone.sync()  # still the same day: nothing new
    assert str(expiring.id) in phone.ids("collateral")
    changes_before = db.exec(select(func.count()).select_from(SyncChange)).one()
    set_clock(berlin(DAY + timedelta(days=1), 0, 10))  # 23:10 UTC: midnight in Berlin only
    phone.sync()
    assert phone.ids("collateral") == {str(lasting.id)}
    assert db.exec(select(func.count()).select_from(SyncChange)).one() == changes_before
    fresh = Phone(client, headers)  # a new phone's snapshot does not bring it either
    fresh.sync()
    assert fresh.ids("collateral") == {str(lasting.id)}


def test_a_phone_away_for_days_loses_what_expired_meanwhile(
    client: TestClient, factory: Factory, content: Content, db: Session, set_clock: Clock
) -> None:
    _, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    items = [content.collateral(campaign) for _ in range(3)]
    for item, day in zip(
        items, (DAY, DAY + timedelta(days=2), DAY + timedelta(days=9)), strict=True
    ):
        _valid_until(db, item, day)
    set_clock(berlin(DAY, 9))
    phone = Phone(client, headers)
    phone.sync()
    assert len(phone.ids("collateral")) == 3
    set_clock(berlin(DAY + timedelta(days=5), 9))
    phone.sync()
    assert phone.ids("collateral") == {str(items[2].id)}


def test_editing_valid_until_moves_the_item_off_and_back_onto_phones(
    client: TestClient, factory: Factory, content: Content, set_clock: Clock
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    _, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    item = content.collateral(campaign)
    set_clock(berlin(DAY, 12))
    phone = Phone(client, headers)
    phone.sync()
    assert str(item.id) in phone.ids("collateral")
    past = {"valid_until": (DAY - timedelta(days=1)).isoformat()}
    answer = client.patch(f"/api/v1/collateral/{item.id}", headers=marketing, json=past)
    assert answer.status_code == 200, answer.text
    assert answer.json()["expired"] is True
    phone.sync()
    assert str(item.id) not in phone.ids("collateral")
    later = {"valid_until": (DAY + timedelta(days=30)).isoformat()}
    client.patch(f"/api/v1/collateral/{item.id}", headers=marketing, json=later)
    phone.sync()
    assert phone.state["collateral"][str(item.id)]["valid_until"] == later["valid_until"]
    # Marketing still sees an expired item, marked as such.
    client.patch(f"/api/v1/collateral/{item.id}", headers=marketing, json=past)
    listed = client.get(f"/api/v1/campaigns/{campaign.id}/collateral", headers=marketing).json()
    assert [(c["id"], c["expired"]) for c in listed] == [(str(item.id), True)]


def test_a_rep_cannot_download_an_expired_items_file(
    client: TestClient, factory: Factory, content: Content, set_clock: Clock
) -> None:
    from tests.campaigns.factories import pdf_bytes, upload

    _, marketing = factory.login_as(Role.marketing)
    _, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    body = upload(client, marketing, campaign.id, pdf_bytes(), valid_until=DAY.isoformat()).json()
    set_clock(berlin(DAY, 20))
    assert client.get(body["file_url"], headers=headers).status_code == 200
    set_clock(berlin(DAY + timedelta(days=1), 8))
    assert client.get(body["file_url"], headers=headers).status_code == 404
    assert client.get(body["file_url"], headers=marketing).status_code == 200
