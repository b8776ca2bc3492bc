"""Action plans (EXE-8, PLAY-MKT steps 3–5): the steps under key results, their people, resources and timetable,
and the timetable of an objective, a team, a department or a person. The pages' rules (`qibu.plans.access`): a step
is as visible as its objective (404 otherwise); its planners change it (403 for others); its owner sets its status.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.okrs import advice_out, caller
from qibu.api.pagination import paginate
from qibu.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    AdviceOut,
    DecimalIn,
    DecimalOut,
    Id,
    InputSchema,
    PageOut,
    PageQuery,
    PathId,
    QuerySchema,
    Title,
)
from qibu.core.validation import NOTE_MAX, TEXT_MAX
from qibu.okrs.access import can_edit, objective_for
from qibu.okrs.models import Priority
from qibu.org.middleware import request_organisation
from qibu.org.models import Person
from qibu.plans import access, services
from qibu.plans.models import ActionStep, StepStatus, overdue_q
from qibu.plans.selectors import local_today, timetable_for, timetable_scope, visible_steps
from qibu.plans.services import StepResult

router = Router(tags=["action steps"])

Currency = Annotated[str, Field(min_length=3, max_length=3, description="ISO 4217, e.g. CNY or USD.")]
PEOPLE = "Person ids; anyone active in the company who may see the objective."


# --- shapes --------------------------------------------------------------------------------------------------


class StepOut(Schema):
    id: int
    key_result: int
    objective: int
    title: str
    description: str
    owner: int = Field(description="Who does it.")
    responsible: int | None = Field(description="Who answers for it.")
    decider: int | None = Field(description="Who decides on it (authority).")
    resource_people: list[int] = Field(description="The people who help.")
    budget: DecimalOut
    currency: str
    resources_note: str
    start: dt.date
    deadline: dt.date
    status: StepStatus
    done_at: dt.datetime | None
    priority: Priority
    position: int
    split_from: int | None = Field(description="The step it was split from.")
    overdue: bool = Field(description="Past its deadline and not done nor cancelled.")
    due_after_key_result: bool = Field(description="EXE-8 warning: its deadline is after its key result ends.")
    can_change: bool = Field(description="Whether the caller plans it (change, reassign, move, split, delete).")
    can_set_status: bool = Field(description="Whether the caller may set its status (its planners and its owner).")
    created_at: dt.datetime
    updated_at: dt.datetime


class StepWritten(StepOut):
    warnings: list[AdviceOut] = Field(
        description="EXE-8 when the deadline is after the key result's end: the step is saved, the planner decides."
    )


class StepSplitOut(Schema):
    step: StepOut = Field(description="The step split, which keeps its start and history.")
    new_step: StepOut = Field(description="The new step, `split_from` the first.")
    warnings: list[AdviceOut]


class StepPage(PageOut):
    items: list[StepOut]


class StepFilters(QuerySchema):
    key_result: Id | None = None
    objective: Id | None = None
    owner: Id | None = None
    status: StepStatus | None = None
    overdue: bool | None = Field(None, description="Only overdue steps (true) or only the others (false).")


class _StepFields(InputSchema):
    description: str | None = Field(None, max_length=TEXT_MAX)
    resource_people: list[Id] | None = Field(None, description=PEOPLE)
    budget: DecimalIn | None = Field(None, description="Not negative; two decimals are kept.")
    currency: Currency | None = None
    resources_note: str | None = Field(None, max_length=NOTE_MAX)
    start: dt.date | None = None
    deadline: dt.date | None = None
    priority: Priority | None = None


class StepCreate(_StepFields):
    """A new step at the end of the key result's plan. Left out: the owner is the key result's owner (or the
    caller), responsible the owner, the one who decides the objective's owner; the start today (within the key
    result's period), the deadline the key result's end; priority P2, status to do, budget 0 CNY."""

    key_result: Id
    title: Title
    owner: Id | None = None
    responsible: Id | None = None
    decider: Id | None = None
    status: StepStatus | None = None


class StepUpdate(_StepFields):
    """Only the fields sent change. People change by `/reassign`, the place by `/move`, the status by `/status`."""

    title: Title | None = None


class StepReassign(InputSchema):
    """Left out: kept. `responsible` or `decider` null: nobody."""

    NULLABLE = frozenset({"responsible", "decider"})

    owner: Id | None = None
    responsible: Id | None = None
    decider: Id | None = None


class StepMove(InputSchema):
    key_result: Id = Field(description="The key result to move it to (its own: to reorder).")
    position: int | None = Field(None, ge=0, le=100_000, description="0 first; left out: last.")


class StepSplit(InputSchema):
    """Left out, the dates divide the step's days in the middle; the new step's title is the step's with “(part 2)”;
    it takes no budget."""

    title: Title | None = None
    first_deadline: dt.date | None = Field(None, description="When the step now ends.")
    second_start: dt.date | None = None
    second_deadline: dt.date | None = None
    second_budget: DecimalIn | None = Field(None, description="What the new step takes of the step's budget.")


class StepStatusIn(InputSchema):
    status: StepStatus


class TimetableQuery(QuerySchema):
    objective: Id | None = None
    team: Id | None = None
    department: Id | None = None
    person: Id | None = None
    start: dt.date | None = Field(None, description="Default: the objective's start, else the quarter's.")
    end: dt.date | None = Field(None, description="Default: the objective's end, else the quarter's.")


class TimetableStepOut(Schema):
    id: int
    key_result: int
    title: str
    owner: int
    owner_name: str
    start: dt.date
    deadline: dt.date
    status: StepStatus
    priority: Priority
    overdue: bool


class TimetableGroupOut(Schema):
    key_result: int
    title: str
    objective: int
    objective_title: str
    end_date: dt.date = Field(description="When the key result ends.")
    steps: list[TimetableStepOut]


class TimetableOut(Schema):
    title: str
    start: dt.date
    end: dt.date
    today: dt.date
    groups: list[TimetableGroupOut] = Field(description="By key result, in the order of their objectives' priority.")
    count: int
    overdue: int
    more: bool = Field(description="More steps run in the period than the timetable holds: ask for a shorter one.")


# --- helpers -------------------------------------------------------------------------------------------------


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("You may see this action step but not change it."))


def _person(field: str, pk: int | None) -> Person | None:
    """A person by id, whoever they are (the service refuses those who left, saying so); 422 for nobody."""
    if pk is None:
        return None
    found = Person.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("There is no person #%(id)s.") % {"id": pk}]})
    return found


def _people(pks: list[int]) -> list[Person]:
    found = {p.pk: p for p in Person.objects.filter(pk__in=pks)}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        ids = ", ".join(f"#{pk}" for pk in missing)
        raise ValidationError({"resource_people": [_("There is no person %(ids)s.") % {"ids": ids}]})
    return [found[pk] for pk in dict.fromkeys(pks)]


def _steps() -> QuerySet[ActionStep]:
    return ActionStep.objects.select_related(
        "key_result__objective__owner",
        "key_result__objective__team",
        "key_result__objective__department",
    ).prefetch_related("resource_people")


def step_out(step: ActionStep, person: Person, *, editable: bool, today: dt.date) -> dict[str, Any]:
    """Needs the step's key result and objective (with its owner), and its resource people prefetched."""
    objective = step.key_result.objective
    rights = access.step_rights(person, step, objective, editable=editable)
    return {
        "id": step.pk,
        "key_result": step.key_result_id,
        "objective": objective.pk,
        "title": step.title,
        "description": step.description,
        "owner": step.owner_id,
        "responsible": step.responsible_id,
        "decider": step.decider_id,
        "resource_people": sorted(p.pk for p in step.resource_people.all()),
        "budget": step.budget,
        "currency": step.currency,
        "resources_note": step.resources_note,
        "start": step.start,
        "deadline": step.deadline,
        "status": step.status,
        "done_at": step.done_at,
        "priority": step.priority,
        "position": step.position,
        "split_from": step.split_from_id,
        "overdue": step.is_overdue(today),
        "due_after_key_result": step.deadline > step.key_result.end_date,
        "can_change": rights.plan,
        "can_set_status": rights.status,
        "created_at": step.created_at,
        "updated_at": step.updated_at,
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    person = caller(request)
    step, objective, _rights = access.step_for(person, pk)
    step = _steps().get(pk=step.pk)
    return step_out(step, person, editable=can_edit(person, objective), today=_today(request))


def _today(request: HttpRequest) -> dt.date:
    return local_today(request_organisation(request))


def _written(request: HttpRequest, result: StepResult, status: int = 200) -> Status[dict[str, Any]]:
    return Status(status, {**_detail(request, result.step.pk), "warnings": advice_out(result.warnings)})


def _for_change(request: HttpRequest, pk: int) -> tuple[Person, ActionStep]:
    person = caller(request)
    step, _objective, rights = access.step_for(person, pk)
    if not rights.plan:
        raise _refuse()
    return person, step


# --- steps ---------------------------------------------------------------------------------------------------


@router.get("/action-steps", response={200: StepPage, **ERRORS}, summary="List action steps (EXE-8)")
def action_steps_list(request: HttpRequest, filters: Query[StepFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    """Steps of the objectives the caller may see, by key result and place in its plan; `?objective=` or
    `?key_result=` of one the caller may not see is 404."""
    person = caller(request)
    today = _today(request)
    steps = visible_steps(person)
    if filters.key_result is not None:
        key_result, _objective, _may_plan = access.plannable_key_result(person, filters.key_result)
        steps = steps.filter(key_result=key_result)
    if filters.objective is not None:
        objective, _editable = objective_for(person, filters.objective)
        steps = steps.filter(key_result__objective=objective)
    if filters.owner is not None:
        steps = steps.filter(owner_id=filters.owner)
    if filters.status is not None:
        steps = steps.filter(status=filters.status)
    if filters.overdue is not None:
        late = overdue_q(today)
        steps = steps.filter(late) if filters.overdue else steps.exclude(late)
    items, meta = paginate(steps.order_by("key_result_id", "position", "id"), paging, rows=_steps())
    editable: dict[int, bool] = {}
    out = []
    for step in items:
        objective = step.key_result.objective
        if objective.pk not in editable:
            editable[objective.pk] = can_edit(person, objective)
        out.append(step_out(step, person, editable=editable[objective.pk], today=today))
    return {**meta, "items": out}


@router.get("/action-steps/{step_id}", response={200: StepOut, **ERRORS}, summary="Get an action step")
def action_step_get(request: HttpRequest, step_id: PathId) -> dict[str, Any]:
    return _detail(request, step_id)


@router.post("/action-steps", response={201: StepWritten, **WRITE_ERRORS}, summary="Plan an action step (EXE-8)")
def action_step_create(request: HttpRequest, payload: StepCreate) -> Status[dict[str, Any]]:
    person = caller(request)
    key_result, _objective, may_plan = access.plannable_key_result(person, payload.key_result)
    if not may_plan:
        raise PermissionDenied(_("You may see this key result but not plan its steps."))
    data = payload.model_dump(exclude_unset=True, exclude={"key_result", "owner", "responsible", "decider"})
    if "resource_people" in data:
        data["resource_people"] = _people(data["resource_people"])
    result = services.step_create(
        actor=person,
        key_result=key_result,
        owner=_person("owner", payload.owner),
        responsible=_person("responsible", payload.responsible),
        decider=_person("decider", payload.decider),
        **data,
    )
    return _written(request, result, 201)


@router.patch("/action-steps/{step_id}", response={200: StepWritten, **WRITE_ERRORS}, summary="Change an action step")
def action_step_update(request: HttpRequest, payload: StepUpdate, step_id: PathId) -> Status[dict[str, Any]]:
    person, step = _for_change(request, step_id)
    data = payload.model_dump(exclude_unset=True)
    if "resource_people" in data:
        data["resource_people"] = _people(data["resource_people"])
    return _written(request, services.step_update(actor=person, step=step, data=data))


@router.delete("/action-steps/{step_id}", response={204: None, **WRITE_ERRORS}, summary="Delete an action step")
def action_step_delete(request: HttpRequest, step_id: PathId) -> Status[None]:
    person, step = _for_change(request, step_id)
    services.step_delete(actor=person, step=step)
    return Status(204, None)


@router.post(
    "/action-steps/{step_id}/reassign",
    response={200: StepWritten, **WRITE_ERRORS},
    summary="Give an action step to other people (EXE-8)",
)
def action_step_reassign(request: HttpRequest, payload: StepReassign, step_id: PathId) -> Status[dict[str, Any]]:
    """Who does it, who answers for it, who decides; each person given a new part is told."""
    person, step = _for_change(request, step_id)
    sent = payload.model_dump(exclude_unset=True)
    result = services.step_reassign(
        actor=person,
        step=step,
        owner=_person("owner", sent.get("owner")),
        responsible=_person("responsible", sent.get("responsible")),
        decider=_person("decider", sent.get("decider")),
        clear=[role for role in ("responsible", "decider") if role in sent and sent[role] is None],
    )
    return _written(request, result)


@router.post(
    "/action-steps/{step_id}/move",
    response={200: StepWritten, **WRITE_ERRORS},
    summary="Move an action step to another key result or place",
)
def action_step_move(request: HttpRequest, payload: StepMove, step_id: PathId) -> Status[dict[str, Any]]:
    """To a key result the caller plans too (404 when invisible, 403 when not theirs to plan)."""
    person, step = _for_change(request, step_id)
    target, _objective, may_plan = access.plannable_key_result(person, payload.key_result)
    if not may_plan:
        raise PermissionDenied(_("You may see this key result but not plan its steps."))
    result = services.step_move(actor=person, step=step, key_result=target, position=payload.position)
    return _written(request, result)


@router.post(
    "/action-steps/{step_id}/split",
    response={201: StepSplitOut, **WRITE_ERRORS},
    summary="Split an action step in two (EXE-8)",
)
def action_step_split(request: HttpRequest, payload: StepSplit, step_id: PathId) -> Status[dict[str, Any]]:
    person, step = _for_change(request, step_id)
    result = services.step_split(actor=person, step=step, **payload.model_dump(exclude_unset=True))
    return Status(
        201,
        {
            "step": _detail(request, result.step.pk),
            "new_step": _detail(request, result.other.pk),
            "warnings": advice_out(result.warnings),
        },
    )


@router.post(
    "/action-steps/{step_id}/status",
    response={200: StepWritten, **WRITE_ERRORS},
    summary="Set an action step's status",
)
def action_step_status(request: HttpRequest, payload: StepStatusIn, step_id: PathId) -> Status[dict[str, Any]]:
    """Its planners and its owner."""
    person = caller(request)
    step, _objective, rights = access.step_for(person, step_id)
    if not rights.status:
        raise _refuse()
    return _written(request, services.step_set_status(actor=person, step=step, status=payload.status))


# --- the timetable -------------------------------------------------------------------------------------------


@router.get(
    "/timetable",
    response={200: TimetableOut, **ERRORS},
    summary="The timetable of action steps (PLAY-MKT step 5)",
    tags=["timetable"],
)
def timetable_get(request: HttpRequest, query: Query[TimetableQuery]) -> dict[str, Any]:
    """The steps of an objective, a team, a department or a person (the first given; none: the caller's own) that
    run in the period, as the timetable page draws them: grouped by key result, at most 200 steps."""
    person = caller(request)
    scope = timetable_scope(
        person, objective=query.objective, team=query.team, department=query.department, person=query.person
    )
    chart, _quarter = timetable_for(person, scope, start=query.start, end=query.end, today=_today(request))
    groups = []
    for group in chart.groups:
        key_result = group.key_result
        steps = [
            {
                "id": bar.line.step.pk,
                "key_result": key_result.pk,
                "title": bar.line.step.title,
                "owner": bar.line.step.owner_id,
                "owner_name": bar.line.owner,
                "start": bar.line.step.start,
                "deadline": bar.line.step.deadline,
                "status": bar.line.step.status,
                "priority": bar.line.step.priority,
                "overdue": bar.line.overdue,
            }
            for bar in group.bars
        ]
        groups.append(
            {
                "key_result": key_result.pk,
                "title": key_result.title,
                "objective": key_result.objective_id,
                "objective_title": key_result.objective.title,
                "end_date": key_result.end_date,
                "steps": steps,
            }
        )
    return {
        "title": chart.title,
        "start": chart.period.start,
        "end": chart.period.end,
        "today": chart.today,
        "groups": groups,
        "count": chart.count,
        "overdue": chart.overdue,
        "more": chart.more,
    }
