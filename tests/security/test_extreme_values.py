"""Extreme values against every write endpoint: no value the API accepts can break a figure.

Every text a request can carry (JSON fields, query and path parameters, form fields, CSV
cells, the login) is sent with NUL and with a lone surrogate; every number beyond its bounds;
every time before 2000, beyond the calendar once converted to UTC, and ahead of the clock.
Each refusal must be a 4xx naming the field (in a push: that mutation alone, with a reason),
never a 500. What must pass (the window's edges, maximum lengths, right-to-left text, emoji,
combining marks) is stored as sent. Afterwards insights, the exports and pull answer 200 and
agree with the raw rows. The operations are read from the app's own OpenAPI schema, so a new
endpoint is fed the same values without a line here.
"""

import base64
import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from app.core.settings import Settings
from app.insights.schemas import Filters
from app.leads.models import Lead
from app.outcomes.models import Outcome
from app.signals.models import Signal
from tests.factories import Factory
from tests.insights.helpers import (
    Raw,
    actual_collateral,
    actual_summary,
    expected_collateral,
    expected_summary,
    params,
)
from tests.security.test_endpoint_roles import ADMIN_ONLY, REP_ONLY, TABLE, World, build_world
from tests.sync.helpers import outcome

NUL, SURROGATE = "\x00", "\ud800"
RTL = "شركة الأمل ‏עברית‏"  # Arabic and Hebrew, with right-to-left marks
EMOJI = "👩🏽‍🔧🇩🇪"  # a ZWJ sequence and a flag: several code points each
COMBINING = "Z̤͔ͧ̑a̴l̸g̵o̶ Müller"  # stacked combining marks beside a precomposed ü
STRANGE = f"{RTL} {EMOJI} {COMBINING}"
TITLE = EMOJI * (200 // len(EMOJI))  # as long as a title may be
JSON = {"content-type": "application/json"}
NOW = datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


# Times a phone may send, and what becomes of them (None: applied).
TAP_TIMES = {
    "2000-01-01T00:00:00+00:00": None,  # the first instant of the window
    "2000-01-01T01:00:00+01:00": None,  # the same instant, written in Berlin
    "1999-12-31T23:59:59+00:00": "invalid_timestamp",
    "2000-01-01T00:30:00+01:00": "invalid_timestamp",  # 1999-12-31T23:30Z once converted
    "0001-01-01T00:00:00+00:00": "invalid_timestamp",
    "0001-01-01T00:30:00+01:00": "invalid_timestamp",  # overflows when converted to UTC
    "9999-12-31T23:30:00-01:00": "future_timestamp",  # overflows the other way
    "9999-12-31T23:59:59+00:00": "future_timestamp",
    _iso(NOW + timedelta(hours=23)): None,
    _iso(NOW + timedelta(hours=25)): "future_timestamp",
}


def _caller(world: World, operation: str) -> dict[str, str]:
    if operation == "POST /api/v1/auth/login":
        return {}
    row = TABLE.get(operation)
    role = "rep" if row == REP_ONLY else "admin" if row == ADMIN_ONLY else "marketing"
    return world.headers[role]


def _refused_by_name(response: Any, *locations: list[str]) -> None:
    """A 422 in FastAPI's shape whose problems name each location (a prefix of a `loc`)."""
    assert response.status_code == 422, response.text
    named = [
        [p for p in item["loc"] if not isinstance(p, int)] for item in response.json()["detail"]
    ]
    for where in locations:
        assert any(loc[: len(where)] == where for loc in named), (where, named)


# --- the OpenAPI schema, read as a client would --------------------------------------------


class Schema:
    def __init__(self, client: TestClient) -> None:
        self.spec = client.get("/api/openapi.json").json()

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def variant(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The non-null variant of an `anyOf` (an optional field), resolved."""
        schema = self.resolve(schema)
        for option in schema.get("anyOf", []):
            if self.resolve(option).get("type") != "null":
                return self.variant(option)
        return schema

    def leaves(
        self, schema: dict[str, Any], path: tuple[str, ...] = ()
    ) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
        """(path, schema) of every string and number in a shape; "[]" marks a list item."""
        schema = self.variant(schema)
        kind = schema.get("type")
        if kind == "object":
            for name, sub in schema.get("properties", {}).items():
                yield from self.leaves(sub, (*path, name))
        elif kind == "array":
            yield from self.leaves(schema.get("items", {}), (*path, "[]"))
        elif kind in ("string", "integer", "number"):
            yield path, schema

    def filled(self, schema: dict[str, Any], text: str) -> Any:
        """A body of that shape whose every string is `text` (numbers 1, flags true)."""
        schema = self.variant(schema)
        kind = schema.get("type")
        if kind == "object":
            props = schema.get("properties", {})
            return {name: self.filled(sub, text) for name, sub in props.items()}
        if kind == "array":
            return [self.filled(schema.get("items", {}), text)]
        return {"string": text, "integer": 1, "number": 1, "boolean": True}.get(str(kind), text)

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every operation but HEAD: its answer has no body to name a problem in, and the GET
        of the same path is checked."""
        for path, methods in self.spec["paths"].items():
            for method, operation in methods.items():
                if method != "head":
                    yield method.upper(), path, operation

    @staticmethod
    def json_body(operation: dict[str, Any]) -> dict[str, Any] | None:
        content = operation.get("requestBody", {}).get("content", {})
        return content.get("application/json", {}).get("schema")


def _url(path: str, world: World) -> str:
    return path.format(**world.params)


def _json(client: TestClient, method: str, url: str, headers: dict[str, str], body: Any) -> Any:
    # ensure_ascii: a lone surrogate travels as the JSON escape \ud800, as a browser sends it
    return client.request(method, url, headers={**headers, **JSON}, content=json.dumps(body))


# --- every text input ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone_surrogate"])
def test_every_text_of_every_json_body_is_refused_by_name(
    client: TestClient, factory: Factory, db: Session, settings: Settings, bad: str
) -> None:
    world = build_world(client, factory, db, settings)
    schema = Schema(client)
    checked = 0
    for method, path, operation in schema.operations():
        body_schema = schema.json_body(operation)
        if body_schema is None:
            continue
        texts = [p for p, leaf in schema.leaves(body_schema) if leaf.get("type") == "string"]
        if not texts:
            continue
        body = schema.filled(body_schema, f"x{bad}")
        answer = _json(client, method, _url(path, world), _caller(world, f"{method} {path}"), body)
        _refused_by_name(answer, *(["body", *(p for p in where if p != "[]")] for where in texts))
        checked += 1
    assert checked >= 15


def test_every_query_and_path_text_is_refused_by_name(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    world = build_world(client, factory, db, settings)
    schema = Schema(client)
    checked = 0
    for method, path, operation in schema.operations():
        headers = _caller(world, f"{method} {path}")
        for parameter in operation.get("parameters", []):
            kind = schema.variant(parameter["schema"]).get("type")
            if parameter["in"] == "query":
                answer = client.request(
                    method, _url(path, world), headers=headers, params={parameter["name"]: NUL}
                )
                _refused_by_name(answer, ["query", parameter["name"]])
                checked += 1
            elif parameter["in"] == "path" and kind == "string":
                url = path.format(**(world.params | {parameter["name"]: "a%00b"}))
                _refused_by_name(client.request(method, url, headers=headers), ["path"])
                checked += 1
    assert checked >= 20
    # Paths outside the API (the app's files) too.
    _refused_by_name(client.get("/console/a%00b"), ["path"])


def test_login_refuses_nul_and_surrogates_by_name(client: TestClient) -> None:
    for bad in (NUL, SURROGATE):
        answer = _json(
            client, "POST", "/api/v1/auth/login", {}, {"email": f"a{bad}@x.de", "password": bad}
        )
        _refused_by_name(answer, ["body", "email"], ["body", "password"])


def test_forms_and_csv_cells_refuse_nul_by_name(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    world = build_world(client, factory, db, settings)
    marketing = world.headers["marketing"]
    upload = f"/api/v1/campaigns/{world.params['campaign_id']}/collateral"
    for field in ("title", "description", "url", "segments"):
        form = {"title": "Prices", "url": "https://example.test/p", field: f"a{NUL}b"}
        answer = client.post(upload, headers=marketing, data=form)
        _refused_by_name(answer, ["body", field])
        answer = client.post(
            upload, headers=marketing, files={"file": ("p.pdf", b"%PDF-1.4\n")}, data=form
        )
        _refused_by_name(answer, ["body", field])
    rep_email = client.get("/api/v1/users", headers=world.headers["admin"]).json()
    email = next(u["email"] for u in rep_email if u["role"] == "rep")
    cells = {
        "company": f"Firma{NUL}GmbH",
        "external_ref": f"K{NUL}1",
        "city": f"K{NUL}öln",
        "brief": f"**{NUL}**",
    }
    for column, value in cells.items():
        text = (
            f"company;rep;{column}\nFirma;{email};{value}\n"
            if column != "company"
            else (f"company;rep\n{value};{email}\n")
        )
        answer = client.post(
            "/api/v1/leads/import",
            headers=marketing,
            files={"file": ("leads.csv", text.encode())},
        )
        assert answer.status_code == 422, answer.text
        (problem,) = answer.json()["errors"]
        assert (problem["row"], problem["column"], problem["code"]) == (2, column, "bad_character")
    dates = {
        "01.01.1999 10:00": "date_out_of_range",
        "0001-01-01T00:30:00+01:00": "date_out_of_range",
        "9999-12-31T23:30:00-01:00": "date_out_of_range",
        "2100-01-01T00:00:00+00:00": "date_out_of_range",
    }
    for value, code in dates.items():
        text = f"company;rep;planned_visit_at\nFirma;{email};{value}\n"
        answer = client.post(
            "/api/v1/leads/import", headers=marketing, files={"file": ("l.csv", text.encode())}
        )
        assert answer.status_code == 422, answer.text
        assert [(p["row"], p["code"]) for p in answer.json()["errors"]] == [(2, code)], value


# --- numbers and lengths ----------------------------------------------------------------------


def test_every_number_and_text_has_bounds_and_beyond_them_is_refused_by_name(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    world = build_world(client, factory, db, settings)
    schema = Schema(client)
    unbounded = []
    for method, path, operation in schema.operations():
        headers = _caller(world, f"{method} {path}")
        url = _url(path, world)
        for parameter in operation.get("parameters", []):
            leaf = schema.variant(parameter["schema"])
            if parameter["in"] != "query" or leaf.get("type") != "integer":
                continue
            if "maximum" not in leaf or "minimum" not in leaf:
                unbounded.append(f"{method} {path} ?{parameter['name']}")
                continue
            for value in (leaf["maximum"] + 1, 2**63, leaf["minimum"] - 1, -(2**63) - 1):
                answer = client.request(
                    method, url, headers=headers, params={parameter["name"]: value}
                )
                _refused_by_name(answer, ["query", parameter["name"]])
        body_schema = schema.json_body(operation)
        if body_schema is None:
            continue
        for where, leaf in schema.leaves(body_schema):
            name = f"{method} {path} {'.'.join(where)}"
            loc = ["body", *(p for p in where if p != "[]")]
            if leaf.get("type") == "integer":
                if "maximum" not in leaf or "minimum" not in leaf:
                    unbounded.append(name)
                    continue
                for value in (leaf["maximum"] + 1, 2**64, leaf["minimum"] - 1, -(2**63) - 1):
                    body = _with(schema.filled(body_schema, "x"), where, value)
                    _refused_by_name(_json(client, method, url, headers, body), loc)
            elif leaf.get("type") == "string" and not leaf.get("format"):
                if "enum" in leaf or "pattern" in leaf:
                    continue
                if "maxLength" not in leaf:
                    unbounded.append(name)
                    continue
                body = _with(schema.filled(body_schema, "x"), where, "é" * (leaf["maxLength"] + 1))
                _refused_by_name(_json(client, method, url, headers, body), loc)
    assert not unbounded, f"give these an upper bound: {unbounded}"


def _with(body: Any, where: tuple[str, ...], value: Any) -> Any:
    if not where:
        return value
    head, rest = where[0], where[1:]
    if head == "[]":
        return [_with(body[0], rest, value)]
    return {**body, head: _with(body[head], rest, value)}


def test_paging_refuses_offsets_past_sql_integers(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    world = build_world(client, factory, db, settings)
    marketing = world.headers["marketing"]
    for url in ("/api/v1/leads", "/api/v1/signals"):
        for offset in ("9223372036854775808", "-1", "1e3", "99999999999999999999999"):
            answer = client.get(url, headers=marketing, params={"offset": offset})
            _refused_by_name(answer, ["query", "offset"])
        assert client.get(url, headers=marketing, params={"offset": 10_000_000}).status_code == 200


def test_a_forged_pull_cursor_starts_a_full_resync(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    world = build_world(client, factory, db, settings)
    rep_tag = uuid.UUID(world.params["user_id"]).hex[:12]
    for kind, after in ((1, "not-an-id"), (0, f"won{NUL}"), (3, "x" * 50), (0, "c" * 41)):
        data = {"v": 1, "r": rep_tag, "m": "s", "c": 0, "k": kind, "a": after}
        cursor = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
        answer = client.get(
            "/api/v1/sync/pull", headers=world.headers["rep"], params={"cursor": cursor}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["reset"], after


# --- the whole loop: extreme values in, figures that still agree out --------------------------


def _push(client: TestClient, headers: dict[str, str], mutations: list[dict[str, Any]]) -> Any:
    answer = _json(
        client, "POST", "/api/v1/sync/push", headers, {"device_id": "x", "mutations": mutations}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _signal(**extra: Any) -> dict[str, Any]:
    return {"type": "signal.send", "id": str(uuid.uuid4()), "kind": "other", **extra}


def test_extreme_values_never_break_a_figure(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    world = build_world(client, factory, db, settings)
    rep, marketing, admin = (world.headers[r] for r in ("rep", "marketing", "admin"))
    lead_id = world.params["lead_id"]
    campaign_id = world.params["campaign_id"]

    # Push: each mutation gets its own answer; nothing blocks the batch.
    taps = [outcome(lead_id, "won", occurred_at=when) for when in TAP_TIMES]
    signals = [_signal(text="?", occurred_at=when) for when in TAP_TIMES]
    results = _push(client, rep, taps + signals)
    for result, expected in zip(results, [*TAP_TIMES.values(), *TAP_TIMES.values()], strict=True):
        if expected is None:
            assert result["status"] == "applied", result
        else:
            assert (result["status"], result["reason"]) == ("rejected", expected), result
            assert result["detail"].split(": ")[0].endswith("occurred_at"), result
    texts = {
        "note": [f"a{NUL}", f"a{SURROGATE}", "n" * 2001],
        "details": [[f"price{NUL}"], [SURROGATE], ["x" * 41]],
        "code": [f"won{NUL}", "w" * 41],
    }
    bad = [
        outcome(lead_id, **{field: value}) for field, values in texts.items() for value in values
    ]
    bad += [_signal(text=f"a{NUL}"), _signal(text=SURROGATE), _signal(text="t" * 2001)]
    bad += [outcome(lead_id, seq=seq) for seq in (0, -1, 2**31, 2**63, 2**64)]
    views = [{"collateral_id": world.params["collateral_id"], "seconds": s} for s in (-1, 86_401)]
    bad += [outcome(lead_id, collateral_viewed=[view]) for view in views]
    bad += [
        outcome(
            lead_id,
            collateral_viewed=[{"collateral_id": world.params["collateral_id"], "pages": [2**63]}],
        )
    ]
    bad += [{"type": f"outcome.log{NUL}", "id": f"{SURROGATE}"}, {"type": SURROGATE}]
    good = [
        outcome(lead_id, "objection", note=STRANGE + "n" * (2000 - len(STRANGE))),
        outcome(lead_id, "won", note=EMOJI * 10, seq=2**31 - 1),
        _signal(text=STRANGE),
    ]
    results = _push(client, rep, bad + good)
    for result in results[: len(bad)]:
        assert (result["status"], result["reason"]) == ("rejected", "invalid"), result
        assert result["detail"], result
    assert [r["status"] for r in results[len(bad) :]] == ["applied"] * len(good)
    stored = db.get(Outcome, uuid.UUID(good[0]["id"]))
    assert stored is not None and stored.note == good[0]["note"]
    db.commit()

    # Ordinary endpoints: extremes within bounds are stored as sent, the rest refused by name.
    rep_id = world.params["user_id"]
    lead = {"company": STRANGE, "rep_id": rep_id, "city": COMBINING, "brief_md": EMOJI * 100}
    for when, status in {
        "2000-01-01T00:00:00Z": 201,
        "2099-12-31T23:59:59Z": 201,
        "1999-12-31T23:59:59Z": 422,
        "0001-01-01T00:30:00+01:00": 422,
        "9999-12-31T23:30:00-01:00": 422,
        "2100-01-01T00:00:00Z": 422,
    }.items():
        answer = _json(
            client, "POST", "/api/v1/leads", marketing, lead | {"planned_visit_at": when}
        )
        assert answer.status_code == status, (when, answer.text)
        if status == 422:
            _refused_by_name(answer, ["body", "planned_visit_at"])
        else:
            assert answer.json()["company"] == STRANGE
    answer = _json(
        client,
        "POST",
        "/api/v1/leads/assign",
        marketing,
        {"lead_ids": [lead_id] * 5001, "rep_id": rep_id},
    )
    _refused_by_name(answer, ["body", "lead_ids"])
    campaign = {"name": STRANGE, "key_message": RTL, "talking_points_md": COMBINING * 10}
    for days, status in {
        ("2000-01-01", "2099-12-31"): 201,
        ("1999-12-31", None): 422,
        ("0001-01-01", None): 422,
        (None, "2100-01-01"): 422,
        (None, "9999-12-31"): 422,
    }.items():
        body = campaign | {"starts_on": days[0], "ends_on": days[1]}
        answer = _json(client, "POST", "/api/v1/campaigns", marketing, body)
        assert answer.status_code == status, (days, answer.text)
        if status == 422:
            _refused_by_name(answer, ["body", "starts_on" if days[0] else "ends_on"])
    url = f"/api/v1/collateral/{world.params['collateral_id']}"
    answer = _json(client, "PATCH", url, marketing, {"title": TITLE, "segments": [RTL]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["title"] == TITLE
    signal_id = world.params["signal_id"]
    url = f"/api/v1/signals/{signal_id}/acknowledge"
    assert _json(client, "POST", url, marketing, {"reply": STRANGE}).status_code == 200
    user = {"email": "ünïcode@exämple.test", "name": STRANGE, "role": "rep", "password": EMOJI * 3}
    answer = _json(client, "POST", "/api/v1/users", admin, user | {"region": RTL, "team": EMOJI})
    assert answer.status_code == 201, answer.text
    login = _json(
        client,
        "POST",
        "/api/v1/auth/login",
        {},
        {"email": user["email"], "password": user["password"]},
    )
    assert login.status_code == 200, login.text
    code = {"code": "extreme", "label_en": EMOJI, "label_de": COMBINING, "details": ["a" * 40]}
    assert _json(client, "POST", "/api/v1/outcome-codes", admin, code).status_code == 201
    client.cookies.clear()

    # The figures: every answer 200, every figure as the raw rows say.
    today = NOW.date()
    cases = [
        Filters(today - timedelta(days=364), today),
        Filters(today - timedelta(days=3660 - 1), today),
        Filters(today - timedelta(days=364), today, campaign_id=uuid.UUID(campaign_id)),
        Filters(today - timedelta(days=364), today, rep_id=uuid.UUID(rep_id)),
        Filters(today - timedelta(days=364), today, region=RTL),
        Filters(today - timedelta(days=364), today, team=EMOJI),
    ]
    raw = Raw.load(db)
    for f in cases:
        summary = client.get("/api/v1/insights/summary", headers=marketing, params=params(f))
        assert summary.status_code == 200, summary.text
        assert actual_summary(summary.json()) == expected_summary(raw, f), f
        items = client.get("/api/v1/insights/collateral", headers=marketing, params=params(f))
        assert items.status_code == 200, items.text
        assert actual_collateral(items.json()) == expected_collateral(raw, f), f
        export = client.get("/api/v1/insights/outcomes.csv", headers=marketing, params=params(f))
        assert export.status_code == 200, export.text
        rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
        assert sorted(r["outcome_id"] for r in rows) == sorted(str(o.id) for o in raw.selected(f))
        notes = {r["outcome_id"]: r["note"] for r in rows}
        assert notes.get(good[0]["id"], good[0]["note"]) == good[0]["note"]
    for path in Schema(client).spec["paths"]:
        if path.startswith("/api/v1/insights/"):
            url = _url(path, world)  # per-item figures: the world's collateral item
            answer = client.get(url, headers=marketing, params=params(cases[0]))
            assert answer.status_code == 200, (path, answer.text)
    assert (
        client.get(
            "/api/v1/insights/summary",
            headers=marketing,
            params={"from": "2000-01-01", "to": "2000-12-31"},
        ).status_code
        == 200
    )
    for period in (
        {"from": "1999-12-31"},
        {"to": "2100-01-01"},
        {"from": "0001-01-01", "to": "9999-12-31"},
    ):
        answer = client.get("/api/v1/insights/summary", headers=marketing, params=period)
        _refused_by_name(answer, ["query", next(iter(period))])

    pulled = client.get("/api/v1/sync/pull", headers=rep)
    assert pulled.status_code == 200, pulled.text
    changes = pulled.json()["changes"]
    (card,) = [x for x in changes["leads"] if x["id"] == lead_id]
    history = {h["id"] for h in card["history"]}
    latest = sorted(
        (o for o in raw.outcomes if str(o.lead_id) == lead_id and o.retracted_at is None),
        key=lambda o: o.occurred_at,
        reverse=True,
    )
    assert {str(o.id) for o in latest[: len(history)]} == history
    mine = {s["id"]: s for s in changes["signals"]}
    assert mine[signals[0]["id"]]["occurred_at"].startswith("2000-01-01T00:00:00")
    assert mine[good[2]["id"]]["text"] == STRANGE
    db.expire_all()
    assert not [text for (text,) in db.execute(select(Signal.text)) if NUL in text]
    assert db.execute(select(Lead.id).where(Lead.company == STRANGE)).first() is not None
    db.commit()
