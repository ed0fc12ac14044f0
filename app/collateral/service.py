"""Collateral: versions, uploads, and who may see which file."""

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import BindParameter, String, bindparam, cast, or_, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.auth.models import Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.campaigns.service import is_campaign_visible, reached_rep_ids
from app.changes.log import SyncEntity, record_change, record_changes
from app.collateral import history
from app.collateral.filenames import clean_filename
from app.collateral.freshness import FreshnessDate, Tags, is_expired
from app.collateral.history import ChangeAction
from app.collateral.lead_table import LEAD
from app.collateral.models import Collateral, CollateralKind
from app.collateral.schemas import Description, Segments, Title
from app.collateral.sniff import MAX_PIXELS, claimed_kind, declared_pixels, sniff
from app.collateral.upload import MultipartForm
from app.core import errors
from app.core.db import NO_KEY_UPDATE, locked
from app.core.storage import BlobStorage
from app.core.text import fold
from app.core.time import utcnow
from app.push.notices import NoticeKind, notify_reps

# --- visibility (shared with sync and the file route) ---------------------------------------


def current_collateral_of(
    campaign_ids: Iterable[uuid.UUID] | BindParameter[Any],
) -> SelectOfScalar[Collateral]:
    """The current (not replaced, not deleted) collateral of the given campaigns (or of an
    expanding parameter, for a statement built once)."""
    ids = campaign_ids if isinstance(campaign_ids, BindParameter) else list(campaign_ids)
    return select(Collateral).where(
        col(Collateral.campaign_id).in_(ids),
        col(Collateral.replaced_by_id).is_(None),
        col(Collateral.deleted_at).is_(None),
    )


def fresh_collateral_of(
    campaign_ids: Iterable[uuid.UUID], today: date
) -> SelectOfScalar[Collateral]:
    """The current collateral of the given campaigns that has not expired by `today` (the
    organisation's date): what reps are given."""
    return current_collateral_of(campaign_ids).where(
        or_(col(Collateral.valid_until).is_(None), col(Collateral.valid_until) >= today)
    )


def is_recommended_to(session: Session, collateral_id: uuid.UUID, rep_id: uuid.UUID) -> bool:
    """Is this collateral item recommended on one of the rep's own leads?"""
    lead = LEAD.c
    query = select(lead.id).where(
        lead.rep_id == rep_id,
        cast(lead.recommended_collateral_ids, String).contains(str(collateral_id)),
    )
    return session.execute(query.limit(1)).first() is not None


def is_collateral_visible(
    session: Session, item: Collateral, user: User, today: date | None = None
) -> bool:
    """Marketing and admin: any item. A rep: a current item, not expired by `today` (the
    organisation's date), of a campaign they see (live, in their audience or holding one of
    their leads), or one recommended on their own leads."""
    if user.role in (Role.marketing, Role.admin):
        return True
    if not item.is_current or (today is not None and is_expired(item.valid_until, today)):
        return False
    campaign = session.get(Campaign, item.campaign_id)
    if campaign is not None and is_campaign_visible(session, campaign, user):
        return True
    return is_recommended_to(session, item.id, user.id)


def collateral_for_file(
    session: Session, sha256: str, user: User, today: date | None = None
) -> Collateral | None:
    """A collateral item using the blob `sha256` that `user` may see (newest first)."""
    items = session.exec(
        select(Collateral)
        .where(Collateral.sha256 == sha256)
        .order_by(col(Collateral.created_at).desc())
    ).all()
    items = sorted(items, key=lambda c: not c.is_current)  # prefer current versions' names
    return next((c for c in items if is_collateral_visible(session, c, user, today)), None)


# --- writing (marketing) ---------------------------------------------------------------------


def _valid(adapter: TypeAdapter[Any], name: str, value: object) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise errors.BadRequest(f"{name}: {exc.errors()[0]['msg']}") from exc


_TITLE: TypeAdapter[str] = TypeAdapter(Title)
_DESCRIPTION: TypeAdapter[str] = TypeAdapter(Description)
_SEGMENTS: TypeAdapter[list[str]] = TypeAdapter(Segments)
_TAGS: TypeAdapter[list[str]] = TypeAdapter(Tags)
_DATE: TypeAdapter[date | None] = TypeAdapter(FreshnessDate)


def _form_date(fields: dict[str, str], name: str) -> date | None:
    raw = fields.get(name, "").strip()
    return _valid(_DATE, name, raw) if raw else None


def _link(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise errors.BadRequest("url: must be an http(s) address of at most 2000 characters")
    return url


def _replaced(session: Session, campaign: Campaign, raw: str | None) -> Collateral | None:
    if not raw:
        return None
    try:
        replaces_id = uuid.UUID(raw)
    except ValueError as exc:
        raise errors.BadRequest("replaces: not a valid id") from exc
    # Locked: of two uploads replacing one version at once, the second finds it replaced.
    old = session.get(Collateral, replaces_id, with_for_update=NO_KEY_UPDATE)
    if old is None or old.campaign_id != campaign.id:
        raise errors.BadRequest("replaces: no such collateral item in this campaign")
    if not old.is_current:
        raise errors.Conflict(
            "replaces: that item was already replaced or deleted", code="already_replaced"
        )
    return old


def create_collateral(
    session: Session,
    *,
    storage: BlobStorage,
    campaign: Campaign,
    form: MultipartForm,
    user: User | None = None,
) -> Collateral:
    """A new item (or a new version of one) from an upload form; checks everything before the
    file is stored, so a refused upload leaves nothing behind."""
    fields = form.fields
    title = _valid(_TITLE, "title", fields.get("title", "").strip())
    description = _valid(_DESCRIPTION, "description", fields.get("description", ""))
    segments = [s.strip() for s in fields.get("segments", "").split(",") if s.strip()]
    segments = _valid(_SEGMENTS, "segments", segments)
    tags = _valid(_TAGS, "tags", [t for t in fields.get("tags", "").split(",") if t.strip()])
    valid_until, review_on = _form_date(fields, "valid_until"), _form_date(fields, "review_on")
    url = fields.get("url", "").strip()
    if (form.file is None) == (not url):
        raise errors.BadRequest("file: send either a file or a url")
    old = _replaced(session, campaign, fields.get("replaces"))
    item = Collateral(
        campaign_id=campaign.id,
        kind=CollateralKind.link,
        title=title,
        description=description,
        segments=segments,
        answers=list(old.answers) if old else [],  # a new version answers what the old did
        tags=tags,
        valid_until=valid_until,
        review_on=review_on,
        version=old.version + 1 if old else 1,
        replaces_id=old.id if old else None,
    )
    if form.file is None:
        item.url = _link(url)
    else:
        blob = form.file
        found = sniff(blob.head)
        if found is None:
            raise errors.UnsupportedMediaType(
                "file: content is not a PDF, PNG, JPEG, WebP image or MP4 video", code="file_type"
            )
        if (declared_pixels(blob.head, blob.path) or 0) > MAX_PIXELS:
            raise errors.UnsupportedMediaType(
                f"file: images may have at most {MAX_PIXELS} pixels",
                code="image_too_large",
                params={"pixels": MAX_PIXELS},
            )
        promised = claimed_kind(form.filename)
        if promised is not None and promised != found.kind:
            raise errors.UnsupportedMediaType(
                f"file: the name promises {promised.value}, but the content is {found.kind.value}",
                code="file_kind_mismatch",
                params={"promised": promised.value, "found": found.kind.value},
            )
        storage.put(blob.path, blob.sha256)
        item.kind = found.kind
        item.sha256 = blob.sha256
        item.size = blob.size
        item.content_type = found.content_type
        item.filename = clean_filename(form.filename, found.extension)
    session.add(item)
    session.flush()
    if old is not None:
        _supersede(session, old=old, new=item)
    history.record(
        session,
        item,
        user=user,
        action=ChangeAction.new_version if old else ChangeAction.created,
        before=history.snapshot(old) if old else None,
    )
    record_change(session, SyncEntity.collateral, item.id)
    if campaign.status == CampaignStatus.live:
        notify_reps(
            session,
            reached_rep_ids(session, campaign),
            kind=NoticeKind.new_collateral,
            target_id=campaign.id,
            title=f"New collateral in {campaign.name}",
            body=item.title,
        )
    return item


def _supersede(session: Session, *, old: Collateral, new: Collateral) -> None:
    """The old version leaves phones; leads that recommended it now recommend the new one.

    The leads are read locked and written before the sync clock is taken (the clock is every
    writer's last lock): their reps are current, and a reassignment in flight, which holds a
    lead and waits for the clock, cannot deadlock with us."""
    lead = LEAD.c
    old_id, new_id = str(old.id), str(new.id)
    recommending = select(lead.id, lead.rep_id, lead.recommended_collateral_ids).where(
        cast(lead.recommended_collateral_ids, String).contains(old_id)
    )
    leads = session.execute(locked(recommending)).all()
    if leads:  # one statement for all leads (executemany)
        session.execute(
            update(LEAD)
            .where(lead.id == bindparam("lead_id"))
            .values(recommended_collateral_ids=bindparam("ids"), updated_at=utcnow()),
            [
                {"lead_id": lead_id, "ids": list(dict.fromkeys(_swapped(ids, old_id, new_id)))}
                for lead_id, _, ids in leads
            ],
        )
    old.replaced_by_id = new.id
    old.updated_at = utcnow()
    session.add(old)
    session.flush()
    record_changes(
        session,
        [(SyncEntity.collateral, old.id, None)]
        + [(SyncEntity.lead, lead_id, rep_id) for lead_id, rep_id, _ in leads],
    )


def _swapped(ids: list[str], old_id: str, new_id: str) -> list[str]:
    return [new_id if i == old_id else i for i in ids]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_collateral(
    session: Session,
    *,
    campaign: Campaign,
    include_history: bool = False,
    q: str | None = None,
    expiring_within: tuple[date, int] | None = None,
) -> list[Collateral]:
    """`q`: in the title or a tag, ignoring case and accents. `expiring_within` (today,
    days): only items valid until a day from today to `days` ahead (not yet expired)."""
    query = (
        select(Collateral)
        .where(Collateral.campaign_id == campaign.id)
        .order_by(col(Collateral.created_at), col(Collateral.id))
    )
    if not include_history:
        query = query.where(
            col(Collateral.replaced_by_id).is_(None), col(Collateral.deleted_at).is_(None)
        )
    needle = fold(q or "")
    if needle:
        pattern = f"%{_escape_like(needle)}%"
        query = query.where(col(Collateral.search_text).like(pattern, escape="\\"))
    if expiring_within is not None:
        today, days = expiring_within
        query = query.where(
            col(Collateral.valid_until) >= today,
            col(Collateral.valid_until) <= today + timedelta(days=days),
        )
    return list(session.exec(query))


def expiring_collateral(
    session: Session, *, today: date, days: int
) -> list[tuple[Collateral, str]]:
    """Current items of any campaign valid until a day from `today` to `days` ahead, with
    their campaign's name, soonest first."""
    query = (
        select(Collateral, Campaign.name)
        .join(Campaign, col(Campaign.id) == Collateral.campaign_id)
        .where(
            col(Collateral.replaced_by_id).is_(None),
            col(Collateral.deleted_at).is_(None),
            col(Collateral.valid_until) >= today,
            col(Collateral.valid_until) <= today + timedelta(days=days),
        )
        .order_by(col(Collateral.valid_until), col(Collateral.title), col(Collateral.id))
        .limit(500)
    )
    return [(item, name) for item, name in session.exec(query)]


# An edit of only these needs no sync: phones do not hold the review date.
_CONSOLE_ONLY = {"review_on"}


def update_collateral(
    session: Session, *, item: Collateral, changes: dict[str, Any], user: User | None = None
) -> Collateral:
    before = history.snapshot(item)
    for name, value in changes.items():
        if value is None and name not in ("valid_until", "review_on"):
            raise errors.BadRequest(f"{name}: may not be null")
        setattr(item, name, value)
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    history.record(session, item, user=user, action=ChangeAction.edited, before=before)
    if set(changes) - _CONSOLE_ONLY:
        record_change(session, SyncEntity.collateral, item.id)
    return item


def delete_collateral(session: Session, *, item: Collateral, user: User | None = None) -> None:
    """Removes the item from phones; the row stays (deleted) for insights."""
    if item.deleted_at is None:
        item.deleted_at = item.updated_at = utcnow()
        session.add(item)
        session.flush()
        history.record(
            session, item, user=user, action=ChangeAction.deleted, before=history.snapshot(item)
        )
        record_change(session, SyncEntity.collateral, item.id)


# --- housekeeping --------------------------------------------------------------------------


def prune_files(session: Session, storage: BlobStorage, *, stored_before: float) -> list[str]:
    """Delete stored files that no collateral row names (current, replaced or deleted ones
    all count), stored before `stored_before` (Unix time: an upload stores its file just before
    its row commits). Returns the hashes deleted."""
    named = set(session.exec(select(Collateral.sha256).where(col(Collateral.sha256).is_not(None))))
    unnamed = [
        sha256
        for sha256, stored_at in storage.stored()
        if sha256 not in named and stored_at < stored_before
    ]
    for sha256 in unnamed:
        storage.delete(sha256)
    return unnamed
