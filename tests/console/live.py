"""Field history created through the public API of a running server, for the console's
browser tests (works whether or not `strang demo` already seeds outcomes)."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import ViewportSize

# (rep email, lead region/segment, outcome codes logged on consecutive days)
FIELD: list[tuple[str, str, str, list[str]]] = [
    ("rep1@demo.strang", "North", "Retail", ["won", "follow_up", "objection", "won", "interested"]),
    ("rep2@demo.strang", "South", "Industry", ["objection", "no_interest", "follow_up"]),
]


@dataclass
class Seeded:
    campaign_id: str
    leads: dict[str, list[str]] = field(default_factory=dict)  # rep email -> lead ids
    visits: dict[str, int] = field(default_factory=dict)  # region -> visits logged
    signal_id: str | None = None


def bearer(client: httpx.Client, email: str, password: str = "demo") -> dict[str, str]:
    answer = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    answer.raise_for_status()
    client.cookies.clear()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def push(client: httpx.Client, headers: dict[str, str], mutations: list[dict[str, object]]) -> None:
    answer = client.post(
        "/api/v1/sync/push",
        json={"device_id": f"test-{uuid.uuid4().hex[:8]}", "mutations": mutations},
        headers=headers,
    )
    answer.raise_for_status()
    statuses = {r["status"] for r in answer.json()["results"]}
    assert statuses <= {"applied", "duplicate"}, answer.text


def seed_field(base_url: str) -> Seeded:
    now = datetime.now(UTC)
    with httpx.Client(base_url=base_url, timeout=20) as client:
        marketing = bearer(client, "marketing@demo.strang")
        answer = client.get("/api/v1/console/reps", headers=marketing)
        reps = {r["email"]: r["id"] for r in answer.json()}
        campaign = client.post(
            "/api/v1/campaigns",
            json={"name": "Spring Push (test)", "key_message": "Save energy", "status": "live"},
            headers=marketing,
        )
        campaign.raise_for_status()
        seeded = Seeded(campaign_id=campaign.json()["id"])
        for email, region, segment, codes in FIELD:
            lead_ids = []
            for i in range(len(codes)):
                lead = client.post(
                    "/api/v1/leads",
                    json={
                        "company": f"{region} Test Co {i}",
                        "rep_id": reps[email],
                        "campaign_id": seeded.campaign_id,
                        "region": region,
                        "segment": segment,
                    },
                    headers=marketing,
                )
                lead.raise_for_status()
                lead_ids.append(lead.json()["id"])
            seeded.leads[email] = lead_ids
            rep = bearer(client, email)
            mutations: list[dict[str, object]] = [
                {
                    "type": "outcome.log",
                    "id": str(uuid.uuid4()),
                    "lead_id": lead_id,
                    "code": code,
                    "occurred_at": (now - timedelta(days=3 + 6 * i)).isoformat(),
                    "details": ["price"] if code == "objection" else [],
                }
                for i, (lead_id, code) in enumerate(zip(lead_ids, codes, strict=True))
            ]
            push(client, rep, mutations)
            seeded.visits[region] = seeded.visits.get(region, 0) + len(codes)
        rep1 = bearer(client, "rep1@demo.strang")
        signal_id = str(uuid.uuid4())
        push(
            client,
            rep1,
            [
                {
                    "type": "signal.send",
                    "id": signal_id,
                    "kind": "competitor",
                    "lead_id": seeded.leads["rep1@demo.strang"][0],
                    "text": "Competitor X offers 20 % off (test)",
                }
            ],
        )
        seeded.signal_id = signal_id
    return seeded


def send_signal(base_url: str, email: str, text: str) -> str:
    """A signal from `email`'s phone, as its sync would push it; returns its id."""
    signal_id = str(uuid.uuid4())
    with httpx.Client(base_url=base_url, timeout=20) as client:
        rep = bearer(client, email)
        mutation: dict[str, object] = {"type": "signal.send", "id": signal_id}
        mutation |= {"kind": "need_material", "text": text}
        push(client, rep, [mutation])
    return signal_id


DESKTOP: ViewportSize = {"width": 1280, "height": 800}
