"""Aggregates behind the insights API, kept in step with outcomes in the writing transaction.

Design (see `app/insights/README.md` for the argument why it is exact):

- `insight_fact`: one row per outcome ever stored, with the attributes it is counted under,
  taken at outcome time: `region` and `segment` from the lead, `team` from the rep, the UTC day
  of `occurred_at`. A retraction flips `active` and subtracts exactly what was added, even if
  the lead moved region in between.
- `insight_count` / `insight_chip`: additive counts per (kind, value, grain, period,
  campaign, code | chip). `kind` is the filter dimension the row answers (`all`, `team`,
  `region`, `segment`) and `value` its value; `grain` is a period length in days (1, 7, 28,
  112) and `period` its first day, aligned to a Monday epoch. A date range is cut into the
  fewest aligned periods, so a year reads a few dozen periods, not 365 days.
- `insight_lead_visit`: per (kind, value, two-year block, campaign or "*", lead) the days
  with at least one outcome, as a bitmap in twelve 62-bit words. Unique leads over a range
  within two calendar years is a count of rows whose masked bits are non-zero: exact, and
  one row per lead.
- `insight_collateral*`: per (grain, period, campaign, collateral) viewed visits, won visits
  among them, fit up/down and a viewing-time histogram (columns s0..s17, for the median),
  plus page counts in `insight_collateral_page`.

String keys use "" for "none" (no campaign, no region) because key columns cannot be NULL.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, SmallInteger, text
from sqlmodel import Field, SQLModel

from app.core.types import UtcDateTime

NO_CAMPAIGN = ""
ANY_CAMPAIGN = "*"
# Aggregates are read by primary-key ranges: on SQLite, store them clustered by that key.
CLUSTERED = {"sqlite_with_rowid": False}


class InsightFact(SQLModel, table=True):
    __tablename__ = "insight_fact"
    # Read by outcome (the primary key) and by lead and day (a retraction's "visited by
    # others?"); every push writes each index, so there are no others.
    __table_args__ = (Index("ix_insight_fact_lead_day", "lead_id", "day"),)

    outcome_id: uuid.UUID = Field(primary_key=True)
    lead_id: uuid.UUID
    rep_id: uuid.UUID
    campaign_key: str = Field(max_length=36)
    code: str = Field(max_length=40)
    day: date
    region: str = Field(max_length=100)
    segment: str = Field(max_length=100)
    team: str = Field(max_length=100)
    active: bool = True
    # The detail chips this fact is counted with (an amendment replaces them, counted anew).
    details: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False, server_default=text("'[]'")),
    )


class SlicePeriodKey(SQLModel):
    """The leading key of the counter tables: which slice, which aligned period, which
    campaign (in this order: it is also the primary key's index order for range reads)."""

    kind: str = Field(primary_key=True, max_length=10)
    value: str = Field(primary_key=True, max_length=100)
    grain: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    period: date = Field(primary_key=True)
    campaign_key: str = Field(primary_key=True, max_length=36)


class InsightCount(SlicePeriodKey, table=True):
    __tablename__ = "insight_count"
    __table_args__ = CLUSTERED

    code: str = Field(primary_key=True, max_length=40)
    n: int = 0


class InsightChip(SlicePeriodKey, table=True):
    __tablename__ = "insight_chip"
    __table_args__ = CLUSTERED

    chip: str = Field(primary_key=True, max_length=100)
    n: int = 0


class InsightLeadVisit(SQLModel, table=True):
    """Bit `i % 62` of word `i // 62` is day `i` counted from 1 January of year `block`; a
    block spans two calendar years. `campaign_key` "*" holds the visits of any campaign."""

    __tablename__ = "insight_lead_visit"
    __table_args__ = CLUSTERED

    kind: str = Field(primary_key=True, max_length=10)
    value: str = Field(primary_key=True, max_length=100)
    block: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    campaign_key: str = Field(primary_key=True, max_length=36)
    lead_id: uuid.UUID = Field(primary_key=True)
    w0: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w1: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w2: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w3: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w4: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w5: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w6: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w7: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w8: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w9: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w10: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    w11: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class InsightCollateral(SQLModel, table=True):
    __tablename__ = "insight_collateral"
    __table_args__ = CLUSTERED

    grain: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    period: date = Field(primary_key=True)
    campaign_key: str = Field(primary_key=True, max_length=36)
    collateral_id: uuid.UUID = Field(primary_key=True)
    viewed: int = 0
    won_viewed: int = 0
    fit_up: int = 0
    fit_down: int = 0
    # Viewing-time histogram: s<i> counts views in bucket SECONDS_BUCKETS[i].
    s0: int = 0
    s1: int = 0
    s2: int = 0
    s3: int = 0
    s4: int = 0
    s5: int = 0
    s6: int = 0
    s7: int = 0
    s8: int = 0
    s9: int = 0
    s10: int = 0
    s11: int = 0
    s12: int = 0
    s13: int = 0
    s14: int = 0
    s15: int = 0
    s16: int = 0
    s17: int = 0


class InsightCollateralPage(SQLModel, table=True):
    __tablename__ = "insight_collateral_page"
    __table_args__ = CLUSTERED

    grain: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    period: date = Field(primary_key=True)
    campaign_key: str = Field(primary_key=True, max_length=36)
    collateral_id: uuid.UUID = Field(primary_key=True)
    page: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    n: int = 0


class InsightBacklog(SQLModel, table=True):
    """Outcomes stored (+1) or retracted (-1) and not yet rolled up, in order. Written by the
    push's transaction (main file); read and pruned by the roller (app/insights/roller.py)."""

    __tablename__ = "insight_backlog"
    # Numbers never come back once the rolled-up entries are deleted (the roller's progress is
    # a number: an entry numbered below it would never be rolled up).
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    outcome_id: uuid.UUID
    sign: int = Field(sa_column=Column(SmallInteger, nullable=False))
    # +1 entries carry the outcome's fact as it is when the push stores it (attributes at
    # outcome time, however late the roll-up); -1 entries leave these empty.
    lead_id: uuid.UUID | None = None
    rep_id: uuid.UUID | None = None
    campaign_key: str | None = Field(default=None, max_length=36)
    code: str | None = Field(default=None, max_length=40)
    day: date | None = None
    region: str | None = Field(default=None, max_length=100)
    segment: str | None = Field(default=None, max_length=100)
    team: str | None = Field(default=None, max_length=100)


class InsightRoll(SQLModel, table=True):
    """One row: the backlog is rolled up through `rolled_through` (kept beside the aggregates,
    so both move in one commit). Locking this row is how one roller at a time is ensured."""

    __tablename__ = "insight_roll"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    rolled_through: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class InsightSetAside(SQLModel, table=True):
    """Backlog entries the roller could not roll up (a value no figure can hold, e.g. a tap in
    year 1 stored before the API refused such times), with why: counted nowhere, never retried
    by the roller, shown in `/readyz`; the entries behind them are rolled up as usual. The
    entry is kept whole (fact included), so it can be looked into after the backlog is
    pruned."""

    __tablename__ = "insight_set_aside"

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    outcome_id: uuid.UUID
    sign: int = Field(sa_column=Column(SmallInteger, nullable=False))
    lead_id: uuid.UUID | None = None
    rep_id: uuid.UUID | None = None
    campaign_key: str | None = Field(default=None, max_length=36)
    code: str | None = Field(default=None, max_length=40)
    day: date | None = None
    region: str | None = Field(default=None, max_length=100)
    segment: str | None = Field(default=None, max_length=100)
    team: str | None = Field(default=None, max_length=100)
    reason: str = Field(max_length=500)
    set_aside_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


# Tables of the insights file on SQLite (attached as `insights`, see app/core/db.py); on
# PostgreSQL they are ordinary tables of the one database.
INSIGHTS_SCHEMA = "insights"
INSIGHTS_FILE_TABLES = (
    "insight_fact", "insight_count", "insight_chip", "insight_lead_visit", "insight_collateral",
    "insight_collateral_page", "insight_roll", "insight_set_aside",
)  # fmt: skip
