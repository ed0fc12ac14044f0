"""One action on many leads: assign to a rep, move to a campaign, or delete.

The selection is either listed ids or "every lead matching the list's filter" (all pages), and
the request names how many leads the marketer confirmed: when the selection holds another
number by now, nothing changes (409), so a confirmation never acts on leads nobody saw counted.
"""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.changes.log import record_changes
from app.core import errors
from app.leads.models import Lead
from app.leads.schemas import BulkAction, LeadBulk, LeadsChanged
from app.leads.service import (
    assign_leads,
    check_campaign,
    holding_changes,
    lead_conditions,
    lock_existing,
    move_holdings,
)


def apply(session: Session, body: LeadBulk) -> LeadsChanged:
    ids = selected_ids(session, body)
    if body.action == BulkAction.assign:
        assert body.rep_id is not None  # the schema checked it
        changed, unchanged = assign_leads(session, lead_ids=ids, rep_id=body.rep_id)
    elif body.action == BulkAction.move:
        assert body.campaign_id is not None
        changed, unchanged = move_leads(session, ids, body.campaign_id)
    else:
        changed, unchanged = delete_leads(session, ids), 0
    return LeadsChanged(action=body.action, changed=changed, unchanged=unchanged)


def selected_ids(session: Session, body: LeadBulk) -> list[uuid.UUID]:
    if body.lead_ids is not None:
        ids = list(dict.fromkeys(body.lead_ids))
    else:
        assert body.matching is not None
        conditions = lead_conditions(**body.matching.model_dump())
        ids = list(session.exec(select(Lead.id).where(*conditions).order_by(col(Lead.id))))
    if len(ids) != body.expected_count:
        raise errors.Conflict(
            f"expected_count: the selection holds {len(ids)} leads now, not "
            f"{body.expected_count}; reload and confirm again",
            code="selection_changed",
            params={"count": len(ids), "expected": body.expected_count},
        )
    return ids


def move_leads(session: Session, ids: list[uuid.UUID], campaign_id: uuid.UUID) -> tuple[int, int]:
    check_campaign(session, campaign_id)
    moving = move_holdings(session, ids, "campaign_id", campaign_id)
    return len(moving), len(ids) - len(moving)


def delete_leads(session: Session, ids: list[uuid.UUID]) -> int:
    """Outcomes keep the lead's id without a foreign key, so history survives the delete."""
    current = lock_existing(session, ids)
    record_changes(
        session, [change for i in ids for change in holding_changes(i, current[i], None)]
    )
    session.execute(
        delete(Lead).where(col(Lead.id).in_(ids)).execution_options(synchronize_session=False)
    )
    return len(ids)
