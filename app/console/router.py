"""Small read helpers for the marketing console (marketing and admin only)."""

from fastapi import APIRouter

from app.auth.deps import MarketingUser
from app.campaigns.markdown import render_markdown
from app.console import service
from app.console.schemas import (
    Facets,
    MarkdownPreview,
    MarkdownPreviewRequest,
    Organisation,
    RepChoice,
)
from app.core.db import SessionDep
from app.core.deps import SettingsDep

router = APIRouter(prefix="/console", tags=["console"])


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
