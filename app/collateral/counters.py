"""Counter-collateral: items that answer an objection, recommended when a visit logs it.

Marketing marks an item as answering detail chips (`Collateral.answers`, e.g. "price"). When a
visit on a lead logs such a chip (a new outcome, or an amendment adding chips), the current
items of the lead's campaign that answer it are recommended on the lead, with the reason, in
the same transaction: `Lead.recommendation_reasons[collateral id] = {"objection", "said_on"}`.
Marketing's own list (`recommended_collateral_ids`) is left as it is; phones show it first.

Only the push writes the reasons. Pushes of different reps run side by side on PostgreSQL, and
two of them can name one lead (a visit logged before the lead moved to another rep, and one by
its new rep): the leads are read locked, so that neither loses the other's reason. Without
waiting: a lead another transaction holds (the other push, a marketing edit, an import) gets
the push a 503, and the phone sends it again a second later (`locked_now_or_busy`).
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlmodel import Session, col

from app.collateral.lead_table import LEAD
from app.collateral.models import Collateral
from app.collateral.service import current_collateral_of
from app.core import errors
from app.core.db import locked_now_or_busy, table_of
from app.core.time import as_utc
from app.outcomes.models import OutcomeCode
from app.push.notices import NoticeKind, notify_each


def known_chips(session: Session) -> set[str]:
    """Every detail chip of any outcome code (inactive codes' too: their history stays)."""
    code = table_of(OutcomeCode).c
    return {chip for (details,) in session.execute(select(code.details)) for chip in details}


def checked_answers(session: Session, answers: list[str]) -> list[str]:
    """The chips an item answers, each once; a chip no outcome code has is refused by name."""
    known = known_chips(session)
    unknown = [chip for chip in answers if chip not in known]
    if unknown:
        raise errors.BadRequest(
            f"answers: {unknown[0]!r} is not a detail chip of any outcome code",
            code="unknown_chip",
            params={"chip": unknown[0]},
        )
    return list(dict.fromkeys(answers))


@dataclass(frozen=True, slots=True)
class Objection:
    """Chips logged at a visit to a lead."""

    lead_id: uuid.UUID
    chips: list[str]
    occurred_at: datetime


# Built once (every push with chips runs them).
_NAMED_LEADS = select(
    LEAD.c.id, LEAD.c.rep_id, LEAD.c.campaign_id, LEAD.c.recommendation_reasons
).where(LEAD.c.id.in_(bindparam("ids", expanding=True)))
_COUNTER_ITEMS = (
    current_collateral_of(bindparam("campaigns", expanding=True))
    .with_only_columns(col(Collateral.id), col(Collateral.campaign_id), col(Collateral.answers))
    .order_by(col(Collateral.created_at), col(Collateral.id))
)


def recommend_counters(
    session: Session, objections: Iterable[Objection], *, now: datetime, zone: ZoneInfo
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Recommend the counter-items of the objections on their leads; returns the (lead, rep)
    pairs whose reasons changed (their phones need the lead again). `said_on` is the visit's
    day on the organisation's clock (`zone`).

    A reason already stored is replaced only by one from a later day, so a retried push or a
    replayed amendment changes nothing; a rep is notified only of an item new to a lead."""
    said = sorted((o for o in objections if o.chips), key=lambda o: as_utc(o.occurred_at))
    if not said:
        return set()
    lead = LEAD
    rows = locked_now_or_busy(session, _NAMED_LEADS, {"ids": list({o.lead_id for o in said})})
    leads: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID | None]] = {r[0]: (r[1], r[2]) for r in rows}
    reasons: dict[uuid.UUID, dict[str, dict[str, str]]] = {r[0]: dict(r[3] or {}) for r in rows}
    counters = _counters_of(session, {r[2] for r in rows if r[2] is not None})
    changed: set[uuid.UUID] = set()
    fresh: dict[uuid.UUID, uuid.UUID] = {}  # lead given an item new to it -> its rep
    for objection in said:
        rep_id, campaign_id = leads.get(objection.lead_id, (None, None))
        if rep_id is None or campaign_id is None:
            continue
        day = as_utc(objection.occurred_at).astimezone(zone).date().isoformat()
        held = reasons[objection.lead_id]
        for item_id, chip in _answering(counters.get(campaign_id, []), objection.chips):
            before = held.get(str(item_id))
            if before is not None and before.get("said_on", "") > day:
                continue
            reason = {"objection": chip, "said_on": day}
            if before != reason:
                held[str(item_id)] = reason
                changed.add(objection.lead_id)
                if before is None:
                    fresh[objection.lead_id] = rep_id
    if changed:  # one statement for all leads (executemany)
        session.execute(
            update(lead)
            .where(lead.c.id == bindparam("lead_id"))
            .values(recommendation_reasons=bindparam("reasons"), updated_at=now),
            [{"lead_id": i, "reasons": reasons[i]} for i in sorted(changed)],
        )
    # Neutral words: a notification shows on a locked screen, so no customer and no chip.
    notify_each(
        session,
        [(rep, lead_id, "Material recommended for a lead") for lead_id, rep in fresh.items()],
        kind=NoticeKind.counter_collateral,
    )
    return {(lead_id, leads[lead_id][0]) for lead_id in changed}


def _answering(
    items: list[tuple[uuid.UUID, list[str]]], chips: list[str]
) -> Iterable[tuple[uuid.UUID, str]]:
    """The items answering one of the chips, each with the first chip it answers."""
    for item_id, answers in items:
        chip = next((c for c in chips if c in answers), None)
        if chip is not None:
            yield item_id, chip


def _counters_of(
    session: Session, campaign_ids: set[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, list[str]]]]:
    """Per campaign: its current items that answer some chip, oldest first."""
    found: dict[uuid.UUID, list[tuple[uuid.UUID, list[str]]]] = defaultdict(list)
    if not campaign_ids:
        return found
    rows = session.execute(_COUNTER_ITEMS, {"campaigns": list(campaign_ids)})
    for item_id, campaign_id, answers in rows:
        if answers:
            found[campaign_id].append((item_id, list(answers)))
    return found


def reasons_for_phone(
    reasons: dict[str, dict[str, str]], resolve: dict[str, uuid.UUID]
) -> list[dict[str, object]]:
    """A lead's reasons as phones get them: each on the version they may see now (`resolve`:
    stored id -> current visible id), the newest objection first, one per item."""
    out: dict[uuid.UUID, dict[str, object]] = {}
    ordered = sorted(reasons.items(), key=lambda kv: (kv[1].get("said_on", ""), kv[0]))
    for stored_id, reason in reversed(ordered):
        current = resolve.get(stored_id)
        if current is not None and current not in out:
            out[current] = {"collateral_id": current, **reason}
    return list(out.values())
