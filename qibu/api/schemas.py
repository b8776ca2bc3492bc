"""The shapes the API reads and writes.

Conventions, the same on every resource (docs/API.md says more):
- References to other resources are their integer ids, named after the resource (`owner`, `cycle`).
- Non-integer numbers (values, weights, progress, scores) are decimal strings, e.g. "0.7500" or "1200.5", so
  that no precision is lost: at most 11 digits before the point and 4 after it (weights: 0.01 to 1000, two
  decimals), as the `pattern` of each says. A JSON number written within the same pattern is still accepted.
- Progress is a share in [0, 1] ("0.5000" = 50 %); `progress_raw` of a key result may exceed 1 (over-achieved)
  or fall below 0 (MEAS-1). Confidence is a whole percentage 0–100 everywhere (MEAS-5).
- Dates are ISO dates ("2026-10-01"), times ISO datetimes with their offset.
- Request bodies refuse unknown fields. A change (PATCH) changes only the fields sent; `null` is accepted only
  where it means something (no owner, no band limit, the cycle's dates) and refused, naming the field, elsewhere.
- Errors, all of them, are `{"detail": [{"field": "title", "message": "…"}]}`; `field` is null when the
  problem is not about one field. Messages are in the request's language.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from ninja import Field, Schema
from ninja.params.functions import Path as PathParam
from pydantic import ConfigDict, PlainSerializer, PlainValidator, ValidationInfo, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from qibu.core.validation import COMMENT_MAX, NOTE_MAX, NUMBER_LIMIT, NUMBER_PLACES, TEXT_MAX, TITLE_MAX, UNIT_MAX
from qibu.cycles.models import CycleKind
from qibu.okrs.models import (
    Approval,
    ApprovalAction,
    Commitment,
    KeyResultKind,
    Level,
    Priority,
    RollupMode,
    Status,
    Visibility,
)
from qibu.okrs.progress import Health
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

# --- decimals -----------------------------------------------------------------------------------------

# What `clean_decimal` stores exactly: below NUMBER_LIMIT (1e11, so 11 digits before the point), 4 decimals.
NUMBER_DIGITS = NUMBER_LIMIT.adjusted()
# What `clean_weight` takes (MEAS-4): 0.01 to 1000 with two decimals; the range is the service's to refuse.
WEIGHT_DIGITS, WEIGHT_PLACES = 4, 2


def decimal_pattern(digits: int, places: int, *, signed: bool = True) -> str:
    return rf"^{'-?' if signed else ''}\d{{1,{digits}}}(\.\d{{1,{places}}})?$"


DECIMAL_PATTERN = decimal_pattern(NUMBER_DIGITS, NUMBER_PLACES)
WEIGHT_PATTERN = decimal_pattern(WEIGHT_DIGITS, WEIGHT_PLACES, signed=False)


def _decimal_text(value: Any) -> str | None:
    """The value written out as the pattern reads it: a string as sent, a JSON number as JSON writes it
    (2.5 → "2.5", 1e-05 → "1e-05", which no pattern accepts); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return None


def _decimal_reader(digits: int, places: int, *, signed: bool = True) -> PlainValidator:
    pattern = re.compile(decimal_pattern(digits, places, signed=signed))
    limits = {"digits": digits, "places": places}

    def read(value: Any) -> Decimal:
        text = _decimal_text(value)
        if text is None or not pattern.fullmatch(text):
            # The message is the API's (qibu.api.errors, by this kind), in the request's language.
            raise PydanticCustomError("decimal_pattern", "Enter a decimal string ({digits}.{places}).", limits)
        return Decimal(text)

    return PlainValidator(read)


def _decimal_schema(pattern: str, example: str) -> WithJsonSchema:
    # "decimal" is the OpenAPI format registry's name for a fixed-point decimal written as a string.
    return WithJsonSchema({"type": "string", "format": "decimal", "pattern": pattern, "examples": [example]})


def _decimal_string(value: Decimal) -> str:
    return format(value, "f")


# Inputs: a decimal string within the pattern (a JSON number within it is tolerated, as before).
DecimalIn = Annotated[
    Decimal, _decimal_reader(NUMBER_DIGITS, NUMBER_PLACES), _decimal_schema(DECIMAL_PATTERN, "1200.5")
]
WeightIn = Annotated[
    Decimal, _decimal_reader(WEIGHT_DIGITS, WEIGHT_PLACES, signed=False), _decimal_schema(WEIGHT_PATTERN, "1.5")
]
# Outputs: always a decimal string, never in exponent notation.
DecimalOut = Annotated[
    Decimal, PlainSerializer(_decimal_string, return_type=str), _decimal_schema(DECIMAL_PATTERN, "0.7500")
]
WeightOut = Annotated[
    Decimal, PlainSerializer(_decimal_string, return_type=str), _decimal_schema(WEIGHT_PATTERN, "1.00")
]
# MEAS-5: a whole percentage, on key results, check-ins and (rounded half up) objectives alike.
Confidence = Annotated[int, Field(ge=0, le=100)]
# Text the services require (a title): at least one character that is not blank, at most TITLE_MAX. The length
# is checked here; emptiness by the service, with the message the pages show ("Give it a title.").
Title = Annotated[str, Field(max_length=TITLE_MAX, json_schema_extra={"minLength": 1})]


# --- null only where it means something -----------------------------------------------------------------


def _without_null(schema: dict[str, Any]) -> None:
    """The property schema without its `null` alternative (pydantic writes `X | None` as anyOf [X, null])."""
    alternatives = [a for a in schema.get("anyOf", []) if a != {"type": "null"}]
    if "anyOf" not in schema or len(alternatives) == len(schema["anyOf"]):
        return
    del schema["anyOf"]
    if len(alternatives) == 1:
        schema.update(alternatives[0])
    else:
        schema["anyOf"] = alternatives
    if schema.get("default", ...) is None:
        del schema["default"]


def _only_meaningful_nulls(schema: dict[str, Any], model: type[Any]) -> None:
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, prop in schema.get("properties", {}).items():
        if name not in nullable:
            _without_null(prop)


class InputSchema(Schema):
    """Request bodies: unknown fields are refused (a typo is named, not silently ignored).

    A field may be left out (its default, or on a change: left as it is); `null` is taken only by the fields
    named in NULLABLE, where it means something (no owner, the cycle's dates …). Elsewhere it is refused with
    the field's name: the document says the same, since `X | None` is written as X alone for those fields.
    """

    NULLABLE: ClassVar[frozenset[str]] = frozenset()
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_only_meaningful_nulls)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_meaningless_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null_refused", "This field does not take null; leave it out instead.")
        return value


class QuerySchema(Schema):
    """Query parameters: a parameter is given or left out; a query string has no null."""

    model_config = ConfigDict(json_schema_extra=_only_meaningful_nulls)


# --- errors and paging ---------------------------------------------------------------------------------


class ErrorItem(Schema):
    field: str | None = Field(description="The field the problem is about, or null.")
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Writes may also meet a body that is not JSON at all.
WRITE_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **ERRORS}


class PageQuery(QuerySchema):
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


class PersonFilters(QuerySchema):
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


class DepartmentFilters(QuerySchema):
    parent: Id | None = None


class TeamOut(Schema):
    id: int
    name: str
    department: int
    lead: int | None


class TeamPage(PageOut):
    items: list[TeamOut]


class TeamFilters(QuerySchema):
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


class CycleFilters(QuerySchema):
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
    weight: WeightOut
    commitment: Commitment
    visibility: Visibility
    status: Status
    rollup_mode: RollupMode
    start_date: dt.date
    end_date: dt.date
    progress: DecimalOut = Field(description="Stored roll-up in [0, 1] (MEAS-4).")
    confidence: Confidence | None = Field(
        description="Weighted confidence of its key results, a whole percentage rounded half up; null without "
        "key results (MEAS-5)."
    )
    health: Health = Field(description="MEAS-6, from the confidence and the organisation's thresholds.")
    behind_pace: bool = Field(description="MEAS-6: progress well below the share of the period elapsed.")
    score: DecimalOut | None
    key_result_ids: list[int]
    parent_objective_ids: list[int]
    parent_key_result_ids: list[int]
    strategic_goal: int | None = Field(
        description="VIS-2: the strategic goal a company objective traces to; null for none (and for the other "
        "levels, which trace to the strategy through what they align to)."
    )
    can_edit: bool = Field(description="Whether the caller may change this objective.")
    approval: Approval = Field(
        description="Where it stands in being agreed (SET-1, SET-2); read-only, changed by the approval steps "
        "(`/objectives/{id}/submit` …)."
    )
    submitted_at: dt.datetime | None = Field(description="When it was last submitted for approval.")
    approved_at: dt.datetime | None = Field(
        description="When it was last approved; null until its first approval, while only its circle sees it and it "
        "takes no check-ins."
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class AdviceOut(Schema):
    """One of the method's warnings: advice, not a refusal (the write was made)."""

    rule: str = Field(description="The method's rule, e.g. SET-3 or SET-4, to key on.", examples=["SET-4"])
    message: str = Field(description="The rule and the advice in words, in the request's language.")


class ApprovalStepIn(InputSchema):
    """A step of approval; the comment is required to return an objective, optional otherwise."""

    comment: str = Field("", max_length=COMMENT_MAX)


class ApproverOut(Schema):
    id: int
    username: str
    full_name: str


class WaitedForOut(Schema):
    """An objective of the level above that this one waits for (SET-1)."""

    id: int
    title: str
    level: Level
    approval: Approval


class DecisionOut(Schema):
    id: int
    action: ApprovalAction
    actor: int | None
    actor_name: str
    comment: str
    created_at: dt.datetime


class ApprovalOut(Schema):
    """Where an objective stands in being approved (SET-1, SET-2)."""

    objective: int
    approval: Approval
    agreed: bool = Field(description="Approved now or once before: it counts, is seen and takes check-ins.")
    required: bool = Field(description="Whether the organisation's OKRs need approval.")
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    approvers: list[ApproverOut] = Field(description="Who may approve it, while it is not approved.")
    waits_for: list[WaitedForOut] = Field(
        description="The objectives of the level above it waits for, when the organisation enforces the order."
    )
    waits_for_hidden: int = Field(description="Objectives it waits for that the caller may not see.")
    decisions: list[DecisionOut] = Field(description="The decision log, newest first.")
    can_submit: bool
    can_decide: bool = Field(description="Whether the caller may approve or return it now.")
    can_reopen: bool


class ObjectiveCreated(ObjectiveOut):
    warnings: list[AdviceOut] = Field(
        description="The method's warnings on this addition: SET-3 when the owner now has more objectives in the "
        "cycle than the organisation's policy keeps. Empty when there is nothing to say."
    )


class ObjectivePage(PageOut):
    items: list[ObjectiveOut]


class ObjectiveFilters(QuerySchema):
    cycle: Id | None = None
    owner: Id | None = None
    department: Id | None = None
    team: Id | None = None
    level: Level | None = None
    status: Status | None = None
    approval: Approval | None = None


class ObjectiveCreate(InputSchema):
    """A new objective; the fields left out take their defaults (P1, weight 1, the cycle's dates …)."""

    # null: none (a company objective has no department; a personal one takes its owner's).
    NULLABLE = frozenset({"owner", "department", "team", "strategic_goal"})

    cycle: Id
    level: Level
    title: Title
    description: str = Field("", max_length=TEXT_MAX)
    owner: Id | None = None
    department: Id | None = None
    team: Id | None = None
    priority: Priority | None = None
    weight: WeightIn | None = Field(None, description="0.01 to 1000 (MEAS-4); 1 when left out.")
    commitment: Commitment | None = None
    visibility: Visibility | None = None
    status: Status | None = None
    rollup_mode: RollupMode | None = None
    start_date: dt.date | None = Field(None, description="The cycle's start when left out.")
    end_date: dt.date | None = Field(None, description="The cycle's end when left out.")
    parent_objective_ids: list[Id] = Field(default_factory=list)
    parent_key_result_ids: list[Id] = Field(default_factory=list)
    strategic_goal: Id | None = Field(
        None, description="VIS-2: a company objective's strategic goal (`/strategic-goals`); null: none."
    )


class ObjectiveUpdate(InputSchema):
    """Only the fields sent are changed. The level of an objective is fixed once created."""

    # owner, department, team: null is none (refused where the level needs one); dates: null is the cycle's;
    # strategic_goal: null is none.
    NULLABLE = frozenset({"owner", "department", "team", "start_date", "end_date", "strategic_goal"})

    title: Title | None = None
    description: str | None = Field(None, max_length=TEXT_MAX)
    cycle: Id | None = None
    owner: Id | None = None
    department: Id | None = None
    team: Id | None = None
    priority: Priority | None = None
    weight: WeightIn | None = Field(None, description="0.01 to 1000 (MEAS-4).")
    commitment: Commitment | None = None
    visibility: Visibility | None = None
    status: Status | None = None
    rollup_mode: RollupMode | None = None
    start_date: dt.date | None = Field(None, description="null: the cycle's start.")
    end_date: dt.date | None = Field(None, description="null: the cycle's end.")
    strategic_goal: Id | None = Field(None, description="VIS-2, a company objective's only; null: none.")


class AlignmentIn(InputSchema):
    """SET-6: the objective's parents, replacing the current ones (several allowed, loops refused)."""

    parent_objective_ids: list[Id] = Field(default_factory=list)
    parent_key_result_ids: list[Id] = Field(default_factory=list)


class TreeQuery(QuerySchema):
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
    progress: DecimalOut
    confidence: Confidence | None = Field(description="As on the objective (MEAS-5).")
    health: Health
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
    weight: WeightOut
    done: bool
    due_date: dt.date | None = Field(description="When it is due (EXE-9); null: no due date.")
    position: int


class MilestoneIn(InputSchema):
    title: Title
    weight: WeightIn | None = Field(None, description="0.01 to 1000; 1 when left out.")
    due_date: dt.date | None = Field(None, description="When it is due (EXE-9), within the key result's dates.")


class KeyResultOut(Schema):
    id: int
    objective: int
    title: str
    kind: KeyResultKind
    unit: str
    start_value: DecimalOut
    target_value: DecimalOut
    current_value: DecimalOut
    band_low: DecimalOut | None
    band_high: DecimalOut | None
    weight: WeightOut
    owner: int | None
    start_date: dt.date
    end_date: dt.date
    confidence: Confidence = Field(description="MEAS-5.")
    progress_raw: DecimalOut = Field(description="MEAS-1 unclamped: above 1 is over-achieved.")
    progress: DecimalOut = Field(description="Clamped to [0, 1]; what rolls up.")
    health: Health
    stale: bool = Field(description="MEAS-8: no check-in within the organisation's cadence.")
    behind_pace: bool = Field(description="MEAS-6: progress well below the share of its period elapsed.")
    last_checkin_at: dt.datetime | None
    score: DecimalOut | None
    position: int
    milestones: list[MilestoneOut]


class KeyResultCreated(KeyResultOut):
    warnings: list[AdviceOut] = Field(
        description="The method's warnings on this addition: SET-4 when the objective now has more key results "
        "than the organisation's policy keeps. Empty when there is nothing to say."
    )


class KeyResultPage(PageOut):
    items: list[KeyResultOut]


class KeyResultFilters(QuerySchema):
    objective: Id | None = None
    cycle: Id | None = None
    owner: Id | None = None


class KeyResultCreate(InputSchema):
    # owner null: the objective's owner; band limits null: none (a band needs both); dates null: the objective's.
    NULLABLE = frozenset({"owner", "start_date", "end_date"})

    objective: Id
    title: Title
    kind: KeyResultKind = KeyResultKind.INCREASE
    start_value: DecimalIn | None = Field(None, description="0 when left out.")
    target_value: DecimalIn | None = Field(None, description="Required by increase and decrease.")
    current_value: DecimalIn | None = Field(None, description="The start (a band: its low limit) when left out.")
    unit: str = Field("", max_length=UNIT_MAX)
    band_low: DecimalIn | None = None
    band_high: DecimalIn | None = None
    weight: WeightIn | None = Field(None, description="0.01 to 1000 (MEAS-4); 1 when left out.")
    owner: Id | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    confidence: Confidence = 50
    milestones: list[MilestoneIn] = Field(default_factory=list)


class KeyResultUpdate(InputSchema):
    """Only the fields sent are changed. Values move with check-ins; this is for corrections (EXE-11)."""

    # owner null: nobody; band limits null: none (refused for a band); dates null: the cycle's.
    NULLABLE = frozenset({"owner", "start_date", "end_date"})

    title: Title | None = None
    kind: KeyResultKind | None = None
    start_value: DecimalIn | None = None
    target_value: DecimalIn | None = None
    current_value: DecimalIn | None = None
    unit: str | None = Field(None, max_length=UNIT_MAX)
    band_low: DecimalIn | None = None
    band_high: DecimalIn | None = None
    weight: WeightIn | None = Field(None, description="0.01 to 1000 (MEAS-4).")
    owner: Id | None = None
    start_date: dt.date | None = Field(None, description="null: the cycle's start.")
    end_date: dt.date | None = Field(None, description="null: the cycle's end.")
    confidence: Confidence | None = None
    confidence_reason: str | None = Field(
        None, max_length=NOTE_MAX, description="Required when confidence falls by the policy's threshold (EXE-4)."
    )
    position: int | None = Field(None, ge=0, le=10_000)


class KeyResultMove(InputSchema):
    objective: Id = Field(description="The objective to move it to: one the caller may change, in an open cycle.")


class KeyResultMoved(KeyResultOut):
    warnings: list[AdviceOut] = Field(
        description="What the move allowed but its maker should know: SET-8 when the key result's dates fall "
        "outside the objective's. Empty when there is nothing to say."
    )


class StrategicGoalOut(Schema):
    id: int
    title: str
    description: str
    place: int = Field(description="1 for the first goal, in the order the executives keep them.")


class CheckInOut(Schema):
    id: int
    key_result: int
    author: int | None
    created_at: dt.datetime
    value: DecimalOut | None = Field(description="null for a milestone check-in or one of confidence only.")
    milestones_done: list[int]
    confidence: Confidence
    previous_confidence: Confidence | None
    confidence_reason: str
    note: str
    progress_raw: DecimalOut
    progress: DecimalOut


class CheckInPage(PageOut):
    items: list[CheckInOut]


class CheckInFilters(QuerySchema):
    key_result: Id | None = None
    objective: Id | None = None


class CheckInCreate(InputSchema):
    """EXE-3: a new value (or the milestones done) and the confidence; EXE-4: say why confidence fell."""

    key_result: Id
    confidence: Confidence
    value: DecimalIn | None = Field(None, description="Left out: the value stays (a milestone key result takes none).")
    milestones_done: list[Id] | None = Field(None, description="A milestone key result's milestones now done.")
    confidence_reason: str = Field("", max_length=NOTE_MAX)
    note: str = Field("", max_length=NOTE_MAX)
    confirm: bool = Field(
        False,
        description="A value far outside the key result's range (beyond twice its range past the start or the "
        "target, or the band) is refused naming `value` unless this is true.",
    )


# --- comments (PUB-3) ---------------------------------------------------------------------------------


class CommentOut(Schema):
    id: int
    objective: int
    key_result: int | None = Field(description="The key result it is about (a check-in's too), or null.")
    check_in: int | None = Field(description="The check-in it is about, or null.")
    author: int | None
    text: str | None = Field(description="null when an administrator hid it and the caller is not one.")
    created_at: dt.datetime
    edited_at: dt.datetime | None = Field(description="When its author last changed it; null: never.")
    hidden: bool = Field(description="Hidden by an administrator.")
    mentions: list[int] = Field(description="The people it mentions who may see the objective (they were told).")
    notices: list[str] = Field(
        default_factory=list,
        description="After a write: what the commenter should know, e.g. someone mentioned who cannot see the "
        "objective and was not told.",
    )


class CommentPage(PageOut):
    items: list[CommentOut]


class CommentFilters(QuerySchema):
    objective: Id = Field(description="The objective whose comments to list, oldest first.")


class CommentCreate(InputSchema):
    """On the objective, or on one of its key results or check-ins; @name mentions a colleague."""

    objective: Id
    key_result: Id | None = None
    check_in: Id | None = None
    text: str = Field(max_length=COMMENT_MAX, json_schema_extra={"minLength": 1})


class CommentUpdate(InputSchema):
    """The author changes `text`; an administrator hides a comment or shows it again (`hidden`)."""

    text: str | None = Field(None, max_length=COMMENT_MAX, json_schema_extra={"minLength": 1})
    hidden: bool | None = None


# --- the caller ---------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    default_language: str


class MeOut(Schema):
    """The person the token or session belongs to."""

    id: int
    username: str
    full_name: str
    email: str
    role: Role
    department: int | None
    team: int | None
    manager: int | None
    language: str | None = Field(description="Their own choice (zh-hans, en); null: the organisation's default.")
    organisation: OrganisationOut
