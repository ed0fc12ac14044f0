"""The customer's side of a share (`/s/{token}`, no login) and marketing's shares API."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from app.audit.log import address_of
from app.auth.deps import MarketingUser
from app.auth.models import User
from app.campaigns.models import Campaign
from app.collateral.deps import StorageDep
from app.collateral.filenames import content_disposition
from app.collateral.files import get_file
from app.collateral.models import Collateral
from app.core import errors
from app.core.db import SessionDep
from app.core.inputs import SaneDay
from app.core.time import utcnow
from app.shares import page, service
from app.shares.insights import (
    ShareFilters,
    ShareItemInsight,
    filtered_shares,
    share_insights,
)
from app.shares.limiter import RateLimiter
from app.shares.models import Share
from app.shares.schemas import Beacon, SharePublic, ShareStatus

router = APIRouter(prefix="/shares", tags=["shares"])
public_router = APIRouter(include_in_schema=False)

MAX_BEACON_BYTES = 8192
_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


class ShareGone(errors.AppError):
    status_code = 410


class _Limits:
    def __init__(self, per_minute: int) -> None:
        self.token = RateLimiter(per_minute, 60.0)
        self.address = RateLimiter(per_minute, 60.0)
        self.files = RateLimiter(2 * per_minute, 60.0)


def _limited(request: Request, token: str, *, files: bool = False) -> None:
    limits: _Limits | None = getattr(request.app.state, "share_limits", None)
    if limits is None:
        per_minute = request.app.state.settings.share_limit_per_minute
        limits = request.app.state.share_limits = _Limits(per_minute)
    address = address_of(request) or "unknown"
    per_address = limits.files if files else limits.address
    if not per_address.allow(f"{address}:{files}") or not limits.token.allow(
        f"{token[:64]}:{files}"
    ):
        raise errors.TooManyRequests("Too many requests; try again in a minute", 60)


def _html(body: str, nonce: str, status_code: int = 200) -> HTMLResponse:
    headers = {**_HEADERS, "Content-Security-Policy": page.csp(nonce)}
    return HTMLResponse(body, status_code=status_code, headers=headers)


def _gone_or_missing(share: Share | None) -> HTMLResponse | None:
    nonce = page.new_nonce()
    if share is None:
        text = (
            "This link does not lead anywhere. If it was sent to you just now, it becomes "
            "available within a few minutes; otherwise please ask the sender for a new one."
        )
        return _html(page.notice_page("Not found", text, nonce), nonce, 404)
    if service.status_of(share, utcnow()) != ShareStatus.active:
        text = (
            "This link is no longer available. Please ask the sender if you would like to see "
            "the material again. Thank you for your interest."
        )
        return _html(page.notice_page("No longer available", text, nonce), nonce, 410)
    return None


def _items(session: SessionDep, share: Share) -> list[Collateral]:
    ids = [uuid.UUID(c) for c in share.collateral_ids]
    rows = {c.id: c for c in session.exec(select(Collateral).where(col(Collateral.id).in_(ids)))}
    return [rows[i] for i in ids if i in rows and rows[i].deleted_at is None]


def _count_visit(request: Request, share_id: uuid.UUID, user_agent: str) -> str | None:
    """The visit is written in a write transaction of its own: a GET's session reads in a
    deferred transaction, which SQLite cannot turn into a writer while others write."""
    with Session(request.app.state.engine, expire_on_commit=False) as writer:
        share = writer.get(Share, share_id)
        visit = service.open_visit(writer, share, user_agent) if share else None
        writer.commit()
        return str(visit.id) if visit else None


@public_router.get("/s/{token}")
def share_page(
    token: str,
    request: Request,
    session: SessionDep,
    user_agent: Annotated[str, Header()] = "",
) -> HTMLResponse:
    _limited(request, token)
    share = service.share_of_token(session, token)
    refusal = _gone_or_missing(share)
    if refusal is not None or share is None:
        return refusal  # type: ignore[return-value]
    rep = session.get(User, share.rep_id)
    campaign = session.get(Campaign, share.campaign_id) if share.campaign_id else None
    visit_id = _count_visit(request, share.id, user_agent)
    nonce = page.new_nonce()
    body = page.share_page(
        token=token,
        campaign=campaign.name if campaign else "",
        sender=page.Sender(name=rep.name if rep else "", email=rep.email if rep else ""),
        items=_items(session, share),
        visit=visit_id,
        nonce=nonce,
        reader=page.reader_of(request.app.state.settings.pwa_dist),
    )
    return _html(body, nonce)


@public_router.get("/s/{token}/files/{collateral_id}")
def share_file(
    token: str,
    collateral_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    download: bool = False,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
    if_range: Annotated[str | None, Header()] = None,
) -> Response:
    """One item's file, only of this share, with byte ranges (video seeking)."""
    _limited(request, token, files=True)
    share = service.share_of_token(session, token)
    refusal = _gone_or_missing(share)
    if refusal is not None or share is None:
        return refusal  # type: ignore[return-value]
    item = next((c for c in _items(session, share) if c.id == collateral_id), None)
    if item is None or not item.sha256 or not storage.exists(item.sha256):
        raise errors.NotFound("File not found", code="not_found")
    response = get_file(item, storage, range_header, if_range, None)
    response.headers.update(_HEADERS)
    # Read by the page's pdf.js (a fetch) or opened on its own: never framed.
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    name = item.filename or "file"
    wanted = "attachment" if download and item.shareable_download else "inline"
    response.headers["Content-Disposition"] = content_disposition(name, wanted)
    return response


def _small_beacon(content_length: Annotated[int | None, Header()] = None) -> None:
    if content_length is None or content_length > MAX_BEACON_BYTES:
        raise errors.PayloadTooLarge(f"A beacon holds at most {MAX_BEACON_BYTES} bytes")


@public_router.post(
    "/s/{token}/beacon",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(_small_beacon)],
)
def share_beacon(token: str, beacon: Beacon, request: Request, session: SessionDep) -> Response:
    _limited(request, token)
    share = service.share_of_token(session, token)
    if share is None:
        raise errors.NotFound("No such share", code="not_found")
    if service.status_of(share, utcnow()) != ShareStatus.active:
        raise ShareGone("This share is no longer available", code="share_gone")
    try:
        service.record_beacon(session, share, beacon)
    except service.BeaconRefused as refused:
        session.rollback()
        raise errors.BadRequest(str(refused), code="beacon_refused") from refused
    return Response(status_code=204, headers=_HEADERS)


# ---- marketing ----


def share_filters(
    from_: Annotated[
        SaneDay | None, Query(alias="from", description="First UTC day the share was made")
    ] = None,
    to: Annotated[SaneDay | None, Query(description="Last UTC day, inclusive")] = None,
    campaign_id: uuid.UUID | None = None,
) -> ShareFilters:
    if from_ is not None and to is not None and from_ > to:
        raise errors.BadRequest("from: must not be after to")
    return ShareFilters(start=from_, end=to, campaign_id=campaign_id)


Filters = Annotated[ShareFilters, Depends(share_filters)]


@router.get("")
def list_shares(_: MarketingUser, session: SessionDep, filters: Filters) -> list[SharePublic]:
    """The newest 200 shares made in the period (UTC days of `from`..`to`, each optional) and
    campaign, with what their customers read and the lead's next visit since the share: its
    outcome code, when and by which rep (`null` while there is none)."""
    query = filtered_shares(filters).order_by(col(Share.created_at).desc()).limit(200)
    return service.marketing_view(session, list(session.exec(query)))


@router.get("/insights")
def item_insights(
    _: MarketingUser, session: SessionDep, filters: Filters
) -> list[ShareItemInsight]:
    """Per collateral item, over the shares made in the period and campaign: shared N times,
    opened M (Wilson 95 %), median reading seconds of the opened shares, pages read, and how
    the lead's next visit after the share went.

    The next visit is the lead's first non-retracted outcome after the share (any rep); it
    counts as won when its code is `won` (conversion, as in every insight). Shares without
    one yet are `awaiting_next_visit` and count nowhere. The won rate is given over all
    shares with a next visit, and split by whether the customer opened the link before that
    visit, each with n, its Wilson 95 % interval and `too_few` below 10; the difference
    (opened minus not opened) has Newcombe's 95 % interval and a verdict as every lift.

    What it does not prove: a difference is an association, not an effect. Reps choose whom
    they share with, and customers who read may have been keener already; sharing or reading
    is not shown to cause a better visit."""
    return share_insights(session, filters)


@router.post("/{share_id}/revoke")
def revoke_share(share_id: uuid.UUID, _: MarketingUser, session: SessionDep) -> SharePublic:
    """The link stops working for the customer (410); the reading so far stays."""
    share = session.get(Share, share_id)
    if share is None:
        raise errors.NotFound("Share not found", code="not_found")
    service.revoke(session, share)
    return service.marketing_view(session, [share])[0]


@router.delete("/{share_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_share(share_id: uuid.UUID, _: MarketingUser, session: SessionDep) -> None:
    """The share and everything measured about it are deleted; the link answers 404."""
    share = session.get(Share, share_id)
    if share is None:
        raise errors.NotFound("Share not found", code="not_found")
    service.delete_share(session, share)
