"""Every API operation x every kind of caller, with the status each must get.

The table is checked against the app's own routes (its OpenAPI operations), so a new endpoint
without a row here fails this test until someone decides who may call it.

Cells: a status code, or OK = the caller got past authorization: a 2xx where BODIES holds a
valid body for the operation, else 2xx or 400/409/415/422 (operations whose valid body is not
cheap to send here: uploads, password changes that would end the table's sessions). What belongs
to someone else (another rep's session, a file of a campaign for another region) is 404, never
403, so that its existence does not leak.
"""

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.core.settings import Settings
from tests.factories import Factory
from tests.security.helpers import store_pdf
from tests.shares.helpers import share_create
from tests.sync.helpers import Content, outcome, push

OK = "ok"
ROLES = ("anonymous", "rep", "other_rep", "marketing", "admin")
# (anonymous, rep, other rep, marketing, admin)
MARKETING_ONLY = (401, 403, 403, OK, OK)
ADMIN_ONLY = (401, 403, 403, 403, OK)
ANY_USER = (401, OK, OK, OK, OK)
REP_ONLY = (401, OK, OK, 403, 403)

TABLE: dict[str, tuple[object, ...]] = {
    # public; the table's credentials are wrong, which is a 401 whoever asks
    "POST /api/v1/auth/login": (401, 401, 401, 401, 401),
    "POST /api/v1/auth/logout": (401, OK, OK, OK, OK),
    "GET /api/v1/auth/options": (OK, OK, OK, OK, OK),  # the login screen asks it
    "GET /api/v1/me": ANY_USER,
    "GET /api/v1/me/sessions": ANY_USER,
    "POST /api/v1/me/password": ANY_USER,
    # the rep's own second session; someone else's session is "not found" for everybody else
    "DELETE /api/v1/me/sessions/{session_id}": (401, OK, 404, 404, 404),
    "GET /api/v1/users": ADMIN_ONLY,
    "POST /api/v1/users": ADMIN_ONLY,
    "PATCH /api/v1/users/{user_id}": ADMIN_ONLY,
    "GET /api/v1/users/{user_id}/sessions": ADMIN_ONLY,
    "POST /api/v1/users/{user_id}/password": ADMIN_ONLY,
    "GET /api/v1/audit": ADMIN_ONLY,
    "GET /api/v1/audit/events.csv": ADMIN_ONLY,
    "GET /api/v1/webhooks": ADMIN_ONLY,
    "POST /api/v1/webhooks": ADMIN_ONLY,
    "GET /api/v1/webhooks/{webhook_id}": ADMIN_ONLY,
    "PATCH /api/v1/webhooks/{webhook_id}": ADMIN_ONLY,
    "DELETE /api/v1/webhooks/{webhook_id}": ADMIN_ONLY,
    "POST /api/v1/webhooks/{webhook_id}/rotate-secret": ADMIN_ONLY,
    "GET /api/v1/webhooks/{webhook_id}/deliveries": ADMIN_ONLY,
    "POST /api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/resend": ADMIN_ONLY,
    "DELETE /api/v1/users/{user_id}/sessions/{session_id}": ADMIN_ONLY,
    "GET /api/v1/campaigns": MARKETING_ONLY,
    "POST /api/v1/campaigns": MARKETING_ONLY,
    "POST /api/v1/campaigns/audience-preview": MARKETING_ONLY,
    "GET /api/v1/campaigns/{campaign_id}": MARKETING_ONLY,
    "PATCH /api/v1/campaigns/{campaign_id}": MARKETING_ONLY,
    "DELETE /api/v1/campaigns/{campaign_id}": MARKETING_ONLY,
    "GET /api/v1/campaigns/{campaign_id}/collateral": MARKETING_ONLY,
    "POST /api/v1/campaigns/{campaign_id}/collateral": MARKETING_ONLY,
    "GET /api/v1/collateral/expiring": MARKETING_ONLY,
    "GET /api/v1/collateral/{collateral_id}": MARKETING_ONLY,
    "GET /api/v1/collateral/{collateral_id}/history": MARKETING_ONLY,
    "PATCH /api/v1/collateral/{collateral_id}": MARKETING_ONLY,
    "DELETE /api/v1/collateral/{collateral_id}": MARKETING_ONLY,
    # a file of a campaign for the North only: the rep in the South never learns it exists
    "GET /api/v1/files/{sha256}": (401, OK, 404, OK, OK),
    "HEAD /api/v1/files/{sha256}": (401, OK, 404, OK, OK),
    "GET /api/v1/leads": MARKETING_ONLY,
    "POST /api/v1/leads": MARKETING_ONLY,
    "POST /api/v1/leads/import": MARKETING_ONLY,
    "POST /api/v1/leads/assign": MARKETING_ONLY,
    "POST /api/v1/leads/bulk": MARKETING_ONLY,
    "GET /api/v1/leads/{lead_id}": MARKETING_ONLY,
    "GET /api/v1/leads/{lead_id}/history": MARKETING_ONLY,
    "PATCH /api/v1/leads/{lead_id}": MARKETING_ONLY,
    "DELETE /api/v1/leads/{lead_id}": MARKETING_ONLY,
    "GET /api/v1/sync/pull": REP_ONLY,
    "POST /api/v1/sync/push": REP_ONLY,
    "GET /api/v1/sync/devices": ADMIN_ONLY,
    "GET /api/v1/outcome-codes": ANY_USER,
    "POST /api/v1/outcome-codes": ADMIN_ONLY,
    "PATCH /api/v1/outcome-codes/{code}": ADMIN_ONLY,
    "GET /api/v1/signals": MARKETING_ONLY,
    "POST /api/v1/signals/{signal_id}/acknowledge": MARKETING_ONLY,
    "GET /api/v1/insights/summary": MARKETING_ONLY,
    "GET /api/v1/insights/collateral": MARKETING_ONLY,
    "GET /api/v1/insights/collateral/{collateral_id}/engagement": MARKETING_ONLY,
    "GET /api/v1/insights/visits": MARKETING_ONLY,
    "GET /api/v1/insights/compare": MARKETING_ONLY,
    "GET /api/v1/insights/counters": MARKETING_ONLY,
    "GET /api/v1/insights/outcomes.csv": MARKETING_ONLY,
    "GET /api/v1/insights/outcomes.xlsx": MARKETING_ONLY,
    "GET /api/v1/console/organisation": MARKETING_ONLY,
    "GET /api/v1/console/reps": MARKETING_ONLY,
    "GET /api/v1/console/facets": MARKETING_ONLY,
    "POST /api/v1/console/markdown-preview": MARKETING_ONLY,
    "GET /api/v1/push/public-key": ANY_USER,
    "POST /api/v1/push/subscriptions": ANY_USER,
    "DELETE /api/v1/push/subscriptions": ANY_USER,
    "GET /api/v1/calendar/feed": REP_ONLY,
    "POST /api/v1/calendar/feed": REP_ONLY,
    "DELETE /api/v1/calendar/feed": REP_ONLY,
    "GET /api/v1/shares": MARKETING_ONLY,
    "GET /api/v1/shares/insights": MARKETING_ONLY,
    "POST /api/v1/shares/{share_id}/revoke": MARKETING_ONLY,
    "DELETE /api/v1/shares/{share_id}": MARKETING_ONLY,
}

# Valid bodies: the roles allowed get a 2xx. "{name}" in a string is one of the world's params.
BODIES: dict[str, Any] = {
    "POST /api/v1/webhooks": {"url": "https://crm.example.test/x", "event_types": ["signal.sent"]},
    "PATCH /api/v1/webhooks/{webhook_id}": {"description": "CRM"},
    "POST /api/v1/auth/login": {"email": "x@example.test", "password": "not the password"},
    "POST /api/v1/sync/push": {"device_id": "table", "mutations": []},
    "POST /api/v1/console/markdown-preview": {"text": "**hi**"},
    "POST /api/v1/campaigns": {"name": "Autumn", "confirm_unknown_audience": True},
    "POST /api/v1/leads": {"company": "Table GmbH", "rep_id": "{user_id}"},
    "POST /api/v1/leads/assign": {"lead_ids": ["{lead_id}"], "rep_id": "{user_id}"},
    "POST /api/v1/leads/bulk": {
        "action": "assign",
        "lead_ids": ["{lead_id}"],
        "expected_count": 1,
        "rep_id": "{user_id}",
    },
    "POST /api/v1/outcome-codes": {"code": "callback", "label_en": "Call", "label_de": "Anruf"},
    "POST /api/v1/users": {
        "email": "table@example.test",
        "name": "Table",
        "role": "rep",
        "password": "a table password",
    },
    "POST /api/v1/push/subscriptions": {
        "endpoint": "https://push.example.test/x",
        "keys": {"p256dh": "BA" + "A" * 85, "auth": "A" * 22},
    },
    "POST /api/v1/signals/{signal_id}/acknowledge": {"reply": "Thanks"},
    "POST /api/v1/campaigns/audience-preview": {},
    "PATCH /api/v1/campaigns/{campaign_id}": {},
    "PATCH /api/v1/collateral/{collateral_id}": {},
    "PATCH /api/v1/leads/{lead_id}": {},
    "PATCH /api/v1/users/{user_id}": {},
    "PATCH /api/v1/outcome-codes/{code}": {},
    "DELETE /api/v1/push/subscriptions": {"endpoint": "https://push.example.test/x"},
}

# Run last, in this order: they end the caller's session or remove the shared resources.
LAST = [
    "DELETE /api/v1/shares/{share_id}",
    "DELETE /api/v1/webhooks/{webhook_id}",
    "DELETE /api/v1/collateral/{collateral_id}",
    "DELETE /api/v1/leads/{lead_id}",
    "DELETE /api/v1/campaigns/{campaign_id}",
    "DELETE /api/v1/users/{user_id}/sessions/{session_id}",
    "DELETE /api/v1/me/sessions/{session_id}",
    "POST /api/v1/auth/logout",
]


@dataclass
class World:
    params: dict[str, str]
    headers: dict[str, dict[str, str]]


def build_world(client: TestClient, factory: Factory, db: Session, settings: Settings) -> World:
    content = Content(db)
    rep = factory.user(Role.rep, region="North")
    other = factory.user(Role.rep, region="South")
    headers = {
        "anonymous": {},
        "rep": factory.auth(rep),
        "other_rep": factory.auth(other),
        "marketing": factory.auth(factory.user(Role.marketing)),
        "admin": factory.auth(factory.user(Role.admin)),
    }
    spare = factory.token(rep)  # a second device of the rep, to revoke
    sessions = client.get("/api/v1/me/sessions", headers={"Authorization": f"Bearer {spare}"})
    current = [s for s in sessions.json() if s.get("current")]
    session_id = str(current[0]["id"]) if current else str(sessions.json()[0]["id"])
    north = content.campaign(regions=["North"])
    sha256, collateral_id = store_pdf(db, settings, north.id)
    lead = content.lead(rep, campaign=north)
    tap = outcome(lead.id, "objection")
    signal = {"type": "signal.send", "id": str(uuid.uuid4()), "kind": "need_material", "text": "?"}
    webhook = {"url": "https://crm.example.test/x", "event_types": ["signal.sent"]}
    hook = client.post("/api/v1/webhooks", headers=headers["admin"], json=webhook)
    webhook_id = hook.json()["id"]
    share = share_create(lead.id, [collateral_id])
    push(client, headers["rep"], tap, signal, share)
    signals = client.get("/api/v1/signals", headers=headers["marketing"]).json()
    log = f"/api/v1/webhooks/{webhook_id}/deliveries"
    deliveries = client.get(log, headers=headers["admin"]).json()["items"]
    params = {
        "session_id": session_id,
        "user_id": str(rep.id),
        "campaign_id": str(north.id),
        "collateral_id": str(collateral_id),
        "sha256": sha256,
        "lead_id": str(lead.id),
        "code": "won",
        "signal_id": str(signals[0]["id"]),
        "webhook_id": webhook_id,
        "delivery_id": str(deliveries[0]["id"]),
        "share_id": share["share_id"],
    }
    return World(params, headers)


def api_operations(client: TestClient) -> list[str]:
    schema = client.get("/api/openapi.json").json()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]


def test_every_api_operation_has_a_row(client: TestClient) -> None:
    operations = api_operations(client)
    missing = sorted(set(operations) - set(TABLE))
    assert not missing, f"add these operations to TABLE (who may call them?): {missing}"
    assert not sorted(set(TABLE) - set(operations)), "TABLE names operations that are gone"


def _filled(body: Any, params: dict[str, str]) -> Any:
    if isinstance(body, str):
        return body.format(**params)
    if isinstance(body, list):
        return [_filled(item, params) for item in body]
    if isinstance(body, dict):
        return {key: _filled(value, params) for key, value in body.items()}
    return body


def _call(client: TestClient, operation: str, world: World, headers: dict[str, str]) -> int:
    method, template = operation.split(" ", 1)
    path = template.format(**world.params)
    body = _filled(BODIES.get(operation), world.params)
    if body is None and method in {"POST", "PATCH", "PUT"}:
        body = {}
    response = client.request(method, path, headers=headers, json=body)
    return response.status_code


def _matches(operation: str, expected: object, status: int) -> bool:
    if expected == OK:
        refused_body = operation not in BODIES and status in {400, 409, 415, 422}
        return 200 <= status < 300 or refused_body
    return expected == status


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_endpoint(
    client: TestClient, factory: Factory, db: Session, settings: Settings, role: str
) -> None:
    world = build_world(client, factory, db, settings)
    operations = [op for op in api_operations(client) if op not in LAST] + LAST
    column = ROLES.index(role)
    wrong = {}
    for operation in operations:
        if operation not in TABLE:
            continue  # reported by test_every_api_operation_has_a_row
        status = _call(client, operation, world, world.headers[role])
        assert status < 500, f"{operation} as {role}: {status}"
        if not _matches(operation, TABLE[operation][column], status):
            wrong[operation] = (TABLE[operation][column], status)
    assert not wrong, f"{role}: (expected, got) {wrong}"
