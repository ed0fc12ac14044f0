"""Demo history for `strang demo`: about three months of plausible visits on the demo leads.

Everything goes through the real push service (as the reps' phones would send it), so the
insights aggregates are built by the same listener as in production: outcomes with objection
chips, the collateral shown (seconds, PDF pages) and thumbs up/down, a few undone taps, and a
handful of signals to marketing, some of them already answered.

Idempotent: the history is written once, marked by its device id.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.collateral.models import Collateral
from app.leads.models import Lead
from app.outcomes.models import Outcome, OutcomeCode
from app.signals import service as signals
from app.signals.models import Signal
from app.sync.push import push

DEVICE = "demo-history"
DAYS = 90
SEED = 2026
CODE_WEIGHTS = {
    "won": 11,
    "follow_up": 20,
    "interested": 18,
    "objection": 24,
    "not_reached": 17,
    "no_interest": 10,
}
SIGNALS = [
    ("need_material", "Kunden fragen nach einer Referenzliste aus der Region."),
    ("competitor", "Thermo-Nord bietet 25 % Rabatt auf die Installation."),
    ("price_pressure", "Two bakeries said the check is fine but the upgrade is too expensive."),
    ("customer_wish", "Wartungsvertrag mit monatlicher Zahlung wäre ein Türöffner."),
    ("need_material", "An English one-pager for the bakery check would help in Hamburg."),
]
REPLIES = [
    "Danke! Die Referenzliste kommt diese Woche in die Kampagne.",
    "Good catch - we are preparing a comparison sheet.",
]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def seed_insights_history(session: Session) -> int:
    """Write the history once; returns how many outcomes were logged (0 when already there)."""
    already = session.exec(select(Outcome.id).where(Outcome.device_id == DEVICE).limit(1)).first()
    if already is not None:
        return 0
    leads = list(
        session.exec(
            select(Lead).where(col(Lead.external_ref).like("DEMO-%")).order_by(Lead.external_ref)
        )
    )
    reps = {
        u.id: u for u in session.exec(select(User).where(User.role == Role.rep, User.is_active))
    }
    if not leads or not reps:
        return 0  # the demo content comes first
    codes = {c.code: c for c in session.exec(select(OutcomeCode).where(OutcomeCode.active))}
    weights = {code: w for code, w in CODE_WEIGHTS.items() if code in codes}
    items: dict[uuid.UUID, list[Collateral]] = {}
    for item in session.exec(select(Collateral).where(col(Collateral.deleted_at).is_(None))):
        if item.replaced_by_id is None:
            items.setdefault(item.campaign_id, []).append(item)
    rng = random.Random(SEED)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    by_rep: dict[uuid.UUID, list[dict[str, Any]]] = {rid: [] for rid in reps}
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for rep_id in reps:
            own = [lead for lead in leads if lead.rep_id == rep_id]
            for lead in rng.sample(own, min(len(own), rng.randint(1, 4))):
                by_rep[rep_id].append(_visit(rng, lead, day, weights, codes, items))
    logged = 0
    for rep_id, taps in by_rep.items():
        undo = [
            {"type": "outcome.retract", "id": _uuid(rng), "outcome_id": tap["id"]}
            for tap in rng.sample(taps, min(len(taps), 3))
        ]
        mutations = taps + undo
        for start in range(0, len(mutations), 400):
            push(session, rep_id=rep_id, device_id=DEVICE, mutations=mutations[start : start + 400])
        logged += len(taps)
    _signals(session, rng, leads, reps)
    return logged


def _visit(
    rng: random.Random,
    lead: Lead,
    day: datetime,
    weights: dict[str, int],
    codes: dict[str, OutcomeCode],
    items: dict[uuid.UUID, list[Collateral]],
) -> dict[str, Any]:
    code = rng.choices(list(weights), list(weights.values()))[0]
    allowed = codes[code].details
    details = rng.sample(allowed, rng.randint(1, min(2, len(allowed)))) if allowed else []
    shown = items.get(lead.campaign_id, []) if lead.campaign_id else []
    viewed = rng.sample(shown, rng.randint(0, min(2, len(shown)))) if shown else []
    # Collateral that helps: shown more often and longer on won visits.
    if code == "won" and shown and not viewed:
        viewed = [shown[0]]
    views = [
        {
            "collateral_id": str(c.id),
            "seconds": int(rng.lognormvariate(4.2 if code == "won" else 3.4, 0.7)),
            "pages": sorted(rng.sample(range(1, 5), rng.randint(1, 3))) if c.kind == "pdf" else [],
        }
        for c in viewed
    ]
    fits = [
        {"collateral_id": v["collateral_id"], "fit": "up" if rng.random() < 0.7 else "down"}
        for v in views
        if rng.random() < 0.35
    ]
    at = day + timedelta(hours=rng.randint(8, 17), minutes=rng.randrange(60))
    return {
        "type": "outcome.log",
        "id": _uuid(rng),
        "lead_id": str(lead.id),
        "code": code,
        "occurred_at": at.isoformat(),
        "details": details,
        "note": "",
        "collateral_viewed": views,
        "collateral_fit": fits,
    }


def _signals(
    session: Session, rng: random.Random, leads: list[Lead], reps: dict[uuid.UUID, User]
) -> None:
    marketing = session.exec(select(User).where(User.role == Role.marketing)).first()
    sent: list[uuid.UUID] = []
    now = datetime.now(UTC)
    for kind, text in SIGNALS:
        lead = rng.choice(leads)
        mutation = {
            "type": "signal.send",
            "id": _uuid(rng),
            "kind": kind,
            "lead_id": str(lead.id),
            "campaign_id": str(lead.campaign_id) if lead.campaign_id else None,
            "text": text,
            "occurred_at": (now - timedelta(minutes=rng.randint(30, 4 * 24 * 60))).isoformat(),
        }
        push(session, rep_id=lead.rep_id, device_id=DEVICE, mutations=[mutation])
        sent.append(uuid.UUID(mutation["id"]))
    if marketing is None:
        return
    for signal_id, reply in zip(sent, REPLIES, strict=False):
        signal = session.get(Signal, signal_id)
        if signal is not None:
            signals.acknowledge(session, signal=signal, by=marketing, reply=reply)
