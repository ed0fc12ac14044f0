"""Real-HTTP helpers for the operations tests: logging in and pushing outcomes like a phone."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlmodel import Session

from app.auth.models import Role, User
from app.auth.service import start_session
from app.core.security import hash_password
from app.leads.models import Lead
from tests.factories import PASSWORD

PUSH = "/api/v1/sync/push"


def login(base_url: str, email: str) -> dict[str, str]:
    response = httpx.post(
        f"{base_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def outcome_log(lead_id: uuid.UUID | str, seq: int, code: str = "won") -> dict[str, Any]:
    return {
        "type": "outcome.log",
        "id": str(uuid.uuid4()),
        "seq": seq,
        "lead_id": str(lead_id),
        "code": code,
        "occurred_at": datetime.now(UTC).isoformat(),
        "details": [],
        "note": "",
    }


def seed_phones(
    session: Session, count: int, leads_each: int = 2
) -> list[tuple[str, list[uuid.UUID]]]:
    """`count` reps, each with a logged-in device (its bearer token) and some leads, written
    straight to the database (logging in 50 reps through Argon2 would dominate the test)."""
    phones = []
    password_hash = hash_password(PASSWORD)
    for n in range(count):
        rep = User(
            email=f"phone-{n}-{uuid.uuid4().hex[:6]}@example.test",
            name=f"Rep {n}",
            role=Role.rep,
            password_hash=password_hash,
        )
        session.add(rep)
        session.flush()
        token = start_session(session, rep.id, days=1)
        leads = [Lead(company=f"Firma {n}-{k}", rep_id=rep.id) for k in range(leads_each)]
        session.add_all(leads)
        session.flush()
        phones.append((token, [lead.id for lead in leads]))
    session.commit()
    return phones
