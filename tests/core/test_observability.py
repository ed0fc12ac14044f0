import json
import logging

import pytest
from fastapi.testclient import TestClient

from app.core.observability import JsonFormatter
from tests.factories import PASSWORD, Factory


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
    assert given == "abc-123"
    hostile = client.get("/healthz", headers={"X-Request-ID": "x\ny" * 50})
    assert hostile.headers["X-Request-ID"] != "x\ny" * 50


def test_request_logs_are_json_without_secrets(
    client: TestClient, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="strang")
    user = factory.user()
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    token = response.json()["token"]
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "strang"]
    entries = [json.loads(line) for line in lines]
    assert {"route": "/api/v1/me", "status": 200}.items() <= entries[-1].items()
    assert all(e["request_id"] != "-" for e in entries)
    text = "\n".join(lines)
    assert PASSWORD not in text and token not in text


def test_metrics_show_request_latency_by_route(client: TestClient) -> None:
    client.get("/healthz")
    body = client.get("/metrics").text
    assert 'strang_request_seconds_count{method="GET",route="/healthz",status="200"}' in body
