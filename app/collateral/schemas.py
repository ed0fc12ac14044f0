import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.collateral.freshness import FreshnessDate, Tags, is_expired, is_expiring
from app.collateral.models import CollateralKind
from app.core.inputs import RequestBody

Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
Segments = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=30)
]

Answers = Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=20)]


class CollateralUpdate(RequestBody):
    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    description: Description | None = None
    segments: Segments | None = None
    answers: Answers | None = None  # detail chips (objections) the item answers
    tags: Tags | None = None
    valid_until: FreshnessDate = None
    review_on: FreshnessDate = None
    shareable_download: bool | None = None  # may customers download it from a shared link?


class CollateralPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    campaign_id: uuid.UUID
    kind: CollateralKind
    title: str
    description: str
    segments: list[str]
    answers: list[str]
    url: str | None
    sha256: str | None
    content_type: str | None
    size: int | None
    filename: str | None
    tags: list[str]
    valid_until: date | None
    review_on: date | None
    expired: bool = False
    expiring: bool = False
    version: int
    replaces_id: uuid.UUID | None
    replaced_by_id: uuid.UUID | None
    deleted_at: datetime | None
    is_current: bool
    shareable_download: bool = False
    file_url: str | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: object, today: date | None = None) -> "CollateralPublic":
        """`expired` and `expiring` (within 14 days) are judged on `today`, the organisation's
        date; without it both stay false."""
        public = cls.model_validate(item)
        if public.sha256:
            public.file_url = f"/api/v1/files/{public.sha256}"
        if today is not None:
            public.expired = is_expired(public.valid_until, today)
            public.expiring = is_expiring(public.valid_until, today)
        return public


class ExpiringCollateral(CollateralPublic):
    campaign_name: str = ""

    @classmethod
    def of(
        cls, item: object, today: date | None = None, *, campaign_name: str = ""
    ) -> "ExpiringCollateral":
        public = cls.model_validate(CollateralPublic.of(item, today).model_dump())
        public.campaign_name = campaign_name
        return public


# The multipart form of `POST /campaigns/{id}/collateral`, for the OpenAPI schema only: the body
# itself is streamed by `app.collateral.upload`.
UPLOAD_FORM_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["title"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "url": {"type": "string", "maxLength": 2000},
                        "title": {"type": "string", "minLength": 1, "maxLength": 200},
                        "description": {"type": "string", "maxLength": 2000},
                        "segments": {
                            "type": "string",
                            "description": "comma-separated segment names",
                        },
                        "replaces": {"type": "string", "format": "uuid"},
                        "tags": {"type": "string", "description": "comma-separated tags"},
                        "valid_until": {"type": "string", "format": "date"},
                        "review_on": {"type": "string", "format": "date"},
                    },
                }
            }
        },
    }
}
