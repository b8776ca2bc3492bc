"""The approval of objectives (SET-1, SET-2): where an objective stands, and its steps — submit, approve, return with
comments, back to draft — through the same services as the pages (`qibu.okrs.services.approval`).

Permissions are the pages' own: `access.objective_for` (404 when invisible), then 403 for a step the caller may not
take (submit and reopen: those who may change the objective; approve and return: its approvers, never its owner or
author, `access.can_approve`). A step refused for where the objective stands, the method's order, the coach's
blocking advice or a missing comment answers 422 naming the field (`approval`, `comment`), and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, ApprovalOut, ApprovalStepIn, PathId
from qibu.okrs import access, services
from qibu.okrs.approval import ApprovalState, approval_state
from qibu.okrs.models import Objective
from qibu.org.middleware import request_organisation
from qibu.org.models import Organisation, Person

router = Router(tags=["objectives"])


def approval_out(state: ApprovalState) -> dict[str, Any]:
    objective = state.objective
    return {
        "objective": objective.pk,
        "approval": state.approval,
        "agreed": state.agreed,
        "required": state.required,
        "submitted_at": objective.submitted_at,
        "approved_at": objective.approved_at,
        "approvers": [{"id": p.pk, "username": p.username, "full_name": p.full_name} for p in state.approvers],
        "waits_for": [
            {"id": o.pk, "title": o.title, "level": o.level, "approval": o.approval} for o in state.waits_for
        ],
        "waits_for_hidden": state.waits_for_hidden,
        "decisions": [
            {
                "id": d.id,
                "action": d.action,
                "actor": d.actor_id,
                "actor_name": d.actor,
                "comment": d.comment,
                "created_at": d.at,
            }
            for d in state.decisions
        ],
        "can_submit": state.may_submit,
        "can_decide": state.may_decide,
        "can_reopen": state.may_reopen,
    }


def _state(request: HttpRequest, objective_id: int) -> dict[str, Any]:
    """The approval as the caller sees it, read afresh (after a step, with what it wrote)."""
    person = caller(request)
    objective, editable = access.objective_for(person, objective_id)
    organisation = request_organisation(request)
    return approval_out(approval_state(objective, viewer=person, organisation=organisation, editable=editable))


def _for_change(request: HttpRequest, objective_id: int) -> tuple[Person, Objective]:
    person = caller(request)
    objective, editable = access.objective_for(person, objective_id)
    if not editable:
        raise PermissionDenied(access.SUBMIT_REFUSED)
    return person, objective


def _for_decision(request: HttpRequest, objective_id: int) -> tuple[Person, Objective, Organisation]:
    person = caller(request)
    objective, _editable = access.objective_for(person, objective_id)
    organisation = request_organisation(request)
    if not access.can_approve(person, objective, ceo_id=organisation.ceo_id):
        own = person.pk in (objective.owner_id, objective.author_id)
        raise PermissionDenied(access.APPROVE_OWN_REFUSED if own else access.APPROVE_REFUSED)
    return person, objective, organisation


@router.get(
    "/objectives/{objective_id}/approval",
    response={200: ApprovalOut, **ERRORS},
    summary="Where an objective stands in being approved (SET-1, SET-2)",
)
def approval_get(request: HttpRequest, objective_id: PathId) -> dict[str, Any]:
    """Its state, its approvers and what it waits for while it is not approved (the method's order, when the
    organisation enforces it; objectives the caller may not see are counted in `waits_for_hidden`), the decision
    log (newest first), and the steps the caller may take now."""
    return _state(request, objective_id)


@router.post(
    "/objectives/{objective_id}/submit",
    response={200: ApprovalOut, **WRITE_ERRORS},
    summary="Submit an objective for approval",
)
def approval_submit(
    request: HttpRequest, objective_id: PathId, payload: ApprovalStepIn | None = None
) -> dict[str, Any]:
    """A draft or a returned objective goes to its approvers, who are told; `comment` is an optional note to them.
    Refused (422, `approval`) while the coach's advice on a rule the organisation made blocking applies."""
    person, objective = _for_change(request, objective_id)
    comment = payload.comment if payload is not None else ""
    services.objective_submit(
        actor=person, objective=objective, comment=comment, organisation=request_organisation(request)
    )
    return _state(request, objective_id)


@router.post(
    "/objectives/{objective_id}/approve",
    response={200: ApprovalOut, **WRITE_ERRORS},
    summary="Approve a submitted objective",
)
def approval_approve(
    request: HttpRequest, objective_id: PathId, payload: ApprovalStepIn | None = None
) -> dict[str, Any]:
    """Its approvers only, never its owner or author (403). Refused (422, `approval`) out of the method's order: the
    message names what it waits for (SET-1)."""
    person, objective, organisation = _for_decision(request, objective_id)
    comment = payload.comment if payload is not None else ""
    services.objective_approve(actor=person, objective=objective, comment=comment, organisation=organisation)
    return _state(request, objective_id)


@router.post(
    "/objectives/{objective_id}/return",
    response={200: ApprovalOut, **WRITE_ERRORS},
    summary="Return a submitted objective with comments",
)
def approval_return(
    request: HttpRequest, objective_id: PathId, payload: ApprovalStepIn | None = None
) -> dict[str, Any]:
    """Its approvers only (403 otherwise); `comment` is required (422, `comment`): what to change."""
    person, objective, organisation = _for_decision(request, objective_id)
    comment = payload.comment if payload is not None else ""
    services.objective_return(actor=person, objective=objective, comment=comment, organisation=organisation)
    return _state(request, objective_id)


@router.post(
    "/objectives/{objective_id}/reopen",
    response={200: ApprovalOut, **WRITE_ERRORS},
    summary="Take a submitted or returned objective back to draft",
)
def approval_reopen(request: HttpRequest, objective_id: PathId) -> dict[str, Any]:
    """Those who may change it, to work on it before submitting it again."""
    person, objective = _for_change(request, objective_id)
    services.objective_reopen(actor=person, objective=objective)
    return _state(request, objective_id)
