from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome, push

CODES = "/api/v1/outcome-codes"


def test_everyone_logged_in_reads_the_six_defaults_in_order(
    client: TestClient, factory: Factory
) -> None:
    assert client.get(CODES).status_code == 401
    for role in Role:
        _, headers = factory.login_as(role)
        codes = client.get(CODES, headers=headers).json()
        assert [c["code"] for c in codes] == [
            "won",
            "follow_up",
            "interested",
            "objection",
            "not_reached",
            "no_interest",
        ]
    objection = codes[3]
    assert objection["label_de"] == "Einwand" and "no_decision_maker" in objection["details"]


def test_only_admins_edit_codes_and_phones_get_the_change(
    client: TestClient, factory: Factory, content: Content
) -> None:
    rep, rep_headers = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    _, admin = factory.login_as(Role.admin)
    new = {"code": "demo_booked", "label_en": "Demo booked", "label_de": "Demo gebucht"}
    assert client.post(CODES, headers=marketing, json=new).status_code == 403
    assert client.post(CODES, headers=rep_headers, json=new).status_code == 403
    phone = Phone(client, rep_headers)
    phone.sync()
    created = client.post(CODES, headers=admin, json={**new, "sentiment": "positive"})
    assert created.status_code == 201
    assert client.post(CODES, headers=admin, json=new).status_code == 409
    bad = client.post(CODES, headers=admin, json={**new, "code": "Bad Code!"})
    assert bad.status_code == 422 and "code" in bad.text
    phone.sync()
    assert phone.state["outcome_codes"]["demo_booked"]["sentiment"] == "positive"
    lead = content.lead(rep)
    push(client, rep_headers, outcome(lead.id, "demo_booked"))
    # Deactivating keeps history; a tap logged offline with it is still accepted.
    patched = client.patch(f"{CODES}/demo_booked", headers=admin, json={"active": False})
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert push(client, rep_headers, outcome(lead.id, "demo_booked"))[0]["status"] == "applied"
    phone.sync()
    assert phone.state["outcome_codes"]["demo_booked"]["active"] is False
    assert [h["code"] for h in phone.state["leads"][str(lead.id)]["history"]] == ["demo_booked"] * 2
    assert client.patch(f"{CODES}/nope", headers=admin, json={"active": False}).status_code == 404
    assert client.patch(f"{CODES}/won", headers=admin, json={"label_en": None}).status_code == 400
