import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory

CSRF = {"X-Requested-With": "strang"}


def test_marketing_lists_reps_and_filter_values(client: TestClient, factory: Factory) -> None:
    factory.user(Role.rep, name="Anna", region="South", team="Munich")
    factory.user(Role.marketing, name="Mia", region="", team="")
    _, headers = factory.login_as(Role.marketing, region="", team="")
    reps = client.get("/api/v1/console/reps", headers=headers).json()
    assert [r["name"] for r in reps] == ["Anna"]
    facets = client.get("/api/v1/console/facets", headers=headers).json()
    assert "South" in facets["regions"] and "Munich" in facets["teams"]


def test_markdown_preview_is_sanitised(client: TestClient, factory: Factory) -> None:
    _, headers = factory.login_as(Role.admin)
    text = "**Why now:** renewal\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    html = client.post(
        "/api/v1/console/markdown-preview", json={"text": text}, headers=headers
    ).json()["html"]
    assert "<strong>Why now:</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html


def test_markdown_preview_refuses_oversized_text(client: TestClient, factory: Factory) -> None:
    _, headers = factory.login_as(Role.marketing)
    answer = client.post(
        "/api/v1/console/markdown-preview", json={"text": "x" * 20_001}, headers=headers
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "text"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/console/reps"),
        ("get", "/api/v1/console/facets"),
        ("post", "/api/v1/console/markdown-preview"),
    ],
)
def test_reps_are_refused(client: TestClient, factory: Factory, method: str, path: str) -> None:
    _, headers = factory.login_as(Role.rep)
    body = {"json": {"text": "x"}} if method == "post" else {}
    assert client.request(method, path, headers=headers, **body).status_code == 403
