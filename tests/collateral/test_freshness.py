"""Tags, valid-until and review dates, the version history, and the console's search."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.collateral import freshness
from app.collateral.models import Collateral
from tests.campaigns.factories import campaign, pdf_bytes, upload
from tests.factories import Factory

TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def noon_in_berlin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "utcnow", lambda: datetime(2026, 12, 10, 11, tzinfo=UTC))


def link(client: TestClient, headers: dict[str, str], campaign_id: Any, **fields: str) -> Any:
    fields.setdefault("title", "Price list")
    fields.setdefault("url", "https://example.test/prices")
    return client.post(f"/api/v1/campaigns/{campaign_id}/collateral", headers=headers, data=fields)


def test_tags_are_trimmed_and_kept_once_and_dates_are_stored(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    answer = link(
        client,
        marketing,
        row.id,
        tags=" Wärmepumpe ,  Förder  mittel,wärmepumpe",
        valid_until="2027-03-31",
        review_on="2027-02-01",
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["tags"] == ["Wärmepumpe", "Förder mittel"]
    assert (body["valid_until"], body["review_on"]) == ("2027-03-31", "2027-02-01")
    assert (body["expired"], body["expiring"]) == (False, False)
    patched = client.patch(
        f"/api/v1/collateral/{body['id']}",
        headers=marketing,
        json={"tags": ["  Solar "], "valid_until": None},
    ).json()
    assert (patched["tags"], patched["valid_until"]) == (["Solar"], None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tags": ["ok", "bad\x00tag"]}, "tags"),
        ({"tags": ["line\nbreak"]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"tags": [f"t{n}" for n in range(21)]}, "tags"),
        ({"tags": ["   "]}, "tags"),
        ({"tags": "not a list"}, "tags"),
        ({"valid_until": "9999-12-31"}, "valid_until"),
        ({"valid_until": "0001-01-01"}, "valid_until"),
        ({"valid_until": "2027-02-30"}, "valid_until"),
        ({"review_on": "1999-12-31"}, "review_on"),
        ({"title": None}, "title"),
    ],
)
def test_bad_tags_and_dates_are_refused_naming_the_field_and_change_nothing(
    client: TestClient, factory: Factory, db: Session, change: dict[str, Any], field: str
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    item = link(client, marketing, row.id, tags="kept").json()
    answer = client.patch(f"/api/v1/collateral/{item['id']}", headers=marketing, json=change)
    assert 400 <= answer.status_code < 500 and answer.status_code != 404, answer.text
    assert field in answer.text
    history = client.get(f"/api/v1/collateral/{item['id']}/history", headers=marketing).json()
    assert [h["action"] for h in history] == ["created"]
    assert client.get(f"/api/v1/collateral/{item['id']}", headers=marketing).json()["tags"] == [
        "kept"
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"tags": "a\x00b"},
        {"tags": ",".join(f"t{n}" for n in range(21))},
        {"valid_until": "31.12.2027"},
        {"valid_until": "99999-01-01"},
        {"review_on": "2101-01-01"},
    ],
)
def test_an_upload_with_bad_tags_or_dates_is_refused_and_stores_nothing(
    client: TestClient, factory: Factory, db: Session, fields: dict[str, str]
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    answer = upload(client, marketing, row.id, pdf_bytes(), **fields)
    assert 400 <= answer.status_code < 500, answer.text
    assert next(iter(fields)) in answer.text
    assert db.exec(select(Collateral)).all() == []


def test_every_change_is_in_the_history_with_who_and_what(
    client: TestClient, factory: Factory, db: Session
) -> None:
    anna, marketing = factory.login_as(Role.marketing, name="Anna Marketing")
    admin_user, admin = factory.login_as(Role.admin, name="Ben Admin")
    row = campaign(db)
    first = upload(client, marketing, row.id, pdf_bytes("One"), "one.pdf", tags="solar").json()
    client.patch(
        f"/api/v1/collateral/{first['id']}",
        headers=admin,
        json={"title": "Solar offer", "valid_until": "2027-01-31"},
    )
    client.patch(f"/api/v1/collateral/{first['id']}", headers=admin, json={"title": "Solar offer"})
    second = upload(
        client,
        marketing,
        row.id,
        pdf_bytes("Two"),
        "two.pdf",
        title="Solar offer",
        replaces=first["id"],
    ).json()
    client.delete(f"/api/v1/collateral/{second['id']}", headers=admin)
    for item_id in (first["id"], second["id"]):  # either version shows the whole story
        history = client.get(f"/api/v1/collateral/{item_id}/history", headers=marketing).json()
        assert [(h["action"], h["version"], h["user_name"]) for h in history] == [
            ("created", 1, "Anna Marketing"),
            ("edited", 1, "Ben Admin"),
            ("new_version", 2, "Anna Marketing"),
            ("deleted", 2, "Ben Admin"),
        ]
    created, edited, new_version, _ = history
    assert created["fields"]["tags"] == {"before": None, "after": ["solar"]}
    assert created["user_id"] == str(anna.id)
    assert edited["fields"] == {
        "title": {"before": "Offer", "after": "Solar offer"},
        "valid_until": {"before": None, "after": "2027-01-31"},
    }
    assert edited["user_id"] == str(admin_user.id)
    assert new_version["fields"]["filename"] == {"before": "one.pdf", "after": "two.pdf"}
    assert new_version["fields"]["version"] == {"before": 1, "after": 2}
    assert new_version["fields"]["sha256"]["before"] == first["sha256"]


def test_search_finds_titles_and_tags_without_case_or_accents(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    heat = link(client, marketing, row.id, title="Wärmepumpen-Broschüre").json()
    grant = link(client, marketing, row.id, title="Grants", tags="Fördermittel, KfW").json()
    odd = link(client, marketing, row.id, title="100%_sure").json()
    url = f"/api/v1/campaigns/{row.id}/collateral"

    def found(q: str) -> set[str]:
        answer = client.get(url, headers=marketing, params={"q": q})
        assert answer.status_code == 200, answer.text
        return {c["id"] for c in answer.json()}

    assert found("WARMEPUMPE") == {heat["id"]}
    assert found("broschure") == {heat["id"]}
    assert found("fordermittel") == {grant["id"]}
    assert found("kfw") == {grant["id"]}
    assert found("0%_") == {odd["id"]}
    assert found("%") == {odd["id"]}
    assert found("") == {heat["id"], grant["id"], odd["id"]}
    renamed = client.patch(
        f"/api/v1/collateral/{heat['id']}", headers=marketing, json={"tags": ["Heizung"]}
    )
    assert renamed.status_code == 200
    assert found("heizung") == {heat["id"]}
    assert client.get(url, headers=marketing, params={"q": "a\x00"}).status_code == 422


def test_expiring_within_days_lists_what_needs_attention(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    days = {"soon": 3, "edge": 14, "later": 15, "past": -1, "today": 0}
    ids = {
        name: link(
            client, marketing, row.id, title=name, valid_until=str(TODAY + timedelta(days=n))
        ).json()
        for name, n in days.items()
    }
    link(client, marketing, row.id, title="open-ended")
    url = f"/api/v1/campaigns/{row.id}/collateral"
    listed = client.get(url, headers=marketing, params={"expiring_within_days": 14}).json()
    assert {c["title"] for c in listed} == {"soon", "edge", "today"}
    assert all(c["expiring"] and not c["expired"] for c in listed)
    assert ids["past"]["expired"] is True and ids["later"]["expiring"] is False
    bad = client.get(url, headers=marketing, params={"expiring_within_days": -1})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("role", "status"), [(Role.rep, 403), (Role.marketing, 200), (Role.admin, 200), (None, 401)]
)
def test_who_may_read_history_edit_and_search(
    client: TestClient, factory: Factory, db: Session, role: Role | None, status: int
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    item = link(client, marketing, row.id, tags="solar").json()
    headers = factory.login_as(role)[1] if role else {}
    history = client.get(f"/api/v1/collateral/{item['id']}/history", headers=headers)
    assert history.status_code == status
    listed = client.get(
        f"/api/v1/campaigns/{row.id}/collateral", headers=headers, params={"q": "solar"}
    )
    assert listed.status_code == status
    edit = client.patch(
        f"/api/v1/collateral/{item['id']}", headers=headers, json={"tags": ["wind"]}
    )
    assert edit.status_code == status
    tags = client.get(f"/api/v1/collateral/{item['id']}", headers=marketing).json()["tags"]
    assert tags == (["wind"] if status == 200 else ["solar"])


def test_the_dashboard_warning_lists_items_of_every_campaign_expiring_soon(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    _, rep = factory.login_as(Role.rep)
    spring, autumn = campaign(db, name="Spring"), campaign(db, name="Autumn")
    link(client, marketing, spring.id, title="late", valid_until=str(TODAY + timedelta(days=14)))
    link(client, marketing, autumn.id, title="first", valid_until=str(TODAY))
    link(client, marketing, autumn.id, title="gone", valid_until=str(TODAY - timedelta(days=1)))
    link(client, marketing, autumn.id, title="far", valid_until=str(TODAY + timedelta(days=15)))
    answer = client.get("/api/v1/collateral/expiring", headers=marketing)
    assert answer.status_code == 200, answer.text
    assert [(c["title"], c["campaign_name"]) for c in answer.json()] == [
        ("first", "Autumn"),
        ("late", "Spring"),
    ]
    assert client.get("/api/v1/collateral/expiring", headers=rep).status_code == 403
    assert client.get("/api/v1/collateral/expiring").status_code == 401


def test_an_item_written_without_the_api_is_found_by_its_title_too(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = campaign(db)
    item = Collateral(campaign_id=row.id, kind="link", title="Énergie-Check", url="https://x.test")
    db.add(item)
    db.commit()
    item.tags = ["Bäckerei"]
    db.add(item)
    db.commit()
    url = f"/api/v1/campaigns/{row.id}/collateral"
    for q in ("ENERGIE", "backerei"):
        assert [c["id"] for c in client.get(url, headers=marketing, params={"q": q}).json()] == [
            str(item.id)
        ]


def test_marking_what_an_item_answers_is_in_its_history(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing, name="Anna Marketing")
    item = link(client, marketing, campaign(db).id).json()
    marked = client.patch(
        f"/api/v1/collateral/{item['id']}", headers=marketing, json={"answers": ["price"]}
    )
    assert marked.status_code == 200, marked.text
    history = client.get(f"/api/v1/collateral/{item['id']}/history", headers=marketing).json()
    assert history[-1]["action"] == "edited"
    assert history[-1]["fields"] == {"answers": {"before": [], "after": ["price"]}}
