import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import Role
from app.outcomes.models import Outcome, OutcomeCollateralFit, OutcomeCollateralView
from app.outcomes.service import OUTCOME_BATCH_LISTENERS
from app.signals.models import Signal
from tests.factories import Factory
from tests.sync.helpers import Content, outcome, push, retract

PUSH = "/api/v1/sync/push"


def _outcomes(db: Session) -> list[Outcome]:
    rows = list(db.exec(select(Outcome).execution_options(populate_existing=True)))
    db.commit()  # end the read, so the next request can write
    return rows


def test_outcome_is_stored_once_however_often_it_is_pushed(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    tap = outcome(lead.id, "objection", details=["price"], note="Too expensive", seq=1)
    assert push(client, headers, tap)[0]["status"] == "applied"
    assert push(client, headers, tap)[0]["status"] == "duplicate"
    assert push(client, headers, tap, tap)[0]["status"] == "duplicate"
    stored = _outcomes(db)
    assert len(stored) == 1
    assert stored[0].details == ["price"] and stored[0].note == "Too expensive"
    assert stored[0].received_at is not None and stored[0].device_id == "d1"


def test_same_id_with_other_content_is_a_conflict(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    tap = outcome(lead.id, "won")
    push(client, headers, tap)
    result = push(client, headers, {**tap, "code": "no_interest"})[0]
    assert result["status"] == "rejected" and result["reason"] == "conflict"
    assert [o.code for o in _outcomes(db)] == ["won"]


def test_each_bad_mutation_gets_its_own_reason_and_never_blocks_the_others(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    other = factory.user(Role.rep)
    lead, foreign = content.lead(rep), content.lead(other)
    future = (datetime.now(UTC) + timedelta(hours=25)).isoformat()
    batch = [
        outcome(lead.id, "won"),
        outcome(lead.id, "no_such_code"),
        outcome(uuid.uuid4(), "won"),
        outcome(foreign.id, "won"),
        outcome(lead.id, "won", occurred_at=future),
        outcome(lead.id, "objection", details=["weather"]),
        outcome(lead.id, "won", note="x" * 2001),
        outcome(lead.id, "won", occurred_at="2026-01-01T10:00:00"),  # no offset
        {"type": "outcome.log", "lead_id": str(lead.id)},
        {"type": "teleport", "id": str(uuid.uuid4())},
        outcome(lead.id, "interested"),
    ]
    results = push(client, headers, *batch)
    assert [r["status"] for r in results] == ["applied"] + ["rejected"] * 9 + ["applied"]
    reasons = [r["reason"] for r in results[1:10]]
    assert reasons == [
        "unknown_code",
        "unknown_lead",
        "unknown_lead",
        "future_timestamp",
        "invalid_details",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
    ]
    assert "note" in results[6]["detail"] and "occurred_at" in results[7]["detail"]
    assert results[8]["id"] is None
    assert sorted(o.code for o in _outcomes(db)) == ["interested", "won"]


def test_malformed_batch_is_422_and_changes_nothing(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    tap = outcome(lead.id)
    bad_bodies = [
        {"mutations": [tap]},
        {"device_id": "d1", "mutations": tap},
        {"device_id": "d1", "mutations": [tap] * 501},
        {"device_id": "", "mutations": [tap]},
        {"device_id": "d1", "mutations": ["not an object"]},
    ]
    for body in bad_bodies:
        response = client.post(PUSH, headers=headers, json=body)
        assert response.status_code == 422, body
    assert _outcomes(db) == []


def test_collateral_views_and_fit_are_stored_with_the_outcome(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    item = content.collateral(campaign)
    lead = content.lead(rep, campaign=campaign)
    tap = outcome(
        lead.id,
        collateral_viewed=[
            {"collateral_id": str(item.id), "seconds": 30, "pages": [1, 2]},
            {"collateral_id": str(item.id), "seconds": 5, "pages": [2, 3]},
            {"collateral_id": str(uuid.uuid4()), "seconds": 9},  # unknown: dropped
        ],
        collateral_fit=[{"collateral_id": str(item.id), "fit": "down"}],
    )
    result = push(client, headers, tap)[0]
    assert (result["status"], result["flags"]) == ("applied", ["collateral_dropped"])
    view = db.exec(select(OutcomeCollateralView)).one()
    assert (view.collateral_id, view.seconds, view.pages) == (item.id, 35, [1, 2, 3])
    assert db.exec(select(OutcomeCollateralFit)).one().fit == "down"
    assert _outcomes(db)[0].campaign_id == campaign.id


def test_outcome_for_a_lead_reassigned_meanwhile_is_accepted_and_flagged(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    content.reassign(lead, factory.user(Role.rep))
    result = push(client, headers, outcome(lead.id))[0]
    assert result["status"] == "applied" and result["flags"] == ["reassigned"]
    assert _outcomes(db)[0].reassigned is True


def test_undo_before_and_after_the_outcome_arrives(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    early, late = outcome(lead.id), outcome(lead.id, "follow_up")
    # Undo arrives first: kept, applied when the outcome comes.
    assert push(client, headers, retract(early["id"]))[0]["flags"] == ["pending"]
    assert push(client, headers, early)[0]["flags"] == ["retracted"]
    # Normal undo, twice.
    push(client, headers, late)
    assert push(client, headers, retract(late["id"]))[0]["status"] == "applied"
    assert push(client, headers, retract(late["id"]))[0]["status"] == "applied"
    assert all(o.retracted_at is not None for o in _outcomes(db))
    # Log and undo in one batch.
    third = outcome(lead.id)
    push(client, headers, third, retract(third["id"]))
    assert all(o.retracted_at is not None for o in _outcomes(db))


def test_a_rep_cannot_retract_another_reps_outcome(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    _, thief = factory.login_as(Role.rep)
    tap = outcome(content.lead(rep).id)
    push(client, headers, tap)
    result = push(client, thief, retract(tap["id"]))[0]
    assert result["status"] == "rejected" and result["reason"] == "unknown_outcome"
    assert _outcomes(db)[0].retracted_at is None


def test_listeners_see_each_stored_and_retracted_outcome_once(
    client: TestClient, factory: Factory, content: Content
) -> None:
    calls: list[tuple[str, int]] = []

    def listen(_: Session, batch: Sequence[Outcome], sign: int) -> None:
        calls.extend((str(o.id), sign) for o in batch)

    OUTCOME_BATCH_LISTENERS.append(listen)
    try:
        rep, headers = factory.login_as(Role.rep)
        tap = outcome(content.lead(rep).id)
        push(client, headers, tap)
        push(client, headers, tap)
        push(client, headers, retract(tap["id"]))
        push(client, headers, retract(tap["id"]))
    finally:
        OUTCOME_BATCH_LISTENERS.pop()
    assert calls == [(tap["id"], 1), (tap["id"], -1)]


def test_device_sequence_gaps_are_reported_and_visible_to_admins(
    client: TestClient, factory: Factory, content: Content
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    body = {"device_id": "phone-a", "mutations": [outcome(lead.id, seq=s) for s in (1, 2, 5)]}
    answer = client.post(PUSH, headers=headers, json=body).json()
    assert answer["device"]["gaps"] == [[3, 4]] and answer["device"]["contiguous_through"] == 2
    _, admin = factory.login_as(Role.admin)
    devices = client.get("/api/v1/sync/devices", headers=admin).json()
    assert devices[0]["missing"] == 2 and devices[0]["rep_id"] == str(rep.id)
    body = {"device_id": "phone-a", "mutations": [outcome(lead.id, seq=s) for s in (3, 4)]}
    answer = client.post(PUSH, headers=headers, json=body).json()
    assert answer["device"] == {
        "device_id": "phone-a",
        "contiguous_through": 5,
        "max_seq": 5,
        "gaps": [],
    }
    assert client.get("/api/v1/sync/devices", headers=headers).status_code == 403


def test_a_device_in_step_a_retry_and_a_gap_each_leave_its_numbers_right(
    client: TestClient, factory: Factory, content: Content
) -> None:
    """The usual push (numbers following on) is written in one guarded statement; every other
    case (first push, retry, gap, another phone of the rep) must come out the same."""
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)

    def send(device: str, *seqs: int) -> dict[str, object]:
        taps = [outcome(lead.id, seq=s) for s in seqs]
        body = {"device_id": device, "mutations": taps}
        return dict(client.post(PUSH, headers=headers, json=body).json()["device"])

    def state(through: int, max_seq: int, gaps: list[list[int]]) -> dict[str, object]:
        return {"contiguous_through": through, "max_seq": max_seq, "gaps": gaps}

    def without_id(device: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in device.items() if k != "device_id"}

    assert without_id(send("phone-a", 1, 2)) == state(2, 2, [])  # a new device
    assert without_id(send("phone-a", 3)) == state(3, 3, [])  # in step
    assert without_id(send("phone-b", 1)) == state(1, 1, [])  # the rep's other phone
    assert without_id(send("phone-a", 2, 3)) == state(3, 3, [])  # an old batch again
    assert without_id(send("phone-a", 6, 7)) == state(3, 7, [[4, 5]])  # a gap
    assert without_id(send("phone-a", 4)) == state(4, 7, [[5, 5]])  # in step, 7 beyond kept
    assert without_id(send("phone-a", 5)) == state(7, 7, [])
    assert without_id(send("phone-a", 8, 8, 9)) == state(9, 9, [])  # a number twice


def test_signal_send_reaches_the_inbox(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    signal = {
        "type": "signal.send",
        "id": str(uuid.uuid4()),
        "kind": "competitor",
        "lead_id": str(lead.id),
        "text": "Competitor X offers 20% off",
    }
    bad = {**signal, "id": str(uuid.uuid4()), "kind": "gossip"}
    results = push(client, headers, signal, bad)
    assert [r["status"] for r in results] == ["applied", "rejected"]
    stored = db.exec(select(Signal).where(col(Signal.rep_id) == rep.id)).one()
    assert stored.text.startswith("Competitor X") and stored.status == "open"


def test_a_signal_needs_only_its_kind(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    two_taps = {"type": "signal.send", "id": str(uuid.uuid4()), "kind": "price_pressure"}
    too_long = {**two_taps, "id": str(uuid.uuid4()), "text": "x" * 2001}
    results = push(client, headers, two_taps, too_long)
    assert [r["status"] for r in results] == ["applied", "rejected"]
    stored = db.exec(select(Signal).where(col(Signal.rep_id) == rep.id)).one()
    assert stored.kind == "price_pressure" and stored.text == ""
