"""Rebuilding every aggregate from the outcome tables with a handful of INSERT ... SELECTs.

The incremental listener (`rollup.on_outcomes`) and this bulk path must agree exactly; the
test `test_rebuild_equals_incremental` holds them against each other. Date arithmetic stays
in Python: two small temporary tables map each day that has outcomes to its aligned periods
(`GRAINS`) and to its bit in the yearly visit bitmap, so the SQL is the same on SQLite and
PostgreSQL except for expanding JSON lists (chips, pages).
"""

from datetime import date

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    Table,
    delete,
    select,
    text,
    update,
)
from sqlmodel import Session

from app.core.bulk import copy_rows
from app.core.db import table_of
from app.insights.facts import rebuild_facts
from app.insights.models import (
    ANY_CAMPAIGN,
    InsightChip,
    InsightCollateral,
    InsightCollateralPage,
    InsightCount,
    InsightFact,
    InsightLeadVisit,
    InsightRoll,
    InsightSetAside,
)
from app.insights.periods import GRAINS, SECONDS_BUCKETS, WORDS, day_bits, period_start
from app.insights.roller import counted_day, lock_roll
from app.outcomes.models import WON, Outcome

AGGREGATES = (
    InsightCount,
    InsightChip,
    InsightLeadVisit,
    InsightCollateral,
    InsightCollateralPage,
)
SLICES = (("all", "''"), ("team", "f.team"), ("region", "f.region"), ("segment", "f.segment"))
TEMP = ("insight_tmp_period", "insight_tmp_bit", "insight_tmp_chip", "insight_tmp_view",
        "insight_tmp_page")  # fmt: skip


def _temp_tables(session: Session, days: list[date]) -> None:
    meta = MetaData()
    period = Table(
        "insight_tmp_period", meta,
        Column("day", Date), Column("grain", Integer), Column("period", Date),
        prefixes=["TEMPORARY"],
    )  # fmt: skip
    bit = Table(
        "insight_tmp_bit", meta,
        Column("day", Date), Column("block", Integer), Column("word", Integer),
        Column("bit", BigInteger),
        prefixes=["TEMPORARY"],
    )  # fmt: skip
    connection = session.connection()
    period.create(connection)
    bit.create(connection)
    copy_rows(
        session,
        period,
        ("day", "grain", "period"),
        ((d, g, period_start(d, g)) for d in days for g in GRAINS),
    )
    copy_rows(
        session,
        bit,
        ("day", "block", "word", "bit"),
        ((d, *bits) for d in days for bits in day_bits(d)),
    )
    connection.exec_driver_sql("CREATE INDEX insight_tmp_period_day ON insight_tmp_period (day)")


def _drop_temp(session: Session) -> None:
    for name in TEMP:
        session.execute(text(f"DROP TABLE IF EXISTS {name}"))


def _json_items(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"json_array_elements_text({column}) AS j(value)"
    return f"json_each({column}) AS j"


def rebuild_aggregates(session: Session) -> None:
    """Recompute every aggregate table from the active `insight_fact` rows (chips: those
    each fact is counted with)."""
    dialect = session.get_bind().dialect.name
    for model in AGGREGATES:
        session.execute(delete(model))
    _drop_temp(session)
    fact = table_of(InsightFact)
    # Facts of days outside the calendar the figures cover count nowhere (the roller sets
    # their backlog entries aside).
    days = sorted(d for (d,) in session.execute(select(fact.c.day).distinct()) if counted_day(d))
    _temp_tables(session, days)
    run = session.execute
    for kind, value in SLICES:
        only = "" if kind == "all" else f"AND {value} <> ''"
        by = "" if kind == "all" else f"{value}, "
        run(text(f"""
            INSERT INTO insight_count (kind, value, grain, period, campaign_key, code, n)
            SELECT '{kind}', {value}, m.grain, m.period, f.campaign_key, f.code, COUNT(*)
            FROM insight_fact f JOIN insight_tmp_period m ON m.day = f.day
            WHERE f.active {only}
            GROUP BY {by}m.grain, m.period, f.campaign_key, f.code"""))  # fmt: skip
    run(text(f"""
        CREATE TEMPORARY TABLE insight_tmp_chip AS
        SELECT DISTINCT f.outcome_id, f.day, f.campaign_key, f.team, f.region, f.segment,
               j.value AS chip
        FROM insight_fact f, {_json_items(dialect, "f.details")}
        WHERE f.active"""))  # fmt: skip
    for kind, value in SLICES:
        only = "" if kind == "all" else f"AND {value} <> ''"
        by = "" if kind == "all" else f"{value}, "
        run(text(f"""
            INSERT INTO insight_chip (kind, value, grain, period, campaign_key, chip, n)
            SELECT '{kind}', {value}, m.grain, m.period, f.campaign_key, f.chip, COUNT(*)
            FROM insight_tmp_chip f JOIN insight_tmp_period m ON m.day = f.day
            WHERE 1 = 1 {only}
            GROUP BY {by}m.grain, m.period, f.campaign_key, f.chip"""))  # fmt: skip
    buckets = " ".join(
        f"WHEN v.seconds >= {b} THEN {b}" for b in sorted(SECONDS_BUCKETS, reverse=True) if b
    )
    run(text(f"""
        CREATE TEMPORARY TABLE insight_tmp_view AS
        SELECT f.day, f.campaign_key, v.collateral_id, v.outcome_id, v.pages,
               CASE WHEN f.code = '{WON}' THEN 1 ELSE 0 END AS won,
               CASE {buckets} ELSE 0 END AS bucket
        FROM insight_fact f JOIN outcome_collateral_view v ON v.outcome_id = f.outcome_id
        WHERE f.active"""))  # fmt: skip
    seconds_columns = ", ".join(f"s{i}" for i in range(len(SECONDS_BUCKETS)))
    seconds_sums = ", ".join(
        f"SUM(CASE WHEN x.bucket = {b} THEN 1 ELSE 0 END)" for b in SECONDS_BUCKETS
    )
    run(text(f"""
        INSERT INTO insight_collateral
            (grain, period, campaign_key, collateral_id, viewed, won_viewed, fit_up, fit_down,
             {seconds_columns})
        SELECT m.grain, m.period, x.campaign_key, x.collateral_id,
               SUM(x.viewed), SUM(x.won), SUM(x.up), SUM(x.down), {seconds_sums}
        FROM (
            SELECT day, campaign_key, collateral_id, 1 AS viewed, won, 0 AS up, 0 AS down,
                   bucket
            FROM insight_tmp_view
            UNION ALL
            SELECT f.day, f.campaign_key, t.collateral_id, 0, 0,
                   CASE WHEN t.fit = 'up' THEN 1 ELSE 0 END,
                   CASE WHEN t.fit = 'up' THEN 0 ELSE 1 END, -1
            FROM insight_fact f JOIN outcome_collateral_fit t ON t.outcome_id = f.outcome_id
            WHERE f.active
        ) x JOIN insight_tmp_period m ON m.day = x.day
        GROUP BY m.grain, m.period, x.campaign_key, x.collateral_id"""))  # fmt: skip
    run(text(f"""
        CREATE TEMPORARY TABLE insight_tmp_page AS
        SELECT DISTINCT x.day, x.campaign_key, x.collateral_id, x.outcome_id,
               CAST(j.value AS INTEGER) AS page
        FROM insight_tmp_view x, {_json_items(dialect, "x.pages")}"""))  # fmt: skip
    run(text("""
        INSERT INTO insight_collateral_page (grain, period, campaign_key, collateral_id, page, n)
        SELECT m.grain, m.period, x.campaign_key, x.collateral_id, x.page, COUNT(*)
        FROM insight_tmp_page x JOIN insight_tmp_period m ON m.day = x.day
        WHERE x.page > 0 AND x.page < 100000
        GROUP BY m.grain, m.period, x.campaign_key, x.collateral_id, x.page"""))  # fmt: skip
    words = ", ".join(f"SUM(CASE WHEN b.word = {i} THEN b.bit ELSE 0 END)" for i in range(WORDS))
    names = ", ".join(f"w{i}" for i in range(WORDS))
    for kind, value in SLICES:
        only = "" if kind == "all" else f"AND {value} <> ''"
        run(text(f"""
            INSERT INTO insight_lead_visit (kind, value, block, campaign_key, lead_id, {names})
            SELECT '{kind}', d.value, b.block, d.campaign_key, d.lead_id, {words}
            FROM (
                SELECT DISTINCT {value} AS value, f.campaign_key, f.lead_id, f.day
                FROM insight_fact f WHERE f.active {only}
                UNION
                SELECT DISTINCT {value} AS value, '{ANY_CAMPAIGN}', f.lead_id, f.day
                FROM insight_fact f WHERE f.active {only}
            ) d JOIN insight_tmp_bit b ON b.day = d.day
            GROUP BY d.value, b.block, d.campaign_key, d.lead_id"""))  # fmt: skip
    _drop_temp(session)


def rebuild_rollups(session: Session, *, refresh_facts: bool = True) -> None:
    """Recompute everything from the outcome tables, in the caller's transaction.

    With `refresh_facts=True` `insight_fact` is rebuilt too, taking today's lead and rep
    attributes; with False the attributes recorded at outcome time are kept.
    """
    lock_roll(session)  # not while a roller adds to what is being recounted
    if refresh_facts:
        rebuild_facts(session)
    rebuild_aggregates(session)


def reconcile(session: Session) -> None:
    """Make a restored insights file agree with the restored main file (SQLite).

    The insights file is copied after the main one, so it may hold facts of outcomes, or of
    retractions, that the main copy lacks, and its progress may run past the main copy's
    backlog. Facts are made to match the outcomes (their attributes at outcome time stay, their
    chips are the outcome's), progress is set back to what the main copy numbered last
    (entries set aside beyond it are forgotten), and the aggregates are counted again from
    the facts.
    """
    through = lock_roll(session)
    fact, outcome = table_of(InsightFact), table_of(Outcome)
    known = select(outcome.c.id).where(outcome.c.id == fact.c.outcome_id)
    session.execute(delete(fact).where(~known.exists()))
    retracted = select(outcome.c.retracted_at.is_(None)).where(outcome.c.id == fact.c.outcome_id)
    chips = select(outcome.c.details).where(outcome.c.id == fact.c.outcome_id)
    session.execute(
        update(fact).values(active=retracted.scalar_subquery(), details=chips.scalar_subquery())
    )
    numbered = session.execute(
        text("SELECT seq FROM main.sqlite_sequence WHERE name = 'insight_backlog'")
    ).scalar()
    roll, aside = table_of(InsightRoll), table_of(InsightSetAside)
    session.execute(update(roll).values(rolled_through=min(through, int(numbered or 0))))
    # Entries the main copy does not hold: their numbers will be given again.
    session.execute(delete(aside).where(aside.c.seq > int(numbered or 0)))
    rebuild_aggregates(session)
