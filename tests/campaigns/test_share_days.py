"""How long a campaign's shared links stay open: 30 days unless marketing says otherwise,
1 to 365, refused by name otherwise."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory

BAD_DAYS: list[Any] = [0, 366, -1, "abc", None, 7.5]


def _problem_fields(answer: Any) -> list[tuple[str, ...]]:
    return [tuple(str(part) for part in problem["loc"]) for problem in answer.json()["detail"]]


def test_a_new_campaign_keeps_links_open_30_days_unless_told(
    client: TestClient, factory: Factory
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    plain = client.post("/api/v1/campaigns", json={"name": "Plain"}, headers=marketing)
    assert plain.status_code == 201, plain.text
    assert plain.json()["share_days"] == 30
    short = client.post(
        "/api/v1/campaigns", json={"name": "Short", "share_days": 7}, headers=marketing
    )
    assert short.json()["share_days"] == 7
    campaign_id = short.json()["id"]
    assert (
        client.get(f"/api/v1/campaigns/{campaign_id}", headers=marketing).json()["share_days"] == 7
    )

    longest = client.patch(
        f"/api/v1/campaigns/{campaign_id}", json={"share_days": 365}, headers=marketing
    )
    assert longest.status_code == 200, longest.text
    assert longest.json()["share_days"] == 365
    renamed = client.patch(
        f"/api/v1/campaigns/{campaign_id}", json={"name": "Renamed"}, headers=marketing
    )
    assert renamed.json()["share_days"] == 365  # left out: kept
    listed = client.get("/api/v1/campaigns", headers=marketing).json()
    assert {c["name"]: c["share_days"] for c in listed} == {"Plain": 30, "Renamed": 365}


@pytest.mark.parametrize("days", BAD_DAYS)
def test_days_outside_1_to_365_are_refused_by_name_on_create(
    client: TestClient, factory: Factory, days: Any
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    answer = client.post(
        "/api/v1/campaigns", json={"name": "Bad", "share_days": days}, headers=marketing
    )
    assert answer.status_code == 422, answer.text
    assert _problem_fields(answer) == [("body", "share_days")]
    assert client.get("/api/v1/campaigns", headers=marketing).json() == []


@pytest.mark.parametrize("days", BAD_DAYS)
def test_days_outside_1_to_365_are_refused_by_name_on_update(
    client: TestClient, factory: Factory, days: Any
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    made = client.post(
        "/api/v1/campaigns", json={"name": "Good", "share_days": 14}, headers=marketing
    ).json()
    answer = client.patch(
        f"/api/v1/campaigns/{made['id']}", json={"share_days": days}, headers=marketing
    )
    assert answer.status_code == 422, answer.text
    assert _problem_fields(answer) == [("body", "share_days")]
    kept = client.get(f"/api/v1/campaigns/{made['id']}", headers=marketing).json()
    assert kept["share_days"] == 14
