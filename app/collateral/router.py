from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from app.audit import log as audit
from app.audit.log import AuditAction, address_of
from app.auth.deps import MarketingUser
from app.campaigns.deps import MarketingCampaign
from app.collateral import service
from app.collateral.counters import checked_answers
from app.collateral.deps import MarketingCollateral, StorageDep, UploadForm
from app.collateral.freshness import WARN_DAYS, today_in
from app.collateral.history import CollateralChangePublic, history_of
from app.collateral.schemas import (
    UPLOAD_FORM_SCHEMA,
    CollateralPublic,
    CollateralUpdate,
    ExpiringCollateral,
)
from app.core.answers import refusals
from app.core.db import SessionDep
from app.core.deps import SettingsDep

router = APIRouter(tags=["collateral"])


@router.get("/campaigns/{campaign_id}/collateral")
def list_collateral(
    campaign: MarketingCampaign,
    session: SessionDep,
    settings: SettingsDep,
    include_history: bool = False,
    q: Annotated[str | None, Query(max_length=200, description="title or tag")] = None,
    expiring_within_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
) -> list[CollateralPublic]:
    """Current items; with `include_history=true` also replaced and deleted versions. `q`
    searches titles and tags (ignoring case and accents); `expiring_within_days=14` keeps the
    items valid until a day from today to 14 days ahead (the organisation's days)."""
    today = today_in(settings.zone)
    items = service.list_collateral(
        session,
        campaign=campaign,
        include_history=include_history,
        q=q,
        expiring_within=None if expiring_within_days is None else (today, expiring_within_days),
    )
    return [CollateralPublic.of(c, today) for c in items]


@router.post(
    "/campaigns/{campaign_id}/collateral",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_FORM_SCHEMA,
    responses=refusals(400, 409, 413, 415),
)
def create_collateral(
    campaign: MarketingCampaign,
    form: UploadForm,
    storage: StorageDep,
    session: SessionDep,
    user: MarketingUser,
    settings: SettingsDep,
    request: Request,
) -> CollateralPublic:
    """Multipart: `file` (PDF, PNG, JPEG, WebP, MP4; the type is read from the content) or
    `url`, plus `title`, optional `description`, `segments`, `tags` (comma-separated),
    `valid_until` and `review_on` (YYYY-MM-DD), and `replaces` (the id of the version this one
    replaces)."""
    item = service.create_collateral(
        session, storage=storage, campaign=campaign, form=form, user=user
    )
    audit.record(
        session,
        AuditAction.collateral_version,
        actor=user,
        address=address_of(request),
        target_type="collateral",
        target_id=item.id,
        target_name=item.title,
        details={"campaign": campaign.name, "version": item.version},
    )
    return CollateralPublic.of(item, today_in(settings.zone))


@router.get("/collateral/expiring")
def list_expiring(
    _: MarketingUser,
    session: SessionDep,
    settings: SettingsDep,
    within_days: Annotated[int, Query(ge=0, le=3650)] = WARN_DAYS,
) -> list[ExpiringCollateral]:
    """Current items of every campaign valid until a day from today to `within_days` ahead
    (the console's warning), soonest first."""
    today = today_in(settings.zone)
    rows = service.expiring_collateral(session, today=today, days=within_days)
    return [ExpiringCollateral.of(item, today, campaign_name=name) for item, name in rows]


@router.get("/collateral/{collateral_id}")
def get_collateral(item: MarketingCollateral, settings: SettingsDep) -> CollateralPublic:
    return CollateralPublic.of(item, today_in(settings.zone))


@router.get("/collateral/{collateral_id}/history")
def get_collateral_history(
    item: MarketingCollateral, session: SessionDep
) -> list[CollateralChangePublic]:
    """Who changed what and when, for every version of the item, oldest first."""
    return history_of(session, item)


@router.patch("/collateral/{collateral_id}")
def update_collateral(
    body: CollateralUpdate,
    item: MarketingCollateral,
    session: SessionDep,
    user: MarketingUser,
    settings: SettingsDep,
) -> CollateralPublic:
    """`valid_until` past today (the organisation's day) takes the item off phones at their
    next sync; `null` clears a date."""
    changes = body.model_dump(exclude_unset=True)
    if body.answers is not None:  # the objections it answers: chips outcome codes have
        changes["answers"] = checked_answers(session, body.answers)
    item = service.update_collateral(session, item=item, changes=changes, user=user)
    return CollateralPublic.of(item, today_in(settings.zone))


@router.delete("/collateral/{collateral_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_collateral(item: MarketingCollateral, session: SessionDep, user: MarketingUser) -> None:
    """Removed from phones at their next sync; kept (as deleted) for insights."""
    service.delete_collateral(session, item=item, user=user)
