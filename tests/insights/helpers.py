"""Builders for the insights tests, and a plain-Python reference over the raw outcomes.

Outcomes are written through the real sync push service (`app.sync.push.push`), so the rollup
runs exactly as in production. The reference below reads only `outcome`, its views and fits,
leads and users, and knows nothing about the aggregates.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from app.auth.models import Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.changes.log import SyncEntity, record_change
from app.collateral.models import Collateral, CollateralKind
from app.insights.periods import seconds_bucket, week_start
from app.insights.roller import catch_up
from app.insights.schemas import Filters
from app.leads.models import Lead
from app.outcomes.models import Outcome, OutcomeCollateralFit, OutcomeCollateralView
from app.sync.push import push
from tests.factories import _password_hash


class World:
    def __init__(self, db: Session) -> None:
        self.db = db

    def rep(self, name: str, *, team: str, region: str = "North") -> User:
        user = User(
            email=f"{uuid.uuid4().hex[:8]}@example.test",
            name=name,
            role=Role.rep,
            region=region,
            team=team,
            password_hash=_password_hash(),
        )
        self.db.add(user)
        self.db.commit()
        return user

    def campaign(self, name: str, *, live: bool = True) -> Campaign:
        row = Campaign(name=name, status=CampaignStatus.live if live else CampaignStatus.archived)
        self.db.add(row)
        self.db.commit()
        return row

    def collateral(
        self, campaign: Campaign, title: str, *, kind: CollateralKind = CollateralKind.pdf
    ) -> Collateral:
        row = Collateral(
            campaign_id=campaign.id, kind=kind, title=title, url="https://example.test/x"
        )
        self.db.add(row)
        self.db.commit()
        return row

    def lead(
        self,
        rep: User,
        *,
        campaign: Campaign | None,
        region: str = "North",
        segment: str = "Retail",
        company: str = "Müller GmbH",
    ) -> Lead:
        row = Lead(
            company=company,
            rep_id=rep.id,
            campaign_id=campaign.id if campaign else None,
            region=region,
            segment=segment,
        )
        self.db.add(row)
        self.db.flush()
        record_change(self.db, SyncEntity.lead, row.id, rep_ids=[rep.id])
        self.db.commit()
        return row

    def reassign(self, lead: Lead, to: User) -> None:
        old = lead.rep_id
        lead.rep_id = to.id
        self.db.add(lead)
        record_change(self.db, SyncEntity.lead, lead.id, rep_ids=[old, to.id])
        self.db.commit()

    def push(self, rep: User, mutations: list[dict[str, Any]], device: str = "d1") -> list[str]:
        """Push as the phone would, then roll the backlog up as the roller would."""
        response = push(self.db, rep_id=rep.id, device_id=device, mutations=mutations)
        self.db.commit()
        self.roll_up()
        return [r.status for r in response.results]

    def roll_up(self) -> None:
        catch_up(self.db.get_bind())  # type: ignore[arg-type]
        self.db.expire_all()


def at(day: date, hour: int = 10) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).isoformat()


def log(
    lead: Lead,
    code: str,
    day: date,
    *,
    hour: int = 10,
    details: list[str] | None = None,
    note: str = "",
    views: list[tuple[Collateral, int, list[int]]] | None = None,
    fits: list[tuple[Collateral, str]] | None = None,
    outcome_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    return {
        "type": "outcome.log",
        "id": str(outcome_id or uuid.uuid4()),
        "lead_id": str(lead.id),
        "code": code,
        "occurred_at": at(day, hour),
        "details": details or [],
        "note": note,
        "collateral_viewed": [
            {"collateral_id": str(c.id), "seconds": s, "pages": p} for c, s, p in views or []
        ],
        "collateral_fit": [{"collateral_id": str(c.id), "fit": f} for c, f in fits or []],
    }


def retract(outcome_id: str) -> dict[str, Any]:
    return {"type": "outcome.retract", "id": str(uuid.uuid4()), "outcome_id": outcome_id}


# --- the reference ------------------------------------------------------------------------


@dataclass
class Raw:
    outcomes: list[Outcome]
    views: list[OutcomeCollateralView]
    fits: list[OutcomeCollateralFit]
    leads: dict[uuid.UUID, Lead]
    users: dict[uuid.UUID, User]
    collateral: dict[uuid.UUID, Collateral]
    campaigns: dict[uuid.UUID, Campaign]

    @classmethod
    def load(cls, db: Session) -> "Raw":
        db.expire_all()
        raw = cls(
            outcomes=list(db.exec(select(Outcome))),
            views=list(db.exec(select(OutcomeCollateralView))),
            fits=list(db.exec(select(OutcomeCollateralFit))),
            leads={x.id: x for x in db.exec(select(Lead))},
            users={x.id: x for x in db.exec(select(User))},
            collateral={x.id: x for x in db.exec(select(Collateral))},
            campaigns={x.id: x for x in db.exec(select(Campaign))},
        )
        db.commit()
        return raw

    def selected(self, f: Filters) -> list[Outcome]:
        """Non-retracted outcomes in the filter; attributes from the lead and rep (the data
        sets here never change a lead's region/segment or a rep's team)."""
        chosen = []
        for o in self.outcomes:
            day = o.occurred_at.astimezone(UTC).date()
            lead = self.leads.get(o.lead_id)
            if o.retracted_at is not None or not f.start <= day <= f.end:
                continue
            if f.campaign_id is not None and o.campaign_id != f.campaign_id:
                continue
            if f.rep_id is not None and o.rep_id != f.rep_id:
                continue
            if f.region is not None and (lead is None or lead.region != f.region):
                continue
            if f.segment is not None and (lead is None or lead.segment != f.segment):
                continue
            if f.team is not None and self.users[o.rep_id].team != f.team:
                continue
            chosen.append(o)
        return chosen

    def assigned(self, f: Filters) -> Counter[str]:
        counts: Counter[str] = Counter()
        for lead in self.leads.values():
            if f.campaign_id is not None and lead.campaign_id != f.campaign_id:
                continue
            if f.region is not None and lead.region != f.region:
                continue
            if f.segment is not None and lead.segment != f.segment:
                continue
            if f.rep_id is not None and lead.rep_id != f.rep_id:
                continue
            if f.team is not None and self.users[lead.rep_id].team != f.team:
                continue
            counts[str(lead.campaign_id) if lead.campaign_id else ""] += 1
        return counts


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def figures(outcomes: list[Outcome], assigned: int) -> dict[str, Any]:
    codes = Counter(o.code for o in outcomes)
    unique = len({o.lead_id for o in outcomes})
    return {
        "visits": len(outcomes),
        "unique_leads": unique,
        "leads_assigned": assigned,
        "coverage": _ratio(unique, assigned),
        "conversion": _ratio(codes["won"], len(outcomes)),
        "follow_up_rate": _ratio(codes["follow_up"], len(outcomes)),
        "codes": {c: (n, _ratio(n, len(outcomes))) for c, n in codes.items()},
    }


def expected_summary(raw: Raw, f: Filters) -> dict[str, Any]:
    chosen = raw.selected(f)
    assigned = raw.assigned(f)
    by_campaign: dict[str, list[Outcome]] = defaultdict(list)
    for o in chosen:
        by_campaign[str(o.campaign_id) if o.campaign_id else ""].append(o)
    keys = set(by_campaign) | {k for k, n in assigned.items() if n}
    trend: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for o in chosen:
        trend[week_start(o.occurred_at.astimezone(UTC).date()).isoformat()][o.code] += 1
    chips: Counter[str] = Counter()
    for o in chosen:
        chips.update(set(o.details))
    return {
        "totals": figures(chosen, sum(assigned.values())),
        "campaigns": {k: figures(by_campaign.get(k, []), assigned.get(k, 0)) for k in keys},
        "trend": {w: dict(c) for w, c in trend.items()},
        "top_objections": sorted(chips.items(), key=lambda x: (-x[1], x[0]))[:10],
    }


def actual_summary(body: dict[str, Any]) -> dict[str, Any]:
    def fig(x: dict[str, Any]) -> dict[str, Any]:
        keys = ("visits", "unique_leads", "leads_assigned", "coverage", "conversion")
        out = {k: x[k] for k in (*keys, "follow_up_rate")}
        out["codes"] = {c["code"]: (c["count"], c["share"]) for c in x["codes"]}
        return out

    return {
        "totals": fig(body["totals"]),
        "campaigns": {(c["campaign_id"] or ""): fig(c) for c in body["campaigns"]},
        "trend": {t["week"]: t["counts"] for t in body["trend"]},
        "top_objections": [(c["chip"], c["count"]) for c in body["top_objections"]],
    }


def expected_collateral(raw: Raw, f: Filters) -> dict[str, Any]:
    chosen = {o.id: o for o in raw.selected(f)}
    visits: Counter[str] = Counter()
    won: Counter[str] = Counter()
    for o in chosen.values():
        key = str(o.campaign_id) if o.campaign_id else ""
        visits[key] += 1
        won[key] += o.code == "won"
    items: dict[uuid.UUID, dict[str, Any]] = {}

    def item(cid: uuid.UUID) -> dict[str, Any]:
        return items.setdefault(
            cid,
            {"viewed": 0, "won": 0, "seconds": [], "pages": Counter(), "up": 0, "down": 0,
             "campaigns": Counter(), "won_by_campaign": Counter()},
        )  # fmt: skip

    for v in raw.views:
        found = chosen.get(v.outcome_id)
        if found is None:
            continue
        o = found
        entry = item(v.collateral_id)
        key = str(o.campaign_id) if o.campaign_id else ""
        entry["viewed"] += 1
        entry["won"] += o.code == "won"
        entry["campaigns"][key] += 1
        entry["won_by_campaign"][key] += o.code == "won"
        entry["seconds"].append(v.seconds)
        entry["pages"].update(set(v.pages))
    for fit in raw.fits:
        if fit.outcome_id in chosen:
            item(fit.collateral_id)["up" if fit.fit == "up" else "down"] += 1
    result: dict[str, Any] = {}
    for cid, e in items.items():
        other_visits = sum(visits[k] - n for k, n in e["campaigns"].items())
        other_won = sum(won[k] - e["won_by_campaign"][k] for k in e["campaigns"])
        conv = _ratio(e["won"], e["viewed"])
        conv_other = _ratio(other_won, other_visits)
        seconds = sorted(e["seconds"])
        median = seconds_bucket(seconds[(len(seconds) - 1) // 2]) if seconds else None
        result[str(cid)] = {
            "viewed_visits": e["viewed"],
            "won_viewed": e["won"],
            "conversion_viewed": conv,
            "visits_not_viewed": other_visits,
            "conversion_not_viewed": conv_other,
            "lift": None if conv is None or conv_other is None else conv - conv_other,
            "median_seconds": median,
            "pages": sorted(e["pages"].items()),
            "fit_up": e["up"],
            "fit_down": e["down"],
        }
    opened = {cid for cid, e in items.items() if e["viewed"]}
    dead = sorted(
        str(c.id)
        for c in raw.collateral.values()
        if c.is_current
        and raw.campaigns[c.campaign_id].status == CampaignStatus.live
        and (f.campaign_id is None or c.campaign_id == f.campaign_id)
        and c.id not in opened
    )
    return {"items": result, "dead_stock": dead}


def actual_collateral(body: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "viewed_visits", "won_viewed", "conversion_viewed", "visits_not_viewed",
        "conversion_not_viewed", "lift", "median_seconds", "fit_up", "fit_down",
    )  # fmt: skip
    items = {}
    for row in body["items"]:
        entry = {k: row[k] for k in keys}
        entry["pages"] = [(p["page"], p["visits"]) for p in row["pages"]]
        items[row["collateral_id"]] = entry
    return {"items": items, "dead_stock": sorted(d["collateral_id"] for d in body["dead_stock"])}


def params(f: Filters) -> dict[str, str]:
    out = {"from": f.start.isoformat(), "to": f.end.isoformat()}
    for name in ("campaign_id", "region", "segment", "team", "rep_id"):
        value = getattr(f, name)
        if value is not None:
            out[name] = str(value)
    return out


def days_ago(n: int) -> date:
    return datetime.now(UTC).date() - timedelta(days=n)
