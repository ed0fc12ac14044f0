import time

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.leads.models import Lead
from tests.campaigns.factories import campaign
from tests.factories import Factory
from tests.sync.helpers import Phone

URL = "/api/v1/leads/import"


def send(
    client: TestClient, headers: dict[str, str], content: bytes, **params: object
) -> tuple[int, dict[str, object]]:
    files = {"file": ("leads.csv", content, "text/csv")}
    answer = client.post(URL, files=files, params=params, headers=headers)
    return answer.status_code, answer.json()


def companies(db: Session) -> dict[str, Lead]:
    db.rollback()
    leads = {lead.company: lead for lead in db.exec(select(Lead))}
    db.rollback()
    return leads


def test_german_excel_file_with_bom_semicolons_and_umlauts(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep = factory.user(email="jonas@example.test")
    row = campaign(db, name="Frühjahr")
    text = (
        "Kundennummer;Firma;Ansprechpartner;Straße;PLZ;Ort;Außendienst;Kampagne;Priorität;"
        "Besuchstermin;Briefing\r\n"
        "K-1;Bäckerei Müller GmbH;Jürgen Weiß;Hauptstraße 5;20095;Hamburg;JONAS@example.test;"
        'frühjahr;1;02.03.2027 09:30;"Über **Preise** sprechen; Rabatt!"\r\n'
        "K-2;Öko Gärtnerei;;;80331;München;jonas@example.test;;;;\r\n"
    )
    for encoding, content in [
        ("utf-8-sig", b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("windows-1252", text.encode("cp1252")),
    ]:
        status, report = send(client, marketing, content, timezone="Europe/Berlin")
        assert status == 200, report
        assert report["encoding"] == encoding and report["delimiter"] == ";"
        assert report["errors"] == []
        if encoding == "utf-8-sig":
            assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 0)
        else:
            assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    leads = companies(db)
    baker = leads["Bäckerei Müller GmbH"]
    assert baker.contact_name == "Jürgen Weiß" and baker.street == "Hauptstraße 5"
    assert baker.rep_id == rep.id and baker.campaign_id == row.id and baker.priority == 1
    assert baker.planned_visit_at is not None
    assert baker.planned_visit_at.isoformat() == "2027-03-02T08:30:00+00:00"
    assert "<strong>Preise</strong>" in baker.brief_html
    assert leads["Öko Gärtnerei"].city == "München" and leads["Öko Gärtnerei"].priority == 2


def test_bad_rows_are_reported_with_line_and_column_and_nothing_is_written(
    client: TestClient, factory: Factory
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(email="rep@example.test")
    content = (
        b"company,rep,priority,planned_visit_at,campaign,external_ref\n"
        b"Good Ltd,rep@example.test,2,,,A\n"
        b"Bad Prio Ltd,rep@example.test,7,,,B\n"
        b'"Multi\nline Ltd",nobody@example.test,1,,,C\n'
        b",rep@example.test,1,tomorrow,No such campaign,A\n"
    )
    status, report = send(client, marketing, content)
    assert status == 422
    assert "nothing was imported" in str(report["detail"])
    assert report["written"] is False
    problems = {(e["line"], e["column"]) for e in report["errors"]}  # type: ignore[union-attr]
    assert problems == {
        (3, "priority"),
        (4, "rep"),
        (6, "company"),
        (6, "planned_visit_at"),
        (6, "campaign"),
    }
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 0
    status, preview = send(client, marketing, content, dry_run=True)
    assert status == 200 and preview["created"] == 1 and preview["error_count"] == 5
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 0
    status, skipped = send(client, marketing, content, skip_invalid=True)
    assert status == 200 and skipped["written"] is True
    assert (skipped["created"], skipped["skipped"]) == (1, 3)
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 1


def test_missing_columns_and_duplicate_refs(client: TestClient, factory: Factory) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(email="rep@example.test")
    status, report = send(client, marketing, b"Firma,Ort\nX,Y\n")
    assert status == 422
    assert report["errors"] == [{"line": 1, "column": "rep", "reason": "column missing"}]
    twice = b"ref,company,rep\nR1,A,rep@example.test\nR1,B,rep@example.test\n"
    status, report = send(client, marketing, twice)
    assert status == 422
    assert report["errors"][0]["line"] == 3  # type: ignore[index]
    assert "line 2" in report["errors"][0]["reason"]  # type: ignore[index]


def test_upsert_by_external_ref(client: TestClient, factory: Factory, db: Session) -> None:
    _, marketing = factory.login_as(Role.marketing)
    first = factory.user(email="one@example.test")
    second = factory.user(email="two@example.test")
    original = (
        b"external_ref,company,city,rep\n"
        b"X1,Alpha,Bonn,one@example.test\n"
        b"X2,Beta,Ulm,one@example.test\n"
    )
    assert send(client, marketing, original)[1]["created"] == 2
    phones = [Phone(client, factory.auth(rep)) for rep in (first, second)]
    for phone in phones:
        phone.sync()
    changed = (
        "external_ref,company,city,rep\n"
        "X1,Alpha,Bonn,one@example.test\n"
        "X2,Beta,Kiel,two@example.test\n"
        ",Gamma,Köln,two@example.test\n"
    ).encode()
    status, report = send(client, marketing, changed)
    assert status == 200
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 1, 1)
    leads = companies(db)
    assert len(leads) == 3
    assert leads["Beta"].city == "Kiel" and leads["Beta"].rep_id == second.id
    assert leads["Alpha"].rep_id == first.id
    for phone in phones:  # the first rep's phone drops Beta, the second's gets it
        phone.sync()
    held = [{lead["company"] for lead in phone.state["leads"].values()} for phone in phones]
    assert held == [{"Alpha"}, {"Beta", "Gamma"}]


def test_ten_thousand_rows(client: TestClient, factory: Factory, db: Session) -> None:
    _, marketing = factory.login_as(Role.marketing)
    reps: list[User] = [factory.user(email=f"r{i}@example.test") for i in range(3)]
    lines = ["external_ref;company;contact_name;city;postal_code;rep;priority;brief"]
    for i in range(10_000):
        rep = reps[i % 3].email
        brief = f"Talk about **offer {i % 50}**; ask for the buyer."
        lines.append(f'R{i};Firma {i} GmbH;Kontakt {i};Stadt {i % 90};{10000 + i};{rep};'
                     f'{i % 3 + 1};"{brief}"')  # fmt: skip
    content = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    status, report = send(client, marketing, content)
    elapsed = time.perf_counter() - started
    assert status == 200, report["errors"][:3]  # type: ignore[index]
    assert report["created"] == 10_000
    assert elapsed < 20  # the 5 s target is measured by `python -m bench` on a quiet machine
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 10_000
