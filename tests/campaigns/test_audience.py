"""An audience names regions and teams reps have, and the form shows whom it reaches."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from tests.campaigns.factories import campaign, lead
from tests.factories import Factory

CAMPAIGNS = "/api/v1/campaigns"
PREVIEW = "/api/v1/campaigns/audience-preview"


def _problems(answer: object) -> dict[str, tuple[str, object]]:
    detail = answer.json()["detail"]  # type: ignore[attr-defined]
    return {item["loc"][-1]: (item["msg"], item["input"]) for item in detail}


def test_an_audience_naming_nobody_is_refused_unless_confirmed(
    client: TestClient, factory: Factory
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(Role.rep, region="Süd", team="Munich")
    factory.user(Role.rep, region="Nord", team="Hamburg")
    factory.user(Role.rep, region="West", team="Cologne", active=False)  # left: reaches nobody
    body = {"name": "Winter", "audience_all": False, "audience_regions": ["Sued", "Nord"]}
    refused = client.post(CAMPAIGNS, json=body, headers=marketing)
    assert refused.status_code == 422
    assert _problems(refused) == {
        "audience_regions": (
            "no active rep has the region 'Sued'"
            " (send confirm_unknown_audience: true to save it anyway)",
            ["Sued"],
        )
    }
    west = client.post(
        CAMPAIGNS,
        json={**body, "audience_regions": [], "audience_teams": ["Cologne"]},
        headers=marketing,
    )
    assert set(_problems(west)) == {"audience_teams"}
    nobody = client.post(CAMPAIGNS, json={**body, "audience_regions": []}, headers=marketing)
    assert set(_problems(nobody)) == {"audience_all"}
    assert client.get(CAMPAIGNS, headers=marketing).json() == []  # nothing saved

    prepared = client.post(
        CAMPAIGNS, json={**body, "confirm_unknown_audience": True}, headers=marketing
    )
    assert prepared.status_code == 201, prepared.text
    saved = prepared.json()
    assert saved["audience_regions"] == ["Sued", "Nord"] and "confirm_unknown_audience" not in saved
    url = f"{CAMPAIGNS}/{saved['id']}"
    assert client.patch(url, json={"name": "Winter 2027"}, headers=marketing).status_code == 200
    going_live = client.patch(url, json={"status": "live"}, headers=marketing)
    assert going_live.status_code == 422 and set(_problems(going_live)) == {"audience_regions"}
    fixed = client.patch(
        url, json={"audience_regions": ["Süd"], "status": "live"}, headers=marketing
    )
    assert fixed.status_code == 200 and fixed.json()["status"] == "live"
    typo = client.patch(url, json={"audience_teams": ["Munchen"]}, headers=marketing)
    assert typo.status_code == 422 and _problems(typo)["audience_teams"][1] == ["Munchen"]
    confirmed = client.patch(
        url,
        json={"audience_teams": ["Munchen"], "confirm_unknown_audience": True},
        headers=marketing,
    )
    assert confirmed.status_code == 200 and confirmed.json()["audience_teams"] == ["Munchen"]
    everyone = {"name": "All", "audience_all": True, "audience_regions": ["Anything"]}
    assert client.post(CAMPAIGNS, json=everyone, headers=marketing).status_code == 201


def test_the_preview_says_whom_an_audience_reaches(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    _, rep_headers = factory.login_as(Role.rep, name="Anna", region="Nord", team="Hamburg")
    factory.user(Role.rep, name="bernd", region="Nord", team="Kiel")
    cem = factory.user(Role.rep, name="Cem", region="Süd", team="Munich")
    factory.user(Role.rep, name="Dora", region="Ost", team="Dresden", active=False)
    factory.user(Role.marketing, name="Erik", region="Nord", team="Hamburg")  # not a rep

    def preview(**body: object) -> dict[str, object]:
        answer = client.post(PREVIEW, json=body, headers=marketing)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    known = preview()
    assert known["known_regions"] == ["Nord", "Süd"]
    assert known["known_teams"] == ["Hamburg", "Kiel", "Munich"]
    assert (known["reps"], known["names"]) == (3, ["Anna", "bernd", "Cem"])
    north = preview(audience_all=False, audience_regions=["Nord", "Sued"])
    assert (north["reps"], north["names"], north["through_leads"]) == (2, ["Anna", "bernd"], 0)
    assert north["unknown_regions"] == ["Sued"] and north["unknown_teams"] == []
    by_team = preview(audience_all=False, audience_teams=["Munich", "Dresden"])
    assert (by_team["reps"], by_team["unknown_teams"]) == (1, ["Dresden"])
    assert preview(audience_all=False)["reps"] == 0
    # An existing campaign also reaches the reps holding its leads.
    row = campaign(db, audience_all=False, audience_regions=["Nord"])
    lead(db, cem, campaign_id=row.id)
    held = preview(audience_all=False, audience_regions=["Nord"], campaign_id=str(row.id))
    assert (held["reps"], held["through_leads"], held["names"]) == (3, 1, ["Anna", "bernd", "Cem"])

    assert client.post(PREVIEW, json={}, headers=rep_headers).status_code == 403
    bad = client.post(PREVIEW, json={"campaign_id": str(uuid.uuid4())}, headers=marketing)
    assert bad.status_code == 400 and "campaign_id" in bad.text
    too_long = client.post(PREVIEW, json={"audience_regions": ["x" * 101]}, headers=marketing)
    assert too_long.status_code == 422
