"""Small read helpers for the marketing console (marketing and admin only)."""

from fastapi import APIRouter

from app.auth.deps import MarketingUser
from app.campaigns.markdown import render_markdown
from app.console import service
from app.console.lead_history import LeadHistory, history
from app.console.schemas import (
    Facets,
    MarkdownPreview,
    MarkdownPreviewRequest,
    Organisation,
    RepChoice,
)
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.insights.service import Lang
from app.leads.deps import MarketingLead

router = APIRouter(prefix="/console", tags=["console"])
# A lead's history keeps the leads' path and tag; it is composed from insights and signals,
# which build on leads, so it is served from here.
leads_router = APIRouter(prefix="/leads", tags=["leads"])


@router.get("/organisation")
def organisation(_: MarketingUser, settings: SettingsDep) -> Organisation:
    """The organisation time zone, shown beside every form that reads local times."""
    return Organisation(timezone=settings.timezone)


@router.get("/reps")
def list_reps(_: MarketingUser, session: SessionDep) -> list[RepChoice]:
    """Every rep (active first is up to the client), for assignment and the rep filter."""
    return service.list_reps(session)


@router.get("/facets")
def facets(_: MarketingUser, session: SessionDep) -> Facets:
    """Regions, segments and teams in use, for the console's filter menus."""
    return service.facets(session)


@router.post("/markdown-preview")
def markdown_preview(body: MarkdownPreviewRequest, _: MarketingUser) -> MarkdownPreview:
    """The sanitised HTML a phone would show for this Markdown (briefs, talking points)."""
    return MarkdownPreview(html=render_markdown(body.text))


@leads_router.get("/{lead_id}/history")
def lead_history(lead: MarketingLead, session: SessionDep, lang: Lang = "en") -> LeadHistory:
    """Every visit of the lead (up to 1,000, newest first; `visits_total` counts all), the
    signals about it and the collateral it was shown. Retracted visits are left out."""
    return history(session, lead, lang=lang)
