"""A small data set with every figure computed by hand, per endpoint and filter."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from app.collateral.models import CollateralKind
from tests.factories import Factory
from tests.insights.helpers import World, log, retract

SUMMARY = "/api/v1/insights/summary"
COLLATERAL = "/api/v1/insights/collateral"
CSV = "/api/v1/insights/outcomes.csv"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
def shop(world: World, factory: Factory) -> dict[str, Any]:
    """Two reps, two live campaigns, five leads, six outcomes of which one is retracted."""
    anna = world.rep("Anna", team="Hamburg")
    ben = world.rep("Ben", team="Munich", region="South")
    spring = world.campaign("Spring")
    summer = world.campaign("Summer")
    spring_pdf = world.collateral(spring, "Spring brochure")
    spring_video = world.collateral(spring, "Spring video", kind=CollateralKind.video)
    summer_pdf = world.collateral(summer, "Summer brochure")
    l1 = world.lead(anna, campaign=spring, region="North", segment="Retail")
    l2 = world.lead(anna, campaign=spring, region="North", segment="Industry")
    l3 = world.lead(ben, campaign=summer, region="South", segment="Retail")
    world.lead(ben, campaign=spring, region="South", segment="Retail")  # never visited
    world.lead(ben, campaign=None, region="South", segment="Health")  # never visited
    o6 = log(l2, "won", date(2026, 10, 14), views=[(spring_pdf, 500, [3])])
    anna_taps = [
        log(l1, "won", date(2026, 10, 5), views=[(spring_pdf, 40, [1, 2])],
            fits=[(spring_pdf, "up")]),
        log(l1, "follow_up", date(2026, 10, 6)),
        log(l2, "objection", date(2026, 10, 7), details=["price", "timing"],
            views=[(spring_pdf, 100, [2])], fits=[(spring_pdf, "down")]),
        o6,
    ]  # fmt: skip
    assert world.push(anna, anna_taps) == ["applied"] * 4
    assert world.push(anna, anna_taps[:2]) == ["duplicate"] * 2  # a re-sent batch
    ben_taps = [
        log(l3, "won", date(2026, 10, 12), views=[(summer_pdf, 10, [1])]),
        log(l3, "objection", date(2026, 10, 13), details=["price"]),
    ]
    assert world.push(ben, ben_taps) == ["applied"] * 2
    assert world.push(anna, [retract(o6["id"])]) == ["applied"]
    _, headers = factory.login_as(Role.marketing)
    return {
        "headers": headers,
        "anna": anna,
        "ben": ben,
        "spring": spring,
        "summer": summer,
        "spring_pdf": spring_pdf,
        "spring_video": spring_video,
        "summer_pdf": summer_pdf,
    }


def _get(client: TestClient, shop: dict[str, Any], url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, headers=shop["headers"], params={**OCTOBER, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(figures: dict[str, Any]) -> dict[str, tuple[int, float | None]]:
    return {c["code"]: (c["count"], c["share"]) for c in figures["codes"]}


def _core(figures: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("visits", "unique_leads", "leads_assigned", "coverage", "conversion")
    return (*(figures[k] for k in keys), figures["follow_up_rate"])


def test_summary_unfiltered(client: TestClient, shop: dict[str, Any]) -> None:
    body = _get(client, shop, SUMMARY)
    assert body["source"] == "aggregate"
    assert body["filters"]["from"] == "2026-10-01"
    assert _core(body["totals"]) == (5, 3, 5, 0.6, 0.4, 0.2)
    assert _codes(body["totals"]) == {
        "won": (2, 0.4),
        "follow_up": (1, 0.2),
        "objection": (2, 0.4),
    }
    assert [c["label"] for c in body["totals"]["codes"]] == ["Won", "Follow-up", "Objection"]
    assert {t["week"]: t["counts"] for t in body["trend"]} == {
        "2026-10-05": {"won": 1, "follow_up": 1, "objection": 1},
        "2026-10-12": {"won": 1, "objection": 1},
    }
    rows = {c["campaign_name"]: c for c in body["campaigns"]}
    assert set(rows) == {"Spring", "Summer", ""}
    assert _core(rows["Spring"]) == (3, 2, 3, 2 / 3, 1 / 3, 1 / 3)
    assert _core(rows["Summer"]) == (2, 1, 1, 1.0, 0.5, 0.0)
    assert _core(rows[""]) == (0, 0, 1, 0.0, None, None)
    assert rows[""]["campaign_id"] is None
    assert body["top_objections"] == [{"chip": "price", "count": 2}, {"chip": "timing", "count": 1}]


def test_summary_filters(client: TestClient, shop: dict[str, Any]) -> None:
    spring = _get(client, shop, SUMMARY, campaign_id=str(shop["spring"].id))
    assert _core(spring["totals"]) == (3, 2, 3, 2 / 3, 1 / 3, 1 / 3)
    assert [c["campaign_name"] for c in spring["campaigns"]] == ["Spring"]
    assert spring["top_objections"] == [
        {"chip": "price", "count": 1},
        {"chip": "timing", "count": 1},
    ]
    munich = _get(client, shop, SUMMARY, team="Munich")
    assert munich["source"] == "aggregate"
    assert _core(munich["totals"]) == (2, 1, 3, 1 / 3, 0.5, 0.0)
    week = _get(client, shop, SUMMARY, **{"from": "2026-10-06", "to": "2026-10-12"})
    assert _codes(week["totals"]) == {
        "follow_up": (1, 1 / 3),
        "objection": (1, 1 / 3),
        "won": (1, 1 / 3),
    }
    assert week["totals"]["unique_leads"] == 3
    assert {t["week"] for t in week["trend"]} == {"2026-10-05", "2026-10-12"}
    retail = _get(client, shop, SUMMARY, segment="Retail")
    assert _core(retail["totals"])[:3] == (4, 2, 3)  # L1 twice, L3 twice; L1, L3, L4
    anna = _get(client, shop, SUMMARY, rep_id=str(shop["anna"].id))
    assert anna["source"] == "raw"
    assert _core(anna["totals"]) == (3, 2, 2, 1.0, 1 / 3, 1 / 3)
    empty = _get(client, shop, SUMMARY, **{"from": "2026-11-01", "to": "2026-11-30"})
    assert _core(empty["totals"]) == (0, 0, 5, 0.0, None, None)
    assert empty["trend"] == [] and empty["top_objections"] == []


def test_collateral_unfiltered(client: TestClient, shop: dict[str, Any]) -> None:
    body = _get(client, shop, COLLATERAL)
    assert body["source"] == "aggregate"
    items = {i["title"]: i for i in body["items"]}
    assert list(items) == ["Spring brochure", "Summer brochure"]
    spring = items["Spring brochure"]
    assert spring["viewed_visits"] == 2 and spring["won_viewed"] == 1
    assert spring["conversion_viewed"] == 0.5
    assert spring["visits_not_viewed"] == 1 and spring["conversion_not_viewed"] == 0.0
    assert spring["lift"] == 0.5
    # 2 visits against 1: a lift of +50 points here is noise, and the answer says so
    assert spring["lift_verdict"] == "too_few"
    assert spring["lift_low"] is None and spring["lift_high"] is None
    assert spring["median_seconds"] == 30  # 40 s and 100 s: lower median 40 s, bucket 30-44 s
    assert spring["pages"] == [{"page": 1, "visits": 1}, {"page": 2, "visits": 2}]
    assert (spring["fit_up"], spring["fit_down"]) == (1, 1)
    assert spring["campaign_name"] == "Spring" and spring["kind"] == "pdf"
    summer = items["Summer brochure"]
    assert (summer["viewed_visits"], summer["conversion_viewed"]) == (1, 1.0)
    assert (summer["visits_not_viewed"], summer["conversion_not_viewed"]) == (1, 0.0)
    assert summer["lift"] == 1.0 and summer["median_seconds"] == 10
    assert [d["title"] for d in body["dead_stock"]] == ["Spring video"]


def test_collateral_filters(client: TestClient, shop: dict[str, Any]) -> None:
    summer = _get(client, shop, COLLATERAL, campaign_id=str(shop["summer"].id))
    assert [i["title"] for i in summer["items"]] == ["Summer brochure"]
    assert summer["dead_stock"] == []
    late = _get(client, shop, COLLATERAL, **{"from": "2026-10-12", "to": "2026-10-31"})
    assert [i["title"] for i in late["items"]] == ["Summer brochure"]  # o6 was retracted
    assert [d["title"] for d in late["dead_stock"]] == ["Spring brochure", "Spring video"]
    munich = _get(client, shop, COLLATERAL, team="Munich")
    assert munich["source"] == "raw"
    assert [(i["title"], i["viewed_visits"]) for i in munich["items"]] == [("Summer brochure", 1)]


def test_reps_get_403_and_strangers_401(client: TestClient, factory: Factory) -> None:
    _, rep = factory.login_as(Role.rep)
    for url in (SUMMARY, COLLATERAL, CSV):
        assert client.get(url, headers=rep).status_code == 403
        assert client.get(url).status_code == 401


def test_bad_filters_are_4xx_naming_the_field(client: TestClient, factory: Factory) -> None:
    _, headers = factory.login_as(Role.admin)
    response = client.get(
        SUMMARY, headers=headers, params={"from": "2026-10-02", "to": "2026-10-01"}
    )
    assert response.status_code == 400 and "from" in response.json()["detail"]
    response = client.get(COLLATERAL, headers=headers, params={"campaign_id": "nope"})
    assert response.status_code == 422 and "campaign_id" in response.text
    response = client.get(SUMMARY, headers=headers, params={"region": "x" * 101})
    assert response.status_code == 422 and "region" in response.text
    response = client.get(
        SUMMARY, headers=headers, params={"from": "2000-01-01", "to": "2026-01-01"}
    )
    assert response.status_code == 400
