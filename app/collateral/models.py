import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Connection, Text, event, false, inspect, select
from sqlmodel import Field, SQLModel

from app.collateral.freshness import search_text
from app.core.db import table_of
from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column


class CollateralKind(StrEnum):
    pdf = "pdf"
    image = "image"
    video = "video"
    link = "link"


class Collateral(SQLModel, table=True):
    """A file or link attached to a campaign, versioned.

    A new version points at the one it `replaces`; the old one gets `replaced_by_id` and
    disappears from phones (it stays in the database for insights). Deleting sets `deleted_at`
    for the same reason. "Current" means both are NULL.
    Files are content-addressed: `sha256` names the blob in `app.core.storage`.
    """

    __tablename__ = "collateral"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    kind: CollateralKind = Field(sa_type=enum_column())
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    segments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Detail chips (objections) this item answers: a visit logging one recommends it on the lead.
    answers: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    url: str | None = Field(default=None, max_length=2000)
    sha256: str | None = Field(default=None, max_length=64, index=True)
    content_type: str | None = Field(default=None, max_length=100)
    size: int | None = None
    filename: str | None = Field(default=None, max_length=255)
    # Freshness: tags for search; past `valid_until` (a day in the organisation zone) the item
    # leaves phones; `review_on` only reminds marketing. `search_text`: title and tags folded.
    tags: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    valid_until: date | None = Field(default=None, index=True)
    review_on: date | None = None
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = 1
    replaces_id: uuid.UUID | None = Field(
        default=None, foreign_key="collateral.id", ondelete="SET NULL"
    )
    replaced_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="collateral.id", ondelete="SET NULL"
    )
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    # May a customer download the item from a share's page (else: view only)? Marketing decides.
    shareable_download: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()}, nullable=False
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )

    @property
    def is_current(self) -> bool:
        return self.replaced_by_id is None and self.deleted_at is None


@event.listens_for(Collateral, "before_insert")
@event.listens_for(Collateral, "before_update")
def _keep_search_text(_mapper: object, connection: Connection, item: Collateral) -> None:
    """`search_text` follows the title and tags however the row is written."""
    state = inspect(item)
    names = ("title", "tags")
    if state.has_identity and not any(state.attrs[n].history.has_changes() for n in names):
        return
    values = {n: state.dict[n] for n in names if n in state.dict}
    if len(values) < len(names):  # expired since the last commit: read on the flush's connection
        table = table_of(Collateral)
        row = connection.execute(select(table).where(table.c.id == item.id)).mappings().one()
        values = {n: row[n] for n in names} | values
    item.search_text = search_text(values["title"], values["tags"] or [])
