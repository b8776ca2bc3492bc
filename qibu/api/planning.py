"""The set step's planning (SET-1, SET-2, SET-7): employees' proposals and objections on the drafts, the take-ups
that show what a draft built on, the planning board's summary of a cycle and the caller's approval queue.

Permissions are the pages' own (`qibu.planning.access`, `qibu.okrs.access`): a proposal or take-up is as visible as
its objective (404 otherwise); its author changes a proposal, those who may change the objective answer it and
record take-ups (403 otherwise); what the state of things refuses (an approved draft, a closed cycle) is a 422
naming the field. The board's figures are counts, the same for every caller; the queue is the caller's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.pagination import paginate
from qibu.api.schemas import ERRORS, WRITE_ERRORS, DecimalOut, Id, InputSchema, PageOut, PageQuery, PathId, QuerySchema
from qibu.core.validation import COMMENT_MAX, NOTE_MAX
from qibu.cycles.selectors import cycle_picker
from qibu.okrs.access import can_edit, can_view, objective_for
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.org.middleware import request_organisation
from qibu.org.models import Person
from qibu.planning import access, services
from qibu.planning.models import Proposal, ProposalKind, ProposalStatus, TakeUp
from qibu.planning.selectors.board import Counts, DepartmentStand, planning_board, planning_cycle
from qibu.planning.selectors.queue import queue_objectives
from qibu.planning.selectors.share import ShareRow

router = Router()


# --- proposals ----------------------------------------------------------------------------------------------


class ProposalOut(Schema):
    id: int
    objective: int
    key_result: int | None = Field(description="The key result of the objective it is about, or null.")
    author: int | None
    kind: ProposalKind
    text: str
    status: ProposalStatus = Field(description="The draft's owner's answer: open, taken up or declined.")
    response: str = Field(description="Why, in the answer's words (required when declined).")
    responded_by: int | None
    responded_at: dt.datetime | None
    created_at: dt.datetime
    edited_at: dt.datetime | None = Field(description="When its author last changed it; null: never.")
    taken_up_by: list[int] = Field(
        description="The objectives that took it up (those the caller may see): its draft, or another objective."
    )
    may_change: bool = Field(description="Whether the caller may edit or withdraw it (its author, while open).")
    may_respond: bool = Field(description="Whether the caller may answer it (who may change its objective).")


class ProposalPage(PageOut):
    items: list[ProposalOut]


class ProposalFilters(QuerySchema):
    objective: Id = Field(description="The objective whose proposals to list, oldest first.")


class ProposalCreate(InputSchema):
    """On a department's or the company's draft, or one of its key results (SET-2). Its owner is told."""

    objective: Id
    key_result: Id | None = None
    kind: ProposalKind = ProposalKind.PROPOSAL
    text: str = Field(max_length=COMMENT_MAX, json_schema_extra={"minLength": 1})


class ProposalUpdate(InputSchema):
    """Its author changes an unanswered proposal: the text, or whether it is an objection."""

    text: str | None = Field(None, max_length=COMMENT_MAX, json_schema_extra={"minLength": 1})
    kind: ProposalKind | None = None


class ProposalAnswer(InputSchema):
    """`taken_up` (into its draft, or into `objective`, another company or department objective the caller may
    change), `declined` (with `note`, the reason) or `open` again. Its author is told."""

    status: ProposalStatus
    note: str = Field("", max_length=NOTE_MAX)
    objective: Id | None = None


def _taken_up_by(proposals: list[Proposal], viewer: Person) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for take_up in TakeUp.objects.filter(source_proposal__in=[p.pk for p in proposals]).select_related(
        "objective__owner", "objective__department"
    ):
        if can_view(viewer, take_up.objective):
            found.setdefault(take_up.source_proposal_id or 0, []).append(take_up.objective_id)
    return found


def proposal_out(proposal: Proposal, viewer: Person, taken_up_by: list[int]) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "objective": proposal.objective_id,
        "key_result": proposal.key_result_id,
        "author": proposal.author_id,
        "kind": proposal.kind,
        "text": proposal.text,
        "status": proposal.status,
        "response": proposal.response,
        "responded_by": proposal.responded_by_id,
        "responded_at": proposal.responded_at,
        "created_at": proposal.created_at,
        "edited_at": proposal.edited_at,
        "taken_up_by": taken_up_by,
        "may_change": access.can_change_proposal(viewer, proposal),
        "may_respond": access.can_respond(viewer, proposal),
    }


def _one(proposal: Proposal, viewer: Person) -> dict[str, Any]:
    return proposal_out(proposal, viewer, _taken_up_by([proposal], viewer).get(proposal.pk, []))


def _objective(person: Person, pk: int | None, field: str) -> Objective | None:
    """An objective named in a body: 422 naming the field when it does not exist for the caller."""
    if pk is None:
        return None
    try:
        objective, _editable = objective_for(person, pk)
    except Http404:
        raise ValidationError({field: [_("There is no objective #%(id)s.") % {"id": pk}]}) from None
    return objective


@router.get(
    "/proposals", response={200: ProposalPage, **ERRORS}, summary="An objective's proposals", tags=["proposals"]
)
def proposals_list(request: HttpRequest, filters: Query[ProposalFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    """SET-2: the proposals and objections on an objective the caller may see (404 otherwise), oldest first."""
    person = caller(request)
    objective, _editable = objective_for(person, filters.objective)
    rows = Proposal.objects.filter(objective=objective).order_by("created_at", "id")
    items, meta = paginate(rows, paging)
    for proposal in items:
        proposal.objective = objective
    taken = _taken_up_by(items, person)
    return {**meta, "items": [proposal_out(p, person, taken.get(p.pk, [])) for p in items]}


@router.post(
    "/proposals", response={201: ProposalOut, **WRITE_ERRORS}, summary="Propose or object (SET-2)", tags=["proposals"]
)
def proposal_create(request: HttpRequest, payload: ProposalCreate) -> Status[dict[str, Any]]:
    """Anyone who may see a department's or the company's draft (404 otherwise) proposes on it or objects to it
    until it is approved (422 naming `objective` after)."""
    person = caller(request)
    objective, _editable = objective_for(person, payload.objective)
    key_result = None
    if payload.key_result is not None:
        key_result = KeyResult.objects.filter(pk=payload.key_result).first()
        if key_result is None:
            raise ValidationError({"key_result": [_("This key result is not one of this objective's.")]})
    proposal = services.proposal_create(
        actor=person, objective=objective, text=payload.text, kind=payload.kind, key_result=key_result
    )
    return Status(201, _one(proposal, person))


def _refuse_change() -> PermissionDenied:
    return PermissionDenied(_("Only its author may change or withdraw a proposal."))


@router.patch(
    "/proposals/{proposal_id}", response={200: ProposalOut, **WRITE_ERRORS}, summary="Change a proposal",
    tags=["proposals"],
)  # fmt: skip
def proposal_update(request: HttpRequest, payload: ProposalUpdate, proposal_id: PathId) -> dict[str, Any]:
    person = caller(request)
    proposal = access.proposal_for(person, proposal_id)
    if proposal.author_id != person.pk:
        raise _refuse_change()
    data = payload.model_dump(exclude_unset=True)
    services.proposal_edit(actor=person, proposal=proposal, text=data.get("text"), kind=data.get("kind"))
    return _one(proposal, person)


@router.delete(
    "/proposals/{proposal_id}", response={204: None, **WRITE_ERRORS}, summary="Withdraw a proposal",
    tags=["proposals"],
)  # fmt: skip
def proposal_withdraw(request: HttpRequest, proposal_id: PathId) -> Status[None]:
    """Its author withdraws an unanswered proposal (422 once answered: it stays on record)."""
    person = caller(request)
    proposal = access.proposal_for(person, proposal_id)
    if proposal.author_id != person.pk:
        raise _refuse_change()
    services.proposal_withdraw(actor=person, proposal=proposal)
    return Status(204, None)


@router.post(
    "/proposals/{proposal_id}/answer", response={200: ProposalOut, **WRITE_ERRORS}, summary="Answer a proposal",
    tags=["proposals"],
)  # fmt: skip
def proposal_respond(request: HttpRequest, payload: ProposalAnswer, proposal_id: PathId) -> dict[str, Any]:
    """Those who may change the draft answer its proposals (403 for others)."""
    person = caller(request)
    proposal = access.proposal_for(person, proposal_id)
    if not can_edit(person, proposal.objective):
        raise PermissionDenied(_("Only those who may change this objective answer its proposals."))
    into = _objective(person, payload.objective, "objective")
    services.proposal_respond(actor=person, proposal=proposal, status=payload.status, note=payload.note, into=into)
    return _one(proposal, person)


# --- take-ups -----------------------------------------------------------------------------------------------


class TakeUpOut(Schema):
    id: int
    objective: int = Field(description="The company or department objective that took it up.")
    source_objective: int | None = Field(description="The objective taken up, or null (a proposal).")
    source_proposal: int | None = Field(description="The proposal taken up, or null (an objective).")
    actor: int | None = Field(description="Who recorded it.")
    note: str
    created_at: dt.datetime


class TakeUpPage(PageOut):
    items: list[TakeUpOut]


class TakeUpFilters(QuerySchema):
    objective: Id = Field(
        description="An objective the caller may see: what it took up, what took it up, and what took up its "
        "proposals (of those the caller may see)."
    )


class TakeUpCreate(InputSchema):
    """SET-2: the objective (the company's or a department's) built on a submission from below: name exactly one
    of `source_objective` (a department's objective for the company; its people's, teams' or sub-departments' for
    a department) and `source_proposal`."""

    objective: Id
    source_objective: Id | None = None
    source_proposal: Id | None = None
    note: str = Field("", max_length=NOTE_MAX)


def take_up_out(take_up: TakeUp) -> dict[str, Any]:
    return {
        "id": take_up.pk,
        "objective": take_up.objective_id,
        "source_objective": take_up.source_objective_id,
        "source_proposal": take_up.source_proposal_id,
        "actor": take_up.actor_id,
        "note": take_up.note,
        "created_at": take_up.created_at,
    }


@router.get("/take-ups", response={200: TakeUpPage, **ERRORS}, summary="Take-ups of an objective", tags=["take-ups"])
def take_ups_list(request: HttpRequest, filters: Query[TakeUpFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    person = caller(request)
    objective, _editable = objective_for(person, filters.objective)
    rows = (
        TakeUp.objects.filter(
            Q(objective=objective) | Q(source_objective=objective) | Q(source_proposal__objective=objective)
        )
        .select_related("objective__owner", "objective__department", "source_objective__owner",
                        "source_objective__department")
        .order_by("created_at", "id")
    )  # fmt: skip
    items, meta = paginate(rows, paging)
    # Both ends must be visible: an invisible objective does not exist for the caller.
    shown = [
        t
        for t in items
        if can_view(person, t.objective) and (t.source_objective is None or can_view(person, t.source_objective))
    ]
    return {**meta, "items": [take_up_out(t) for t in shown]}


@router.post(
    "/take-ups", response={201: TakeUpOut, **WRITE_ERRORS}, summary="Record a take-up (SET-2)", tags=["take-ups"]
)
def take_up_create(request: HttpRequest, payload: TakeUpCreate) -> Status[dict[str, Any]]:
    """Those who may change the objective (403 for others, 404 when they may not see it)."""
    person = caller(request)
    objective, editable = objective_for(person, payload.objective)
    if not editable:
        raise PermissionDenied(_("Only those who may change this objective record what it took up."))
    source = _objective(person, payload.source_objective, "source_objective")
    proposal = None
    if payload.source_proposal is not None:
        proposal = Proposal.objects.select_related("objective__cycle").filter(pk=payload.source_proposal).first()
        if proposal is None:
            raise ValidationError(
                {"source_proposal": [_("There is no proposal #%(id)s.") % {"id": payload.source_proposal}]}
            )
    take_up = services.take_up_add(
        actor=person, objective=objective, source_objective=source, source_proposal=proposal, note=payload.note
    )
    return Status(201, take_up_out(take_up))


@router.delete("/take-ups/{take_up_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a take-up",
               tags=["take-ups"])  # fmt: skip
def take_up_delete(request: HttpRequest, take_up_id: PathId) -> Status[None]:
    person = caller(request)
    take_up = access.take_up_for(person, take_up_id)
    if not can_edit(person, take_up.objective):
        raise PermissionDenied(_("Only those who may change this objective record what it took up."))
    services.take_up_remove(actor=person, take_up=take_up)
    return Status(204, None)


# --- the board and the queue -------------------------------------------------------------------------------


class CountsOut(Schema):
    """Objectives by approval state."""

    draft: int
    submitted: int
    returned: int
    approved: int


class PhaseOut(Schema):
    key: str = Field(
        description="company_annual, company_quarterly, department_quarterly, personal_quarterly (the top-down "
        "pass); voice, departments_submitted, company_adjusted, departments_adjusted, people_finalised (the "
        "bottom-up pass)."
    )
    state: str = Field(description="done, in_progress or not_started.")
    done: int = Field(description="How many are done: departments, people or objectives, by phase (voice: proposals).")
    of: int | None = Field(description="Out of how many; null for the voice, a count alone.")


class DepartmentStandOut(Schema):
    department: int
    name: str
    objectives: CountsOut = Field(description="Its department objectives.")
    people: int = Field(description="People expected to set personal objectives (the heads of departments aside).")
    people_with_okrs: int
    people_final: int = Field(description="People whose personal objectives are all approved.")
    personal: CountsOut = Field(description="Its people's personal objectives.")
    proposals: int
    take_ups: int


class ShareOut(Schema):
    """SET-7 for the company (`department` null) or a department with its sub-departments."""

    department: int | None
    content: int = Field(description="Objectives and key results.")
    by_owner: int = Field(description="Of them written by the person they belong to rather than their manager.")
    owner_share: DecimalOut | None
    owner_met: bool
    department_objectives: int
    from_employees: int = Field(description="Department objectives that took up an employee's proposal or objective.")
    employee_share: DecimalOut | None
    employee_met: bool


class YouOut(Schema):
    waiting: list[int] = Field(description="The caller's objectives of the cycle not approved yet.")
    queue: int = Field(description="Submitted objectives waiting for the caller's decision, in every cycle.")
    queue_in_cycle: int
    people_waiting: int = Field(description="People whose objectives wait for the caller's department objectives.")
    departments_waiting: int = Field(description="Departments whose objectives wait for the caller's company ones.")


class BoardOut(Schema):
    cycle: int
    annual_cycle: int | None
    department: int | None = Field(description="The department the board is narrowed to, or null.")
    company: CountsOut = Field(description="The company's objectives of the cycle.")
    company_annual: CountsOut = Field(description="The company's objectives of the cycle's year.")
    top_down: list[PhaseOut] = Field(description="SET-1: the first pass, in the method's order.")
    bottom_up: list[PhaseOut] = Field(description="SET-2: the second pass, in the method's order.")
    departments: list[DepartmentStandOut]
    people: int = Field(description="People expected to set personal objectives (in the department, if named).")
    you: YouOut
    target: int = Field(description="SET-7: the organisation's target share (%).")
    shares: list[ShareOut] = Field(description="The company first, then its top departments (or the named one).")


class BoardQuery(QuerySchema):
    cycle: Id | None = Field(None, description="Left out: the cycle in planning (the next or current quarter).")
    department: Id | None = Field(None, description="Narrow the departments and people to this one and below.")


def _counts(counts: Counts) -> dict[str, int]:
    return {"draft": counts.draft, "submitted": counts.submitted, "returned": counts.returned,
            "approved": counts.approved}  # fmt: skip


def _stand(stand: DepartmentStand) -> dict[str, Any]:
    return {
        "department": stand.department.pk,
        "name": stand.department.name,
        "objectives": _counts(stand.objectives),
        "people": stand.people,
        "people_with_okrs": stand.people_with_okrs,
        "people_final": stand.people_final,
        "personal": _counts(stand.personal),
        "proposals": stand.proposals,
        "take_ups": stand.take_ups,
    }


def _share(row: ShareRow) -> dict[str, Any]:
    return {
        "department": row.department.pk if row.department else None,
        "content": row.content,
        "by_owner": row.by_owner,
        "owner_share": row.owner_share,
        "owner_met": row.owner_met,
        "department_objectives": row.department_objectives,
        "from_employees": row.from_employees,
        "employee_share": row.employee_share,
        "employee_met": row.employee_met,
    }


@router.get("/planning/board", response={200: BoardOut, **ERRORS}, summary="The planning board", tags=["planning"])
def planning_board_get(request: HttpRequest, query: Query[BoardQuery]) -> dict[str, Any]:
    """SET-1, SET-2, SET-7: where the company, the departments and the caller stand in planning a cycle, as the
    planning board shows it (its people list is the page's). 404 when the cycle does not exist (or none does)."""
    person = caller(request)
    picker = cycle_picker()
    if query.cycle is not None:
        cycle = next((c for c in picker.cycles if c.pk == query.cycle), None)
    else:
        cycle = planning_cycle(picker.cycles)
    if cycle is None:
        raise Http404
    board = planning_board(
        viewer=person, cycle=cycle, organisation=request_organisation(request), department_id=query.department
    )
    you = board.you
    return {
        "cycle": cycle.pk,
        "annual_cycle": board.annual.pk if board.annual else None,
        "department": board.department.pk if board.department else None,
        "company": _counts(board.company),
        "company_annual": _counts(board.annual_counts),
        "top_down": [dataclasses.asdict(p) for p in board.top_down],
        "bottom_up": [dataclasses.asdict(p) for p in board.bottom_up],
        "departments": [_stand(s) for s in board.stands],
        "people": sum(s.people for s in board.stands),
        "you": {
            "waiting": [line.objective.pk for line in you.objectives],
            "queue": you.queue.total if you.queue else 0,
            "queue_in_cycle": you.queue.in_cycle if you.queue else 0,
            "people_waiting": you.people_waiting,
            "departments_waiting": you.departments_waiting,
        },
        "target": board.share.target,
        "shares": [_share(board.share.company), *(_share(r) for r in board.share.departments)],
    }


class QueueItemOut(Schema):
    objective: int
    title: str
    level: Level
    owner: int | None
    department: int | None
    cycle: int
    submitted_at: dt.datetime | None
    waiting_hours: int | None = Field(description="Whole hours since it was submitted.")


class QueuePage(PageOut):
    items: list[QueueItemOut]


@router.get("/planning/queue", response={200: QueuePage, **ERRORS}, summary="My approval queue", tags=["planning"])
def approval_queue(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """SET-1, SET-2: the submitted objectives waiting for the caller's decision (that the caller may see), the
    longest waiting first."""
    person = caller(request)
    items, meta = paginate(queue_objectives(person, request_organisation(request)), paging)
    now = timezone.now()
    return {
        **meta,
        "items": [
            {
                "objective": o.pk,
                "title": o.title,
                "level": o.level,
                "owner": o.owner_id,
                "department": o.department_id,
                "cycle": o.cycle_id,
                "submitted_at": o.submitted_at,
                "waiting_hours": int((now - o.submitted_at).total_seconds() // 3600) if o.submitted_at else None,
            }
            for o in items
        ],
    }
