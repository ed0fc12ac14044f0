"""A period against the previous one of the same length: the changes of conversion, follow-up
rate and each code's share carry Newcombe's interval, checked against his worked example, and
say "too few" below the minimum sample."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from app.insights.compare import previous_period
from app.insights.schemas import Filters
from app.leads.models import Lead
from tests.factories import Factory
from tests.insights.helpers import World, log

COMPARE = "/api/v1/insights/compare"
NOW = {"from": "2026-10-11", "to": "2026-10-20"}


def test_the_previous_period_has_as_many_days_and_ends_the_day_before() -> None:
    f = Filters(start=date(2026, 10, 11), end=date(2026, 10, 20), region="North")
    before = previous_period(f)
    assert (before.start, before.end, before.region) == (
        date(2026, 10, 1),
        date(2026, 10, 10),
        "North",
    )
    one = previous_period(Filters(start=date(2026, 3, 1), end=date(2026, 3, 1)))
    assert (one.start, one.end) == (date(2026, 2, 28), date(2026, 2, 28))


def _spread(lead: Lead, code: str, n: int, first: date) -> list[dict[str, object]]:
    """n visits over ten days from `first`."""
    return [log(lead, code, first + timedelta(days=i % 10), hour=8 + i % 10) for i in range(n)]


@pytest.fixture
def periods(world: World, factory: Factory) -> tuple[dict[str, str], object]:
    rep = world.rep("Jürgen Groß", team="Hamburg")
    few = world.rep("Ana Silva", team="München")
    campaign = world.campaign("Spring")
    lead, other = world.lead(rep, campaign=campaign), world.lead(few, campaign=campaign)
    now, then = date(2026, 10, 11), date(2026, 10, 1)
    # Newcombe (1998), example (a): 56 of 70 against 48 of 80.
    world.push(rep, _spread(lead, "won", 56, now) + _spread(lead, "objection", 14, now))
    world.push(rep, _spread(lead, "won", 48, then) + _spread(lead, "follow_up", 32, then))
    world.push(few, _spread(other, "won", 5, now) + _spread(other, "won", 3, then))
    world.push(rep, [log(lead, "won", date(2026, 9, 30)), log(lead, "won", date(2026, 10, 21))])
    _, headers = factory.login_as(Role.marketing)
    return headers, (rep, few)


def test_changes_carry_newcombes_interval(client: TestClient, periods: tuple) -> None:
    headers, (rep, _) = periods
    body = client.get(COMPARE, headers=headers, params={**NOW, "rep_id": str(rep.id)}).json()
    assert body["current"] == {
        "first_day": "2026-10-11",
        "last_day": "2026-10-20",
        "visits": 70,
        "unique_leads": 1,
    }
    assert body["previous"] == {
        "first_day": "2026-10-01",
        "last_day": "2026-10-10",
        "visits": 80,
        "unique_leads": 1,
    }
    rates = {(r["metric"], r["code"]): r for r in body["rates"]}
    conversion = rates[("conversion", "won")]
    assert (conversion["current_k"], conversion["current_n"]) == (56, 70)
    assert (conversion["previous_k"], conversion["previous_n"]) == (48, 80)
    assert conversion["delta"] == pytest.approx(0.2)
    # his method 10: 0.0524 to 0.3339
    assert conversion["delta_low"] == pytest.approx(0.0524, abs=5e-5)
    assert conversion["delta_high"] == pytest.approx(0.3339, abs=5e-5)
    assert conversion["verdict"] == "above"
    follow_up = rates[("follow_up_rate", "follow_up")]
    assert follow_up["delta"] == pytest.approx(-0.4) and follow_up["verdict"] == "below"
    assert rates[("code_share", "objection")]["verdict"] == "above"
    assert rates[("code_share", "won")]["delta"] == pytest.approx(0.2)
    assert {code for metric, code in rates if metric == "code_share"} == {
        "won",
        "objection",
        "follow_up",
    }


def test_below_the_minimum_a_change_has_no_interval(client: TestClient, periods: tuple) -> None:
    headers, (_, few) = periods
    body = client.get(COMPARE, headers=headers, params={**NOW, "rep_id": str(few.id)}).json()
    conversion = body["rates"][0]
    assert (conversion["current_n"], conversion["previous_n"]) == (5, 3)
    assert conversion["delta"] == 0.0 and conversion["verdict"] == "too_few"
    assert conversion["delta_low"] is None and conversion["delta_high"] is None
    # a period with no visits before: no change at all
    empty = client.get(COMPARE, headers=headers, params={"from": "2026-11-05", "to": "2026-11-05"})
    rate = empty.json()["rates"][0]
    assert rate["previous_n"] == 0 and rate["delta"] is None and rate["verdict"] == "too_few"


def test_only_marketing_and_admins_compare(client: TestClient, factory: Factory) -> None:
    assert client.get(COMPARE, params=NOW).status_code == 401
    _, rep = factory.login_as(Role.rep)
    assert client.get(COMPARE, headers=rep, params=NOW).status_code == 403
    _, admin = factory.login_as(Role.admin)
    assert client.get(COMPARE, headers=admin, params=NOW).status_code == 200
    bad = client.get(COMPARE, headers=admin, params={"from": "2026-10-21", "to": "2026-10-01"})
    assert bad.status_code == 400 and "from" in bad.text
