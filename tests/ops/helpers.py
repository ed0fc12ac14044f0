"""Real-HTTP helpers for the operations tests: logging in and pushing outcomes like a phone."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

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
