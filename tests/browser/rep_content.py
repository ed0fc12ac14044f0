"""Content for the rep-app browser tests, made through the real API as marketing would.

Works whether or not the demo data already has leads: each test adds its own campaign, a PDF
and a lead planned early today for a named rep, and finds it by its company name.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from playwright.sync_api import Page
from sqlmodel import Session, select

from app.collateral.samples import pdf_document
from app.core.db import make_engine
from app.core.settings import Settings
from app.outcomes.models import Outcome, OutcomeCollateralView

CSRF = {"X-Requested-With": "strang"}


def api_client(base_url: str, email: str, password: str = "demo") -> httpx.Client:
    client = httpx.Client(base_url=f"{base_url}/api/v1", headers=CSRF, timeout=20)
    client.post("/auth/login", json={"email": email, "password": password}).raise_for_status()
    return client


@dataclass
class Visit:
    lead_id: str
    company: str
    campaign_id: str
    collateral_id: str
    file_url: str


def rep_id(marketing: httpx.Client, email: str) -> str:
    reps = marketing.get("/console/reps").raise_for_status().json()
    for rep in reps:
        if rep.get("email") == email:
            return str(rep["id"])
    raise LookupError(f"no rep {email} in {reps}")


def add_visit(base_url: str, rep_email: str = "rep1@demo.strang", company: str = "") -> Visit:
    """A live campaign with a 2-page PDF, and a lead for `rep_email` planned today."""
    company = company or f"Aaron Testhaus {uuid.uuid4().hex[:4]}"
    m = api_client(base_url, "marketing@demo.strang")
    try:
        campaign = (
            m.post(
                "/campaigns",
                json={
                    "name": f"Spring {uuid.uuid4().hex[:4]}",
                    "status": "live",
                    "audience_all": True,
                    "key_message": "Save energy before the summer",
                    "talking_points_md": "- Ask about the heat pump\n- Mention the spring price",
                },
            )
            .raise_for_status()
            .json()
        )
        pdf = pdf_document(
            [["Spring offer", "Details"], ["Page two", "Prices"]], title="Spring offer"
        )
        collateral = (
            m.post(
                f"/campaigns/{campaign['id']}/collateral",
                data={"title": "Spring offer"},
                files={"file": ("offer.pdf", pdf, "application/octet-stream")},
            )
            .raise_for_status()
            .json()
        )
        now = datetime.now(UTC)  # the phone's day: browser contexts here run in UTC
        lead = (
            m.post(
                "/leads",
                json={
                    "company": company,
                    "rep_id": rep_id(m, rep_email),
                    "campaign_id": campaign["id"],
                    "contact_name": "Eva Test",
                    "phone": "+49 40 123456",
                    "street": "Hafenstraße 1",
                    "postal_code": "20095",
                    "city": "Hamburg",
                    "priority": 1,
                    "planned_visit_at": now.replace(
                        hour=0, minute=1, second=0, microsecond=0
                    ).isoformat(),
                    "brief_md": "**Family business**, asked about heating last year.",
                    "recommended_collateral_ids": [collateral["id"]],
                },
            )
            .raise_for_status()
            .json()
        )
    finally:
        m.close()
    return Visit(
        str(lead["id"]), company, str(campaign["id"]), str(collateral["id"]), collateral["file_url"]
    )


def revoke_sessions(base_url: str, email: str) -> int:
    """An admin revokes every session of `email` through the API; returns how many."""
    admin = api_client(base_url, "admin@demo.strang")
    try:
        [user] = [u for u in admin.get("/users").raise_for_status().json() if u["email"] == email]
        sessions = admin.get(f"/users/{user['id']}/sessions").raise_for_status().json()
        for s in sessions:
            admin.delete(f"/users/{user['id']}/sessions/{s['id']}").raise_for_status()
        return len(sessions)
    finally:
        admin.close()


def outcomes_of(settings: Settings, lead_id: str) -> list[dict[str, Any]]:
    """What the server holds for a lead: each outcome with the collateral views attached."""
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            rows = session.exec(select(Outcome).where(Outcome.lead_id == uuid.UUID(lead_id)))
            out = []
            for o in rows:
                views = session.exec(
                    select(OutcomeCollateralView).where(OutcomeCollateralView.outcome_id == o.id)
                )
                out.append(
                    {
                        "id": str(o.id),
                        "code": o.code,
                        "retracted": o.retracted_at is not None,
                        "views": [(str(v.collateral_id), v.seconds, list(v.pages)) for v in views],
                    }
                )
            return out
    finally:
        engine.dispose()


def in_force(settings: Settings, lead_id: str) -> list[dict[str, Any]]:
    return [o for o in outcomes_of(settings, lead_id) if not o["retracted"]]


def wait_for_service_worker(page: Page, timeout: float = 20_000) -> None:
    """Until the service worker controls the page. A function, not an expression: Playwright
    evaluates an expression anew on every poll with eval, which the app's CSP refuses once the
    page came from the network; a function is evaluated once, when Playwright asks."""
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=timeout,
    )
