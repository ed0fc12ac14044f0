"""`notify_reps`: tell reps that something new is waiting for them.

It imports no other feature, so campaigns, leads and signals can call it inside their own
transaction. It only writes outbox rows (`push_notice`); if the transaction rolls back, no
notification goes out, and once it commits the sender will deliver it, from any app process.
"""

import uuid
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import insert
from sqlmodel import Session

from app.core.time import utcnow
from app.push.models import PushNotice

TITLE_MAX = 120
BODY_MAX = 300


class NoticeKind(StrEnum):
    new_leads = "new_leads"
    new_campaign = "new_campaign"
    new_collateral = "new_collateral"
    signal_answered = "signal_answered"
    counter_collateral = "counter_collateral"  # it answers an objection said on a lead
    share_opened = "share_opened"  # a customer opened a shared link for the first time


def notify_reps(
    session: Session,
    rep_ids: Iterable[uuid.UUID],
    *,
    kind: NoticeKind,
    target_id: uuid.UUID | str,
    title: str,
    body: str = "",
) -> None:
    """Queue one notice per rep. Several notices for one rep within the coalescing window
    (`settings.push_coalesce_seconds`) become one notification ("3 new briefs")."""
    notify_each(
        session, [(rep, target_id, title) for rep in dict.fromkeys(rep_ids)], kind=kind, body=body
    )


def notify_each(
    session: Session,
    items: Iterable[tuple[uuid.UUID, uuid.UUID | str, str]],
    *,
    kind: NoticeKind,
    body: str = "",
) -> None:
    """Bulk form for imports: one notice per (rep id, target id, title), written in batches."""
    now = utcnow()
    rows = [
        {
            "rep_id": rep,
            "kind": NoticeKind(kind).value,
            "target_id": str(target_id),
            "title": title[:TITLE_MAX],
            "body": body[:BODY_MAX],
            "created_at": now,
        }
        for rep, target_id, title in items
    ]
    for start in range(0, len(rows), 1000):
        session.execute(insert(PushNotice), rows[start : start + 1000])
