"""Shared builders for the security tests."""

import hashlib
import uuid

from sqlmodel import Session

from app.collateral.models import Collateral, CollateralKind
from app.core.settings import Settings
from app.core.storage import LocalBlobStorage


def store_pdf(db: Session, settings: Settings, campaign_id: uuid.UUID) -> tuple[str, uuid.UUID]:
    """A stored PDF attached to the campaign: (its sha256, the collateral id)."""
    data = f"%PDF-1.4\n% price list {uuid.uuid4()}\n".encode()
    sha256 = hashlib.sha256(data).hexdigest()
    storage = LocalBlobStorage(settings.blob_dir)
    source = storage.temp_dir() / f"upload-{sha256}"
    source.write_bytes(data)
    storage.put(source, sha256)
    item = Collateral(
        campaign_id=campaign_id,
        kind=CollateralKind.pdf,
        title="Prices",
        sha256=sha256,
        content_type="application/pdf",
        size=len(data),
        filename="prices.pdf",
    )
    db.add(item)
    db.commit()
    return sha256, item.id
