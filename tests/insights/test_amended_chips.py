"""Reasons added after the tap (`outcome.amend`) count in the insights exactly as if they had
been tapped with the outcome: every figure still equals the raw outcomes, however the amendment
meets the roll-up (before it, after it, in the same batch as its tap, before a retraction)."""

import random
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import Role
from app.insights import tallies
from app.insights.rebuild import rebuild_rollups
from app.outcomes.models import Outcome
from app.sync.push import push
from tests.factories import Factory
from tests.insights.helpers import (
    Raw,
    World,
    actual_summary,
    days_ago,
    expected_summary,
    log,
    params,
    retract,
)
from tests.insights.test_against_raw import CHIPS, _nonzero, filter_cases, generate


def amend(outcome_id: str, chips: list[str]) -> dict[str, Any]:
    return {
        "type": "outcome.amend",
        "id": str(uuid.uuid4()),
        "outcome_id": outcome_id,
        "details": chips,
    }


def _amend_some(world: World, db: Session, seed: int) -> int:
    """Amend the chips of stored objections in every way the phone can: the roll-up has or
    has not counted the tap yet; the amendment is amended again; it is then taken back."""
    rng = random.Random(seed)
    query = select(Outcome).where(Outcome.code == "objection", col(Outcome.retracted_at).is_(None))
    objections = list(db.exec(query))
    db.commit()
    amended = 0
    for o in rng.sample(objections, min(12, len(objections))):
        mutations = [amend(str(o.id), rng.sample(CHIPS, rng.randint(0, 3)))]
        if rng.random() < 0.3:
            mutations.append(amend(str(o.id), rng.sample(CHIPS, rng.randint(1, 2))))
        if rng.random() < 0.2:
            mutations.append(retract(str(o.id)))
        result = push(db, rep_id=o.rep_id, device_id="d1", mutations=mutations)
        db.commit()
        assert {r.status for r in result.results} == {"applied"}, result.results
        amended += 1
        if rng.random() < 0.5:
            world.roll_up()
    world.roll_up()
    return amended


def test_amended_chips_count_as_the_raw_outcomes_say(
    client: TestClient, factory: Factory, world: World, db: Session
) -> None:
    data = generate(world, db, seed=7)
    assert _amend_some(world, db, seed=3) > 5
    # A tap and its reason in one batch, and a reason that arrives before the roll-up.
    rep = data["reps"][0]
    lead = next(lead for lead in data["leads"] if lead.rep_id == rep.id)
    first, second = log(lead, "objection", days_ago(1)), log(lead, "objection", days_ago(2))
    push(db, rep_id=rep.id, device_id="d1", mutations=[first, amend(first["id"], ["price"])])
    push(db, rep_id=rep.id, device_id="d1", mutations=[second])
    db.commit()
    push(db, rep_id=rep.id, device_id="d1", mutations=[amend(second["id"], ["timing"])])
    db.commit()
    world.roll_up()
    raw = Raw.load(db)
    _, headers = factory.login_as(Role.marketing)
    for f in filter_cases(data):
        body = client.get("/api/v1/insights/summary", headers=headers, params=params(f))
        assert body.status_code == 200, body.text
        assert actual_summary(body.json()) == expected_summary(raw, f), f
        if tallies.aggregate_slice(f) is not None:
            kind, value = tallies.aggregate_slice(f) or ("", "")
            from_aggregates = tallies.summary_from_aggregates(db, f, kind, value)
            assert +from_aggregates.chips == +tallies.summary_from_raw(db, f).chips
            db.commit()
    incremental = _nonzero(db)
    rebuild_rollups(db, refresh_facts=False)
    db.commit()
    assert _nonzero(db) == incremental


def test_a_reason_added_after_the_tap_shows_in_top_objections(
    client: TestClient, factory: Factory, world: World, db: Session
) -> None:
    rep = world.rep("Anna", team="Hamburg")
    lead = world.lead(rep, campaign=None)
    tap = log(lead, "objection", days_ago(0))
    world.push(rep, [tap])
    world.push(rep, [amend(tap["id"], ["price"])])
    _, headers = factory.login_as(Role.marketing)
    today = str(days_ago(0))
    body = client.get(
        "/api/v1/insights/summary", headers=headers, params={"from": today, "to": today}
    ).json()
    assert body["top_objections"] == [{"chip": "price", "count": 1}]
    world.push(rep, [amend(tap["id"], ["timing"])])
    body = client.get(
        "/api/v1/insights/summary", headers=headers, params={"from": today, "to": today}
    ).json()
    assert body["top_objections"] == [{"chip": "timing", "count": 1}]
    world.push(rep, [retract(tap["id"])])
    body = client.get(
        "/api/v1/insights/summary", headers=headers, params={"from": today, "to": today}
    ).json()
    assert body["top_objections"] == []
