import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from app.auth.deps import MarketingUser
from app.campaigns.deps import MarketingCampaign
from app.collateral.models import Collateral
from app.collateral.upload import MultipartForm, read_multipart
from app.core import errors
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.core.storage import BlobStorage, blob_storage


def get_storage(settings: SettingsDep) -> BlobStorage:
    return blob_storage(settings)


StorageDep = Annotated[BlobStorage, Depends(get_storage)]


def collateral_for_marketing(
    collateral_id: uuid.UUID, _: MarketingUser, session: SessionDep
) -> Collateral:
    item = session.get(Collateral, collateral_id)
    if item is None:
        raise errors.NotFound("Collateral not found", code="not_found")
    return item


MarketingCollateral = Annotated[Collateral, Depends(collateral_for_marketing)]


async def upload_form(
    request: Request, _: MarketingCampaign, storage: StorageDep, settings: SettingsDep
) -> AsyncIterator[MultipartForm]:
    """The streamed upload form, read only after the caller and the campaign were checked;
    its temporary file is removed after the request whatever happened."""
    form = await read_multipart(request, folder=storage.temp_dir(), limit=settings.max_upload_bytes)
    try:
        yield form
    finally:
        form.discard()


UploadForm = Annotated[MultipartForm, Depends(upload_form)]
