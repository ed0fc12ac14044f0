"""Counter-collateral insight: the visit after an objection, with and without the item that
answers it shown there, against figures worked out by hand."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from app.collateral.models import Collateral
from tests.factories import Factory
from tests.insights.helpers import World, log, retract

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
URL = "/api/v1/insights/counters"


def answering(world: World, item: Collateral, chips: list[str]) -> Collateral:
    item.answers = chips
    world.db.add(item)
    world.db.commit()
    return item


def test_next_visits_after_the_objection_by_hand(
    client: TestClient, factory: Factory, world: World
) -> None:
    anna = world.rep("Anna", team="Hamburg")
    spring, summer = world.campaign("Spring"), world.campaign("Summer")
    old_chart = world.collateral(spring, "Savings chart")
    chart = world.collateral(spring, "Savings chart v2")
    chart.version, chart.replaces_id = 2, old_chart.id
    old_chart.replaced_by_id = chart.id
    world.db.add_all([chart, old_chart])
    world.db.commit()
    answering(world, chart, ["price"])
    video = world.collateral(spring, "Video")
    summer_sheet = answering(world, world.collateral(summer, "Summer sheet"), ["price"])
    leads = [world.lead(anna, campaign=spring) for _ in range(8)]
    l1, l2, l3, l4, l5, l6, l8, l9 = leads
    l7 = world.lead(anna, campaign=summer)
    d = lambda day, month=10: date(2026, month, day)  # noqa: E731
    gone = log(l4, "not_reached", d(9), views=[(chart, 5, [])])
    taps = [
        log(l1, "objection", d(5), details=["price"]),
        log(l1, "won", d(8), views=[(chart, 60, [1])]),  # shown, won
        log(l2, "objection", d(6), details=["price"]),
        log(l2, "follow_up", d(9), views=[(old_chart, 30, [])]),  # an earlier version: shown
        log(l3, "objection", d(7), details=["timing", "price"]),
        log(l3, "won", d(10), views=[(video, 20, [])]),  # not shown, won
        log(l4, "objection", d(7), details=["price"]),
        gone,  # taken back: the next visit is the one after it
        log(l4, "objection", d(12), details=["timing"]),  # not shown, not won
        log(l5, "objection", d(20), details=["price"]),  # no next visit yet
        log(l6, "objection", d(3), details=["timing"]),  # a chip the chart does not answer
        log(l6, "won", d(4), views=[(chart, 10, [])]),
        log(l7, "objection", d(3), details=["price"]),  # the summer campaign's
        log(l7, "won", d(4), views=[(summer_sheet, 10, [])]),
        log(l8, "objection", d(30, 9), details=["price"]),  # before October
        log(l8, "won", d(2), views=[(chart, 10, [])]),
        log(l9, "objection", d(25), details=["price"]),
        log(l9, "won", d(3, 11), views=[(chart, 10, [])]),  # next visit after the period
        retract(gone["id"]),
    ]
    assert world.push(anna, taps) == ["applied"] * len(taps)

    _, marketing = factory.login_as(Role.marketing)
    response = client.get(URL, headers=marketing, params={**OCTOBER, "campaign_id": spring.id})
    assert response.status_code == 200, response.text
    [row] = response.json()["items"]
    assert row["collateral_id"] == str(chart.id) and row["answers"] == ["price"]
    assert (row["objection_visits"], row["awaiting_next_visit"]) == (6, 1)
    assert (row["shown_visits"], row["shown_won"]) == (3, 2)  # l1, l2, l9
    assert (row["not_shown_visits"], row["not_shown_won"]) == (2, 1)  # l3, l4
    assert row["won_share_shown"] == pytest.approx(2 / 3)
    assert row["won_share_not_shown"] == pytest.approx(1 / 2)
    assert row["difference"] == pytest.approx(2 / 3 - 1 / 2)
    assert row["verdict"] == "too_few"
    assert row["difference_low"] is None and row["difference_high"] is None

    everything = client.get(URL, headers=marketing, params=OCTOBER).json()["items"]
    by_id = {r["collateral_id"]: r for r in everything}
    assert set(by_id) == {str(chart.id), str(summer_sheet.id)}
    assert (
        by_id[str(summer_sheet.id)]["shown_visits"],
        by_id[str(summer_sheet.id)]["shown_won"],
    ) == (1, 1)


def test_newcombes_worked_example_56_of_70_against_48_of_80(
    client: TestClient, factory: Factory, world: World
) -> None:
    """Newcombe (1998), example (a): 56/70 - 48/80 = 0.2000, 95 % interval 0.0524 to 0.3339."""
    anna = world.rep("Anna", team="Hamburg")
    spring = world.campaign("Spring")
    chart = answering(world, world.collateral(spring, "Savings chart"), ["price"])
    taps: list[dict[str, Any]] = []
    for shown, n, won in ((True, 70, 56), (False, 80, 48)):
        for i in range(n):
            lead = world.lead(anna, campaign=spring)
            taps.append(log(lead, "objection", date(2026, 10, 5), details=["price"]))
            views = [(chart, 30, [1])] if shown else []
            code = "won" if i < won else "follow_up"
            taps.append(log(lead, code, date(2026, 10, 12), views=views))
    assert set(world.push(anna, taps)) == {"applied"}

    _, marketing = factory.login_as(Role.marketing)
    [row] = client.get(URL, headers=marketing, params=OCTOBER).json()["items"]
    assert (row["shown_visits"], row["shown_won"]) == (70, 56)
    assert (row["not_shown_visits"], row["not_shown_won"]) == (80, 48)
    assert row["difference"] == pytest.approx(0.2)
    assert row["difference_low"] == pytest.approx(0.0524, abs=5e-5)
    assert row["difference_high"] == pytest.approx(0.3339, abs=5e-5)
    assert row["verdict"] == "above"


@pytest.mark.parametrize(("role", "status"), [(Role.rep, 403), (None, 401), (Role.admin, 200)])
def test_only_marketing_and_admins_read_it(
    client: TestClient, factory: Factory, role: Role | None, status: int
) -> None:
    headers = factory.login_as(role)[1] if role else {}
    assert client.get(URL, headers=headers, params=OCTOBER).status_code == status
