"""Settings → Cycles (administrators): the fiscal years with their quarters and months, cycles of one's own,
closing (after a confirmation) and reopening, and each cycle's history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import admin_required, current_person
from qibu.cycles import forms
from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_list, cycle_objective_count
from qibu.cycles.services import cycle_close, cycle_create, cycles_generate_year
from qibu.org.middleware import request_organisation
from qibu.org.views import history_page


def _cycles_page(
    request: HttpRequest,
    *,
    year_form: forms.GenerateYearForm | None = None,
    cycle_form: forms.CycleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = request_organisation(request)
    context = {
        "cycles": list(cycle_list().select_related("parent")),
        "year_form": year_form or forms.GenerateYearForm(initial={"start_month": organisation.fiscal_year_start_month}),
        "cycle_form": cycle_form or forms.CycleForm(),
        "section": "cycles",
    }
    return render(request, "cycles/settings.html", context, status=status)


@admin_required
def cycles(request: HttpRequest) -> HttpResponse:
    return _cycles_page(request)


@admin_required
@require_POST
def cycles_generate(request: HttpRequest) -> HttpResponse:
    form = forms.GenerateYearForm(request.POST)
    if form.is_valid():
        try:
            annual = cycles_generate_year(actor=current_person(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The year %(name)s with its quarters and months is ready.") % {"name": annual})
            return redirect("cycles:list")
    return _cycles_page(request, year_form=form, status=400)


@admin_required
@require_POST
def cycle_new(request: HttpRequest) -> HttpResponse:
    form = forms.CycleForm(request.POST)
    if form.is_valid():
        try:
            cycle = cycle_create(actor=current_person(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The cycle “%(name)s” is created.") % {"name": cycle.name})
            return redirect("cycles:list")
    return _cycles_page(request, cycle_form=form, status=400)


@admin_required
def cycle_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a cycle after a confirmation page (GET, or a POST without `confirm`), or reopen it at once: closing
    stops every check-in and edit in it, reopening only undoes that."""
    cycle = get_object_or_404(Cycle, pk=pk)
    closed = request.method != "POST" or request.POST.get("closed") == "1"
    if closed and not cycle.is_closed and (request.method != "POST" or request.POST.get("confirm") != "1"):
        context = {"cycle": cycle, "objectives": cycle_objective_count(cycle), "section": "cycles"}
        return render(request, "cycles/close.html", context)
    if request.method != "POST":
        return redirect("cycles:list")
    cycle_close(actor=current_person(request), cycle=cycle, closed=closed)
    if closed:
        messages.success(request, _("The cycle “%(name)s” is closed.") % {"name": cycle.name})
    else:
        messages.success(request, _("The cycle “%(name)s” is open again.") % {"name": cycle.name})
    return redirect("cycles:list")


@admin_required
def cycle_history(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=pk)
    return history_page(
        request,
        kind="cycle",
        subject=cycle,
        back=reverse("cycles:list"),
        section="cycles",
        known={("cycles.cycle", cycle.pk): cycle.name},
    )
