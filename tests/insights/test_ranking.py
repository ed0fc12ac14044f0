"""Next-best collateral: the shrunk won share against hand-computed values, the back-off from
segment to region to campaign, marketing's recommendations first, and what the pull hands a
rep's phone (evidence only for collateral the rep may see)."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role, User
from app.campaigns.models import Campaign
from app.changes.log import SyncEntity, record_change
from app.collateral.models import Collateral
from app.insights import ranking
from app.insights.ranking import (
    CAMPAIGN,
    MIN_SHOWN,
    PRIOR_MAX_STRENGTH,
    PRIOR_MIN_STRENGTH,
    REGION,
    SEGMENT,
    CampaignEvidence,
    Prior,
    Tally,
    campaign_evidence,
    fit_prior,
    rank,
)
from app.sync import pull
from tests.factories import Factory
from tests.insights.helpers import World, log, retract
from tests.sync.helpers import Phone

DAY = date(2026, 11, 2)


# --- the statistics, by hand ---------------------------------------------------------------


def test_the_prior_is_fitted_by_the_method_of_moments() -> None:
    # Shares 0.3, 0.2, 0.1 of 100 each: mean 0.2, noise 0.2 * 0.8 = 0.16,
    # spread = 100 * (0.01 + 0 + 0.01) = 2, weight = 300 - 30000 / 300 = 200,
    # rho = (2 / 0.16 - 2) / 200 = 0.0525, strength = 1 / 0.0525 - 1 = 379 / 21.
    prior = fit_prior([Tally(100, 30), Tally(100, 20), Tally(100, 10)])
    assert prior.mean == pytest.approx(0.2)
    assert prior.strength == pytest.approx(379 / 21)
    # (30 + 0.2 * 379/21) / (100 + 379/21) = 705.8 / 2479
    assert prior.shrunk(Tally(100, 30)) == pytest.approx(705.8 / 2479)
    assert prior.alpha == pytest.approx(0.2 * 379 / 21)
    assert prior.beta == pytest.approx(0.8 * 379 / 21)


def test_items_that_differ_no_more_than_chance_all_shrink_to_the_average() -> None:
    prior = fit_prior([Tally(100, 20), Tally(100, 21), Tally(100, 19)])
    assert prior.strength == PRIOR_MAX_STRENGTH
    assert prior.shrunk(Tally(100, 21)) - prior.shrunk(Tally(100, 19)) < 0.001


def test_a_prior_worth_fewer_than_ten_visits_is_not_trusted() -> None:
    # Shares 0.5, 0.2, 0.1 (60, 50, 40 shown) spread so much that the fit says ~4 visits.
    prior = fit_prior([Tally(60, 30), Tally(50, 10), Tally(40, 4)])
    assert prior.strength == PRIOR_MIN_STRENGTH
    assert prior.mean == pytest.approx(44 / 150)


def test_two_of_two_does_not_beat_thirty_of_sixty() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    found = CampaignEvidence()
    found.add(a, "Retail", "North", Tally(2, 2))
    found.add(b, "Retail", "North", Tally(60, 30))
    found.add(uuid.uuid4(), "Retail", "North", Tally(80, 8))
    found.fit()
    ranked = rank([a, b], [], found, segment="Retail", region="North")
    assert [r.collateral_id for r in ranked] == [b, a]
    assert ranked[1].evidence is None  # two visits say nothing
    assert ranked[1].score == pytest.approx(found.prior.mean)


def test_evidence_backs_off_from_segment_to_region_to_campaign() -> None:
    seg, reg, camp, none = (uuid.uuid4() for _ in range(4))
    found = CampaignEvidence()
    found.add(seg, "Retail", "North", Tally(MIN_SHOWN, 5))
    found.add(reg, "Retail", "North", Tally(MIN_SHOWN - 1, 3))
    found.add(reg, "Crafts", "North", Tally(1, 1))
    found.add(camp, "Retail", "South", Tally(MIN_SHOWN - 1, 2))
    found.add(camp, "Crafts", "North", Tally(1, 0))
    found.add(none, "Crafts", "South", Tally(MIN_SHOWN - 1, 9))
    found.fit()
    where = {
        item: found.evidence(item, "Retail", "North") for item in (seg, reg, camp, none)
    }  # fmt: skip
    assert where[seg] is not None and (where[seg].group, where[seg].value) == (SEGMENT, "Retail")
    assert where[reg] is not None and (where[reg].group, where[reg].tally) == (REGION, Tally(10, 4))
    assert where[camp] is not None and (where[camp].group, where[camp].value) == (CAMPAIGN, "")
    assert where[camp].tally == Tally(10, 2)
    assert where[none] is None
    # A lead without a segment starts at its region.
    no_segment = found.evidence(seg, "", "North")
    assert no_segment is not None and no_segment.group == REGION


def test_marketing_recommendations_come_first_in_marketings_order() -> None:
    best, good, poor, pick1, pick2 = (uuid.uuid4() for _ in range(5))
    found = CampaignEvidence()
    for item, won in ((best, 30), (good, 20), (poor, 2), (pick1, 1), (pick2, 0)):
        found.add(item, "Retail", "North", Tally(50, won))
    found.fit()
    order = [pick1, poor, good, pick2, best]  # marketing's default order
    ranked = rank(order, [pick2, pick1], found, segment="Retail", region="North")
    assert [r.collateral_id for r in ranked] == [pick2, pick1, best, good, poor]
    assert [r.recommended for r in ranked] == [True, True, False, False, False]
    assert ranked[2].score > ranked[3].score > ranked[4].score


def test_without_any_evidence_marketings_order_stands() -> None:
    items = [uuid.uuid4() for _ in range(4)]
    ranked = rank(items, [], CampaignEvidence(), segment="Retail", region="North")
    assert [r.collateral_id for r in ranked] == items
    assert Prior(0.0, PRIOR_MAX_STRENGTH).shrunk(Tally()) == 0.0


# --- counted from the visits, on both databases ---------------------------------------------


def _history(world: World, rep: User, campaign: Campaign) -> tuple[Collateral, Collateral]:
    """Retail/North: the price sheet won 6 of 12 times shown, the flyer 1 of 12; the flyer
    also 4 of 10 in Crafts/South; one retracted win of the price sheet counts nowhere."""
    price = world.collateral(campaign, "Price sheet")
    flyer = world.collateral(campaign, "Flyer")
    visits = []
    for i in range(12):
        lead = world.lead(rep, campaign=campaign, segment="Retail", region="North")
        visits.append(log(lead, "won" if i < 6 else "no_interest", DAY, views=[(price, 30, [])]))
        visits.append(
            log(lead, "won" if i < 1 else "objection", DAY, hour=11, views=[(flyer, 5, [])])
        )
    for i in range(10):
        lead = world.lead(rep, campaign=campaign, segment="Crafts", region="South")
        visits.append(log(lead, "won" if i < 4 else "no_interest", DAY, views=[(flyer, 9, [])]))
    extra = log(world.lead(rep, campaign=campaign), "won", DAY, views=[(price, 3, [])])
    world.push(rep, [*visits, extra])
    world.push(rep, [retract(extra["id"])])
    return price, flyer


def test_visits_are_counted_per_segment_region_and_campaign(world: World) -> None:
    rep = world.rep("Rita", team="Hamburg")
    campaign = world.campaign("Spring")
    price, flyer = _history(world, rep, campaign)
    found = campaign_evidence(world.db, [campaign.id])[campaign.id]
    assert found.tallies[(SEGMENT, "Retail")] == {price.id: Tally(12, 6), flyer.id: Tally(12, 1)}
    assert found.tallies[(REGION, "South")] == {flyer.id: Tally(10, 4)}
    assert found.tallies[(CAMPAIGN, "")] == {price.id: Tally(12, 6), flyer.id: Tally(22, 5)}
    # Prior over (12, 6) and (22, 5): mean 11/34, fitted strength 8.5, raised to the minimum.
    assert found.prior.mean == pytest.approx(11 / 34)
    assert found.prior.strength == PRIOR_MIN_STRENGTH
    ranked = rank([flyer.id, price.id], [], found, segment="Retail", region="North")
    assert [r.collateral_id for r in ranked] == [price.id, flyer.id]


def test_a_new_version_keeps_the_visits_of_the_one_it_replaces(world: World) -> None:
    rep = world.rep("Rita", team="Hamburg")
    campaign = world.campaign("Spring")
    price, _ = _history(world, rep, campaign)
    newer = world.collateral(campaign, "Price sheet 2027")
    newer.replaces_id, price.replaced_by_id = price.id, newer.id
    world.db.add_all([newer, price])
    world.db.commit()
    found = campaign_evidence(world.db, [campaign.id])[campaign.id]
    assert found.tallies[(SEGMENT, "Retail")][newer.id] == Tally(12, 6)
    assert price.id not in found.tallies[(CAMPAIGN, "")]


def test_the_pull_carries_evidence_only_for_collateral_the_rep_may_see(
    world: World, client: TestClient, factory: Factory, db: Session
) -> None:
    history_rep = world.rep("Rita", team="Hamburg")
    campaign = world.campaign("Spring")
    price, flyer = _history(world, history_rep, campaign)
    hidden = world.campaign("South only")
    hidden.audience_all, hidden.audience_regions = False, ["South"]
    db.add(hidden)
    db.commit()
    _history(world, history_rep, hidden)
    # An item shown ten times in Retail/North is withdrawn: its evidence leaves with it.
    withdrawn = world.collateral(campaign, "Old sheet")
    world.push(
        history_rep,
        [
            log(world.lead(history_rep, campaign=campaign), "won" if i < 3 else "objection", DAY,
                views=[(withdrawn, 4, [])])
            for i in range(MIN_SHOWN)
        ],
    )  # fmt: skip
    withdrawn.deleted_at = datetime(2026, 11, 3, tzinfo=UTC)
    db.add(withdrawn)
    record_change(db, SyncEntity.collateral, withdrawn.id)
    db.commit()

    rep = factory.user(Role.rep, region="North")
    world.lead(rep, campaign=campaign, segment="Retail", region="North")
    phone = Phone(client, factory.auth(rep))
    phone.sync()
    assert set(phone.state["campaigns"]) == {str(campaign.id)}
    synced = phone.state["campaigns"][str(campaign.id)]
    # Only the campaign and the rep's lead's segment and region (not the flyer's Crafts/South).
    assert {
        (e["collateral_id"], e["group"], e["value"], e["shown"], e["won"])
        for e in synced["collateral_evidence"]
    } == {
        (str(price.id), "segment", "Retail", 12, 6),
        (str(price.id), "region", "North", 12, 6),
        (str(price.id), "campaign", "", 12, 6),
        (str(flyer.id), "segment", "Retail", 12, 1),
        (str(flyer.id), "region", "North", 12, 1),
        (str(flyer.id), "campaign", "", 22, 5),
    }
    # The prior is the campaign's: the withdrawn item's visits count there.
    assert synced["ranking_prior"]["mean"] == pytest.approx(14 / 44)

    # A rep without a lead in the campaign sees it, but no evidence: no brief needs it.
    other = factory.user(Role.rep, region="North")
    phone = Phone(client, factory.auth(other))
    phone.sync()
    assert phone.state["campaigns"][str(campaign.id)]["collateral_evidence"] == []
    assert phone.state["campaigns"][str(campaign.id)]["ranking_prior"] is None


def test_only_reps_pull_the_evidence(client: TestClient, factory: Factory) -> None:
    assert client.get("/api/v1/sync/pull").status_code == 401
    for role in (Role.marketing, Role.admin):
        _, headers = factory.login_as(role)
        assert client.get("/api/v1/sync/pull", headers=headers).status_code == 403


def test_a_new_day_brings_the_phone_fresh_evidence(
    world: World, client: TestClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_rep = world.rep("Rita", team="Hamburg")
    campaign = world.campaign("Spring")
    price, _ = _history(world, history_rep, campaign)
    rep = factory.user(Role.rep, region="North")
    world.lead(rep, campaign=campaign, segment="Retail", region="North")
    phone = Phone(client, factory.auth(rep))
    phone.sync()

    def shown() -> set[tuple[str, int, int]]:
        rows = phone.state["campaigns"][str(campaign.id)]["collateral_evidence"]
        mine = [e for e in rows if e["collateral_id"] == str(price.id)]
        return {(e["group"], e["shown"], e["won"]) for e in mine}

    assert ("segment", 12, 6) in shown()
    lead = world.lead(history_rep, campaign=campaign, segment="Retail", region="North")
    world.push(history_rep, [log(lead, "won", DAY, views=[(price, 8, [])])])
    ranking._cache.clear()  # as five minutes later
    phone.sync()
    assert ("segment", 12, 6) in shown()  # the same day: nothing changed for this phone
    later = date.today() + timedelta(days=2)  # a later day in any zone
    monkeypatch.setattr(pull, "today_in", lambda zone: later)
    phone.sync()
    assert ("segment", 13, 7) in shown()
