"""Key results and check-ins (EXE-3, EXE-4). Each resolves its objective and uses the objective's lookup."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from qibu.api.okrs import advice_out, caller, refuse_change, resolve_references, visible_through
from qibu.api.pagination import paginate
from qibu.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    CheckInCreate,
    CheckInFilters,
    CheckInOut,
    CheckInPage,
    KeyResultCreate,
    KeyResultCreated,
    KeyResultFilters,
    KeyResultMove,
    KeyResultMoved,
    KeyResultOut,
    KeyResultPage,
    KeyResultUpdate,
    PageQuery,
    PathId,
)
from qibu.okrs import access, quality, services
from qibu.okrs.models import CheckIn, KeyResult, KeyResultKind, Objective
from qibu.okrs.selectors import KeyResultStatus, key_result_count, key_result_status, objectives_visible
from qibu.org.middleware import request_organisation

router = Router(tags=["key results"])


def _key_results() -> Any:
    return KeyResult.objects.prefetch_related("milestones")


def key_result_out(kr: KeyResult, status: KeyResultStatus) -> dict[str, Any]:
    """The key result as the API shows it, with its status today; needs milestones prefetched."""
    return {
        "id": kr.pk,
        "objective": kr.objective_id,
        "title": kr.title,
        "kind": kr.kind,
        "unit": kr.unit,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "current_value": kr.current_value,
        "band_low": kr.band_low,
        "band_high": kr.band_high,
        "weight": kr.weight,
        "owner": kr.owner_id,
        "start_date": kr.start_date,
        "end_date": kr.end_date,
        "confidence": kr.confidence,
        "progress_raw": kr.progress_raw,
        "progress": kr.progress,
        "health": status.health,
        "stale": status.stale,
        "behind_pace": status.behind_pace,
        "last_checkin_at": kr.last_checkin_at,
        "score": kr.score,
        "position": kr.position,
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
                "weight": m.weight,
                "done": m.done,
                "due_date": m.due_date,
                "position": m.position,
            }
            for m in (kr.milestones.all() if kr.kind == KeyResultKind.MILESTONES else [])
        ],
    }


def key_result_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    key_result, _objective, _can_edit = access.key_result_for(caller(request), pk)
    return key_result_out(key_result, key_result_status(key_result, request_organisation(request)))


def checkin_out(checkin: CheckIn) -> dict[str, Any]:
    return {
        "id": checkin.pk,
        "key_result": checkin.key_result_id,
        "author": checkin.author_id,
        "created_at": checkin.created_at,
        "value": checkin.value,
        "milestones_done": list(checkin.milestones_done or []),
        "confidence": checkin.confidence,
        "previous_confidence": checkin.previous_confidence,
        "confidence_reason": checkin.confidence_reason,
        "note": checkin.note,
        "progress_raw": checkin.progress_raw,
        "progress": checkin.progress,
    }


# --- key results --------------------------------------------------------------------------------------


@router.get("/key-results", response={200: KeyResultPage, **ERRORS}, summary="List key results")
def key_results_list(
    request: HttpRequest, filters: Query[KeyResultFilters], paging: Query[PageQuery]
) -> dict[str, Any]:
    """Key results of the objectives the caller may see; `?objective=` of an invisible objective is 404.

    The page is chosen on the join of visible objectives and their key results, in the order of key results
    (objective, position, id), so that the database walks an index in that order and stops after one page
    instead of sorting every key result that matches."""
    person = caller(request)
    if filters.objective is not None:
        objective, _can_edit = access.objective_for(person, filters.objective)
        objectives = Objective.objects.filter(pk=objective.pk)
    else:
        objectives = objectives_visible(person)
    if filters.cycle is not None:
        objectives = objectives.filter(cycle_id=filters.cycle)
    # One filter() so that the conditions (and the ordering and keys below) share one join: one row per key result.
    of_key_results: dict[str, Any] = {"key_results__isnull": False}
    if filters.owner is not None:
        of_key_results["key_results__owner_id"] = filters.owner
    # The same order either way, named on the side the database walks first (SQLite does not carry an order
    # across the join): the cycle's objectives by the cycle index, else the key results by their objective.
    first = "id" if filters.cycle is not None else "key_results__objective_id"
    pairs = objectives.filter(**of_key_results).order_by(first, "key_results__position", "key_results__id")
    # Counting all of them is cheaper the other way round: the objectives first, then their key results.
    counted = KeyResult.objects.filter(objective__in=objectives.values("pk"))
    if filters.owner is not None:
        counted = counted.filter(owner_id=filters.owner)
    items, meta = paginate(
        pairs,
        paging,
        rows=_key_results(),
        key="key_results__id",
        order=("objective_id", "position", "id"),
        counted=counted,
    )
    organisation, now = request_organisation(request), timezone.now()
    today = timezone.localdate(now)
    return {
        **meta,
        "items": [key_result_out(kr, key_result_status(kr, organisation, now=now, today=today)) for kr in items],
    }


@router.get("/key-results/{key_result_id}", response={200: KeyResultOut, **ERRORS}, summary="Get a key result")
def key_result_get(request: HttpRequest, key_result_id: PathId) -> dict[str, Any]:
    return key_result_detail(request, key_result_id)


@router.post(
    "/key-results", response={201: KeyResultCreated, **WRITE_ERRORS}, summary="Add a key result to an objective"
)
def key_result_create(request: HttpRequest, payload: KeyResultCreate) -> Status[dict[str, Any]]:
    person = caller(request)
    objective, can_edit = access.objective_for(person, payload.objective)
    if not can_edit:
        raise refuse_change()
    data = resolve_references(payload.model_dump(exclude_unset=True, exclude={"objective"}), ("owner",))
    key_result = services.key_result_create(actor=person, objective=objective, **data)
    warnings = quality.addition_warnings(
        organisation=request_organisation(request), key_result_count=key_result_count(objective), saved=True
    )
    return Status(201, {**key_result_detail(request, key_result.pk), "warnings": advice_out(warnings)})


@router.patch(
    "/key-results/{key_result_id}", response={200: KeyResultOut, **WRITE_ERRORS}, summary="Change a key result"
)
def key_result_update(request: HttpRequest, payload: KeyResultUpdate, key_result_id: PathId) -> dict[str, Any]:
    person = caller(request)
    key_result, _objective, can_edit = access.key_result_for(person, key_result_id)
    if not can_edit:
        raise refuse_change()
    data = resolve_references(payload.model_dump(exclude_unset=True), ("owner",))
    services.key_result_update(actor=person, key_result=key_result, data=data)
    return key_result_detail(request, key_result.pk)


@router.post(
    "/key-results/{key_result_id}/move",
    response={200: KeyResultMoved, **WRITE_ERRORS},
    summary="Move a key result to another objective",
)
def key_result_move(request: HttpRequest, payload: KeyResultMove, key_result_id: PathId) -> dict[str, Any]:
    """The key result goes to `objective` with its check-ins, milestones and history, and both objectives' progress
    is computed again. 404 when the caller may not see the key result or the objective, 403 when they may not
    change either; refused with the reason for a closed cycle or an objective aligned under the key result that
    cannot follow it. Its dates falling outside the objective's are a warning, not a refusal."""
    person = caller(request)
    key_result, _objective, can_edit = access.key_result_for(person, key_result_id)
    if not can_edit:
        raise refuse_change()
    target, target_editable = access.objective_for(person, payload.objective)
    if not target_editable:
        raise refuse_change()
    warnings = services.key_result_move(actor=person, key_result=key_result, objective=target)
    return {
        **key_result_detail(request, key_result.pk),
        "warnings": [{"rule": "SET-8", "message": warning} for warning in warnings],
    }


@router.delete("/key-results/{key_result_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a key result")
def key_result_delete(request: HttpRequest, key_result_id: PathId) -> Status[None]:
    person = caller(request)
    key_result, _objective, can_edit = access.key_result_for(person, key_result_id)
    if not can_edit:
        raise refuse_change()
    services.key_result_delete(actor=person, key_result=key_result)
    return Status(204, None)


# --- check-ins ----------------------------------------------------------------------------------------


@router.get(
    "/check-ins", response={200: CheckInPage, **ERRORS}, summary="List check-ins, newest first", tags=["check-ins"]
)
def checkins_list(request: HttpRequest, filters: Query[CheckInFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    """Without a key result or an objective, the page walks the newest check-ins and joins each to its
    objective to keep the visible ones; the count instead picks the visible objectives first, then counts
    their check-ins by index (many check-ins per objective)."""
    person = caller(request)
    checkins = CheckIn.objects.all()
    counted = None
    if filters.key_result is not None:
        key_result, _objective, _can_edit = access.key_result_for(person, filters.key_result)
        checkins = checkins.filter(key_result=key_result)
    elif filters.objective is not None:
        objective, _can_edit = access.objective_for(person, filters.objective)
        checkins = checkins.filter(key_result__objective=objective)
    else:
        counted = checkins.filter(key_result__objective__in=objectives_visible(person).values("pk"))
        checkins = checkins.filter(visible_through(person, "key_result__objective"))
    items, meta = paginate(checkins.order_by("-created_at", "-id"), paging, rows=CheckIn.objects.all(), counted=counted)
    return {**meta, "items": [checkin_out(c) for c in items]}


@router.post(
    "/check-ins",
    response={201: CheckInOut, **WRITE_ERRORS},
    summary="Record a check-in (EXE-3, EXE-4)",
    tags=["check-ins"],
)
def checkin_create(request: HttpRequest, payload: CheckInCreate) -> Status[dict[str, Any]]:
    """A new value (or the milestones done) and the confidence. A fall in confidence of the policy's
    threshold or more (default 30 points) is refused unless `confidence_reason` says why (EXE-4)."""
    person = caller(request)
    key_result, objective, can_edit = access.key_result_for(person, payload.key_result)
    if not access.can_check_in(person, objective, key_result, editable=can_edit):
        raise refuse_change()
    data = payload.model_dump(exclude_unset=True, exclude={"key_result"})
    checkin = services.checkin_record(
        actor=person, key_result=key_result, organisation=request_organisation(request), **data
    )
    return Status(201, checkin_out(checkin))
