"""The aggregates always equal what the raw outcomes say.

A seeded random history goes through the real push service: logs with objections, views and
fit, re-sent batches, retractions (also before their log arrives), two taps on one lead the
same day, reassigned leads logged by their former rep, and a code that is deactivated
half-way. Every figure of both endpoints is then compared with a plain Python computation over
the raw tables, for many filters; the raw SQL reader and a full rebuild must agree too.
"""

import random
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlmodel import Session

from app.auth.models import Role
from app.core.db import table_of
from app.core.settings import Settings
from app.insights import tallies
from app.insights.models import (
    InsightChip,
    InsightCollateral,
    InsightCollateralPage,
    InsightCount,
    InsightFact,
    InsightLeadVisit,
)
from app.insights.rebuild import rebuild_rollups
from app.insights.roller import queue_outcomes
from app.insights.rollup import on_outcome
from app.insights.schemas import Filters
from app.outcomes.models import Outcome, OutcomeCode
from app.outcomes.service import OUTCOME_BATCH_LISTENERS
from tests.cli import strang
from tests.factories import Factory
from tests.insights.helpers import (
    Raw,
    World,
    actual_collateral,
    actual_summary,
    days_ago,
    expected_collateral,
    expected_summary,
    log,
    params,
    retract,
)

CHIPS = ["price", "timing", "competitor", "no_need", "no_decision_maker"]


def generate(world: World, db: Session, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    teams = ["Hamburg", "Munich", "Berlin"]
    reps = [world.rep(f"Rep {i}", team=teams[i % 3]) for i in range(5)]
    campaigns = [world.campaign(f"Campaign {i}", live=i < 3) for i in range(4)]
    collateral = [world.collateral(c, f"Item {c.name} {j}") for c in campaigns for j in range(2)]
    db.add(OutcomeCode(code="demo_booked", label_en="Demo booked", label_de="Demo gebucht"))
    db.commit()
    leads = [
        world.lead(
            rng.choice(reps),
            campaign=rng.choice([*campaigns, None]),
            region=rng.choice(["North", "South"]),
            segment=rng.choice(["Retail", "Industry", "Health"]),
            company=f"Firma {i}",
        )
        for i in range(24)
    ]
    codes = ["won", "follow_up", "interested", "objection", "not_reached", "no_interest"]
    logged: dict[uuid.UUID, list[dict[str, Any]]] = {r.id: [] for r in reps}
    batches: list[tuple[Any, list[dict[str, Any]]]] = []
    for step in range(26):
        if step == 13:
            booked = db.get(OutcomeCode, "demo_booked")
            assert booked is not None
            booked.active = False  # deactivated: old outcomes keep counting
            db.commit()
        if step in (8, 17):
            for lead in rng.sample(leads, 4):
                world.reassign(lead, rng.choice([r for r in reps if r.id != lead.rep_id]))
        rep = rng.choice(reps)
        own = [lead for lead in leads if lead.rep_id == rep.id]
        if not own:
            continue
        mutations: list[dict[str, Any]] = []
        for _ in range(rng.randint(5, 14)):
            lead = rng.choice(own)
            day = days_ago(rng.randint(0, 200))
            code = rng.choice([*codes, "won", "objection"] + (["demo_booked"] if step < 13 else []))
            chips = rng.sample(CHIPS, rng.randint(1, 3)) if code == "objection" else []
            items = [c for c in collateral if c.campaign_id == lead.campaign_id] or collateral[:1]
            views = [
                (c, rng.choice([0, 3, 12, 40, 75, 200, 700, 4000]), rng.sample(range(1, 9), 2))
                for c in rng.sample(items, rng.randint(0, len(items)))
            ]
            fits = [(c, rng.choice(["up", "down"])) for c, _, _ in views if rng.random() < 0.5]
            tap = log(
                lead, code, day, hour=rng.randint(0, 23), details=chips, views=views, fits=fits
            )
            mutations.append(tap)
            if rng.random() < 0.15:  # a second tap on the same lead and day
                mutations.append(log(lead, rng.choice(codes), day, hour=rng.randint(0, 23)))
        if logged[rep.id] and rng.random() < 0.6:
            for old in rng.sample(logged[rep.id], min(2, len(logged[rep.id]))):
                mutations.append(retract(old["id"]))
        if rng.random() < 0.2:  # undo arrives before the tap
            early = mutations.pop(0)
            world.push(rep, [retract(early["id"])])
            mutations.append(early)
        assert "rejected" not in world.push(rep, mutations)
        logged[rep.id].extend(m for m in mutations if m["type"] == "outcome.log")
        batches.append((rep, mutations))
        if rng.random() < 0.3:  # a re-sent batch
            again_rep, again = rng.choice(batches)
            assert set(world.push(again_rep, again)) == {"duplicate"}
    # Taps around New Year, so one range needs two calendar years of visit bitmaps.
    new_year = date(days_ago(0).year, 1, 1)
    for rep in reps[:3]:
        own = [lead for lead in leads if lead.rep_id == rep.id]
        if own:
            taps = [
                log(rng.choice(own), rng.choice(codes), new_year + timedelta(days=d))
                for d in (-3, -1, -1, 0, 2)
            ]
            assert "rejected" not in world.push(rep, taps)
    # A former rep logs on a lead that moved away from them (flagged "reassigned").
    moved = next(lead for lead in leads if lead.rep_id != reps[0].id)
    world.reassign(moved, reps[0])
    world.reassign(moved, reps[1] if moved.rep_id != reps[1].id else reps[2])
    assert world.push(reps[0], [log(moved, "won", days_ago(1))]) == ["applied"]
    return {"reps": reps, "campaigns": campaigns, "leads": leads}


def filter_cases(data: dict[str, Any]) -> list[Filters]:
    today = days_ago(0)
    start = days_ago(210)
    campaign = data["campaigns"][0].id
    rep = data["reps"][1].id
    return [
        Filters(start, today),
        Filters(days_ago(150), days_ago(17)),
        Filters(days_ago(3), days_ago(3)),
        Filters(date(today.year - 1, 12, 20), date(today.year, 1, 10)),
        Filters(start, today, campaign_id=campaign),
        Filters(days_ago(100), days_ago(40), campaign_id=campaign),
        Filters(start, today, region="South"),
        Filters(start, today, segment="Health"),
        Filters(days_ago(120), today, team="Munich"),
        Filters(start, today, team="Munich", campaign_id=campaign),
        Filters(start, today, rep_id=rep),
        Filters(start, today, region="North", segment="Retail"),
        Filters(start, today, region="Nowhere"),
        Filters(date(today.year - 3, 6, 1), today),  # several visit bitmap blocks
        Filters(date(today.year - 3, 6, 1), today, campaign_id=campaign, team="Munich"),
    ]


@pytest.mark.parametrize("seed", [7])
def test_every_figure_matches_the_raw_outcomes(
    client: TestClient, factory: Factory, world: World, db: Session, seed: int
) -> None:
    data = generate(world, db, seed)
    raw = Raw.load(db)
    assert sum(o.retracted_at is not None for o in raw.outcomes) > 10
    assert any(o.reassigned for o in raw.outcomes)
    assert any(o.code == "demo_booked" for o in raw.outcomes)
    _, headers = factory.login_as(Role.marketing)
    for f in filter_cases(data):
        body = client.get("/api/v1/insights/summary", headers=headers, params=params(f))
        assert body.status_code == 200, body.text
        assert actual_summary(body.json()) == expected_summary(raw, f), f
        body = client.get("/api/v1/insights/collateral", headers=headers, params=params(f))
        assert body.status_code == 200, body.text
        assert actual_collateral(body.json()) == expected_collateral(raw, f), f
        if tallies.aggregate_slice(f) is not None:
            kind, value = tallies.aggregate_slice(f) or ("", "")
            from_aggregates = tallies.summary_from_aggregates(db, f, kind, value)
            from_raw = tallies.summary_from_raw(db, f)
            assert +from_aggregates.codes == +from_raw.codes
            assert +from_aggregates.trend == +from_raw.trend
            assert +from_aggregates.chips == +from_raw.chips
            assert from_aggregates.unique_leads == from_raw.unique_leads
            db.commit()


def _nonzero(db: Session) -> dict[str, set[tuple[Any, ...]]]:
    tables = (InsightCount, InsightChip, InsightCollateral,
              InsightCollateralPage, InsightLeadVisit)  # fmt: skip
    state: dict[str, set[tuple[Any, ...]]] = {}
    for model in tables:
        t = table_of(model)
        keys = [c for c in t.c if c.primary_key]
        values = [c for c in t.c if not c.primary_key]
        rows = db.execute(select(*keys, *values)).all()
        state[t.name] = {tuple(r) for r in rows if any(r[len(keys) :])}
    db.commit()
    return state


def test_rebuild_equals_incremental(world: World, db: Session) -> None:
    generate(world, db, seed=11)
    incremental = _nonzero(db)
    assert incremental["insight_count"]
    rebuild_rollups(db, refresh_facts=True)
    db.commit()
    assert _nonzero(db) == incremental


def test_strang_insights_rebuild_restores_lost_aggregates(
    world: World, db: Session, settings: Settings
) -> None:
    generate(world, db, seed=5)
    incremental = _nonzero(db)
    db.execute(delete(InsightCount))
    db.execute(delete(InsightLeadVisit))
    db.commit()
    result = strang(settings, "insights", "rebuild")
    assert result.exit_code == 0, result.output
    assert _nonzero(db) == incremental


def test_retraction_takes_back_what_was_added_even_after_the_lead_moved(
    world: World, db: Session, client: TestClient, factory: Factory
) -> None:
    rep = world.rep("Anna", team="Hamburg")
    campaign = world.campaign("Spring")
    lead = world.lead(rep, campaign=campaign, region="North", segment="Retail")
    tap = log(lead, "won", days_ago(2), details=[])
    world.push(rep, [tap])
    lead.region, lead.segment = "South", "Health"  # marketing re-files the lead
    db.add(lead)
    db.commit()
    world.push(rep, [retract(tap["id"])])
    for model in (InsightCount, InsightLeadVisit):
        t = table_of(model)
        values = [c for c in t.c if not c.primary_key]
        assert all(not any(r) for r in db.execute(select(*values)).all())
    fact = db.get(InsightFact, uuid.UUID(tap["id"]))
    assert fact is not None and not fact.active and fact.region == "North"
    db.commit()


def test_listener_is_idempotent_per_outcome(world: World, db: Session) -> None:
    assert queue_outcomes in OUTCOME_BATCH_LISTENERS
    rep = world.rep("Anna", team="Hamburg")
    lead = world.lead(rep, campaign=None)
    tap = log(lead, "won", days_ago(1))
    world.push(rep, [tap])
    before = _nonzero(db)
    outcome = db.get(Outcome, uuid.UUID(tap["id"]))
    assert outcome is not None
    on_outcome(db, outcome, +1)  # a second +1 changes nothing
    db.commit()
    assert _nonzero(db) == before
    on_outcome(db, outcome, -1)
    on_outcome(db, outcome, -1)  # a second -1 changes nothing
    db.commit()
    assert all(not rows for rows in _nonzero(db).values())
