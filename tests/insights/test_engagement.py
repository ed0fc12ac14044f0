"""Engagement with one collateral item, against figures worked out by hand from a few visits."""

import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from app.collateral.models import CollateralKind
from app.insights import engagement
from tests.factories import Factory
from tests.insights.helpers import World, log, retract

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def url(item_id: object) -> str:
    return f"/api/v1/insights/collateral/{item_id}/engagement"


@pytest.fixture
def shop(world: World, factory: Factory) -> dict[str, Any]:
    """The spring brochure shown in five October visits (one more retracted, one in
    September), the video beside it once."""
    anna = world.rep("Anna", team="Hamburg", region="North")
    ben = world.rep("Ben", team="Munich", region="South")
    spring = world.campaign("Spring")
    summer = world.campaign("Summer")
    brochure = world.collateral(spring, "Spring brochure")
    video = world.collateral(spring, "Spring video", kind=CollateralKind.video)
    l1 = world.lead(anna, campaign=spring, region="North")
    l2 = world.lead(anna, campaign=spring, region="North")
    l3 = world.lead(ben, campaign=spring, region="South")
    gone = log(l3, "won", date(2026, 10, 25), views=[(brochure, 30, [1])],
               fits=[(brochure, "up")])  # fmt: skip
    anna_taps = [
        log(l1, "won", date(2026, 10, 5), views=[(brochure, 40, [1, 2])],
            fits=[(brochure, "up")]),
        log(l2, "objection", date(2026, 10, 7), details=["price"],
            views=[(brochure, 100, [2]), (video, 12, [])], fits=[(brochure, "down")]),
        log(l1, "not_reached", date(2026, 10, 9), views=[(video, 5, [])]),
        log(l1, "follow_up", date(2026, 10, 20), views=[(brochure, 0, [])]),
        log(l2, "won", date(2026, 10, 22), views=[(brochure, 2000, [4])]),
        log(l1, "won", date(2026, 9, 30), views=[(brochure, 50, [5])]),  # before October
    ]  # fmt: skip
    assert world.push(anna, anna_taps) == ["applied"] * 6
    ben_taps = [
        log(l3, "won", date(2026, 10, 12), views=[(brochure, 7, [2, 3, 3])],
            fits=[(brochure, "up")]),
        gone,
    ]  # fmt: skip
    assert world.push(ben, ben_taps) == ["applied"] * 2
    assert world.push(ben, [retract(gone["id"])]) == ["applied"]
    _, headers = factory.login_as(Role.marketing)
    return {"headers": headers, "brochure": brochure, "video": video, "summer": summer}


def _get(client: TestClient, shop: dict[str, Any], item: str, **params: str) -> Any:
    response = client.get(url(shop[item].id), headers=shop["headers"], params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_brochure_in_october_by_hand(client: TestClient, shop: dict[str, Any]) -> None:
    got = _get(client, shop, "brochure", **OCTOBER)
    assert got["title"] == "Spring brochure" and got["campaign_name"] == "Spring"
    assert got["kind"] == "pdf" and got["is_current"] is True
    # Visits 5 Oct (won), 7 Oct (objection), 12 Oct (won), 20 Oct (follow-up), 22 Oct (won);
    # the retracted one and the one in September are not counted.
    assert got["visits"] == 5
    # 0, 7, 40, 100 and 2000 seconds fall in the buckets 0, 5, 30, 90 and 1800; the median
    # (third of five) is in bucket 30.
    assert got["median_seconds"] == 30
    histogram = {b["seconds"]: b["visits"] for b in got["seconds"]}
    assert len(got["seconds"]) == 18 and sum(histogram.values()) == 5
    assert {s: n for s, n in histogram.items() if n} == {0: 1, 5: 1, 30: 1, 90: 1, 1800: 1}
    # Page 2 in three visits; page 3 once although the phone sent it twice.
    assert got["pages"] == [
        {"page": 1, "visits": 1},
        {"page": 2, "visits": 3},
        {"page": 3, "visits": 1},
        {"page": 4, "visits": 1},
    ]
    assert (got["fit_up"], got["fit_down"]) == (2, 1)
    split = [(o["code"], o["label"], o["count"], o["share"]) for o in got["outcomes"]]
    assert split == [
        ("won", "Won", 3, 0.6),
        ("follow_up", "Follow-up", 1, 0.2),
        ("objection", "Objection", 1, 0.2),
    ]
    won = got["won"]
    assert won == got["outcomes"][0]
    # Wilson 95 % for 3 of 5: (0.6 + z²/10 ± z·sqrt(0.048 + z²/100)) / (1 + z²/5).
    assert won["share_low"] == pytest.approx(0.2307, abs=1e-4)
    assert won["share_high"] == pytest.approx(0.8824, abs=1e-4)


def test_agrees_with_the_dashboard_row(client: TestClient, shop: dict[str, Any]) -> None:
    dashboard = client.get(
        "/api/v1/insights/collateral", headers=shop["headers"], params=OCTOBER
    ).json()
    row = next(i for i in dashboard["items"] if i["title"] == "Spring brochure")
    got = _get(client, shop, "brochure", **OCTOBER)
    assert got["visits"] == row["viewed_visits"]
    assert got["median_seconds"] == row["median_seconds"]
    assert got["pages"] == row["pages"]
    assert (got["fit_up"], got["fit_down"]) == (row["fit_up"], row["fit_down"])
    assert got["outcomes"][0]["count"] == row["won_viewed"]


def test_filters_narrow_the_visits(client: TestClient, shop: dict[str, Any]) -> None:
    hamburg = _get(client, shop, "brochure", team="Hamburg", **OCTOBER)
    assert hamburg["visits"] == 4 and hamburg["filters"]["team"] == "Hamburg"
    assert [(o["code"], o["count"]) for o in hamburg["outcomes"]] == [
        ("won", 2),
        ("follow_up", 1),
        ("objection", 1),
    ]
    assert [p["page"] for p in hamburg["pages"]] == [1, 2, 4]
    assert (hamburg["fit_up"], hamburg["fit_down"]) == (1, 1)
    south = _get(client, shop, "brochure", region="South", **OCTOBER)
    assert south["visits"] == 1 and south["median_seconds"] == 5
    assert south["pages"] == [{"page": 2, "visits": 1}, {"page": 3, "visits": 1}]
    september = _get(client, shop, "brochure", **{"from": "2026-09-01", "to": "2026-09-30"})
    assert september["visits"] == 1 and september["pages"] == [{"page": 5, "visits": 1}]
    german = _get(client, shop, "video", lang="de", **OCTOBER)
    assert [(o["label"], o["count"]) for o in german["outcomes"]] == [
        ("Einwand", 1),
        ("Nicht erreicht", 1),
    ]
    assert german["pages"] == [] and german["median_seconds"] == 5
    # Neither video visit was won: 0 of 2, and the interval still says how little that is.
    assert (german["won"]["count"], german["won"]["share"]) == (0, 0.0)
    assert german["won"]["label"] == "Gewonnen" and german["won"]["share_high"] > 0.6


def test_no_visits_is_zero_not_an_error(client: TestClient, shop: dict[str, Any]) -> None:
    other = _get(client, shop, "brochure", campaign_id=str(shop["summer"].id), **OCTOBER)
    assert other["visits"] == 0 and other["median_seconds"] is None
    assert other["outcomes"] == [] and other["pages"] == []
    assert other["won"]["count"] == 0 and other["won"]["share"] is None
    assert other["won"]["share_low"] is None
    assert all(b["visits"] == 0 for b in other["seconds"])


def test_who_may_ask(client: TestClient, factory: Factory, world: World) -> None:
    item = world.collateral(world.campaign("Spring"), "Spring brochure")
    _, rep = factory.login_as(Role.rep)
    assert client.get(url(item.id), headers=rep).status_code == 403
    assert client.get(url(item.id)).status_code == 401
    for role in (Role.marketing, Role.admin):
        _, headers = factory.login_as(role)
        response = client.get(url(item.id), headers=headers, params=OCTOBER)
        assert response.status_code == 200 and response.json()["visits"] == 0


def test_unknown_item_and_bad_filters(client: TestClient, factory: Factory, world: World) -> None:
    item = world.collateral(world.campaign("Spring"), "Spring brochure")
    _, headers = factory.login_as(Role.marketing)
    missing = client.get(url(uuid.uuid4()), headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get(url("nope"), headers=headers).status_code == 422
    backwards = client.get(
        url(item.id), headers=headers, params={"from": "2026-10-02", "to": "2026-10-01"}
    )
    assert backwards.status_code == 400 and "from" in backwards.json()["detail"]
    bad_campaign = client.get(url(item.id), headers=headers, params={"campaign_id": "x"})
    assert bad_campaign.status_code == 422 and "campaign_id" in bad_campaign.text
    bad_lang = client.get(url(item.id), headers=headers, params={"lang": "fr"})
    assert bad_lang.status_code == 422


def test_many_visits_are_read_in_chunks_with_the_same_answer(
    client: TestClient, shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _get(client, shop, "brochure", **OCTOBER)
    monkeypatch.setattr(engagement, "CHUNK", 2)  # seven outcomes: four chunks
    assert _get(client, shop, "brochure", **OCTOBER) == whole
