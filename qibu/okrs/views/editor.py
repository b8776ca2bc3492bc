"""The objective editor: a new objective with its first key results (SET-9), changes to one with its
alignment (SET-6), and deleting one. Each user action is one transaction: every error is shown, nothing is
half-written.

Who may set an objective for whom is `qibu.okrs.access.can_create`: a new objective, or an edit that hands
one over, for an owner, department or team the editor may not set objectives for is refused with 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.core.numbers import plain
from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_for_request
from qibu.okrs import quality
from qibu.okrs.access import (
    CREATE_REFUSED,
    HAND_OVER_REFUSED,
    PROJECT_REFUSED,
    can_hand_over,
    creation_allowed,
    objective_for,
)
from qibu.okrs.forms import EDITOR_LEVELS, ERROR_ALIASES, KEY_RESULT_DRAFTS, KeyResultDraftForm, ObjectiveForm
from qibu.okrs.models import Alignment, DraftKeyResult, KeyResultKind, Level, Objective
from qibu.okrs.panels import EditorPage, editor_panels
from qibu.okrs.selectors import objectives_visible, owner_objective_count, parents_of
from qibu.okrs.services import (
    alignment_set,
    draft_key_results_gather,
    key_result_create,
    objective_create,
    objective_delete,
    objective_update,
)
from qibu.okrs.strategy import drafts_chosen, strategic_goals
from qibu.okrs.views._common import CONTEXT_OBJECTIVES_LIMIT, _int_or_none, _Rollback
from qibu.okrs.views.advice import _key_result_rows, _warnings, _warnings_from_post
from qibu.org.middleware import request_organisation
from qibu.org.models import Person


def _objective_fields(data: dict[str, Any], *, level: str) -> dict[str, Any]:
    """The objective's fields from the form; a strategic goal only for a company objective (VIS-2: a form sent
    without JavaScript carries the field whatever the level chosen)."""
    return {
        "strategic_goal": data.get("strategic_goal") if level == Level.COMPANY else None,
        "title": data.get("title", ""),
        "description": data.get("description", ""),
        "owner": data.get("owner"),
        "department": data.get("department"),
        "team": data.get("team"),
        "priority": data.get("priority") if data.get("priority") not in (None, "") else None,
        "weight": data.get("weight") or None,
        "commitment": data.get("commitment") or None,
        "visibility": data.get("visibility") or None,
        "status": data.get("status") or None,
        "rollup_mode": data.get("rollup_mode") or None,
        "start_date": data.get("start_date"),
        "end_date": data.get("end_date"),
    }


def _context_objectives(person: Person, cycle: Cycle | None) -> list[Objective]:
    """The company objectives of this cycle and its year, shown beside the editor (VIS-1, SET-6)."""
    if cycle is None:
        return []
    cycles = [cycle.pk] + ([cycle.parent_id] if cycle.parent_id else [])
    return list(
        objectives_visible(person)
        .filter(cycle_id__in=cycles, level=Level.COMPANY)
        .order_by("cycle__start", "priority", "id")[:CONTEXT_OBJECTIVES_LIMIT]
    )


def _render_editor(
    request: HttpRequest,
    *,
    form: ObjectiveForm,
    drafts: list[KeyResultDraftForm],
    objective: Objective | None,
    advice: dict[str, Any],
    status: int,
    pooled: list[DraftKeyResult] | None = None,
) -> HttpResponse:
    person = current_person(request)
    parents = parents_of(objective, person) if objective is not None else []
    context = {
        "form": form,
        "drafts": drafts,
        # SET-9: key results drafted first in the person's pool, gathered under this new objective.
        "pooled": pooled or [],
        # VIS-1: the vision, the mission and the strategic goals beside the draft.
        "strategic_goals": strategic_goals(),
        "objective": objective,
        "parents": parents,
        "context_objectives": _context_objectives(person, form.parent_cycle),
        # Sections of the apps above okrs (the lessons learned of the cycle before, CEL-5).
        "editor_panels": editor_panels(_editor_page(person, form, objective)),
        **advice,
    }
    return render(request, "okrs/objective_form.html", context, status=status)


def _editor_page(person: Person, form: ObjectiveForm, objective: Objective | None) -> EditorPage:
    cycle = form.parent_cycle
    department_id = _int_or_none(form["department"].value()) if objective is None else objective.department_id
    return EditorPage(
        viewer=person,
        cycle_id=cycle.pk if cycle is not None else None,
        level=str(form["level"].value() or (objective.level if objective else "")),
        department_id=department_id or person.department_id,
    )


def _create_with_key_results(
    person: Person, form: ObjectiveForm, drafts: list[KeyResultDraftForm], pooled: list[DraftKeyResult]
) -> Objective | None:
    """SET-9: the objective, the key results written with it and those gathered from the pool, all or nothing."""
    data = form.cleaned_data
    created: Objective | None = None
    try:
        with transaction.atomic():
            try:
                created = objective_create(
                    actor=person,
                    cycle=data["cycle"],
                    level=data["level"],
                    parent_objective_ids=data.get("parent_objectives") or [],
                    parent_key_result_ids=data.get("parent_key_results") or [],
                    **_objective_fields(data, level=data["level"]),
                )
            except ValidationError as exc:
                apply_errors(form, exc, ERROR_ALIASES)
                raise _Rollback from exc
            failed = False
            for draft in drafts:
                if draft.is_blank():
                    continue
                row = draft.cleaned_data
                try:
                    key_result_create(
                        actor=person,
                        objective=created,
                        title=row["title"],
                        kind=row["kind"] or KeyResultKind.INCREASE,
                        start_value=row["start_value"] or "0",
                        target_value=row["target_value"] or None,
                        unit=row["unit"],
                        band_low=row["band_low"] or None,
                        band_high=row["band_high"] or None,
                        milestones=draft.milestone_titles(),
                    )
                except ValidationError as exc:
                    apply_errors(draft, exc, ERROR_ALIASES)
                    failed = True
            if pooled and not failed:
                try:
                    draft_key_results_gather(actor=person, drafts=pooled, objective=created)
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                    failed = True
            if failed:
                raise _Rollback
    except _Rollback:
        return None
    return created


def _created_advice(request: HttpRequest, created: Objective, key_results: int) -> list[quality.Advice]:
    """SET-3, SET-4 after saving: the owner's objectives in the cycle now, and the key results written with it."""
    count = owner_objective_count(owner_id=created.owner_id, cycle_id=created.cycle_id)
    return quality.addition_warnings(
        organisation=request_organisation(request),
        owner_objective_count=count,
        key_result_count=key_results,
        saved=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def objective_new(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    asked_drafts = request.POST.getlist("draft") if request.method == "POST" else request.GET.getlist("draft")
    pooled = drafts_chosen(person, [pk for pk in map(_int_or_none, asked_drafts) if pk])
    default_cycle = request.GET.get("cycle") or (pooled[0].cycle_id if pooled else None)
    cycle = cycle_for_request(request.POST.get("cycle") or default_cycle)
    if request.method == "POST":
        form = ObjectiveForm(request.POST, actor=person, cycle=cycle)
        drafts = [KeyResultDraftForm(request.POST, prefix=f"kr{i}") for i in range(KEY_RESULT_DRAFTS)]
        status = 400
        valid = form.is_valid()
        valid = all([d.is_valid() for d in drafts]) and valid
        if valid:
            data = form.cleaned_data
            level, owner, department, team = data["level"], data["owner"], data["department"], data["team"]
            if not creation_allowed(person, level=level, owner=owner, department=department, team=team):
                form.add_error(None, str(CREATE_REFUSED))
                status = 403
            else:
                created = _create_with_key_results(person, form, drafts, pooled)
                if created is not None:
                    messages.success(request, _("Objective created: “%(title)s”.") % {"title": created.title})
                    written = sum(1 for draft in drafts if not draft.is_blank()) + len(pooled)
                    for warning in _created_advice(request, created, written):
                        messages.warning(request, warning.text)
                    return redirect("okrs:objective", pk=created.pk)
        advice = _warnings_from_post(request, None)
    else:
        asked = request.GET.get("level") or ""
        level = asked if asked in EDITOR_LEVELS else _pooled_level(person, pooled)
        initial: dict[str, Any] = {"level": level, "cycle": cycle.pk if cycle else None}
        goals = {draft.strategic_goal_id for draft in pooled}
        if level == Level.COMPANY and len(goals) == 1:
            # PLAY-LOKR: the company objective set from key results drafted under one strategic goal serves it.
            initial["strategic_goal"] = goals.pop()
        owner_id = _int_or_none(request.GET.get("owner"))
        initial["owner"] = owner_id or (person.pk if level == Level.PERSON else None)
        initial["department"] = _int_or_none(request.GET.get("department"))
        form = ObjectiveForm(initial=initial, actor=person, cycle=cycle)
        drafts = [KeyResultDraftForm(prefix=f"kr{i}") for i in range(KEY_RESULT_DRAFTS)]
        status = 200
        advice = _warnings(
            request,
            objective=None,
            level=level,
            cycle_id=cycle.pk if cycle else None,
            owner_id=initial["owner"],
            key_results=[],
            has_alignment=False,
            start_date=None,
            end_date=None,
            strategic_goal=False,
            priority_chosen=False,
            department_id=initial["department"],
        )
    return _render_editor(
        request, form=form, drafts=drafts, objective=None, advice=advice, status=status, pooled=pooled
    )


def _pooled_level(person: Person, pooled: list[DraftKeyResult]) -> str:
    """An executive gathering key results drafted under a strategic goal sets a company objective (PLAY-LOKR);
    otherwise the editor starts with a personal one."""
    if person.is_executive and any(draft.strategic_goal_id for draft in pooled):
        return str(Level.COMPANY)
    return str(Level.PERSON)


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    objective, editable = objective_for(person, pk)
    if not editable:
        raise PermissionDenied
    current = list(Alignment.objects.filter(child=objective).values_list("parent_objective_id", "parent_key_result_id"))
    current_objectives = [o for o, _k in current if o]
    current_key_results = [k for _o, k in current if k]
    if request.method == "POST":
        form = ObjectiveForm(request.POST, actor=person, cycle=objective.cycle, instance=objective)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if not can_hand_over(
                person, objective, owner=data["owner"], department=data["department"], team=data["team"]
            ):
                form.add_error("owner", str(PROJECT_REFUSED if objective.level == Level.PROJECT else HAND_OVER_REFUSED))
                status = 403
            elif _update_with_alignment(person, objective, form, current_objectives, current_key_results):
                messages.success(request, _("Objective saved."))
                return redirect("okrs:objective", pk=objective.pk)
        # The service may have changed the instance in memory before refusing: show it as stored.
        objective, _editable = objective_for(person, pk)
        form.instance = objective
        advice = _warnings_from_post(request, objective)
    else:
        initial = {
            "title": objective.title,
            "description": objective.description,
            "level": objective.level,
            "cycle": objective.cycle_id,
            "owner": objective.owner_id,
            "department": objective.department_id,
            "team": objective.team_id,
            "priority": objective.priority,
            "commitment": objective.commitment,
            "visibility": objective.visibility,
            "status": objective.status,
            "rollup_mode": objective.rollup_mode,
            "weight": plain(objective.weight),
            "start_date": objective.start_date,
            "end_date": objective.end_date,
            "parent_objectives": current_objectives,
            "parent_key_results": current_key_results,
            "strategic_goal": objective.strategic_goal_id,
        }
        form = ObjectiveForm(initial=initial, actor=person, cycle=objective.cycle, instance=objective)
        status = 200
        advice = _warnings(
            request,
            objective=objective,
            level=objective.level,
            cycle_id=objective.cycle_id,
            owner_id=objective.owner_id,
            key_results=_key_result_rows(objective),
            has_alignment=bool(current),
            start_date=objective.start_date,
            end_date=objective.end_date,
            title=objective.title,
            strategic_goal=objective.strategic_goal_id is not None,
            priority_chosen=True,
            department_id=objective.department_id,
            team_id=objective.team_id,
        )
    return _render_editor(request, form=form, drafts=[], objective=objective, advice=advice, status=status)


def _update_with_alignment(
    person: Person,
    objective: Objective,
    form: ObjectiveForm,
    current_objectives: list[int],
    current_key_results: list[int],
) -> bool:
    """Save the fields and the alignment as one action; every error is shown, nothing half-written."""
    data = form.cleaned_data
    # Every parent the editor may see is on the form; those they cannot see stay (`alignment_set`).
    parent_objectives: list[int] = data["parent_objectives"]
    parent_key_results: list[int] = data["parent_key_results"]
    changes = {**_objective_fields(data, level=objective.level), "cycle": data["cycle"]}
    failed = False
    try:
        with transaction.atomic():
            try:
                objective_update(actor=person, objective=objective, data=changes)
            except ValidationError as exc:
                apply_errors(form, exc, ERROR_ALIASES)
                failed = True
            if set(parent_objectives) != set(current_objectives) or set(parent_key_results) != set(current_key_results):
                try:
                    alignment_set(
                        actor=person,
                        objective=objective,
                        parent_objective_ids=parent_objectives,
                        parent_key_result_ids=parent_key_results,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc, ERROR_ALIASES)
                    failed = True
            if failed:
                raise _Rollback
    except _Rollback:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def objective_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks to confirm, then deletes on POST."""
    person = current_person(request)
    objective, editable = objective_for(person, pk)
    if not editable:
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        title = objective.title
        try:
            objective_delete(actor=person, objective=objective)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Objective deleted: “%(title)s”.") % {"title": title})
            return redirect(reverse("okrs:my") + f"?cycle={objective.cycle_id}")
    context = {
        "thing": objective,
        "kind": _("objective"),
        "errors": errors,
        "cancel": reverse("okrs:objective", args=[objective.pk]),
        "action": reverse("okrs:objective_delete", args=[objective.pk]),
    }
    return render(request, "okrs/confirm_delete.html", context, status=400 if errors else 200)
