from fastapi import APIRouter, Request, status
from sqlmodel import Session

from app.audit import log as audit
from app.audit.log import AuditAction, address_of
from app.auth.deps import MarketingUser
from app.auth.models import User
from app.campaigns import service
from app.campaigns.deps import MarketingCampaign
from app.campaigns.models import Campaign, CampaignStatus
from app.campaigns.schemas import (
    AudiencePreview,
    AudiencePreviewRequest,
    CampaignCreate,
    CampaignDeleted,
    CampaignPublic,
    CampaignUpdate,
)
from app.core import errors
from app.core.answers import refusals
from app.core.db import SessionDep

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.get("")
def list_campaigns(
    _: MarketingUser, session: SessionDep, status: CampaignStatus | None = None
) -> list[CampaignPublic]:
    rows = service.list_campaigns(session, status=status)
    return [CampaignPublic.model_validate(c) for c in rows]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_campaign(
    body: CampaignCreate, user: MarketingUser, request: Request, session: SessionDep
) -> CampaignPublic:
    campaign = service.create_campaign(
        session,
        data=body.model_dump(exclude={"confirm_unknown_audience"}),
        confirm_unknown_audience=body.confirm_unknown_audience,
    )
    _audit_go_live(session, campaign, was_live=False, user=user, request=request)
    return CampaignPublic.model_validate(campaign)


@router.post("/audience-preview")
def preview_audience(
    body: AudiencePreviewRequest, _: MarketingUser, session: SessionDep
) -> AudiencePreview:
    """Whom this audience reaches now ("reaches N reps", with names), which named regions and
    teams no active rep has, and the regions and teams active reps have (for suggestions).
    Changes nothing; `{}` answers the known regions and teams."""
    if body.campaign_id is not None and session.get(Campaign, body.campaign_id) is None:
        raise errors.BadRequest("campaign_id: no such campaign")
    draft = service.AudienceDraft(body.audience_all, body.audience_regions, body.audience_teams)
    return service.preview_audience(session, draft, body.campaign_id)


@router.get("/{campaign_id}")
def get_campaign(campaign: MarketingCampaign) -> CampaignPublic:
    return CampaignPublic.model_validate(campaign)


@router.patch("/{campaign_id}", responses=refusals(409))
def update_campaign(
    body: CampaignUpdate,
    campaign: MarketingCampaign,
    user: MarketingUser,
    request: Request,
    session: SessionDep,
) -> CampaignPublic:
    changes = body.model_dump(exclude_unset=True, exclude={"confirm_unknown_audience"})
    was_live = campaign.status == CampaignStatus.live
    campaign = service.update_campaign(
        session,
        campaign=campaign,
        changes=changes,
        confirm_unknown_audience=body.confirm_unknown_audience,
    )
    _audit_go_live(session, campaign, was_live=was_live, user=user, request=request)
    return CampaignPublic.model_validate(campaign)


def _audit_go_live(
    session: Session, campaign: Campaign, *, was_live: bool, user: User, request: Request
) -> None:
    if campaign.status == CampaignStatus.live and not was_live:
        audit.record(
            session,
            AuditAction.campaign_live,
            actor=user,
            address=address_of(request),
            target_type="campaign",
            target_id=campaign.id,
            target_name=campaign.name,
        )


@router.delete("/{campaign_id}")
def delete_campaign(campaign: MarketingCampaign, session: SessionDep) -> CampaignDeleted:
    """Deletes the campaign and its collateral; a campaign with outcomes is archived instead,
    and the answer says which happened."""
    if service.delete_campaign(session, campaign=campaign):
        return CampaignDeleted(result="deleted", detail="Campaign deleted with its collateral")
    return CampaignDeleted(
        result="archived",
        detail="Campaign has outcomes, so it was archived instead of deleted",
        campaign=CampaignPublic.model_validate(campaign),
    )
