from fastapi import APIRouter, status

from app.campaigns.deps import MarketingCampaign
from app.collateral import service
from app.collateral.counters import checked_answers
from app.collateral.deps import MarketingCollateral, StorageDep, UploadForm
from app.collateral.schemas import UPLOAD_FORM_SCHEMA, CollateralPublic, CollateralUpdate
from app.core.db import SessionDep

router = APIRouter(tags=["collateral"])


@router.get("/campaigns/{campaign_id}/collateral")
def list_collateral(
    campaign: MarketingCampaign, session: SessionDep, include_history: bool = False
) -> list[CollateralPublic]:
    """Current items; with `include_history=true` also replaced and deleted versions."""
    items = service.list_collateral(session, campaign=campaign, include_history=include_history)
    return [CollateralPublic.of(c) for c in items]


@router.post(
    "/campaigns/{campaign_id}/collateral",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_FORM_SCHEMA,
)
def create_collateral(
    campaign: MarketingCampaign, form: UploadForm, storage: StorageDep, session: SessionDep
) -> CollateralPublic:
    """Multipart: `file` (PDF, PNG, JPEG, WebP, MP4; the type is read from the content) or
    `url`, plus `title`, optional `description`, `segments`, and `replaces` (the id of the
    version this one replaces)."""
    item = service.create_collateral(session, storage=storage, campaign=campaign, form=form)
    return CollateralPublic.of(item)


@router.get("/collateral/{collateral_id}")
def get_collateral(item: MarketingCollateral) -> CollateralPublic:
    return CollateralPublic.of(item)


@router.patch("/collateral/{collateral_id}")
def update_collateral(
    body: CollateralUpdate, item: MarketingCollateral, session: SessionDep
) -> CollateralPublic:
    changes = body.model_dump(exclude_unset=True)
    if body.answers is not None:  # the objections it answers: chips outcome codes have
        changes["answers"] = checked_answers(session, body.answers)
    return CollateralPublic.of(service.update_collateral(session, item=item, changes=changes))


@router.delete("/collateral/{collateral_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_collateral(item: MarketingCollateral, session: SessionDep) -> None:
    """Removed from phones at their next sync; kept (as deleted) for insights."""
    service.delete_collateral(session, item=item)
