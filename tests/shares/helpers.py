"""Builders for share tests: a rep with a lead and collateral files, and the share mutations."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from app.auth.models import Role, User
from app.campaigns.models import Campaign
from app.collateral.models import Collateral, CollateralKind
from app.core.settings import Settings
from app.core.storage import blob_storage
from app.leads.models import Lead
from app.shares.models import Share
from tests.factories import Factory
from tests.sync.helpers import Content


def new_token() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits


def share_create(lead_id: object, items: list[object], **extra: Any) -> dict[str, Any]:
    return {
        "type": "share.create",
        "id": str(extra.pop("id", uuid.uuid4())),
        "share_id": str(extra.pop("share_id", uuid.uuid4())),
        "lead_id": str(lead_id),
        "token": extra.pop("token", new_token()),
        "collateral_ids": [str(i) for i in items],
        **extra,
    }


def share_revoke(share_id: object) -> dict[str, Any]:
    return {"type": "share.revoke", "id": str(uuid.uuid4()), "share_id": str(share_id)}


@dataclass
class Scene:
    rep: User
    headers: dict[str, str]
    campaign: Campaign
    lead: Lead
    pdf: Collateral
    video: Collateral
    hidden: Collateral  # of a campaign the rep does not see


def file_item(
    db: Session, settings: Settings, campaign: Campaign, kind: CollateralKind, data: bytes
) -> Collateral:
    sha = hashlib.sha256(data).hexdigest()
    source = Path(settings.data_dir) / f"upload-{sha[:8]}"
    source.write_bytes(data)
    blob_storage(settings).put(source, sha)
    types = {CollateralKind.pdf: "application/pdf", CollateralKind.video: "video/mp4"}
    item = Collateral(
        campaign_id=campaign.id,
        kind=kind,
        title=f"{kind.value} item",
        sha256=sha,
        content_type=types.get(kind, "image/png"),
        size=len(data),
        filename=f"item.{kind.value}",
    )
    db.add(item)
    db.commit()
    return item


def scene(db: Session, settings: Settings, factory: Factory) -> Scene:
    content = Content(db)
    rep, headers = factory.login_as(Role.rep, name="Rita Rep", region="North")
    campaign = content.campaign()
    other = content.campaign(live=False)
    lead = content.lead(rep, campaign=campaign)
    pdf = file_item(db, settings, campaign, CollateralKind.pdf, b"%PDF-1.4 price list")
    video = file_item(db, settings, campaign, CollateralKind.video, bytes(range(256)) * 40)
    hidden = file_item(db, settings, other, CollateralKind.pdf, b"%PDF-1.4 secret plans")
    return Scene(rep, headers, campaign, lead, pdf, video, hidden)


def stored(db: Session) -> list[Share]:
    """The shares in the database (the read's transaction ends: SQLite has one writer)."""
    shares = list(db.exec(select(Share).order_by(Share.created_at)))
    db.commit()
    return shares
