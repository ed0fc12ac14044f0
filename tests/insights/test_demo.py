"""`strang demo` leaves a dashboard that is alive on first start."""

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.core.settings import Settings
from app.demo import seed_demo
from app.outcomes.models import Outcome, OutcomeCollateralView
from app.signals.models import Signal, SignalStatus
from app.sync.demo import DEVICE, seed_insights_history


def test_demo_history_is_plausible_and_written_once(
    db: Session, settings: Settings, client: TestClient
) -> None:
    seed_demo(db, settings)
    db.commit()
    outcomes = db.exec(select(func.count()).select_from(Outcome)).one()
    assert outcomes > 250
    assert db.exec(select(func.count()).select_from(OutcomeCollateralView)).one() > 50
    assert db.exec(select(func.count()).where(Outcome.retracted_at.is_not(None))).one() > 0  # type: ignore[union-attr]
    statuses = {s.status for s in db.exec(select(Signal))}
    assert statuses == {SignalStatus.open, SignalStatus.acknowledged}
    assert seed_insights_history(db) == 0  # idempotent
    seed_demo(db, settings)
    db.commit()
    assert db.exec(select(func.count()).select_from(Outcome)).one() == outcomes
    assert db.exec(select(func.count()).where(Outcome.device_id == DEVICE)).one() == outcomes
    db.commit()  # end the read before the app writes
    login = client.post(
        "/api/v1/auth/login", json={"email": "marketing@demo.strang", "password": "demo"}
    )
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    client.cookies.clear()
    body = client.get("/api/v1/insights/summary", headers=headers).json()
    assert body["totals"]["visits"] > 200 and body["totals"]["unique_leads"] > 20
    assert body["top_objections"] and len(body["trend"]) >= 12
    collateral = client.get("/api/v1/insights/collateral", headers=headers).json()
    assert any(item["lift"] is not None for item in collateral["items"])
