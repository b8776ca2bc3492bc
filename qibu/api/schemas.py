"""The shapes the API reads and writes.

Conventions, the same on every resource:
- References to other resources are their integer ids, named after the resource (`owner`, `cycle`).
- Non-integer numbers (values, weights, progress, objective confidence) are written as decimal strings,
  e.g. "0.7500" or "1200.0000", so that no precision is lost; inputs take a JSON number or a decimal string.
- Progress is a share in [0, 1] ("0.5000" = 50 %); `progress_raw` of a key result may exceed 1 (over-achieved)
  or fall below 0 (MEAS-1). Confidence is a percentage 0–100.
- Dates are ISO dates ("2026-10-01"), times ISO datetimes with their offset.
- Errors, all of them, are `{"detail": [{"field": "title", "message": "…"}]}`; `field` is null when the
  problem is not about one field. Messages are in the request's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from ninja.params.functions import Path as PathParam
from pydantic import ConfigDict

from qibu.core.validation import TEXT_MAX, TITLE_MAX
from qibu.cycles.models import CycleKind
from qibu.okrs.models import Commitment, KeyResultKind, Level, Priority, RollupMode, Status, Visibility
from qibu.org.models import Role

# Ids are database keys: positive and within a signed 64-bit integer.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in the address, e.g. /objectives/{objective_id}.
PathId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# A page beyond this is certainly empty; the bound keeps the SQL offset within every database's range.
MAX_PAGE = 1_000_000


class InputSchema(Schema):
    """Request bodies: unknown fields are refused (a typo is named, not silently ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- errors and paging ---------------------------------------------------------------------------------


class ErrorItem(Schema):
    field: str | None = Field(description="The field the problem is about, or null.")
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Writes may also meet a body that is not JSON at all.
WRITE_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **ERRORS}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 200).")


class PageOut(Schema):
    count: int = Field(description="Items over all pages.")
    page: int
    page_size: int


# --- organisation -------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    job_title: str
    email: str
    role: Role
    department: int | None
    team: int | None
    manager: int | None


class PersonPage(PageOut):
    items: list[PersonOut]


class PersonFilters(Schema):
    department: Id | None = None
    team: Id | None = None
    manager: Id | None = None


class DepartmentOut(Schema):
    id: int
    name: str
    parent: int | None
    head: int | None
    path: str = Field(description="Ids from the root, e.g. “/1/4/”.")
    depth: int


class DepartmentPage(PageOut):
    items: list[DepartmentOut]


class DepartmentFilters(Schema):
    parent: Id | None = None


class TeamOut(Schema):
    id: int
    name: str
    department: int
    lead: int | None


class TeamPage(PageOut):
    items: list[TeamOut]


class TeamFilters(Schema):
    department: Id | None = None


# --- cycles -------------------------------------------------------------------------------------------


class CycleOut(Schema):
    id: int
    name: str
    kind: CycleKind
    start: dt.date
    end: dt.date
    parent: int | None
    is_closed: bool


class CyclePage(PageOut):
    items: list[CycleOut]


class CycleFilters(Schema):
    kind: CycleKind | None = None
    parent: Id | None = None


# --- objectives ---------------------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    cycle: int
    level: Level
    owner: int | None
    owner_name: str | None
    department: int | None
    team: int | None
    author: int | None
    priority: Priority
    weight: Decimal
    commitment: Commitment
    visibility: Visibility
    status: Status
    rollup_mode: RollupMode
    start_date: dt.date
    end_date: dt.date
    progress: Decimal = Field(description="Stored roll-up in [0, 1] (MEAS-4).")
    confidence: Decimal | None = Field(description="Weighted confidence 0–100, null without key results (MEAS-5).")
    health: str = Field(description="MEAS-6: on_track, at_risk, off_track or no_data.")
    behind_pace: bool = Field(description="MEAS-6: progress well below the share of the period elapsed.")
    score: Decimal | None
    key_result_ids: list[int]
    parent_objective_ids: list[int]
    parent_key_result_ids: list[int]
    can_edit: bool = Field(description="Whether the caller may change this objective.")
    created_at: dt.datetime
    updated_at: dt.datetime


class ObjectivePage(PageOut):
    items: list[ObjectiveOut]


class ObjectiveFilters(Schema):
    cycle: Id | None = None
    owner: Id | None = None
    department: Id | None = None
    team: Id | None = None
    level: Level | None = None
    status: Status | None = None


class ObjectiveCreate(InputSchema):
    cycle: Id
    level: Level
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field("", max_length=TEXT_MAX)
    owner: Id | None = None
    department: Id | None = None
    team: Id | None = None
    priority: Priority | None = None
    weight: Decimal | None = None
    commitment: Commitment | None = None
    visibility: Visibility | None = None
    status: Status | None = None
    rollup_mode: RollupMode | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    parent_objective_ids: list[Id] = Field(default_factory=list)
    parent_key_result_ids: list[Id] = Field(default_factory=list)


class ObjectiveUpdate(InputSchema):
    """Only the fields sent are changed. The level of an objective is fixed once created."""

    title: str | None = Field(None, max_length=TITLE_MAX)
    description: str | None = Field(None, max_length=TEXT_MAX)
    cycle: Id | None = None
    owner: Id | None = None
    department: Id | None = None
    team: Id | None = None
    priority: Priority | None = None
    weight: Decimal | None = None
    commitment: Commitment | None = None
    visibility: Visibility | None = None
    status: Status | None = None
    rollup_mode: RollupMode | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class AlignmentIn(InputSchema):
    """SET-6: the objective's parents, replacing the current ones (several allowed, loops refused)."""

    parent_objective_ids: list[Id] = Field(default_factory=list)
    parent_key_result_ids: list[Id] = Field(default_factory=list)


class TreeQuery(Schema):
    cycle: Id | None = Field(None, description="The cycle of the top level (default: the current quarter).")
    parent: Id | None = Field(None, description="Give the objectives aligned under this objective instead.")


class TreeNodeOut(Schema):
    id: int
    title: str
    level: Level
    cycle: int
    owner: int | None
    owner_name: str | None
    department: int | None
    department_name: str | None
    status: Status
    progress: Decimal
    confidence: Decimal | None
    health: str
    behind_pace: bool
    child_count: int = Field(description="Objectives aligned under this one that the caller may see.")
    key_result_count: int


class TreePage(PageOut):
    cycle: int | None = Field(description="The cycle of the top level; null under a parent.")
    items: list[TreeNodeOut]


# --- key results and check-ins ------------------------------------------------------------------------


class MilestoneOut(Schema):
    id: int
    title: str
    weight: Decimal
    done: bool
    position: int


class MilestoneIn(InputSchema):
    title: str = Field(max_length=TITLE_MAX)
    weight: Decimal | None = None


class KeyResultOut(Schema):
    id: int
    objective: int
    title: str
    kind: KeyResultKind
    unit: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal
    band_low: Decimal | None
    band_high: Decimal | None
    weight: Decimal
    owner: int | None
    start_date: dt.date
    end_date: dt.date
    confidence: int = Field(description="0–100 (MEAS-5).")
    progress_raw: Decimal = Field(description="MEAS-1 unclamped: above 1 is over-achieved.")
    progress: Decimal = Field(description="Clamped to [0, 1]; what rolls up.")
    health: str
    stale: bool = Field(description="MEAS-8: no check-in within the organisation's cadence.")
    behind_pace: bool = Field(description="MEAS-6: progress well below the share of its period elapsed.")
    last_checkin_at: dt.datetime | None
    score: Decimal | None
    position: int
    milestones: list[MilestoneOut]


class KeyResultPage(PageOut):
    items: list[KeyResultOut]


class KeyResultFilters(Schema):
    objective: Id | None = None
    cycle: Id | None = None
    owner: Id | None = None


class KeyResultCreate(InputSchema):
    objective: Id
    title: str = Field(max_length=TITLE_MAX)
    kind: KeyResultKind = KeyResultKind.INCREASE
    start_value: Decimal | None = None
    target_value: Decimal | None = None
    current_value: Decimal | None = None
    unit: str = Field("", max_length=20)
    band_low: Decimal | None = None
    band_high: Decimal | None = None
    weight: Decimal | None = None
    owner: Id | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    confidence: int = Field(50, ge=0, le=100)
    milestones: list[MilestoneIn] = Field(default_factory=list)


class KeyResultUpdate(InputSchema):
    """Only the fields sent are changed. Values move with check-ins; this is for corrections (EXE-11)."""

    title: str | None = Field(None, max_length=TITLE_MAX)
    kind: KeyResultKind | None = None
    start_value: Decimal | None = None
    target_value: Decimal | None = None
    current_value: Decimal | None = None
    unit: str | None = Field(None, max_length=20)
    band_low: Decimal | None = None
    band_high: Decimal | None = None
    weight: Decimal | None = None
    owner: Id | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    confidence: int | None = Field(None, ge=0, le=100)
    confidence_reason: str | None = Field(
        None, max_length=5000, description="Required when confidence falls by the policy's threshold (EXE-4)."
    )
    position: int | None = Field(None, ge=0, le=10_000)


class CheckInOut(Schema):
    id: int
    key_result: int
    author: int | None
    created_at: dt.datetime
    value: Decimal | None
    milestones_done: list[int]
    confidence: int
    previous_confidence: int | None
    confidence_reason: str
    note: str
    progress_raw: Decimal
    progress: Decimal


class CheckInPage(PageOut):
    items: list[CheckInOut]


class CheckInFilters(Schema):
    key_result: Id | None = None
    objective: Id | None = None


class CheckInCreate(InputSchema):
    """EXE-3: a new value (or the milestones done) and the confidence; EXE-4: say why confidence fell."""

    key_result: Id
    confidence: int = Field(ge=0, le=100)
    value: Decimal | None = None
    milestones_done: list[Id] | None = None
    confidence_reason: str = Field("", max_length=TEXT_MAX)
    note: str = Field("", max_length=TEXT_MAX)
    confirm: bool = Field(
        False,
        description="A value far outside the key result's range (beyond twice its range past the start or the "
        "target, or the band) is refused naming `value` unless this is true.",
    )
