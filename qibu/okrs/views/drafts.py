"""Key results first (SET-9; PLAY-LEAD steps 2 and 3, PLAY-LOKR steps 3 and 4): a person writes the results that
would show success into their pool for a cycle, then gathers several under a new objective (the editor opens
with them) or adds them to an objective they may edit. An executive's pool is grouped by strategic goal, so the
leadership goes from the vision to the strategic goals, to key results, to the company objectives.

The pool is its owner's alone: someone else's draft is 404 (`access.draft_key_result_for`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.core.numbers import plain
from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_for_request, cycle_list
from qibu.okrs import quality
from qibu.okrs.access import draft_key_result_for, objective_for
from qibu.okrs.forms_strategy import DraftKeyResultForm, ObjectiveIdForm
from qibu.okrs.models import DraftKeyResult
from qibu.okrs.selectors import key_result_count
from qibu.okrs.services import (
    draft_key_result_create,
    draft_key_result_delete,
    draft_key_result_update,
    draft_key_results_gather,
)
from qibu.okrs.strategy import draft_pool, drafts_chosen, editable_objectives, pool_groups, strategic_goals
from qibu.okrs.views._common import _int_or_none
from qibu.org.middleware import request_organisation


def _pool_url(cycle: Cycle | None) -> str:
    return reverse("okrs:key_results_first") + (f"?cycle={cycle.pk}" if cycle is not None else "")


def _pool_page(
    request: HttpRequest,
    cycle: Cycle | None,
    *,
    form: DraftKeyResultForm | None = None,
    gather_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    person = current_person(request)
    with_goals = person.is_executive
    drafts = draft_pool(person, cycle) if cycle is not None else []
    context = {
        "cycle": cycle,
        "cycles": list(cycle_list()),
        "groups": pool_groups(drafts, strategic_goals()) if with_goals else [],
        "drafts": drafts,
        "with_goals": with_goals,
        "form": form or DraftKeyResultForm(with_goal=with_goals),
        "objectives": list(editable_objectives(person, cycle.pk)) if cycle is not None else [],
        "gather_errors": gather_errors or [],
        "chosen": {_int_or_none(pk) for pk in request.POST.getlist("draft")},
    }
    return render(request, "okrs/key_results_first.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_results_first(request: HttpRequest) -> HttpResponse:
    """The person's pool for the cycle (`?cycle=`, else the current quarter), and a new draft on POST."""
    person = current_person(request)
    cycle = cycle_for_request(request.POST.get("cycle") or request.GET.get("cycle"))
    if request.method != "POST":
        return _pool_page(request, cycle)
    form = DraftKeyResultForm(request.POST, with_goal=person.is_executive)
    if cycle is not None and form.is_valid():
        try:
            draft = draft_key_result_create(actor=person, owner=person, cycle=cycle, **form.values())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Key result drafted: “%(title)s”.") % {"title": draft.title})
            return HttpResponseRedirect(_pool_url(cycle) + f"#draft-{draft.pk}")
    return _pool_page(request, cycle, form=form, status=400)


def _initial(draft: DraftKeyResult) -> dict[str, Any]:
    return {
        "title": draft.title,
        "kind": draft.kind,
        "start_value": plain(draft.start_value),
        "target_value": plain(draft.target_value),
        "unit": draft.unit,
        "band_low": plain(draft.band_low),
        "band_high": plain(draft.band_high),
        "milestones": "\n".join(draft.milestones or []),
        "start_date": draft.start_date,
        "end_date": draft.end_date,
        "strategic_goal": draft.strategic_goal_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    draft = draft_key_result_for(person, pk)
    status = 200
    if request.method == "POST":
        form = DraftKeyResultForm(request.POST, with_goal=person.is_executive)
        status = 400
        if form.is_valid():
            try:
                draft_key_result_update(actor=person, draft=draft, data=form.values())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Drafted key result saved."))
                return HttpResponseRedirect(_pool_url(draft.cycle) + f"#draft-{draft.pk}")
    else:
        form = DraftKeyResultForm(initial=_initial(draft), with_goal=person.is_executive)
    return render(request, "okrs/draft_key_result_form.html", {"form": form, "draft": draft}, status=status)


@login_required
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    draft = draft_key_result_for(person, pk)
    cycle, title = draft.cycle, draft.title
    draft_key_result_delete(actor=person, draft=draft)
    messages.success(request, _("Drafted key result deleted: “%(title)s”.") % {"title": title})
    return HttpResponseRedirect(_pool_url(cycle))


@login_required
@require_POST
def drafts_add(request: HttpRequest) -> HttpResponse:
    """The drafts ticked become key results of an objective the person may edit (404 when they may not see it,
    403 when they may not change it), all of them or none."""
    person = current_person(request)
    cycle = cycle_for_request(request.POST.get("cycle"))
    chosen = drafts_chosen(person, [pk for pk in map(_int_or_none, request.POST.getlist("draft")) if pk])
    form = ObjectiveIdForm(request.POST)
    if not form.is_valid():
        return _pool_page(request, cycle, gather_errors=[_("Choose the objective to add them to.")], status=400)
    objective, editable = objective_for(person, form.cleaned_data["objective"])
    if not editable:
        raise PermissionDenied
    try:
        created = draft_key_results_gather(actor=person, drafts=chosen, objective=objective)
    except ValidationError as exc:
        return _pool_page(request, cycle, gather_errors=exc.messages, status=400)
    messages.success(
        request,
        ngettext("%(n)d key result added to “%(title)s”.", "%(n)d key results added to “%(title)s”.", len(created))
        % {"n": len(created), "title": objective.title},
    )
    count = key_result_count(objective)
    for warning in quality.addition_warnings(
        organisation=request_organisation(request), key_result_count=count, saved=True
    ):
        messages.warning(request, warning.text)
    return HttpResponseRedirect(reverse("okrs:objective", args=[objective.pk]))
