import uuid
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.changes.log import SyncChange, SyncEntity
from app.leads.service import leads_of_rep
from tests.campaigns.factories import campaign, lead, pdf_bytes, upload
from tests.factories import Factory

XSS = """# Visit

<script>alert('x')</script>
<img src=x onerror="alert(1)">
[click](javascript:alert(1)) [also](JaVaScRiPt:alert(1)) <a href="javascript:alert(1)">raw</a>
<iframe src="https://evil.test"></iframe>
**Bring** the [price list](https://example.com/p.pdf).
"""


class LiveMarkup(HTMLParser):
    """Collects the tags and attributes a browser would actually act on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def live_markup(html: str) -> LiveMarkup:
    parser = LiveMarkup()
    parser.feed(html)
    return parser


def test_marketing_creates_a_lead_with_a_sanitised_brief(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep = factory.user()
    row = campaign(db)
    item = upload(client, marketing, row.id, pdf_bytes()).json()
    body = {
        "company": "Bäckerei Schmidt GmbH",
        "contact_name": "Anna Schmidt",
        "city": "Hamburg",
        "rep_id": str(rep.id),
        "campaign_id": str(row.id),
        "external_ref": "CRM-1",
        "priority": 1,
        "planned_visit_at": "2027-03-02T09:30:00+01:00",
        "brief_md": XSS,
        "recommended_collateral_ids": [item["id"]],
    }
    created = client.post("/api/v1/leads", json=body, headers=marketing)
    assert created.status_code == 201, created.text
    lead_json = created.json()
    html = lead_json["brief_html"]
    markup = live_markup(html)
    assert markup.tags <= {"h1", "p", "a", "strong"}
    assert not [name for name, _ in markup.attributes if name.startswith("on")]
    hrefs = [value for name, value in markup.attributes if name == "href"]
    assert hrefs == ["https://example.com/p.pdf"]
    assert "<strong>Bring</strong>" in html
    assert lead_json["brief_md"] == XSS
    assert lead_json["planned_visit_at"] == "2027-03-02T08:30:00Z"
    fetched = client.get(f"/api/v1/leads/{lead_json['id']}", headers=marketing).json()
    assert fetched["brief_html"] == lead_json["brief_html"]
    duplicate = client.post("/api/v1/leads", json=body, headers=marketing)
    assert duplicate.status_code == 409 and "external_ref" in duplicate.json()["detail"]


def test_bad_lead_input_names_the_field(client: TestClient, factory: Factory) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep = factory.user()
    base = {"company": "X", "rep_id": str(rep.id)}
    # Malformed input is 422; well-formed input naming what does not exist (or a wall-clock
    # time the organisation's clock skips) is 400.
    cases = {
        "priority": ({**base, "priority": 4}, 422),
        "rep_id": ({**base, "rep_id": str(marketing and uuid.uuid4())}, 400),
        "campaign_id": ({**base, "campaign_id": str(uuid.uuid4())}, 400),
        "recommended_collateral_ids": (
            {**base, "recommended_collateral_ids": [str(uuid.uuid4())]},
            400,
        ),
        "planned_visit_at": ({**base, "planned_visit_at": "2026-03-29T02:30:00"}, 400),
        "company": ({**base, "company": ""}, 422),
    }
    for field, (body, status) in cases.items():
        answer = client.post("/api/v1/leads", json=body, headers=marketing)
        assert answer.status_code == status, field
        assert field in answer.text, field
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 0


def test_a_planned_visit_without_offset_is_on_the_organisations_clock(
    client: TestClient, factory: Factory
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep = factory.user()
    zone = client.get("/api/v1/console/organisation", headers=marketing)
    assert zone.status_code == 200 and zone.json() == {"timezone": "Europe/Berlin"}
    body = {"company": "X", "rep_id": str(rep.id), "planned_visit_at": "2026-12-11T10:15"}
    created = client.post("/api/v1/leads", json=body, headers=marketing)
    assert created.status_code == 201, created.text
    assert created.json()["planned_visit_at"] == "2026-12-11T09:15:00Z"  # winter time, +01:00
    url = f"/api/v1/leads/{created.json()['id']}"
    seen = {
        "2026-07-15T10:15": "2026-07-15T08:15:00Z",  # summer time, +02:00
        "2026-10-25T02:30": "2026-10-25T00:30:00Z",  # the repeated hour: its summer-time first
        "2026-10-25T03:30": "2026-10-25T02:30:00Z",
        "2026-12-11T10:15:00-05:00": "2026-12-11T15:15:00Z",  # an offset is kept as given
    }
    for sent, stored in seen.items():
        answer = client.patch(url, json={"planned_visit_at": sent}, headers=marketing)
        assert answer.status_code == 200, answer.text
        assert answer.json()["planned_visit_at"] == stored, sent
    refused = client.patch(url, json={"planned_visit_at": "2026-03-29T02:30"}, headers=marketing)
    assert refused.status_code == 400, refused.text
    assert refused.json()["detail"].startswith("planned_visit_at: ")
    for outside in ("0001-01-01T00:30:00+01:00", "1999-12-31T23:00", "2100-01-01T00:30:00Z"):
        refused = client.patch(url, json={"planned_visit_at": outside}, headers=marketing)
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"][0]["loc"] == ["body", "planned_visit_at"], outside
    assert (
        "does not exist in Europe/Berlin"
        in client.patch(
            url, json={"planned_visit_at": "2026-03-29T02:30"}, headers=marketing
        ).json()["detail"]
    )
    assert client.get(url, headers=marketing).json()["planned_visit_at"] == "2026-12-11T15:15:00Z"
    rep_headers = factory.auth(rep)
    assert client.get("/api/v1/console/organisation", headers=rep_headers).status_code == 403


def test_reassigning_a_lead_tells_both_phones(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    first, second = factory.user(), factory.user()
    row = lead(db, first)
    answer = client.patch(
        f"/api/v1/leads/{row.id}", json={"rep_id": str(second.id)}, headers=marketing
    )
    assert answer.status_code == 200 and answer.json()["rep_id"] == str(second.id)
    changes = db.exec(select(SyncChange).where(SyncChange.entity == SyncEntity.lead)).all()
    assert {c.rep_id for c in changes} == {first.id, second.id}
    assert db.exec(leads_of_rep(first.id)).all() == []
    assert [x.id for x in db.exec(leads_of_rep(second.id))] == [row.id]
    url = f"/api/v1/leads/{row.id}"
    db.rollback()  # end the read (and touch no row after it), so the API can write
    edited = client.patch(url, json={"brief_md": "<b onclick=x>hi</b>"}, headers=marketing)
    assert "<b " not in edited.json()["brief_html"]
    assert client.delete(url, headers=marketing).status_code == 204
    assert client.get(url, headers=marketing).status_code == 404


def test_lead_list_filters_searches_and_pages(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep, other = factory.user(), factory.user()
    row = campaign(db)
    lead(db, rep, company="Alpha AG", city="Köln", region="West", campaign_id=row.id)
    lead(db, rep, company="Beta GmbH", city="Hamburg", segment="retail")
    lead(db, other, company="Gamma 100% Ltd", city="London")
    url = "/api/v1/leads"

    def companies(**params: object) -> list[str]:
        page = client.get(url, params=params, headers=marketing).json()
        return [i["company"] for i in page["items"]]

    assert companies() == ["Alpha AG", "Beta GmbH", "Gamma 100% Ltd"]
    assert companies(rep_id=str(rep.id)) == ["Alpha AG", "Beta GmbH"]
    assert companies(campaign_id=str(row.id)) == ["Alpha AG"]
    assert companies(region="West") == ["Alpha AG"]
    assert companies(segment="retail") == ["Beta GmbH"]
    assert companies(q="köln") == ["Alpha AG"]
    assert companies(q="100%") == ["Gamma 100% Ltd"]
    page = client.get(url, params={"limit": 1, "offset": 1}, headers=marketing).json()
    assert page["total"] == 3 and [i["company"] for i in page["items"]] == ["Beta GmbH"]
    assert client.get(url, params={"limit": 0}, headers=marketing).status_code == 422


def test_leads_are_listed_and_found_as_people_expect(
    client: TestClient, factory: Factory, db: Session
) -> None:
    """Umlauts with their letter and any case: byte order would put "Bäckerei" after
    "Brauerei" and "apotheke" after "Zebra", and SQLite's lower() knows ASCII only."""
    _, marketing = factory.login_as(Role.marketing)
    rep = factory.user(email="rep@example.test")
    lead(db, rep, company="Brauerei Seitz")
    lead(db, rep, company="Zebra Zelte")

    def send(*rows: str) -> None:
        csv = "external_ref,company,rep\n" + "".join(f"{r},rep@example.test\n" for r in rows)
        files = {"file": ("leads.csv", csv.encode(), "text/csv")}
        answer = client.post("/api/v1/leads/import", files=files, headers=marketing)
        assert answer.status_code == 200

    def companies(q: str = "") -> list[str]:
        page = client.get("/api/v1/leads", params={"q": q}, headers=marketing).json()
        return [i["company"] for i in page["items"]]

    send("R1,Bäckerei Kruse", "R2,apotheke am Markt")
    zebra = client.get("/api/v1/leads", params={"q": "Zebra"}, headers=marketing).json()
    url = f"/api/v1/leads/{zebra['items'][0]['id']}"
    assert client.patch(url, json={"company": "Ölmühle Zeller"}, headers=marketing).is_success
    assert companies() == [
        "apotheke am Markt",
        "Bäckerei Kruse",
        "Brauerei Seitz",
        "Ölmühle Zeller",
    ]
    assert companies("ÖLMÜHLE") == companies("olmuhle") == ["Ölmühle Zeller"]
    assert companies("zebra") == []
    send("R1,Ackerbau Ähre")  # renamed by file
    assert companies() == ["Ackerbau Ähre", "apotheke am Markt", "Brauerei Seitz", "Ölmühle Zeller"]
    assert companies("ahre") == ["Ackerbau Ähre"] and companies("bäckerei") == []
    assert companies("  ER ") == ["Ackerbau Ähre", "Brauerei Seitz", "Ölmühle Zeller"]


def test_a_lead_changed_after_its_fields_expired_is_found_by_its_new_city(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    row = lead(db, factory.user(), company="Zahnarzt Dr. Groß", city="Köln")
    db.expire(row)  # as after a commit in a session that expires on commit
    row.city = "München"  # setting it loads nothing
    db.add(row)
    db.commit()
    db.rollback()
    found = client.get("/api/v1/leads", params={"q": "MUNCHEN"}, headers=marketing).json()
    assert [i["company"] for i in found["items"]] == ["Zahnarzt Dr. Groß"]
    found = client.get("/api/v1/leads", params={"q": "gross"}, headers=marketing).json()
    assert found["total"] == 1


def test_reps_cannot_read_or_change_leads(
    client: TestClient, factory: Factory, db: Session
) -> None:
    rep_user, rep = factory.login_as(Role.rep)
    own = lead(db, rep_user)
    assert client.get("/api/v1/leads", headers=rep).status_code == 403
    assert client.get(f"/api/v1/leads/{own.id}", headers=rep).status_code == 403
    assert client.patch(f"/api/v1/leads/{own.id}", json={}, headers=rep).status_code == 403
    assert client.delete(f"/api/v1/leads/{own.id}", headers=rep).status_code == 403
    body = {"company": "X", "rep_id": str(rep_user.id)}
    assert client.post("/api/v1/leads", json=body, headers=rep).status_code == 403
    files = {"file": ("l.csv", b"company,rep\nX,a@b.c\n", "text/csv")}
    assert client.post("/api/v1/leads/import", files=files, headers=rep).status_code == 403
    assert client.get("/api/v1/leads").status_code == 401


def test_the_list_sorts_by_customer_number_and_last_visit_with_empty_values_last(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep, headers = factory.login_as(Role.rep)
    ids = {
        name: lead(db, rep, company=name, external_ref=ref).id
        for name, ref in [("Alpha", "K-20"), ("Beta", None), ("Gamma", "K-03")]
    }

    def visit(name: str, code: str, day: int, **extra: object) -> dict[str, object]:
        when = f"2026-11-{day:02d}T10:00:00+00:00"
        return {"type": "outcome.log", "id": str(uuid.uuid4()), "lead_id": str(ids[name]),
                "code": code, "occurred_at": when} | extra  # fmt: skip

    taps = [visit("Alpha", "won", 3), visit("Gamma", "objection", 5), visit("Gamma", "won", 9)]
    retract = {"type": "outcome.retract", "id": str(uuid.uuid4()), "outcome_id": taps[2]["id"]}
    answer = client.post(
        "/api/v1/sync/push", json={"device_id": "p", "mutations": [*taps, retract]}, headers=headers
    )
    assert {r["status"] for r in answer.json()["results"]} == {"applied"}, answer.text

    def rows(**params: object) -> list[tuple[str, str | None, str | None]]:
        page = client.get("/api/v1/leads", params=params, headers=marketing).json()
        return [(i["company"], i["external_ref"], i["last_outcome_code"]) for i in page["items"]]

    assert rows(sort="external_ref") == [
        ("Gamma", "K-03", "objection"),  # the retracted "won" is no visit
        ("Alpha", "K-20", "won"),
        ("Beta", None, None),
    ]
    assert [r[0] for r in rows(sort="external_ref", desc=True)] == ["Alpha", "Gamma", "Beta"]
    assert [r[0] for r in rows(sort="last_outcome_at", desc=True)] == ["Gamma", "Alpha", "Beta"]
    assert [r[0] for r in rows(sort="last_outcome_at")] == ["Alpha", "Gamma", "Beta"]
    bad = client.get("/api/v1/leads", params={"sort": "password"}, headers=marketing)
    assert bad.status_code == 422 and "sort" in bad.text
