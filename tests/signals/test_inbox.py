import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.signals.models import Signal
from app.sync.models import AppliedMutation
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, push


def test_only_marketing_and_admin_read_and_acknowledge_signals(
    client: TestClient, factory: Factory
) -> None:
    _, rep_headers = factory.login_as(Role.rep, name="Lena Fischer")
    signal_id = str(uuid.uuid4())
    push(
        client,
        rep_headers,
        {"type": "signal.send", "id": signal_id, "kind": "price_pressure", "text": "Too dear"},
    )
    assert client.get("/api/v1/signals", headers=rep_headers).status_code == 403
    ack = f"/api/v1/signals/{signal_id}/acknowledge"
    assert client.post(ack, headers=rep_headers, json={}).status_code == 403
    for role in (Role.marketing, Role.admin):
        _, headers = factory.login_as(role)
        inbox = client.get("/api/v1/signals", headers=headers).json()
        assert inbox[0]["rep"]["name"] == "Lena Fischer" and inbox[0]["kind"] == "price_pressure"
    assert client.post(ack, headers=headers, json={"reply": "x" * 2001}).status_code == 422
    assert client.post(ack, headers=headers, json={}).json()["status"] == "acknowledged"
    missing = f"/api/v1/signals/{uuid.uuid4()}/acknowledge"
    assert client.post(missing, headers=headers, json={}).status_code == 404
    done = client.get("/api/v1/signals", headers=headers, params={"status": "acknowledged"})
    assert [s["id"] for s in done.json()] == [signal_id]


def _signal(**extra: object) -> dict[str, object]:
    return {"type": "signal.send", "id": str(uuid.uuid4()), "kind": "competitor", **extra}


def test_a_signal_keeps_the_time_of_the_tap_beside_its_arrival(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, rep_headers = factory.login_as(Role.rep)
    _, headers = factory.login_as(Role.marketing)
    now = datetime.now(UTC)
    tapped_in_the_basement = (now - timedelta(hours=3)).replace(microsecond=0)
    tapped_later = now - timedelta(hours=1)
    offline = _signal(
        text="Rival at the door",
        occurred_at=tapped_in_the_basement.astimezone(timezone(timedelta(hours=1))).isoformat(),
    )
    online = _signal(text="Price list is old", occurred_at=tapped_later.isoformat())
    # The phone that was offline syncs last: the inbox still lists by the tap.
    assert [r["status"] for r in push(client, rep_headers, online, offline)] == ["applied"] * 2
    inbox = client.get("/api/v1/signals", headers=headers).json()
    assert [s["text"] for s in inbox] == ["Price list is old", "Rival at the door"]
    basement = inbox[1]
    assert datetime.fromisoformat(basement["occurred_at"]) == tapped_in_the_basement
    assert basement["occurred_at"].endswith(("Z", "+00:00"))  # in UTC, whatever the phone's zone
    assert datetime.fromisoformat(basement["created_at"]) >= now - timedelta(seconds=1)
    phone = Phone(client, rep_headers)
    phone.sync()
    pulled = phone.state["signals"][offline["id"]]
    assert datetime.fromisoformat(pulled["occurred_at"]) == tapped_in_the_basement
    assert datetime.fromisoformat(pulled["created_at"]) >= now - timedelta(seconds=1)


def test_a_signal_from_an_older_phone_without_its_tap_time_gets_its_arrival_time(
    client: TestClient, factory: Factory, db: Session
) -> None:
    rep, rep_headers = factory.login_as(Role.rep)
    # Queued and sent before phones named the tap: the ledger holds the hash of that payload.
    sent_before = _signal(text="Need the new brochure")
    old_payload = {**sent_before, "lead_id": None, "campaign_id": None, "rep": str(rep.id)}
    canonical = json.dumps(old_payload, sort_keys=True, separators=(",", ":"))
    db.add(
        AppliedMutation(
            id=uuid.UUID(str(sent_before["id"])),
            rep_id=rep.id,
            kind="signal.send",
            payload_hash=hashlib.sha256(canonical.encode()).hexdigest(),
            device_id="d1",
            received_at=datetime.now(UTC),
        )
    )
    db.commit()
    untimed = _signal(text="Customer wants a demo")
    results = push(client, rep_headers, sent_before, untimed)
    assert [r["status"] for r in results] == ["duplicate", "applied"]  # a retry, no conflict
    stored = db.exec(select(Signal).where(Signal.id == uuid.UUID(str(untimed["id"])))).one()
    assert stored.occurred_at == stored.created_at


def test_a_signal_tapped_more_than_a_day_ahead_or_without_offset_is_rejected(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, rep_headers = factory.login_as(Role.rep)
    ahead = datetime.now(UTC) + timedelta(hours=25)
    soon = datetime.now(UTC) + timedelta(hours=23)  # a phone clock running ahead, still fine
    results = push(
        client,
        rep_headers,
        _signal(occurred_at=ahead.isoformat()),
        _signal(occurred_at="2026-11-27T10:15:00"),
        _signal(occurred_at=soon.isoformat()),
    )
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "future_timestamp"),
        ("rejected", "invalid"),
        ("applied", None),
    ]
    assert "occurred_at" in results[0]["detail"] and "occurred_at" in results[1]["detail"]
    assert len(db.exec(select(Signal)).all()) == 1


def test_a_signal_sent_from_a_lead_carries_the_lead_campaign(
    client: TestClient, factory: Factory, db: Session
) -> None:
    rep, rep_headers = factory.login_as(Role.rep)
    _, headers = factory.login_as(Role.marketing)
    content = Content(db)
    spring = content.campaign()
    other = content.campaign()
    lead = content.lead(rep, campaign=spring)
    no_campaign = content.lead(rep)
    from_lead = _signal(lead_id=str(lead.id), text="from the lead")
    named = _signal(lead_id=str(lead.id), campaign_id=str(other.id), text="named campaign")
    plain = _signal(lead_id=str(no_campaign.id), text="lead without campaign")
    assert [r["status"] for r in push(client, rep_headers, from_lead, named, plain)] == [
        "applied"
    ] * 3
    inbox = {s["text"]: s for s in client.get("/api/v1/signals", headers=headers).json()}
    assert inbox["from the lead"]["campaign"] == {"id": str(spring.id), "name": spring.name}
    assert inbox["from the lead"]["lead"]["name"] == lead.company
    assert inbox["named campaign"]["campaign"]["id"] == str(other.id)  # the rep's choice stands
    assert inbox["lead without campaign"]["campaign"] is None
    phone = Phone(client, rep_headers)
    phone.sync()
    assert phone.state["signals"][from_lead["id"]]["campaign_id"] == str(spring.id)
