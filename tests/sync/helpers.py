"""Content builders (written as the content feature does: row + `record_change`; campaign
updates and reassignments go through the features' services themselves) and a minimal phone
that follows the protocol in app/sync/README.md."""

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import User
from app.campaigns.models import Campaign, CampaignStatus
from app.campaigns.service import update_campaign
from app.changes.log import SyncEntity, record_change, record_changes
from app.collateral.models import Collateral, CollateralKind
from app.leads.models import Lead
from app.leads.service import Holding, holding_changes, update_lead

KINDS = ("campaigns", "collateral", "leads", "outcome_codes", "signals")


class Content:
    def __init__(self, db: Session) -> None:
        self.db = db

    def campaign(self, *, live: bool = True, regions: list[str] | None = None) -> Campaign:
        campaign = Campaign(
            name=f"Campaign {uuid.uuid4().hex[:6]}",
            status=CampaignStatus.live if live else CampaignStatus.draft,
            audience_all=regions is None,
            audience_regions=regions or [],
        )
        self.db.add(campaign)
        self.db.flush()
        record_change(self.db, SyncEntity.campaign, campaign.id)
        self.db.commit()
        return campaign

    def update_campaign(self, campaign: Campaign, **values: Any) -> None:
        # Confirmed: a test's audience may name a region no rep has at that moment.
        update_campaign(self.db, campaign=campaign, changes=values, confirm_unknown_audience=True)
        self.db.commit()

    def collateral(self, campaign: Campaign, *, replaces: Collateral | None = None) -> Collateral:
        item = Collateral(
            campaign_id=campaign.id,
            kind=CollateralKind.link,
            title="Price list",
            url="https://example.test/prices",
            version=(replaces.version + 1) if replaces else 1,
            replaces_id=replaces.id if replaces else None,
        )
        self.db.add(item)
        self.db.flush()
        if replaces is not None:
            replaces.replaced_by_id = item.id
            self.db.add(replaces)
            record_change(self.db, SyncEntity.collateral, replaces.id)
        record_change(self.db, SyncEntity.collateral, item.id)
        self.db.commit()
        return item

    def lead(
        self, rep: User, *, campaign: Campaign | None = None, recommended: list[str] | None = None
    ) -> Lead:
        lead = Lead(
            company=f"Firma {uuid.uuid4().hex[:6]} GmbH",
            rep_id=rep.id,
            campaign_id=campaign.id if campaign else None,
            brief_md="Visit **soon**",
            brief_html="<p>Visit <strong>soon</strong></p>",
            recommended_collateral_ids=recommended or [],
        )
        self.db.add(lead)
        self.db.flush()
        record_changes(self.db, holding_changes(lead.id, None, Holding(rep.id, lead.campaign_id)))
        self.db.commit()
        return lead

    def reassign(self, lead: Lead, to: User) -> None:
        update_lead(self.db, lead=lead, changes={"rep_id": to.id})
        self.db.commit()


def sees(db: Session, rep_id: uuid.UUID) -> dict[str, set[str]]:
    """The model of what a rep's phone holds after a full pull: their leads; the live
    campaigns in their audience or holding one of their leads; those campaigns' current
    collateral. Written plainly here, apart from the service's own code."""
    rep = db.get(User, rep_id)
    assert rep is not None
    leads = db.exec(select(Lead).where(Lead.rep_id == rep_id)).all()
    held = {lead.campaign_id for lead in leads}
    campaigns = [
        c.id
        for c in db.exec(select(Campaign).where(Campaign.status == CampaignStatus.live))
        if c.id in held
        or c.audience_all
        or rep.region in c.audience_regions
        or rep.team in c.audience_teams
    ]
    collateral = db.exec(
        select(Collateral.id).where(
            col(Collateral.campaign_id).in_(campaigns),
            col(Collateral.replaced_by_id).is_(None),
            col(Collateral.deleted_at).is_(None),
        )
    ).all()
    return {
        "leads": {str(lead.id) for lead in leads},
        "campaigns": {str(c) for c in campaigns},
        "collateral": {str(c) for c in collateral},
    }


def outcome(lead_id: uuid.UUID | str, code: str = "won", **extra: Any) -> dict[str, Any]:
    return {
        "type": "outcome.log",
        "id": str(extra.pop("id", uuid.uuid4())),
        "lead_id": str(lead_id),
        "code": code,
        "occurred_at": extra.pop("occurred_at", datetime.now(UTC).isoformat()),
        **extra,
    }


def retract(outcome_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "outcome.retract",
        "id": str(extra.pop("id", uuid.uuid4())),
        "outcome_id": outcome_id,
        **extra,
    }


def push(
    client: TestClient, headers: dict[str, str], *mutations: dict[str, Any], device: str = "d1"
) -> list[dict[str, Any]]:
    response = client.post(
        "/api/v1/sync/push", headers=headers, json={"device_id": device, "mutations": mutations}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


class Phone:
    """The pulled state of one phone: kind -> id -> item."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.cursor: str | None = None
        self.state: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in KINDS}

    def sync(self, limit: int = 500) -> int:
        """Pull until nothing more; returns the number of requests."""
        requests = 0
        resync: set[tuple[str, str]] | None = None
        while True:
            params: dict[str, Any] = {"limit": limit}
            if self.cursor:
                params["cursor"] = self.cursor
            response = self.client.get("/api/v1/sync/pull", headers=self.headers, params=params)
            assert response.status_code == 200, response.text
            requests += 1
            body = response.json()
            if body["reset"]:
                resync = set()
            for kind in KINDS:
                for item in body["changes"][kind]:
                    key = str(item.get("id") or item.get("code"))
                    self.state[kind][key] = item
                    if resync is not None:
                        resync.add((kind, key))
            for kind, ids in body["removed"].items():
                for item_id in ids:
                    self.state[kind].pop(item_id, None)
            self.cursor = body["cursor"]
            if not body["has_more"]:
                break
        if resync is not None:  # a full resync: drop what it did not send
            for kind in KINDS:
                for key in list(self.state[kind]):
                    if (kind, key) not in resync:
                        del self.state[kind][key]
        return requests

    def ids(self, kind: str) -> set[str]:
        return set(self.state[kind])
