import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.changes.pushed import PushedMutation
from app.core.inputs import PlannedInstant, RequestBody, SaneDay


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# The limits apply to the string only (on `str | None` they made pydantic fail on null: a 500).
ExternalRef = Annotated[
    Annotated[str, Field(min_length=1, max_length=100)] | None, BeforeValidator(_blank_to_none)
]
Priority = Annotated[int, Field(ge=1, le=3)]
PlannedVisit = Annotated[
    PlannedInstant | None,
    Field(
        description="ISO 8601. With an offset it is kept as given; without one it is read in the "
        "organisation time zone (`GET /api/v1/console/organisation`): a time the clocks skip "
        "when summer time starts is refused (400), a time of the hour repeated when it ends is "
        "its first, summer-time occurrence. Between 2000-01-01 and 2099-12-31. Answers carry UTC."
    ),
]
Recommended = Annotated[list[uuid.UUID], Field(max_length=30)]


class LeadContact(RequestBody):
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
    planned_visit_at: PlannedVisit = None
    priority: Priority = 2
    brief_md: Annotated[str, Field(max_length=20_000)] = ""
    recommended_collateral_ids: Recommended = []


class LeadUpdate(RequestBody):
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
    planned_visit_at: PlannedVisit = None
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


class LeadSort(StrEnum):
    """The leads list's sortable columns."""

    company = "company"
    external_ref = "external_ref"  # the customer number
    region = "region"
    segment = "segment"
    priority = "priority"
    planned_visit_at = "planned_visit_at"
    last_outcome_at = "last_outcome_at"


class LeadRow(LeadPublic):
    last_outcome_code: str | None = Field(description="the newest non-retracted visit's outcome")
    last_outcome_at: datetime | None


class LeadPage(BaseModel):
    items: list[LeadRow]
    total: int
    limit: int
    offset: int


class ImportErrorCode(StrEnum):
    """Why a CSV row (or the header) was refused; stable, so clients can translate it."""

    empty_file = "empty_file"
    missing_column = "missing_column"
    duplicate_column = "duplicate_column"
    too_many_fields = "too_many_fields"
    required = "required"
    too_long = "too_long"
    unknown_rep = "unknown_rep"
    unknown_campaign = "unknown_campaign"
    ambiguous_campaign = "ambiguous_campaign"
    bad_priority = "bad_priority"
    bad_date = "bad_date"
    ambiguous_date = "ambiguous_date"
    nonexistent_time = "nonexistent_time"
    duplicate_ref = "duplicate_ref"
    bad_character = "bad_character"
    date_out_of_range = "date_out_of_range"


class ImportProblem(BaseModel):
    row: int = Field(
        description="the row as a spreadsheet numbers it: the header is row 1, a cell with line "
        "breaks stays in its row, blank rows count"
    )
    company: str = Field(description="the row's company as written ('' for the header)")
    external_ref: str = Field(description="the row's customer number as written, or ''")
    column: str = Field(description="column name as written in the file, or '' for the row")
    value: str = Field(description="the cell as written (cut at 200 characters), or ''")
    code: ImportErrorCode
    params: dict[str, str | int] = Field(
        description="details by code: `max` (too_long), `fields` and `header_fields` "
        "(too_many_fields), `other_column` (duplicate_column), `first_row` (duplicate_ref), "
        "`zone` (nonexistent_time)"
    )
    message: str = Field(description="the problem in English")


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
    timezone: str = Field(description="the time zone in which times without an offset were read")
    error_count: int = Field(description="all bad rows; `errors` lists the first 1000")
    errors: list[ImportProblem]


class LeadAssign(RequestBody):
    """Assign many leads to one rep in one step (the console's bulk assign)."""

    model_config = ConfigDict(extra="forbid")
    lead_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]
    rep_id: uuid.UUID


class LeadsAssigned(BaseModel):
    assigned: int = Field(description="Leads that moved to the rep")
    unchanged: int = Field(description="Leads that were the rep's already")


class LeadMatch(RequestBody):
    """The leads list's filter: every lead it matches, on every page."""

    model_config = ConfigDict(extra="forbid")
    campaign_id: uuid.UUID | None = None
    rep_id: uuid.UUID | None = None
    region: Annotated[str | None, Field(max_length=100)] = None
    segment: Annotated[str | None, Field(max_length=100)] = None
    q: Annotated[str | None, Field(max_length=200, description="text search")] = None


class BulkAction(StrEnum):
    assign = "assign"  # to `rep_id`
    move = "move"  # to `campaign_id`
    delete = "delete"


class LeadBulk(RequestBody):
    """One action on many leads: the listed ones, or every lead matching the list's filter."""

    model_config = ConfigDict(extra="forbid")
    action: BulkAction
    lead_ids: Annotated[list[uuid.UUID] | None, Field(min_length=1, max_length=10_000)] = None
    matching: LeadMatch | None = None
    expected_count: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        description="how many leads the confirmation named; when the selection holds another "
        "number now (someone changed the leads meanwhile), nothing changes and the answer is 409"
    )
    rep_id: uuid.UUID | None = Field(default=None, description="assign: the rep")
    campaign_id: uuid.UUID | None = Field(default=None, description="move: the campaign")

    @model_validator(mode="after")
    def one_selection_and_its_target(self) -> "LeadBulk":
        if (self.lead_ids is None) == (self.matching is None):
            raise ValueError("give either lead_ids or matching")
        if self.action == BulkAction.assign and self.rep_id is None:
            raise ValueError("assign needs rep_id")
        if self.action == BulkAction.move and self.campaign_id is None:
            raise ValueError("move needs campaign_id")
        return self


class LeadsChanged(BaseModel):
    action: BulkAction
    changed: int = Field(description="leads assigned, moved or deleted")
    unchanged: int = Field(description="leads already with that rep or in that campaign")


class LeadPlan(PushedMutation):
    """The day of the rep's next visit to a lead (a follow-up's date chip). The time of day
    stays the lead's planned one, else 09:00, on the organisation's clock. Today or later."""

    type: Literal["lead.plan"]
    lead_id: uuid.UUID
    planned_on: SaneDay
