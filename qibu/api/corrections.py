"""Corrective actions (EXE-11, PLAY-SALES step 5): an objective's corrections, and making one, through the same
service as the pages (`qibu.okrs.services.corrections.correction_make`).

Permissions are the pages' own: `access.objective_for` (404 when invisible), then 403 for a caller who may not change
the objective. A correction refused for its data (no reason, a target equal to the one it has, a field its kind does
not change, a key result of another objective) answers 422 naming each field, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, DecimalIn, DecimalOut, Id, InputSchema, PathId, Title
from qibu.core.validation import NOTE_MAX, TEXT_MAX
from qibu.okrs import access
from qibu.okrs.corrections import CorrectionRow, objective_corrections
from qibu.okrs.models import Commitment, CorrectionApproval, CorrectionKind, KeyResult, Priority
from qibu.okrs.services import correction_make
from qibu.okrs.services.corrections import CORRECTION_REFUSED, STRATEGY_MAX
from qibu.org.middleware import request_organisation

router = Router(tags=["objectives"])

# The corrections an objective's list answers, newest first.
LIST_LIMIT = 200


class CorrectionIn(InputSchema):
    """A correction: its kind, its reason (required), and the new values its kind changes (the others refused)."""

    kind: CorrectionKind
    reason: str = Field(max_length=NOTE_MAX, description="Why: required.")
    key_result: Id | None = Field(
        None, description="The key result corrected (required to revise a target); left out: the objective."
    )
    title: Title | None = Field(None, description="re_evaluate: the objective's new title.")
    description: str | None = Field(None, max_length=TEXT_MAX, description="re_evaluate: its new description.")
    priority: Priority | None = Field(None, description="re_evaluate: its new priority.")
    commitment: Commitment | None = Field(None, description="re_evaluate: committed or aspirational.")
    target_value: DecimalIn | None = Field(None, description="target: the new target (increase, decrease).")
    band_low: DecimalIn | None = Field(None, description="target: a band's new low limit.")
    band_high: DecimalIn | None = Field(None, description="target: a band's new high limit.")
    start_date: dt.date | None = Field(None, description="dates: the key result's (else the objective's) start.")
    end_date: dt.date | None = Field(None, description="dates: the key result's (else the objective's) end.")
    strategy: str | None = Field(
        None, max_length=STRATEGY_MAX, description="strategy: what the strategy or resources are now, in words."
    )


class CorrectionOut(Schema):
    """A correction as recorded: what, why, what changed ("before → after" in the request's language), who made it
    and who agreed it."""

    id: int
    objective: int
    key_result: int | None
    kind: CorrectionKind
    kind_label: str
    reason: str
    changes: list[str] = Field(description="Each change, “before → after”, in words.")
    progress_before: DecimalOut | None = Field(description="The key result's progress just before (0–1).")
    progress_after: DecimalOut | None = Field(description="… and just after: a revised target moves it.")
    actor: int | None
    actor_name: str
    approval: CorrectionApproval
    approver: int | None
    approver_name: str
    agreed_at: dt.datetime | None
    created_at: dt.datetime


def correction_out(row: CorrectionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "objective": row.objective_id,
        "key_result": row.key_result_id,
        "kind": row.kind,
        "kind_label": row.kind_label,
        "reason": row.reason,
        "changes": row.changes,
        "progress_before": row.progress_before,
        "progress_after": row.progress_after,
        "actor": row.actor_id,
        "actor_name": row.actor,
        "approval": row.approval,
        "approver": row.approver_id,
        "approver_name": row.approver,
        "agreed_at": row.agreed_at,
        "created_at": row.at,
    }


@router.get(
    "/objectives/{objective_id}/corrections",
    response={200: list[CorrectionOut], **ERRORS},
    summary="An objective's corrections (EXE-11)",
)
def corrections_list(request: HttpRequest, objective_id: PathId) -> list[dict[str, Any]]:
    """Newest first, at most 200."""
    objective, _editable = access.objective_for(caller(request), objective_id)
    return [correction_out(row) for row in objective_corrections(objective.pk, limit=LIST_LIMIT)]


@router.post(
    "/objectives/{objective_id}/corrections",
    response={201: CorrectionOut, **WRITE_ERRORS},
    summary="Correct an objective or one of its key results (EXE-11)",
)
def correction_create(request: HttpRequest, objective_id: PathId, payload: CorrectionIn) -> Status[dict[str, Any]]:
    """Applies the change and records it with its reason. Its approver is the caller when they approve the
    objective; otherwise the objective goes to its approvers when the organisation asks approval of changes
    (`approval` "pending"), and whoever approves it agrees the correction."""
    person = caller(request)
    objective, editable = access.objective_for(person, objective_id)
    if not editable:
        raise PermissionDenied(CORRECTION_REFUSED)
    data = payload.model_dump(exclude_unset=True)
    kind, reason = data.pop("kind"), data.pop("reason")
    key_result_id = data.pop("key_result", None)
    key_result = None
    if key_result_id is not None:
        # One of another objective is the service's to refuse (422, `key_result`); one that does not exist too.
        key_result = KeyResult.objects.filter(pk=key_result_id).first() or KeyResult(pk=key_result_id, objective_id=0)
    correction = correction_make(
        actor=person,
        objective=objective,
        kind=kind,
        reason=reason,
        key_result=key_result,
        changes=data,
        organisation=request_organisation(request),
    )
    row = next(r for r in objective_corrections(objective.pk, limit=1) if r.id == correction.pk)
    return Status(201, correction_out(row))
