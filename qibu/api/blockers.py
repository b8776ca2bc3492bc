"""Blockers (EXE-2): what stands in someone's way, its owner and the people concerned, its follow-up and its escalation
along the meeting tiers. The pages' rules (`qibu.blockers.access`): a blocker is seen by its raiser, owner and the
people concerned, its team and department, managers up the line, executives and administrators (404 otherwise);
changed, resolved and reopened by its raiser, owner, its team's lead, its department's head and administrators
(403 for others)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.pagination import paginate
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Id, InputSchema, PageOut, PageQuery, PathId, QuerySchema, Title
from qibu.blockers import services
from qibu.blockers.access import blocker_for, can_change
from qibu.blockers.models import Blocker, BlockerSource, BlockerStatus, Tier
from qibu.blockers.selectors import BlockerFilters, BlockerRow, blocker_rows, filtered_blockers
from qibu.core.validation import NOTE_MAX, TEXT_MAX
from qibu.okrs.models import KeyResult
from qibu.org.models import Department, Person, Team
from qibu.plans.models import ActionStep

router = Router(tags=["blockers"])

PEOPLE = "Person ids: active people of the company."


# --- shapes --------------------------------------------------------------------------------------------------


class BlockerOut(Schema):
    id: int
    title: str
    description: str
    status: BlockerStatus
    owner: int = Field(description="Who settles it.")
    owner_name: str
    concerned: list[int] = Field(description="The people it concerns (besides its owner).")
    concerned_names: list[str]
    raised_by: int | None
    team: int | None = Field(description="The team it was raised in.")
    department: int | None = Field(description="The department it was raised in (the team's).")
    group: str = Field(description="The team's name, else the department's, else empty.")
    key_result: int | None = Field(description="The key result it stands in the way of (null when none or hidden).")
    key_result_title: str
    action_step: int | None
    action_step_title: str
    source: BlockerSource = Field(description="Where it was raised.")
    source_id: int | None = Field(description="The stand-up, weekly meeting or 1-on-1 it was raised in.")
    tier: Tier = Field(description="The meeting that looks at it now (EXE-2 escalation).")
    escalated_at: dt.datetime | None
    age_days: int = Field(description="Whole days since it was raised, until it was resolved.")
    resolution: str
    resolved_by: int | None
    resolved_at: dt.datetime | None
    can_change: bool = Field(description="Whether the caller may change, resolve and reopen it.")
    created_at: dt.datetime
    updated_at: dt.datetime


class BlockerPage(PageOut):
    items: list[BlockerOut]


class BlockerQuery(QuerySchema):
    mine: bool | None = Field(None, description="Only those the caller owns.")
    concerning: bool | None = Field(None, description="Only those the caller is concerned by.")
    team: Id | None = None
    department: Id | None = None
    tier: Tier | None = None
    status: BlockerStatus | None = Field(None, description="Left out: both, open ones first.")


class BlockerCreate(InputSchema):
    """A blocker with its owner and the people concerned, who are told. Left out: raised on its own page, in the
    caller's team (and its department); with neither a team nor a department it goes to the management meeting.
    A step brings its key result."""

    title: Title
    description: str | None = Field(None, max_length=TEXT_MAX)
    owner: Id = Field(description="Who settles it: an active person of the company.")
    concerned: list[Id] | None = Field(None, description=PEOPLE)
    team: Id | None = None
    department: Id | None = None
    key_result: Id | None = None
    action_step: Id | None = None
    source: BlockerSource | None = None
    source_id: Id | None = None


class BlockerUpdate(InputSchema):
    """Only the fields sent change; `key_result` or `action_step` null unlinks it."""

    NULLABLE = frozenset({"key_result", "action_step"})

    title: Title | None = None
    description: str | None = Field(None, max_length=TEXT_MAX)
    owner: Id | None = None
    concerned: list[Id] | None = Field(None, description=PEOPLE)
    key_result: Id | None = None
    action_step: Id | None = None


class BlockerResolve(InputSchema):
    resolution: str = Field(max_length=NOTE_MAX, description="How it was settled.")


# --- helpers -------------------------------------------------------------------------------------------------


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("You may see this blocker but not change it."))


def _row_of(model: type[Model], field: str, pk: int | None) -> Any:
    if pk is None:
        return None
    queryset = model._default_manager.all()
    if model is ActionStep:
        queryset = queryset.select_related("key_result__objective")
    elif model is KeyResult:
        queryset = queryset.select_related("objective")
    elif model is Team:
        queryset = queryset.select_related("department")
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("There is no #%(id)s.") % {"id": pk}]})
    return found


def blocker_out(blocker: Blocker, row: BlockerRow, person: Person) -> dict[str, Any]:
    return {
        "id": blocker.pk,
        "title": blocker.title,
        "description": blocker.description,
        "status": blocker.status,
        "owner": blocker.owner_id,
        "owner_name": row.owner_name,
        "concerned": list(row.concerned_ids),
        "concerned_names": list(row.concerned_names),
        "raised_by": blocker.raised_by_id,
        "team": blocker.team_id,
        "department": blocker.department_id,
        "group": row.group,
        "key_result": row.key_result_id,
        "key_result_title": row.key_result_title,
        "action_step": row.action_step_id,
        "action_step_title": row.action_step_title,
        "source": blocker.source,
        "source_id": blocker.source_id,
        "tier": blocker.tier,
        "escalated_at": blocker.escalated_at,
        "age_days": row.age_days,
        "resolution": blocker.resolution,
        "resolved_by": blocker.resolved_by_id,
        "resolved_at": blocker.resolved_at,
        "can_change": can_change(person, blocker),
        "created_at": blocker.created_at,
        "updated_at": blocker.updated_at,
    }


def _outs(blockers: list[Blocker], person: Person) -> list[dict[str, Any]]:
    rows = blocker_rows(blockers, viewer=person)
    return [blocker_out(b, row, person) for b, row in zip(blockers, rows, strict=True)]


def _detail(person: Person, pk: int) -> dict[str, Any]:
    blocker, _rights = blocker_for(person, pk)
    blocker = (
        Blocker.objects.select_related("owner", "raised_by", "team", "department", "key_result", "action_step")
        .prefetch_related("concerned")
        .get(pk=blocker.pk)
    )
    return _outs([blocker], person)[0]


def _for_change(request: HttpRequest, pk: int) -> tuple[Person, Blocker]:
    person = caller(request)
    blocker, rights = blocker_for(person, pk)
    if not rights.change:
        raise _refuse()
    return person, blocker


# --- blockers ------------------------------------------------------------------------------------------------


@router.get("/blockers", response={200: BlockerPage, **ERRORS}, summary="List blockers (EXE-2)")
def blockers_list(request: HttpRequest, query: Query[BlockerQuery], paging: Query[PageQuery]) -> dict[str, Any]:
    """The blockers the caller may see: open ones first, oldest first; resolved ones newest first."""
    person = caller(request)
    filters = BlockerFilters(
        mine=bool(query.mine),
        concerning=bool(query.concerning),
        team=query.team,
        department=query.department,
        tier=query.tier or "",
        status=query.status or "",
    )
    items, meta = paginate(filtered_blockers(viewer=person, filters=filters).prefetch_related("concerned"), paging)
    return {**meta, "items": _outs(items, person)}


@router.get("/blockers/{blocker_id}", response={200: BlockerOut, **ERRORS}, summary="Get a blocker")
def blocker_get(request: HttpRequest, blocker_id: PathId) -> dict[str, Any]:
    return _detail(caller(request), blocker_id)


@router.post("/blockers", response={201: BlockerOut, **WRITE_ERRORS}, summary="Raise a blocker (EXE-2)")
def blocker_create(request: HttpRequest, payload: BlockerCreate) -> Status[dict[str, Any]]:
    person = caller(request)
    team = _row_of(Team, "team", payload.team)
    department = _row_of(Department, "department", payload.department)
    if payload.team is None and payload.department is None:
        team, department = person.team, person.department
    blocker = services.blocker_create(
        actor=person,
        title=payload.title,
        description=payload.description or "",
        owner=payload.owner,
        concerned=payload.concerned or [],
        team=team,
        department=department,
        key_result=_row_of(KeyResult, "key_result", payload.key_result),
        action_step=_row_of(ActionStep, "action_step", payload.action_step),
        source=payload.source or BlockerSource.PAGE,
        source_id=payload.source_id,
    )
    return Status(201, _detail(person, blocker.pk))


@router.patch("/blockers/{blocker_id}", response={200: BlockerOut, **WRITE_ERRORS}, summary="Change a blocker")
def blocker_update(request: HttpRequest, payload: BlockerUpdate, blocker_id: PathId) -> dict[str, Any]:
    person, blocker = _for_change(request, blocker_id)
    changes = payload.model_dump(exclude_unset=True)
    if "key_result" in changes:
        changes["key_result"] = _row_of(KeyResult, "key_result", changes["key_result"])
    if "action_step" in changes:
        changes["action_step"] = _row_of(ActionStep, "action_step", changes["action_step"])
    services.blocker_update(actor=person, blocker=blocker, **changes)
    return _detail(person, blocker.pk)


@router.post("/blockers/{blocker_id}/resolve", response={200: BlockerOut, **WRITE_ERRORS}, summary="Resolve a blocker")
def blocker_resolve(request: HttpRequest, payload: BlockerResolve, blocker_id: PathId) -> dict[str, Any]:
    """Its owner, the people concerned and its raiser are told. A resolved one: 422, nothing written."""
    person, blocker = _for_change(request, blocker_id)
    services.blocker_resolve(actor=person, blocker=blocker, resolution=payload.resolution)
    return _detail(person, blocker.pk)


@router.post("/blockers/{blocker_id}/reopen", response={200: BlockerOut, **WRITE_ERRORS}, summary="Reopen a blocker")
def blocker_reopen(request: HttpRequest, blocker_id: PathId) -> dict[str, Any]:
    """It keeps its age and the tier it had reached. An open one: 422, nothing written."""
    person, blocker = _for_change(request, blocker_id)
    services.blocker_reopen(actor=person, blocker=blocker)
    return _detail(person, blocker.pk)
