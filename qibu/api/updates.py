"""The update (UPD-1 … UPD-5): the update of a cycle as the caller sees it (the window and what is still missing,
the closing objectives with their decisions, whether the order lets each be decided, the new company objectives),
the board of where the company, each department and each person stand, and the writes: a decision on a closing
objective (carried at once into the next cycle with its key results and action plans, never its check-ins), the
justification of a new company objective, the approval of a company change, the close of a level's update and of
the update as a whole (the cycle locked). Who may: the pages' rules (`qibu.updates.access`). Refused input is 422
naming the field, nothing written; a decision after the cycle closed, by a late updater, is flagged `late`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, DecimalIn, DecimalOut, Id, InputSchema, PathId
from qibu.core.validation import TEXT_MAX, TITLE_MAX
from qibu.org.selectors import organisation_get
from qibu.updates import access, selectors, services
from qibu.updates.models import CarryAction, Decision, UpdateAction, UpdateOutcome

router = Router(tags=["updates"])


class UpdateDecisionOut(Schema):
    id: int
    objective_id: int | None
    carried_id: int | None = Field(description="The objective in the next cycle: the copy, or the new one.")
    title: str
    level: str
    outcome: UpdateOutcome | None
    action: UpdateAction
    justification: str
    key_results: dict[str, dict[str, Any]] = Field(description="UPD-4: each key result kept, modified or dropped.")
    late: bool = Field(description="UPD-5: recorded after the cycle was closed, by a late updater.")
    needs_approval: bool
    approved: bool
    decided_at: dt.datetime


class KeyResultLineOut(Schema):
    id: int
    title: str
    kind: str
    target_value: DecimalOut
    unit: str
    progress: DecimalOut
    score: DecimalOut | None


class ObjectiveLineOut(Schema):
    id: int
    title: str
    level: str
    owner: str
    department_id: int | None
    progress: DecimalOut
    score: DecimalOut | None
    suggested_outcome: UpdateOutcome
    key_results: list[KeyResultLineOut]
    decision: UpdateDecisionOut | None
    may_decide: bool
    blocked: str = Field(description="UPD-2: why the order does not let it be decided yet; empty when it may.")
    may_approve: bool


class NewObjectiveOut(Schema):
    id: int
    title: str
    decision: UpdateDecisionOut | None
    may_approve: bool


class UpdateOut(Schema):
    cycle: int
    next_cycle: int | None
    start: dt.date
    end: dt.date
    open: bool
    locked: bool
    missing: list[str] = Field(description="UPD-1: what still stands before the update.")
    company_done: bool
    departments_done: list[int]
    objectives: list[ObjectiveLineOut]
    new_company_objectives: list[NewObjectiveOut]


class BoardRowOut(Schema):
    kind: str
    id: int | None
    name: str
    objectives: int
    decided: int
    standing: str = Field(description="not_started, in_progress, done or late.")
    late: bool


class UpdateBoardOut(Schema):
    cycle: int
    company: BoardRowOut
    departments: list[BoardRowOut]
    people: list[BoardRowOut]


class KeyResultDecisionIn(InputSchema):
    key_result: Id
    action: CarryAction = CarryAction.KEEP
    target_value: DecimalIn | None = None
    title: str | None = Field(None, max_length=TITLE_MAX)


class DecisionIn(InputSchema):
    outcome: str = Field(description="achieved, partly or missed.", max_length=20)
    action: str = Field(description="keep, modify or abandon.", max_length=20)
    justification: str = Field("", max_length=TEXT_MAX, description="UPD-3: needed to change a company objective.")
    title: str | None = Field(None, max_length=TITLE_MAX, description="A modified objective's new title.")
    description: str | None = Field(None, max_length=TEXT_MAX)
    key_results: list[KeyResultDecisionIn] = Field(default_factory=list)
    into: Id | None = Field(
        None, description="An objective already drafted in the next cycle that this one continues as (nothing copied)."
    )


class JustificationIn(InputSchema):
    justification: str = Field(max_length=TEXT_MAX)


class StageIn(InputSchema):
    department: Id | None = Field(None, description="Left out: the company's update.")


class UpdateStageOut(Schema):
    id: int
    cycle: int
    department: int | None
    late: bool
    closed_at: dt.datetime


class CycleClosedOut(Schema):
    id: int
    closed: bool


def _decision(d: Decision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "id": d.pk,
        "objective_id": d.objective_id,
        "carried_id": d.carried_id,
        "title": d.title,
        "level": d.level,
        "outcome": d.outcome or None,
        "action": d.action,
        "justification": d.justification,
        "key_results": d.key_results,
        "late": d.late,
        "needs_approval": d.needs_approval,
        "approved": d.is_approved,
        "decided_at": d.decided_at,
    }


def _row(r: selectors.BoardRow) -> dict[str, Any]:
    return {k: getattr(r, k) for k in ("kind", "id", "name", "objectives", "decided", "standing", "late")}


@router.get("/updates/cycles/{cycle_id}", response={200: UpdateOut, **ERRORS}, summary="The update of a cycle")
def update_get(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    person = caller(request)
    organisation = organisation_get()
    cycle = access.cycle_for(person, organisation, cycle_id)
    page = selectors.update_page(viewer=person, cycle=cycle, organisation=organisation, today=timezone.localdate())
    w = page.window
    return {
        "cycle": cycle.pk,
        "next_cycle": w.next_cycle.pk if w.next_cycle else None,
        "start": w.start,
        "end": w.end,
        "open": w.is_open,
        "locked": w.is_locked,
        "missing": w.missing,
        "company_done": page.company_done,
        "departments_done": sorted(page.departments_done),
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "level": o.level,
                "owner": o.owner,
                "department_id": o.department_id,
                "progress": o.progress,
                "score": o.score,
                "suggested_outcome": o.suggested,
                "key_results": [vars(kr) for kr in o.key_results],
                "decision": _decision(o.decision),
                "may_decide": o.editable and o.decision is None and not o.blocked,
                "blocked": o.blocked,
                "may_approve": o.may_approve,
            }
            for o in page.objectives
        ],
        "new_company_objectives": [
            {"id": n.id, "title": n.title, "decision": _decision(n.decision), "may_approve": n.may_approve}
            for n in page.new_company
        ],
    }


@router.get("/updates/cycles/{cycle_id}/board", response={200: UpdateBoardOut, **ERRORS}, summary="The update's board")
def update_board(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    """UPD-2: the company, each department, each person: not started, in progress, done or late."""
    person = caller(request)
    organisation = organisation_get()
    cycle = access.cycle_for(person, organisation, cycle_id)
    b = selectors.board(cycle=cycle, organisation=organisation, today=timezone.localdate())
    return {
        "cycle": cycle.pk,
        "company": _row(b.company),
        "departments": [_row(r) for r in b.departments],
        "people": [_row(r) for r in b.people],
    }


@router.post(
    "/updates/objectives/{objective_id}/decision",
    response={201: UpdateDecisionOut, **WRITE_ERRORS},
    summary="Decide on a closing objective",
)
def update_decide(request: HttpRequest, payload: DecisionIn, objective_id: PathId) -> tuple[int, dict[str, Any]]:
    """Kept and modified objectives are carried into the next cycle at once (UPD-1); the order (UPD-2) and the
    company's justification (UPD-3) are enforced."""
    person = caller(request)
    objective = access.objective_to_decide(person, objective_id)
    changes = {k: v for k, v in (("title", payload.title), ("description", payload.description)) if v is not None}
    key_results = {
        row.key_result: {
            "action": row.action,
            **({"target_value": row.target_value} if row.target_value is not None else {}),
            **({"title": row.title} if row.title else {}),
        }
        for row in payload.key_results
    }
    decision = services.decision_record(
        actor=person,
        objective=objective,
        outcome=payload.outcome,
        action=payload.action,
        justification=payload.justification,
        changes=changes,
        key_results=key_results,
        into=payload.into,
    )
    return 201, _decision(decision) or {}


@router.post(
    "/updates/objectives/{objective_id}/justification",
    response={201: UpdateDecisionOut, **WRITE_ERRORS},
    summary="Justify a new company objective",
)
def update_justify(request: HttpRequest, payload: JustificationIn, objective_id: PathId) -> tuple[int, dict[str, Any]]:
    person = caller(request)
    objective = access.new_objective_for(person, objective_id)
    decision = services.new_objective_justify(actor=person, objective=objective, justification=payload.justification)
    return 201, _decision(decision) or {}


@router.post(
    "/updates/decisions/{decision_id}/approve",
    response={200: UpdateDecisionOut, **WRITE_ERRORS},
    summary="Approve a company change",
)
def update_approve(request: HttpRequest, decision_id: PathId) -> dict[str, Any]:
    """UPD-3: the CEO, or another executive where there is none or the CEO made it; never the one who made it."""
    person = caller(request)
    decision = services.decision_approve(actor=person, decision=access.decision_for(person, decision_id))
    return _decision(decision) or {}


@router.post(
    "/updates/cycles/{cycle_id}/stages",
    response={201: UpdateStageOut, **WRITE_ERRORS},
    summary="Close a level's update",
)
def update_stage(request: HttpRequest, payload: StageIn, cycle_id: PathId) -> tuple[int, dict[str, Any]]:
    """The company's (executives) or a department's (its head, executives); UPD-2 tells the next level."""
    person = caller(request)
    cycle = access.cycle_for(person, organisation_get(), cycle_id)
    department = access.department_for(payload.department) if payload.department else None
    if department is None:
        access.require_executive(person)
    stage = services.stage_close(actor=person, cycle=cycle, department=department)
    return 201, {
        "id": stage.pk,
        "cycle": cycle.pk,
        "department": stage.department_id,
        "late": stage.late,
        "closed_at": stage.closed_at,
    }


@router.post(
    "/updates/cycles/{cycle_id}/close",
    response={200: CycleClosedOut, **WRITE_ERRORS},
    summary="Close the update",
)
def update_close(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    """UPD-5: the ending cycle is closed (locked) now; executives only."""
    person = caller(request)
    cycle = access.cycle_for(person, organisation_get(), cycle_id)
    access.require_executive(person)
    services.update_close(actor=person, cycle=cycle)
    return {"id": cycle.pk, "closed": True}
