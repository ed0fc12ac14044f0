import uuid
from datetime import date, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, text

from app.core.migrations import current_revision, downgrade, head_revision, upgrade
from app.core.settings import Settings
from app.insights.models import InsightLeadVisit
from app.models import metadata


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, metadata)
    # SQLite cannot reflect expression indexes, so Alembic reports them as missing there.
    return [d for d in diffs if not (engine.dialect.name == "sqlite" and _is_expression_index(d))]


def _is_expression_index(diff: object) -> bool:
    if not isinstance(diff, tuple) or diff[0] not in ("add_index", "remove_index"):
        return False
    return any(not hasattr(expr, "name") for expr in diff[1].expressions)


def test_models_and_migrations_agree(settings: Settings, engine: Engine) -> None:
    assert current_revision(engine) == head_revision(settings)
    assert _differences(engine) == []


def test_downgrade_to_base_then_upgrade_to_head(settings: Settings, engine: Engine) -> None:
    downgrade(settings, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(settings)
    assert current_revision(engine) == head_revision(settings)
    assert _differences(engine) == []


def _visit_days(engine: Engine) -> dict[int, set[date]]:
    """The days set in each block's visit bitmap (bit i of the 744 is day i of the block)."""
    days: dict[int, set[date]] = {}
    with engine.connect() as conn:
        for row in conn.execute(text("SELECT * FROM insight_lead_visit")):
            words = [row._mapping[f"w{i}"] for i in range(12)]
            bits = sum(w << (62 * i) for i, w in enumerate(words))
            origin = date(row.block, 1, 1)
            found = {origin + timedelta(days=i) for i in range(744) if bits >> i & 1}
            days.setdefault(row.block, set()).update(found)
    return days


def test_visit_blocks_survive_a_downgrade_and_upgrade(settings: Settings, engine: Engine) -> None:
    """0006 stores each day in its even block only; below it, every day was in two blocks."""
    visited = [date(2026, 3, 1), date(2026, 12, 31), date(2027, 1, 1)]
    bits = sum(1 << (day - date(2026, 1, 1)).days for day in visited)
    words = {f"w{i}": (bits >> (62 * i)) & ((1 << 62) - 1) for i in range(12)}
    with engine.begin() as conn:
        conn.execute(
            insert(InsightLeadVisit.__table__),  # type: ignore[attr-defined]
            [
                {"kind": "all", "value": "", "block": 2026, "campaign_key": "*"}
                | {"lead_id": uuid.uuid4()}
                | words
            ],
        )
    downgrade(settings, "0005")
    assert _visit_days(engine) == {
        2025: {date(2026, 3, 1), date(2026, 12, 31)},
        2026: set(visited),
        2027: {date(2027, 1, 1)},
    }
    upgrade(settings)
    assert _visit_days(engine) == {2026: set(visited)}
