from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.core.settings import Settings
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


def test_bad_rows_are_reported_with_row_and_column_and_nothing_is_written(
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
    problems = {(e["row"], e["column"], e["code"]) for e in report["errors"]}  # type: ignore[union-attr]
    assert problems == {
        (3, "priority", "bad_priority"),
        (4, "rep", "unknown_rep"),
        (5, "company", "required"),
        (5, "planned_visit_at", "bad_date"),
        (5, "campaign", "unknown_campaign"),
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
    assert report["errors"] == [
        {
            "row": 1,
            "company": "",
            "external_ref": "",
            "column": "rep",
            "value": "",
            "code": "missing_column",
            "params": {},
            "message": "The column rep is missing.",
        }
    ]
    twice = b"ref,company,rep\nR1,A,rep@example.test\nR1,B,rep@example.test\n"
    status, report = send(client, marketing, twice)
    assert status == 422
    problem = report["errors"][0]  # type: ignore[index]
    assert (problem["row"], problem["code"]) == (3, "duplicate_ref")
    assert problem["params"] == {"first_row": 2}
    assert (problem["company"], problem["external_ref"]) == ("B", "R1")
    assert "row 2" in problem["message"]


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
    status, report = send(client, marketing, content)
    assert status == 200, report["errors"][:3]  # type: ignore[index]
    assert report["created"] == 10_000
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 10_000


def visits(db: Session) -> dict[str, str | None]:
    """Each lead's planned visit as stored (UTC)."""
    db.rollback()
    rows = db.exec(select(Lead.company, Lead.planned_visit_at)).all()
    db.rollback()
    return {company: when and when.isoformat() for company, when in rows}


def test_times_without_offset_are_read_in_the_organisation_zone_across_daylight_saving(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(email="rep@example.test")
    content = (
        "\ufeffKundennummer;Firma;Außendienst;Besuchstermin\r\n"
        "K-1;Winter GmbH;rep@example.test;11.12.2026 10:15\r\n"
        "K-2;Sommer GmbH;rep@example.test;15.07.2026 10:15\r\n"
        "K-3;Herbst GmbH;rep@example.test;25.10.2026 02:30\r\n"  # repeated hour: first one
        "K-4;ISO GmbH;rep@example.test;2026-12-11 10:15\r\n"
        "K-5;Offset Inc;rep@example.test;2026-12-11T10:15:00-05:00\r\n"
        "K-6;Kurz GmbH;rep@example.test;15.07.26 10:15:30\r\n"
        "K-7;Tag GmbH;rep@example.test;11.12.2026\r\n"
        "K-8;Ohne GmbH;rep@example.test;\r\n"
    ).encode()
    status, report = send(client, marketing, content)
    assert status == 200, report
    assert report["timezone"] == "Europe/Berlin" and report["created"] == 8
    assert visits(db) == {
        "Winter GmbH": "2026-12-11T09:15:00+00:00",
        "Sommer GmbH": "2026-07-15T08:15:00+00:00",
        "Herbst GmbH": "2026-10-25T00:30:00+00:00",
        "ISO GmbH": "2026-12-11T09:15:00+00:00",
        "Offset Inc": "2026-12-11T15:15:00+00:00",
        "Kurz GmbH": "2026-07-15T08:15:30+00:00",
        "Tag GmbH": "2026-12-10T23:00:00+00:00",
        "Ohne GmbH": None,
    }
    listed = client.get("/api/v1/leads", params={"q": "Winter"}, headers=marketing).json()
    assert listed["items"][0]["planned_visit_at"] == "2026-12-11T09:15:00Z"


def test_a_time_skipped_by_the_clock_change_is_a_bad_row(
    client: TestClient, factory: Factory
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(email="rep@example.test")
    content = (
        b"Kundennummer;Firma;Aussendienst;Besuchstermin\r\n"
        b"K-1;Vorher GmbH;rep@example.test;29.03.2026 01:59\r\n"
        b"K-2;Luecke GmbH;rep@example.test;29.03.2026 02:30\r\n"
        b"K-3;Nachher GmbH;rep@example.test;29.03.2026 03:00\r\n"
    )
    status, report = send(client, marketing, content)
    assert status == 422 and report["written"] is False
    assert report["errors"] == [
        {
            "row": 3,
            "company": "Luecke GmbH",
            "external_ref": "K-2",
            "column": "Besuchstermin",
            "value": "29.03.2026 02:30",
            "code": "nonexistent_time",
            "params": {"zone": "Europe/Berlin"},
            "message": 'Besuchstermin: "29.03.2026 02:30" does not exist in Europe/Berlin: '
            "the clocks skip that hour when summer time starts.",
        }
    ]
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 0


def test_the_zone_is_the_organisations_unless_the_request_names_one(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(email="rep@example.test")
    content = b"ref,company,rep,visit\nR1,A,rep@example.test,2026-12-11 10:15\n"
    status, report = send(client, marketing, content, timezone="America/New_York")
    assert status == 200 and report["timezone"] == "America/New_York"
    assert visits(db)["A"] == "2026-12-11T15:15:00+00:00"
    settings.timezone = "Asia/Tokyo"  # STRANG_TIMEZONE
    assert client.get("/api/v1/console/organisation", headers=marketing).json() == {
        "timezone": "Asia/Tokyo"
    }
    status, report = send(client, marketing, content)
    assert status == 200 and report["timezone"] == "Asia/Tokyo" and report["updated"] == 1
    assert visits(db)["A"] == "2026-12-11T01:15:00+00:00"
    status, report = send(client, marketing, content, timezone="Mars/Olympus")
    assert status == 400 and "timezone" in str(report["detail"])


def test_slashed_dates_are_read_only_where_the_file_tells_which_is_the_day(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(email="rep@example.test")
    british = (
        b"company,rep,visit\n"
        b"A,rep@example.test,13/12/2026 10:15\n"  # only day/month: 13 December
        b"B,rep@example.test,05/12/2026 10:15\n"  # so this file writes the day first
        b"C,rep@example.test,07/07/2026\n"
    )
    status, report = send(client, marketing, british)
    assert status == 200, report["errors"]
    american = (
        b"company,rep,visit\n"
        b"D,rep@example.test,12/13/2026 2:30 PM\n"  # only month/day
        b"E,rep@example.test,1/2/2027 12:05 am\n"
    )
    status, report = send(client, marketing, american)
    assert status == 200, report["errors"]
    assert visits(db) == {
        "A": "2026-12-13T09:15:00+00:00",
        "B": "2026-12-05T09:15:00+00:00",
        "C": "2026-07-06T22:00:00+00:00",
        "D": "2026-12-13T13:30:00+00:00",
        "E": "2027-01-01T23:05:00+00:00",
    }
    unclear = (
        b"company,rep,visit\n"
        b"F,rep@example.test,05/12/2026 10:15\n"  # nothing in the file tells
        b"G,rep@example.test,31.02.2026\n"
    )
    status, report = send(client, marketing, unclear)
    assert status == 422
    found = [(e["row"], e["code"], e["value"]) for e in report["errors"]]  # type: ignore[union-attr]
    assert found == [(2, "ambiguous_date", "05/12/2026 10:15"), (3, "bad_date", "31.02.2026")]


NOTES = "Erster Besuch.\r\nPreise: siehe Liste;\r\n\r\nRückruf am Montag"


def test_errors_name_the_spreadsheet_row_with_company_and_customer_number(
    client: TestClient, factory: Factory
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(email="rep@example.test")
    text = (
        "Kundennummer;Firma;Außendienst;Notizen;Priorität\r\n"  # row 1
        f'K-1;Alpha GmbH;rep@example.test;"{NOTES}";1\r\n'  # row 2, five text lines
        'K-2;Beta GmbH;rep@example.test;"zwei\r\nZeilen";2\r\n'  # row 3
        "\r\n"  # row 4, blank
        f'K-3;Bäckerei Fehler;rep@example.test;"{NOTES}";9\r\n'  # row 5
        ";;rep@example.test;;1\r\n"  # row 6 (text line 14)
        "K-5;Gamma KG;chef@example.test;;\r\n"  # row 7
    )
    status, report = send(client, marketing, b"\xef\xbb\xbf" + text.encode())
    assert status == 422 and report["written"] is False
    found = [
        (e["row"], e["company"], e["external_ref"], e["column"], e["code"], e["value"])
        for e in report["errors"]  # type: ignore[union-attr]
    ]
    assert found == [
        (5, "Bäckerei Fehler", "K-3", "Priorität", "bad_priority", "9"),
        (6, "", "", "Firma", "required", ""),
        (7, "Gamma KG", "K-5", "Außendienst", "unknown_rep", "chef@example.test"),
    ]
    assert (report["rows"], report["error_count"]) == (5, 3)
    assert client.get("/api/v1/leads", headers=marketing).json()["total"] == 0
    # Excel's "sep=;" line is no row of the sheet; neither is a trailing line break.
    status, report = send(client, marketing, b"sep=;\r\nFirma;Aussendienst\r\n;x@example.test\r\n")
    assert status == 422
    assert [(e["row"], e["code"]) for e in report["errors"]] == [  # type: ignore[union-attr]
        (2, "required"),
        (2, "unknown_rep"),
    ]
    assert report["delimiter"] == ";"
    # Blank rows above the header count as rows, as the spreadsheet shows them.
    status, report = send(client, marketing, b"\r\n;;\r\nFirma;Aussendienst\r\nX;\r\n")
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(4, "required")]  # type: ignore[union-attr]
