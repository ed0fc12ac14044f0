"""Signals on the marketing side: the inbox and acknowledging (with an optional reply).

Reps send signals through sync push (`signal.send`); an acknowledgement is recorded for that
rep's phones, which show it beside the signal.
"""

import uuid

from sqlmodel import Session, col, select

from app.auth.models import User
from app.campaigns.models import Campaign
from app.changes.log import SyncEntity, record_change
from app.core.time import utcnow
from app.leads.models import Lead
from app.push.notices import NoticeKind, notify_reps
from app.signals.models import Signal, SignalStatus
from app.signals.schemas import Ref, SignalPublic, SignalSync
from app.webhooks import events as webhook_events


def list_signals(
    session: Session, *, status: SignalStatus | None, limit: int, offset: int
) -> list[SignalPublic]:
    query = select(Signal).order_by(col(Signal.occurred_at).desc(), col(Signal.id))
    if status is not None:
        query = query.where(Signal.status == status)
    signals = list(session.exec(query.offset(offset).limit(limit)))
    return describe(session, signals)


def describe(session: Session, signals: list[Signal]) -> list[SignalPublic]:
    user_ids = {s.rep_id for s in signals} | {
        s.acknowledged_by_id for s in signals if s.acknowledged_by_id
    }
    lead_ids = {s.lead_id for s in signals if s.lead_id}
    campaign_ids = {s.campaign_id for s in signals if s.campaign_id}
    users = _names(session, User, User.name, user_ids)
    leads = _names(session, Lead, Lead.company, lead_ids)
    campaigns = _names(session, Campaign, Campaign.name, campaign_ids)
    return [
        SignalPublic(
            id=s.id,
            kind=s.kind,
            text=s.text,
            rep=Ref(id=s.rep_id, name=users.get(s.rep_id, "")),
            lead=_ref(s.lead_id, leads),
            campaign=_ref(s.campaign_id, campaigns),
            occurred_at=s.occurred_at,
            created_at=s.created_at,
            status=s.status,
            acknowledged_at=s.acknowledged_at,
            acknowledged_by=_ref(s.acknowledged_by_id, users),
            reply=s.reply,
        )
        for s in signals
    ]


def _names(
    session: Session, model: type[User | Lead | Campaign], column: object, ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.exec(select(model.id, column).where(col(model.id).in_(ids)))  # type: ignore[call-overload]
    return {i: str(name) for i, name in rows}


def _ref(value: uuid.UUID | None, names: dict[uuid.UUID, str]) -> Ref | None:
    if value is None:
        return None
    return Ref(id=value, name=names.get(value, ""))


def acknowledge(session: Session, *, signal: Signal, by: User, reply: str) -> Signal:
    """Acknowledge (again, to change the reply); the rep's phones get it at their next pull."""
    signal.status = SignalStatus.acknowledged
    signal.acknowledged_at = utcnow()
    signal.acknowledged_by_id = by.id
    signal.reply = reply
    session.add(signal)
    session.flush()
    record_change(session, SyncEntity.signal, signal.id, rep_ids=[signal.rep_id])
    webhook_events.signal_acknowledged(session, signal)
    notify_reps(
        session,
        [signal.rep_id],
        kind=NoticeKind.signal_answered,
        target_id=signal.id,
        title="Marketing answered your signal",
        body=reply,
    )
    return signal


def signals_for_phone(
    session: Session,
    rep_id: uuid.UUID,
    *,
    after: uuid.UUID | None = None,
    limit: int | None = None,
    named: set[uuid.UUID] | None = None,
) -> list[SignalSync]:
    """The rep's own signals (a snapshot page: ids after `after`, up to `limit`), or those
    of them `named`; in id order, with marketing's acknowledgement and reply."""
    query = select(Signal).where(Signal.rep_id == rep_id)
    if named is not None:
        query = query.where(col(Signal.id).in_(named))
    if after is not None:
        query = query.where(col(Signal.id) > after)
    query = query.order_by(col(Signal.id))
    if limit is not None:
        query = query.limit(limit)
    return [SignalSync.model_validate(s, from_attributes=True) for s in session.exec(query)]
