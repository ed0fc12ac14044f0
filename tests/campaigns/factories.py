"""Builders for campaigns, collateral and leads (shared by the content tests)."""

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import User
from app.campaigns.models import Campaign, CampaignStatus
from app.collateral.samples import pdf_document, png_image
from app.leads.models import Lead


def pdf_bytes(text: str = "Spring offer") -> bytes:
    return pdf_document([[text, "Details"], ["Page two"]], title=text)


def png_bytes(shade: int = 10) -> bytes:
    return png_image(4, 3, lambda x, y: (shade, x * 40, y * 60))


def campaign(db: Session, **fields: Any) -> Campaign:
    fields.setdefault("name", f"Campaign {uuid.uuid4().hex[:6]}")
    fields.setdefault("status", CampaignStatus.live)
    row = Campaign(**fields)
    db.add(row)
    db.commit()
    return row


def lead(db: Session, rep: User, **fields: Any) -> Lead:
    fields.setdefault("company", "Müller GmbH")
    row = Lead(rep_id=rep.id, **fields)
    db.add(row)
    db.commit()
    return row


def upload(
    client: TestClient,
    headers: dict[str, str],
    campaign_id: uuid.UUID,
    content: bytes,
    filename: str = "offer.pdf",
    **fields: str,
) -> Any:
    fields.setdefault("title", "Offer")
    return client.post(
        f"/api/v1/campaigns/{campaign_id}/collateral",
        headers=headers,
        data=fields,
        files={"file": (filename, content, "application/octet-stream")},
    )
