"""The outcomes export carries, per visit, the links shared on its lead after it and before the
lead's next visit: how many, whether any was opened, when first (organisation time), reading
seconds and downloads."""

import csv
import io
import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.campaigns.models import Campaign
from app.collateral.models import Collateral
from app.leads.models import Lead
from app.shares.models import DeviceClass, Share, ShareReading, ShareVisit
from app.shares.mutations import token_hash
from tests.factories import Factory
from tests.insights.helpers import World, log, retract

CSV = "/api/v1/insights/outcomes.csv"
XLSX = "/api/v1/insights/outcomes.xlsx"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
FACTS_EN = [
    "shares",
    "shares_opened",
    "shares_first_opened_at",
    "shares_reading_seconds",
    "shares_downloads",
]
FACTS_DE = [
    "Geteilte Links",
    "Links geöffnet",
    "Zuerst geöffnet",
    "Lesezeit (Sekunden)",
    "Downloads",
]
NOTHING = ["0", "", "", "", ""]


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


def visit_at(lead: Lead, code: str, moment: datetime) -> dict[str, Any]:
    return {**log(lead, code, moment.date()), "occurred_at": moment.isoformat()}


class Shares:
    def __init__(self, db: Session, campaign: Campaign, item: Collateral) -> None:
        self.db, self.campaign, self.item = db, campaign, item

    def make(self, lead: Lead, made: datetime, *, revoked: bool = False) -> Share:
        share = Share(
            id=uuid.uuid4(),
            token_hash=token_hash(secrets.token_urlsafe(16)),
            rep_id=lead.rep_id,
            lead_id=lead.id,
            campaign_id=self.campaign.id,
            collateral_ids=[str(self.item.id)],
            created_at=made,
            expires_at=made + timedelta(days=30),
            revoked_at=made + timedelta(hours=1) if revoked else None,
        )
        self.db.add(share)
        self.db.commit()
        return share

    def opened(self, share: Share, at: datetime, pages: dict[int, int], downloads: int = 0) -> None:
        visit = ShareVisit(share_id=share.id, opened_at=at, device=DeviceClass.phone)
        self.db.add(visit)
        self.db.flush()
        for page, seconds in pages.items():
            self.db.add(
                ShareReading(
                    visit_id=visit.id,
                    collateral_id=self.item.id,
                    page=page,
                    seconds=seconds,
                    downloads=downloads if page == min(pages) else 0,
                )
            )
        self.db.commit()


def _csv(client: TestClient, headers: dict[str, str], **params: str) -> list[dict[str, str]]:
    answer = client.get(CSV, headers=headers, params={**OCTOBER, **params})
    assert answer.status_code == 200, answer.text
    separator = ";" if params.get("lang") == "de" else ","
    return list(
        csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=separator)
    )


def _facts(row: dict[str, str], names: list[str] = FACTS_EN) -> list[str]:
    return [row[name] for name in names]


def test_each_visit_carries_the_shares_made_after_it_until_the_next_visit(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    rep = world.rep("Rita Rep", team="Hamburg")
    other = world.rep("Otto Other", team="Bremen")
    rita = str(rep.id)  # read now: the test's session holds no read open during requests
    campaign = world.campaign("Herbst")
    item = world.collateral(campaign, "Preisliste")
    shares = Shares(db, campaign, item)
    lead = world.lead(rep, campaign=campaign, company="Acme GmbH")
    elsewhere = world.lead(other, campaign=campaign, company="Beta AG")
    first = visit_at(lead, "interested", utc(5, 10))
    taken_back = visit_at(lead, "objection", utc(7, 10))
    second = visit_at(lead, "follow_up", utc(10, 10))
    third = visit_at(lead, "won", utc(20, 10))
    assert world.push(rep, [first, taken_back, second, third]) == ["applied"] * 4
    assert world.push(rep, [retract(taken_back["id"])]) == ["applied"]
    beta = visit_at(elsewhere, "won", utc(5, 11))
    assert world.push(other, [beta]) == ["applied"]

    shares.make(lead, utc(1, 9))  # before the lead's first visit: no row carries it
    read = shares.make(lead, utc(5, 12))
    shares.opened(read, utc(6, 8, 15), {1: 30, 2: 15}, downloads=1)
    shares.opened(read, utc(9, 18), {1: 20})
    unread = shares.make(
        lead, utc(8, 9), revoked=True
    )  # after the taken-back visit: still the first's
    assert unread.revoked_at is not None
    shares.make(lead, utc(20, 10))  # at the very instant of the third visit: the third's
    on_beta = shares.make(elsewhere, utc(6, 9))
    shares.opened(on_beta, utc(6, 9, 30), {0: 5})

    _, marketing = factory.login_as(Role.marketing)
    rows = {r["outcome_id"]: r for r in _csv(client, marketing)}
    assert list(rows) == [first["id"], beta["id"], second["id"], third["id"]]
    # Berlin is on summer time until 25 October: UTC+2.
    assert _facts(rows[first["id"]]) == ["2", "yes", "2026-10-06T10:15:00+02:00", "65", "1"]
    assert _facts(rows[second["id"]]) == NOTHING  # no share: zero shares, nothing else
    assert _facts(rows[third["id"]]) == ["1", "no", "", "0", "0"]
    assert _facts(rows[beta["id"]]) == ["1", "yes", "2026-10-06T11:30:00+02:00", "5", "0"]

    # The next visit decides even when the export's period leaves it out.
    early = _csv(client, marketing, **{"to": "2026-10-09"})
    assert [r["outcome_id"] for r in early] == [first["id"], beta["id"]]
    assert _facts(early[0]) == ["2", "yes", "2026-10-06T10:15:00+02:00", "65", "1"]
    # And when it filters another rep's visits away.
    ritas = _csv(client, marketing, rep_id=rita)
    assert [r["outcome_id"] for r in ritas] == [first["id"], second["id"], third["id"]]
    assert _facts(ritas[0]) == _facts(rows[first["id"]])

    german = {r["Ergebnis-ID"]: r for r in _csv(client, marketing, lang="de")}
    assert _facts(german[first["id"]], FACTS_DE) == [
        "2", "ja", "2026-10-06T10:15:00+02:00", "65", "1",
    ]  # fmt: skip
    assert _facts(german[third["id"]], FACTS_DE) == ["1", "nein", "", "0", "0"]
    assert _facts(german[second["id"]], FACTS_DE) == NOTHING


def test_the_workbook_holds_the_counts_as_numbers(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    rep = world.rep("Rita Rep", team="Hamburg")
    campaign = world.campaign("Herbst")
    shares = Shares(db, campaign, world.collateral(campaign, "Preisliste"))
    lead = world.lead(rep, campaign=campaign)
    shared, plain = visit_at(lead, "won", utc(5, 10)), visit_at(lead, "won", utc(12, 10))
    assert world.push(rep, [shared, plain]) == ["applied"] * 2
    share = shares.make(lead, utc(5, 11))
    shares.opened(share, utc(26, 9), {1: 40, 2: 2}, downloads=2)  # winter time: UTC+1

    _, marketing = factory.login_as(Role.marketing)
    answer = client.get(XLSX, headers=marketing, params=OCTOBER)
    assert answer.status_code == 200, answer.text
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header[-5:]) == FACTS_EN
    by_id = {row[header.index("outcome_id")]: row[-5:] for row in rows}
    assert by_id[shared["id"]] == (1, "yes", "2026-10-26T10:00:00+01:00", 42, 2)
    assert by_id[plain["id"]] == (0, None, None, None, None)


def test_visits_of_a_lead_with_no_shares_export_zero_shares(
    client: TestClient, factory: Factory, world: World
) -> None:
    rep = world.rep("Rita Rep", team="Hamburg")
    lead = world.lead(rep, campaign=None)
    assert world.push(rep, [log(lead, "won", date(2026, 10, 5))]) == ["applied"]
    _, marketing = factory.login_as(Role.marketing)
    (row,) = _csv(client, marketing)
    assert _facts(row) == NOTHING
