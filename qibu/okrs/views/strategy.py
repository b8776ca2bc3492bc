"""The strategy page (VIS-1, VIS-2): the vision, the mission and the strategic goals in order, each with the
company objectives of the cycle tracing to it, and those tracing to none flagged. Everyone reads it; executives and
administrators (`access.can_keep_strategy`) keep it: the vision and mission, and the goals added, changed,
reordered (up and down, or dragged) and deleted. Each goal has its history page.

Deleting a goal keeps the objectives that traced to it: they trace to none afterwards, each one's history says so,
and the page flags the company objectives of the cycle among them. The confirmation says how many there are."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from qibu.audit.selectors import target_history
from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.cycles.selectors import cycle_for_request, cycle_list
from qibu.okrs.access import can_keep_strategy
from qibu.okrs.forms_strategy import GoalMoveForm, VisionForm
from qibu.okrs.strategy import goal_objectives, strategy_map
from qibu.org.forms import StrategicGoalForm
from qibu.org.middleware import request_organisation
from qibu.org.models import Person, StrategicGoal
from qibu.org.selectors import organisation_get
from qibu.org.services import (
    organisation_update,
    strategic_goal_create,
    strategic_goal_delete,
    strategic_goal_move,
    strategic_goal_update,
)


def _keeper(request: HttpRequest) -> Person:
    person = current_person(request)
    if not can_keep_strategy(person):
        raise PermissionDenied
    return person


def _page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    person = current_person(request)
    organisation = request_organisation(request)
    cycle = cycle_for_request(request.GET.get("cycle"))
    keeps = can_keep_strategy(person)
    context = {
        "cycle": cycle,
        "cycles": list(cycle_list()),
        "map": strategy_map(viewer=person, organisation=organisation, cycle=cycle, today=timezone.localdate()),
        "can_keep": keeps,
        "vision_form": forms.get("vision_form")
        or (VisionForm(initial={"vision": organisation.vision, "mission": organisation.mission}) if keeps else None),
        "goal_form": forms.get("goal_form") or (StrategicGoalForm() if keeps else None),
    }
    return render(request, "okrs/strategy.html", context, status=status)


@login_required
def strategy(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def strategy_vision(request: HttpRequest) -> HttpResponse:
    """VIS-1: the vision and the mission, as executives word them."""
    person = _keeper(request)
    form = VisionForm(request.POST)
    if form.is_valid():
        try:
            # A fresh copy: a refused change must not leave half-set values on the request's organisation.
            organisation_update(actor=person, organisation=organisation_get(), data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The vision and mission are saved."))
            return redirect("okrs:strategy")
    return _page(request, status=400, vision_form=form)


@login_required
@require_POST
def goal_new(request: HttpRequest) -> HttpResponse:
    person = _keeper(request)
    form = StrategicGoalForm(request.POST)
    if form.is_valid():
        try:
            goal = strategic_goal_create(actor=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The strategic goal “%(title)s” is added.") % {"title": goal.title})
            return redirect(reverse("okrs:strategy") + f"#goal-{goal.pk}")
    return _page(request, status=400, goal_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _keeper(request)
    goal = get_object_or_404(StrategicGoal, pk=pk)
    status = 200
    if request.method == "POST":
        form = StrategicGoalForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                strategic_goal_update(actor=person, goal=goal, data=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The strategic goal is saved."))
                return redirect(reverse("okrs:strategy") + f"#goal-{goal.pk}")
    else:
        form = StrategicGoalForm(initial={"title": goal.title, "description": goal.description})
    return render(request, "okrs/strategy_goal_form.html", {"form": form, "goal": goal}, status=status)


@login_required
@require_POST
def goal_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Up or down one place (a button), or to a place (dragging, which sends `place`)."""
    person = _keeper(request)
    goal = get_object_or_404(StrategicGoal, pk=pk)
    form = GoalMoveForm(request.POST)
    if not form.is_valid() or not (form.cleaned_data["place"] or form.cleaned_data["direction"]):
        raise BadRequest
    place = form.cleaned_data["place"]
    if place:
        position = place - 1
    else:
        current = list(StrategicGoal.objects.order_by("position", "id").values_list("pk", flat=True)).index(goal.pk)
        position = current - 1 if form.cleaned_data["direction"] == "up" else current + 1
    strategic_goal_move(actor=person, goal=goal, position=max(0, position))
    return redirect(reverse("okrs:strategy") + f"#goal-{goal.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks to confirm, saying how many objectives trace to the goal (they will trace to none), then deletes."""
    person = _keeper(request)
    goal = get_object_or_404(StrategicGoal, pk=pk)
    if request.method == "POST":
        title = goal.title
        unlinked = strategic_goal_delete(actor=person, goal=goal)
        messages.success(request, _("The strategic goal “%(title)s” is deleted.") % {"title": title})
        if unlinked:
            messages.warning(
                request,
                ngettext(
                    "%(n)d objective traced to it and now traces to no strategic goal: give it another one if it is "
                    "a company objective.",
                    "%(n)d objectives traced to it and now trace to no strategic goal: give the company objectives "
                    "among them another one.",
                    unlinked,
                )
                % {"n": unlinked},
            )
        return redirect("okrs:strategy")
    count, shown = goal_objectives(goal, person)
    context = {"goal": goal, "count": count, "shown": shown, "hidden": count - len(shown)}
    return render(request, "okrs/strategy_goal_delete.html", context)


@login_required
def goal_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything that happened to the goal, newest first (its entries are in the organisation's history)."""
    goal = get_object_or_404(StrategicGoal, pk=pk)
    rows = target_history(goal, viewer=current_person(request), known={("org.strategicgoal", goal.pk): goal.title})
    return render(request, "okrs/strategy_goal_history.html", {"goal": goal, "rows": rows})
