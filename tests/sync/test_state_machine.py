"""A phone and the server over an unreliable link (hypothesis state machine).

The link loses requests and responses, duplicates and reorders batches, pushes the same batch
twice at once, and the server restarts (a new app instance on the same database). Invariants:
the server holds every acknowledged mutation exactly once, and eventually every mutation the
phone made; after a final pull the phone's state equals the server's truth for that rep.
After every complete pull the phone holds what the model says the rep sees: their leads, the
live campaigns in their audience or holding one of their leads, and those campaigns' current
collateral.
"""

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.auth.service import update_user
from app.campaigns.models import CampaignStatus
from app.core.settings import Settings
from app.leads.models import Lead
from app.leads.service import update_lead
from app.main import create_app
from app.outcomes.models import Outcome
from app.sync.models import AppliedMutation
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome, retract, sees


class Server:
    def __init__(self, app_settings: Settings) -> None:
        self.settings = app_settings
        self.start()

    def start(self) -> None:
        self.app = create_app(self.settings)
        self.client = TestClient(self.app, base_url="http://127.0.0.1:8000")

    def restart(self) -> None:
        self.client.close()
        self.app.state.engine.dispose()
        self.start()

    def stop(self) -> None:
        self.client.close()
        self.app.state.engine.dispose()


def run_machine(app_settings: Settings, factory: Factory, db: Session) -> None:
    content = Content(db)
    server = Server(app_settings)

    class PhoneAndServer(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            self.rep = factory.user(Role.rep)
            self.other = factory.user(Role.rep)
            self.headers = factory.auth(self.rep)
            self.campaign = content.campaign()
            content.collateral(self.campaign)
            self.south = content.campaign(regions=["South"])  # not the rep's region at first
            content.collateral(self.south)
            self.leads = [content.lead(self.rep, campaign=self.campaign) for _ in range(3)]
            self.device = f"dev-{uuid.uuid4().hex[:6]}"
            self.seq = 0
            self.outbox: list[dict[str, Any]] = []
            self.made: dict[str, dict[str, Any]] = {}
            self.acked: set[str] = set()
            self.rejected: set[str] = set()
            self.logged: list[str] = []
            self.phone = Phone(server.client, self.headers)

        # ---- the phone ----

        @rule(pick=st.integers(0, 10), code=st.sampled_from(["won", "objection", "follow_up"]))
        def tap(self, pick: int, code: str) -> None:
            known = sorted(self.phone.ids("leads")) or [str(self.leads[0].id)]
            lead_id = known[pick % len(known)]
            details = ["price"] if code == "objection" else []
            self._make(outcome(lead_id, code, details=details))

        @rule(pick=st.integers(0, 10))
        def undo(self, pick: int) -> None:
            if self.logged:
                self._make(retract(self.logged[pick % len(self.logged)]))

        def _make(self, mutation: dict[str, Any]) -> None:
            self.seq += 1
            mutation["seq"] = self.seq
            if mutation["type"] == "outcome.log":
                self.logged.append(mutation["id"])
            self.outbox.append(mutation)
            self.made[mutation["id"]] = mutation

        # ---- the link ----

        @rule(
            size=st.integers(1, 6),
            fate=st.sampled_from(["ok", "lost_request", "lost_response", "duplicate", "reorder"]),
            seed=st.integers(0, 1000),
        )
        def push(self, size: int, fate: str, seed: int) -> None:
            batch = self.outbox[:size]
            if not batch or fate == "lost_request":
                return
            if fate == "reorder":
                batch = batch[:]
                random.Random(seed).shuffle(batch)
            answer = self._send(batch)
            if fate == "duplicate":
                answer = self._send(batch)
            if fate != "lost_response":
                self._settle(answer)

        @rule(size=st.integers(1, 6))
        def concurrent_push(self, size: int) -> None:
            batch = self.outbox[:size]
            if not batch:
                return
            with ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(self._send, [batch, batch]))
            for results in answers:
                applied = [r["id"] for r in results if r["status"] == "applied"]
                assert not set(applied) & self.acked
            first, second = answers
            for a, b in zip(first, second, strict=True):
                assert {a["status"], b["status"]} <= {"applied", "duplicate", "rejected"}
                assert not (a["status"] == b["status"] == "applied")
            self._settle(first)

        def _send(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
            body = {"device_id": self.device, "mutations": batch}
            response = server.client.post("/api/v1/sync/push", headers=self.headers, json=body)
            assert response.status_code == 200, response.text
            return list(response.json()["results"])

        def _settle(self, results: list[dict[str, Any]]) -> None:
            for result in results:
                if result["status"] in ("applied", "duplicate"):
                    self.acked.add(result["id"])
                else:
                    self.rejected.add(result["id"])  # kept visible to the rep, not resent
                self.outbox = [m for m in self.outbox if m["id"] != result["id"]]

        @rule(limit=st.sampled_from([2, 50]), lose_response=st.booleans())
        def pull(self, limit: int, lose_response: bool) -> None:
            if lose_response:
                params = {
                    "limit": limit,
                    **({"cursor": self.phone.cursor} if self.phone.cursor else {}),
                }
                server.client.get("/api/v1/sync/pull", headers=self.headers, params=params)
                return
            self.phone.sync(limit=limit)
            assert self._holds() == self._sees()

        @rule()
        def restart(self) -> None:
            server.restart()
            self.phone.client = server.client

        # ---- marketing ----

        @rule(pick=st.integers(0, 2))
        def reassign(self, pick: int) -> None:
            lead = db.get(Lead, self.leads[pick].id)
            assert lead is not None
            content.reassign(lead, self.other if lead.rep_id == self.rep.id else self.rep)

        @rule()
        def toggle_campaign(self) -> None:
            live = self.campaign.status == CampaignStatus.live
            content.update_campaign(
                self.campaign, status=CampaignStatus.archived if live else CampaignStatus.live
            )

        @rule(pick=st.integers(0, 2), into=st.sampled_from(["campaign", "south", None]))
        def move_lead(self, pick: int, into: str | None) -> None:  # to another campaign
            lead = db.get(Lead, self.leads[pick].id)
            assert lead is not None
            campaign = getattr(self, into).id if into else None
            update_lead(db, lead=lead, changes={"campaign_id": campaign})
            db.commit()

        @rule(regions=st.sampled_from([[], ["North"]]))
        def set_audience(self, regions: list[str]) -> None:
            content.update_campaign(
                self.campaign, audience_all=not regions, audience_regions=regions
            )

        @rule(region=st.sampled_from(["North", "South"]))
        def move_rep(self, region: str) -> None:  # the campaign follows the rep's audience
            rep = db.get(User, self.rep.id)
            assert rep is not None
            update_user(db, rep, {"region": region})
            db.commit()

        # ---- the model: what the rep sees ----

        def _sees(self) -> dict[str, set[str]]:
            db.expire_all()
            seen = sees(db, self.rep.id)
            db.commit()
            return seen

        def _holds(self) -> dict[str, set[str]]:
            return {kind: self.phone.ids(kind) for kind in ("leads", "campaigns", "collateral")}

        # ---- invariants ----

        @invariant()
        def acknowledged_are_stored_once(self) -> None:
            if not self.acked:
                return
            ids = [uuid.UUID(i) for i in self.acked]
            ledger = set(
                db.exec(select(AppliedMutation.id).where(col(AppliedMutation.id).in_(ids)))
            )
            db.commit()
            assert ledger == set(ids)

        def teardown(self) -> None:
            if not hasattr(self, "rep"):
                return
            while self.outbox:  # the link finally works
                self._settle(self._send(self.outbox[:50]))
            logs = {i for i, m in self.made.items() if m["type"] == "outcome.log"}
            stored = {
                str(o.id)
                for o in db.exec(select(Outcome).where(col(Outcome.rep_id) == self.rep.id))
            }
            db.commit()
            assert stored == logs - self.rejected
            retracted = {m["outcome_id"] for m in self.made.values() if m["type"] != "outcome.log"}
            for o in db.exec(select(Outcome).where(col(Outcome.rep_id) == self.rep.id)):
                assert (o.retracted_at is not None) == (str(o.id) in retracted)
            db.commit()
            self.phone.sync()
            truth = Phone(server.client, self.headers)
            truth.sync()
            assert self.phone.state == truth.state
            assert self._holds() == self._sees()

    PhoneAndServer.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=14,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        PhoneAndServer.TestCase().runTest()
    finally:
        server.stop()


@pytest.mark.slow
def test_phone_and_server_over_an_unreliable_link(
    settings: Settings, factory: Factory, db: Session
) -> None:
    run_machine(settings, factory, db)
