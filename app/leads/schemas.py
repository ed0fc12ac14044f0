import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# The limits apply to the string only (on `str | None` they made pydantic fail on null: a 500).
ExternalRef = Annotated[
    Annotated[str, Field(min_length=1, max_length=100)] | None, BeforeValidator(_blank_to_none)
]
Priority = Annotated[int, Field(ge=1, le=3)]
Recommended = Annotated[list[uuid.UUID], Field(max_length=30)]


class LeadContact(BaseModel):
    """Contact and address fields shared by create, update and the CSV import."""

    contact_name: Annotated[str, Field(max_length=200)] = ""
    contact_role: Annotated[str, Field(max_length=200)] = ""
    phone: Annotated[str, Field(max_length=50)] = ""
    email: Annotated[str, Field(max_length=320)] = ""
    street: Annotated[str, Field(max_length=200)] = ""
    postal_code: Annotated[str, Field(max_length=20)] = ""
    city: Annotated[str, Field(max_length=100)] = ""
    country: Annotated[str, Field(max_length=100)] = ""
    region: Annotated[str, Field(max_length=100)] = ""
    segment: Annotated[str, Field(max_length=100)] = ""


class LeadCreate(LeadContact):
    model_config = ConfigDict(extra="forbid")
    company: Annotated[str, Field(min_length=1, max_length=200)]
    rep_id: uuid.UUID
    external_ref: ExternalRef = None
    campaign_id: uuid.UUID | None = None
    planned_visit_at: AwareDatetime | None = None
    priority: Priority = 2
    brief_md: Annotated[str, Field(max_length=20_000)] = ""
    recommended_collateral_ids: Recommended = []


class LeadUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    company: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    contact_name: Annotated[str, Field(max_length=200)] | None = None
    contact_role: Annotated[str, Field(max_length=200)] | None = None
    phone: Annotated[str, Field(max_length=50)] | None = None
    email: Annotated[str, Field(max_length=320)] | None = None
    street: Annotated[str, Field(max_length=200)] | None = None
    postal_code: Annotated[str, Field(max_length=20)] | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    country: Annotated[str, Field(max_length=100)] | None = None
    region: Annotated[str, Field(max_length=100)] | None = None
    segment: Annotated[str, Field(max_length=100)] | None = None
    rep_id: uuid.UUID | None = None
    external_ref: ExternalRef = None
    campaign_id: uuid.UUID | None = None
    planned_visit_at: AwareDatetime | None = None
    priority: Priority | None = None
    brief_md: Annotated[str, Field(max_length=20_000)] | None = None
    recommended_collateral_ids: Recommended | None = None


class LeadCard(BaseModel):
    """What a rep works with: contact, address, plan and the rendered brief. Marketing's view
    and the phones' sync both extend it."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    company: str
    contact_name: str
    contact_role: str
    phone: str
    email: str
    street: str
    postal_code: str
    city: str
    country: str
    region: str
    segment: str
    campaign_id: uuid.UUID | None
    planned_visit_at: datetime | None
    priority: int
    brief_html: str
    recommended_collateral_ids: list[uuid.UUID]


class LeadPublic(LeadCard):
    external_ref: str | None
    rep_id: uuid.UUID
    brief_md: str
    created_at: datetime
    updated_at: datetime


class LeadPage(BaseModel):
    items: list[LeadPublic]
    total: int
    limit: int
    offset: int


class ImportProblem(BaseModel):
    line: int = Field(description="line in the file (the header is line 1)")
    column: str = Field(description="column name as written in the file, or '' for the row")
    reason: str


class ImportReport(BaseModel):
    dry_run: bool
    written: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    encoding: str
    delimiter: str
    ignored_columns: list[str]
    error_count: int = Field(description="all bad rows; `errors` lists the first 1000")
    errors: list[ImportProblem]


class LeadAssign(BaseModel):
    """Assign many leads to one rep in one step (the console's bulk assign)."""

    model_config = ConfigDict(extra="forbid")
    lead_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]
    rep_id: uuid.UUID


class LeadsAssigned(BaseModel):
    assigned: int = Field(description="Leads that moved to the rep")
    unchanged: int = Field(description="Leads that were the rep's already")
