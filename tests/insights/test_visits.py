"""The drill-down: the visits behind each dashboard figure are exactly the raw visits that
make it up (newest first, paged), the exports of a figure hold the same visits, and only
marketing and admins may read them."""

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from app.collateral.models import Collateral
from app.insights.schemas import Filters
from app.outcomes.models import Outcome
from tests.factories import Factory
from tests.insights.helpers import Raw, World, log, params, retract

VISITS = "/api/v1/insights/visits"
OCT = Filters(start=date(2026, 10, 1), end=date(2026, 10, 31))


@dataclass
class Field:
    world: World
    north: Any
    south: Any
    spring: Any
    autumn: Any
    chart: Collateral
    flyer: Collateral
    headers: dict[str, str]


@pytest.fixture
def field(world: World, factory: Factory) -> Field:
    north = world.rep("Jürgen Groß", team="Hamburg")
    south = world.rep("Ana Silva", team="München", region="South")
    spring, autumn = world.campaign("Spring"), world.campaign("Autumn")
    chart, flyer = world.collateral(spring, "Savings chart"), world.collateral(autumn, "Flyer")
    bakery = world.lead(north, campaign=spring, company="Bäckerei Süß")
    garage = world.lead(north, campaign=autumn, company="Autohaus Nord", segment="Auto")
    shop = world.lead(south, campaign=spring, region="South", company="Laden Süd")
    d = date(2026, 10, 5)
    gone = log(bakery, "won", date(2026, 10, 9), views=[(chart, 40, [1, 2])])
    world.push(
        north,
        [
            log(
                bakery,
                "objection",
                d,
                details=["price"],
                note="Zu teuer",
                views=[(chart, 30, [1, 3])],
            ),
            log(bakery, "won", date(2026, 10, 8), views=[(chart, 95, [2])]),
            log(garage, "objection", d, hour=14, details=["price", "timing"]),
            log(garage, "follow_up", date(2026, 10, 12), views=[(flyer, 12, [])]),
            log(garage, "won", date(2026, 9, 30)),  # before the period
            gone,
        ],
    )
    world.push(north, [retract(gone["id"])])
    world.push(
        south,
        [
            log(shop, "won", date(2026, 10, 6), views=[(chart, 5, [1])]),
            log(shop, "not_reached", date(2026, 10, 20)),
            log(shop, "objection", date(2026, 10, 21), details=["price"]),
        ],
    )
    _, headers = factory.login_as(Role.marketing)
    return Field(world, north, south, spring, autumn, chart, flyer, headers)


def expected(field: Field, f: Filters, **figure: Any) -> list[str]:
    """The raw visits of the figure, newest first."""
    raw = Raw.load(field.world.db)
    shown = {(v.outcome_id, v.collateral_id) for v in raw.views}

    def fits(o: Outcome) -> bool:
        if "code" in figure and o.code != figure["code"]:
            return False
        if "chip" in figure and figure["chip"] not in o.details:
            return False
        return not ("collateral_id" in figure and (o.id, figure["collateral_id"]) not in shown)

    chosen = sorted(
        (o for o in raw.selected(f) if fits(o)), key=lambda o: (o.occurred_at, str(o.id))
    )
    return [str(o.id) for o in reversed(chosen)]


def drill(client: TestClient, field: Field, f: Filters, **extra: Any) -> dict[str, Any]:
    response = client.get(VISITS, headers=field.headers, params={**params(f), **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_each_figure_opens_exactly_its_raw_visits(client: TestClient, field: Field) -> None:
    spring = Filters(start=OCT.start, end=OCT.end, campaign_id=field.spring.id)
    south = Filters(start=OCT.start, end=OCT.end, region="South")
    team = Filters(start=OCT.start, end=OCT.end, team="Hamburg", rep_id=field.north.id)
    cases: list[tuple[Filters, dict[str, Any]]] = [
        (OCT, {}),  # visits, unique leads, coverage
        (OCT, {"code": "won"}),  # conversion
        (OCT, {"code": "objection"}),  # a slice of the outcome mix
        (OCT, {"chip": "price"}),  # a top objection
        (OCT, {"collateral_id": field.chart.id}),  # an item's viewed visits
        (OCT, {"collateral_id": field.chart.id, "code": "won"}),  # its conversion
        (spring, {}),  # a campaign's visits
        (spring, {"code": "won"}),  # a campaign's conversion
        (south, {"chip": "price"}),
        (team, {"code": "objection"}),
    ]
    summary = client.get(
        "/api/v1/insights/summary", headers=field.headers, params=params(OCT)
    ).json()
    for f, figure in cases:
        body = drill(client, field, f, **figure)
        ids = [row["outcome_id"] for row in body["items"]]
        assert ids == expected(field, f, **figure), (f, figure)
        assert body["total"] == len(ids) > 0
    # the totals are the dashboard's own figures
    assert drill(client, field, OCT)["total"] == summary["totals"]["visits"] == 7
    by_code = {c["code"]: c["count"] for c in summary["totals"]["codes"]}
    assert drill(client, field, OCT, code="won")["total"] == by_code["won"] == 2
    chips = {c["chip"]: c["count"] for c in summary["top_objections"]}
    assert drill(client, field, OCT, chip="price")["total"] == chips["price"] == 3


def test_a_row_says_who_whom_when_what_and_what_was_shown(client: TestClient, field: Field) -> None:
    body = drill(client, field, OCT, chip="price", rep_id=str(field.north.id), lang="de")
    first, second = body["items"]  # 14:00 before 10:00 on the same day
    assert first["occurred_at"].startswith("2026-10-05T14:00:00")
    assert first["lead_name"] == "Autohaus Nord" and first["rep_name"] == "Jürgen Groß"
    assert first["chips"] == ["price", "timing"] and first["collateral"] == []
    assert second["note"] == "Zu teuer" and second["label"] == "Einwand"
    assert second["campaign_name"] == "Spring"
    assert second["collateral"] == [
        {"collateral_id": str(field.chart.id), "title": "Savings chart", "seconds": 30,
         "pages": [1, 3]}
    ]  # fmt: skip
    assert body["figure"] == {
        "code": None,
        "chip": "price",
        "collateral_id": None,
        "without_collateral_id": None,
        "no_campaign": False,
    }


def test_pages_follow_one_another_without_gaps(client: TestClient, field: Field) -> None:
    whole = [r["outcome_id"] for r in drill(client, field, OCT)["items"]]
    paged = []
    for offset in range(0, 9, 3):
        page = drill(client, field, OCT, limit=3, offset=offset)
        assert page["total"] == 7 and page["limit"] == 3 and page["offset"] == offset
        paged += [r["outcome_id"] for r in page["items"]]
    assert paged == whole
    assert drill(client, field, OCT, offset=10_000_000)["items"] == []


def test_the_exports_of_a_figure_hold_the_same_visits(client: TestClient, field: Field) -> None:
    figure = {"chip": "price", "region": "North"}
    f = Filters(start=OCT.start, end=OCT.end, region="North")
    wanted = set(expected(field, f, chip="price"))
    assert len(wanted) == 2
    csv_body = client.get(
        "/api/v1/insights/outcomes.csv", headers=field.headers, params={**params(OCT), **figure}
    )
    assert csv_body.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_body.content.decode("utf-8-sig"))))
    assert {r["outcome_id"] for r in rows} == wanted
    won = {"code": "won", "collateral_id": str(field.chart.id)}
    xlsx = client.get(
        "/api/v1/insights/outcomes.xlsx", headers=field.headers, params={**params(OCT), **won}
    )
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    header, *rows = sheet.iter_rows(values_only=True)
    ids = {row[header.index("outcome_id")] for row in rows}
    assert ids == set(expected(field, OCT, code="won", collateral_id=field.chart.id))
    assert len(ids) == 2  # the retracted won visit with the chart is not among them


def test_only_marketing_and_admins_read_the_visits(
    client: TestClient, factory: Factory, field: Field
) -> None:
    query = params(OCT)
    assert client.get(VISITS, params=query).status_code == 401
    _, rep = factory.login_as(Role.rep)
    assert client.get(VISITS, headers=rep, params=query).status_code == 403
    assert client.get("/api/v1/insights/outcomes.csv", headers=rep).status_code == 403
    _, admin = factory.login_as(Role.admin)
    assert client.get(VISITS, headers=admin, params=query).json()["total"] == 7


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        ({"code": "no_such_code"}, 400),
        ({"collateral_id": "chart"}, 422),
        ({"chip": "x" * 101}, 422),
        ({"chip": ""}, 422),
        ({"offset": "10000001"}, 422),
        ({"limit": "501"}, 422),
        ({"from": "2026-11-01", "to": "2026-10-01"}, 400),
    ],
)
def test_a_bad_filter_is_refused_with_its_name(
    client: TestClient, field: Field, bad: dict[str, str], status: int
) -> None:
    paging = {"offset", "limit"} & set(bad)  # the exports take no paging
    for path in (VISITS,) if paging else (VISITS, "/api/v1/insights/outcomes.csv"):
        response = client.get(path, headers=field.headers, params={**params(OCT), **bad})
        assert response.status_code == status, (path, response.text)
        assert next(iter(bad)) in response.text


def test_an_unknown_collateral_item_has_no_visits(client: TestClient, field: Field) -> None:
    assert drill(client, field, OCT, collateral_id=str(uuid.uuid4()))["items"] == []


def test_the_lift_s_other_side_opens_the_visits_without_the_item(
    client: TestClient, field: Field
) -> None:
    south = Filters(start=OCT.start, end=OCT.end, region="South")
    for f in (OCT, south):
        figures = client.get(
            "/api/v1/insights/collateral", headers=field.headers, params=params(f)
        ).json()
        chart = next(i for i in figures["items"] if i["collateral_id"] == str(field.chart.id))
        other = drill(client, field, f, without_collateral_id=field.chart.id)
        won = drill(client, field, f, without_collateral_id=field.chart.id, code="won")
        assert other["total"] == chart["visits_not_viewed"] == 2
        assert won["total"] / other["total"] == chart["conversion_not_viewed"] == 0
        raw = set(expected(field, f))
        shown_ids = set(expected(field, f, collateral_id=field.chart.id))
        ids = {row["outcome_id"] for row in other["items"]}
        assert ids <= raw - shown_ids
        assert {row["campaign_id"] for row in other["items"]} == {str(field.spring.id)}


def test_visits_outside_any_campaign_have_a_figure_of_their_own(
    client: TestClient, field: Field
) -> None:
    walk_in = field.world.lead(field.north, campaign=None, company="Kiosk ohne Kampagne")
    field.world.push(field.north, [log(walk_in, "interested", date(2026, 10, 14))])
    body = drill(client, field, OCT, no_campaign="true")
    assert [row["lead_name"] for row in body["items"]] == ["Kiosk ohne Kampagne"]
    assert body["figure"]["no_campaign"] is True
