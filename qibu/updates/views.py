"""The update's pages (UPD-1 … UPD-5): the update of a cycle for the viewer (decide, justify, approve, close), and
the board of where everyone stands. Every form works without JavaScript; a refused form shows the page again
with each problem beside its field."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.core.validation import field_problems
from qibu.cycles.models import Cycle
from qibu.org.selectors import organisation_get
from qibu.updates import access, selectors, services
from qibu.updates.models import UpdateOutcome
from qibu.updates.window import previous_cycle_of, update_kinds

KR_ACTION = re.compile(r"^kr_(\d+)$")


def decision_input(data: Any) -> dict[str, Any]:
    """The decision a form sent: outcome, decision, justification, the new title and description, and each key
    result's `kr_<id>` (keep, modify, drop) with `kr_target_<id>` and `kr_title_<id>`."""
    key_results: dict[int, dict[str, Any]] = {}
    for key in data:
        match = KR_ACTION.match(key)
        if match:
            pk = int(match.group(1))
            key_results[pk] = {"action": data.get(key)}
            for name, field in (("target_value", "kr_target"), ("title", "kr_title")):
                if data.get(f"{field}_{pk}") not in (None, ""):
                    key_results[pk][name] = data.get(f"{field}_{pk}")
    changes = {k: data.get(k) for k in ("title", "description") if data.get(k) not in (None, "")}
    return {
        "outcome": data.get("outcome", ""),
        "action": data.get("action", ""),
        "justification": data.get("justification", ""),
        "changes": changes,
        "key_results": key_results,
        "into": data.get("into") or None,
    }


def _page(
    request: HttpRequest,
    cycle: Cycle,
    *,
    errors: dict[str, list[str]] | None = None,
    about: int | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = current_person(request)
    page = selectors.update_page(
        viewer=viewer, cycle=cycle, organisation=organisation_get(), today=timezone.localdate()
    )
    context: dict[str, Any] = {
        "cycle": cycle,
        "page": page,
        "errors": errors or {},
        "about": about,
        "outcomes": UpdateOutcome.choices,
    }
    line = next((o for o in page.objectives if o.id == about), None) if is_htmx(request) else None
    if line is not None:
        # htmx swaps the objective's section alone: its decision, or its form with the problems by field.
        return vary_on_htmx(render(request, "updates/update.html#objective", {**context, "o": line}, status=status))
    return render(request, "updates/update.html", context, status=status)


FORM_FIELDS = ("outcome", "action", "justification", "title", "description")


def _problems(exc: ValidationError) -> dict[str, list[str]]:
    """Each problem by its field; those of no form field of their own (the key results' rows, the next cycle, the
    whole decision) under "general", each named by what it is about."""
    errors: dict[str, list[str]] = {}
    for field, message in field_problems(exc):
        key = field if field in FORM_FIELDS else "general"
        errors.setdefault(key, []).append(message)
    return errors


@login_required
@require_GET
def update_index(request: HttpRequest) -> HttpResponse:
    """The latest cycle that has ended (its update is now or was last), or the page saying there is none."""
    organisation = organisation_get()
    cycle = (
        Cycle.objects.filter(kind__in=update_kinds(organisation), end__lt=timezone.localdate())
        .order_by("-end", "-id")
        .first()
    )
    if cycle is None:
        return render(request, "updates/none.html", {})
    return redirect("updates:cycle", cycle.pk)


@login_required
@require_GET
def update_cycle(request: HttpRequest, cycle: int) -> HttpResponse:
    found = access.cycle_for(current_person(request), organisation_get(), cycle)
    return _page(request, found)


@login_required
@require_GET
def update_board(request: HttpRequest, cycle: int) -> HttpResponse:
    organisation = organisation_get()
    found = access.cycle_for(current_person(request), organisation, cycle)
    board = selectors.board(cycle=found, organisation=organisation, today=timezone.localdate())
    return render(request, "updates/board.html", {"cycle": found, "board": board})


@login_required
@require_POST
def decide(request: HttpRequest, objective: int) -> HttpResponse:
    viewer = current_person(request)
    found = access.objective_to_decide(viewer, objective)
    try:
        services.decision_record(actor=viewer, objective=found, **decision_input(request.POST))
    except ValidationError as exc:
        # htmx swaps no 4xx answer: the card with its problems comes back as 200 to it, 400 to a plain form.
        status = 200 if is_htmx(request) else 400
        return _page(request, found.cycle, errors=_problems(exc), about=found.pk, status=status)
    if is_htmx(request):
        return _page(request, found.cycle, about=found.pk)
    messages.success(request, _("Decided: “%(title)s”.") % {"title": found.title})
    return redirect("updates:cycle", found.cycle_id)


@login_required
@require_POST
def approve(request: HttpRequest, decision: int) -> HttpResponse:
    viewer = current_person(request)
    found = access.decision_for(viewer, decision)
    try:
        services.decision_approve(actor=viewer, decision=found)
    except ValidationError as exc:
        for _field, message in field_problems(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Approved: “%(title)s”.") % {"title": found.title})
    return redirect("updates:cycle", found.cycle_id)


@login_required
@require_POST
def justify(request: HttpRequest, objective: int) -> HttpResponse:
    viewer = current_person(request)
    found = access.new_objective_for(viewer, objective)
    try:
        decision = services.new_objective_justify(
            actor=viewer, objective=found, justification=request.POST.get("justification", "")
        )
    except ValidationError as exc:
        ending = previous_cycle_of(found.cycle)
        if ending is None:
            raise
        return _page(request, ending, errors=_problems(exc), about=found.pk, status=400)
    messages.success(request, _("Justified: “%(title)s”.") % {"title": found.title})
    return redirect("updates:cycle", decision.cycle_id)


@login_required
@require_POST
def close_stage(request: HttpRequest, cycle: int) -> HttpResponse:
    viewer = current_person(request)
    found = access.cycle_for(viewer, organisation_get(), cycle)
    department = access.department_for(request.POST["department"]) if request.POST.get("department") else None
    if department is None:
        access.require_executive(viewer)
    try:
        services.stage_close(actor=viewer, cycle=found, department=department)
    except ValidationError as exc:
        return _page(request, found, errors=_problems(exc), status=400)
    messages.success(request, _("The update is closed."))
    return redirect("updates:board", found.pk)


@login_required
@require_POST
def close_update(request: HttpRequest, cycle: int) -> HttpResponse:
    viewer = current_person(request)
    found = access.cycle_for(viewer, organisation_get(), cycle)
    access.require_executive(viewer)
    try:
        services.update_close(actor=viewer, cycle=found)
    except ValidationError as exc:
        return _page(request, found, errors=_problems(exc), status=400)
    messages.success(request, _("The cycle “%(cycle)s” is closed.") % {"cycle": found.name})
    return redirect("updates:board", found.pk)
