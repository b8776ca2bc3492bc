"""The reflection's pages (REF-1 … REF-5): the reflections the viewer may see for the current and the last period
(with "open now" for those who may), a reflection's page from the aggregated data, its measures, the managers'
accounts, closing and reopening. Every form works without JavaScript; marking a measure done swaps its row with
htmx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qibu.audit.selectors import subject_history
from qibu.core.http import current_person, is_htmx
from qibu.core.validation import field_problems
from qibu.cycles.models import Cycle
from qibu.okrs.access import headed_department_paths
from qibu.org.models import Department, Person
from qibu.org.selectors import organisation_get
from qibu.reflect import services
from qibu.reflect.access import measure_for, reflection_for
from qibu.reflect.models import Reflection, ReflectionKind
from qibu.reflect.selectors import (
    owners_by_department,
    recent_periods,
    reflection_page,
    visible_reflections,
)


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, message in field_problems(exc):
        errors.setdefault(field or "general", []).append(message)
    return errors


def _openable(viewer: Person, periods: list[Cycle], reflections: list[Any]) -> list[dict[str, Any]]:
    """What the viewer may open now: their departments' reflections (all for an administrator), the
    management's for an executive, in the periods listed, not open yet."""
    if not periods:
        return []
    taken = {(r.reflection.cycle_id, r.reflection.department_id) for r in reflections}
    paths = headed_department_paths(viewer)
    found: list[dict[str, Any]] = []
    for cycle in periods:
        owed = owners_by_department(cycle)
        departments = Department.objects.filter(pk__in=list(owed)).order_by("path", "name")
        for d in departments:
            if (cycle.pk, d.pk) not in taken and (viewer.is_admin or any(d.path.startswith(p) for p in paths)):
                found.append({"cycle": cycle, "department": d})
        if viewer.is_executive and (cycle.pk, None) not in taken:
            found.append({"cycle": cycle, "department": None})
    return found


@login_required
@require_GET
def reflection_list(request: HttpRequest) -> HttpResponse:
    viewer = current_person(request)
    organisation = organisation_get()
    periods = recent_periods(organisation, timezone.localdate(timezone.now(), organisation.zone))
    rows = visible_reflections(viewer=viewer, cycles=periods)
    context = {"rows": rows, "periods": periods, "openable": _openable(viewer, periods, rows)}
    return render(request, "reflect/list.html", context)


@login_required
@require_POST
def reflection_open_view(request: HttpRequest) -> HttpResponse:
    """REF-1: open a reflection now ("open now"), without waiting for the daily task."""
    viewer = current_person(request)
    organisation = organisation_get()
    periods = {c.pk: c for c in recent_periods(organisation, timezone.localdate(timezone.now(), organisation.zone))}
    try:
        cycle = periods[int(request.POST.get("cycle", ""))]
    except (KeyError, ValueError):
        raise Http404 from None
    department = None
    if request.POST.get("department"):
        try:
            department = Department.objects.select_related("head").get(pk=int(request.POST["department"]))
        except (Department.DoesNotExist, ValueError):
            raise Http404 from None
    try:
        reflection = services.reflection_open(actor=viewer, cycle=cycle, department=department)
    except ValidationError as exc:
        raise PermissionDenied(" ".join(m for _f, m in field_problems(exc))) from exc
    messages.success(request, _("The reflection is open."))
    return redirect("reflect:detail", reflection.pk)


def _render(
    request: HttpRequest,
    reflection: Reflection,
    rights: Any,
    *,
    errors: dict[str, list[str]] | None = None,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = current_person(request)
    page = reflection_page(reflection=reflection, rights=rights, viewer=viewer, organisation=organisation_get())
    context = {
        "page": page,
        "r": reflection,
        "data": page.aggregates,
        "errors": errors or {},
        "posted": posted or {},
        "history": subject_history(reflection, viewer=viewer),
        "management": reflection.kind == ReflectionKind.MANAGEMENT,
    }
    return render(request, "reflect/detail.html", context, status=status)


@login_required
@require_GET
def reflection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reflection, rights = reflection_for(current_person(request), pk)
    return _render(request, reflection, rights)


def _write(request: HttpRequest, pk: int, action: Any, done: str, form: str) -> HttpResponse:
    """Run a write on the reflection: 403 for who may see it but not write this (nothing written), the page
    again with the errors by field for bad input."""
    viewer = current_person(request)
    reflection, rights = reflection_for(viewer, pk)
    if not (rights.account if form == "account" else rights.write):
        raise PermissionDenied
    try:
        action(viewer, reflection)
    except ValidationError as exc:
        errors = {"form": [form], **_errors(exc)}
        posted = dict(request.POST.items())
        return _render(request, reflection, rights, errors=errors, posted=posted, status=400)
    messages.success(request, done)
    return redirect("reflect:detail", reflection.pk)


@login_required
@require_POST
def reflection_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request,
        pk,
        lambda actor, r: services.reflection_close(actor=actor, reflection=r, summary=request.POST.get("summary")),
        _("Closed: what you learned is kept."),
        "close",
    )


@login_required
@require_POST
def reflection_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request,
        pk,
        lambda actor, r: services.reflection_reopen(actor=actor, reflection=r),
        _("Reopened."),
        "close",
    )


@login_required
@require_POST
def measure_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request,
        pk,
        lambda actor, r: services.measure_create(
            actor=actor,
            reflection=r,
            title=request.POST.get("title"),
            owner_id=request.POST.get("owner"),
            due_date=request.POST.get("due_date"),
            key_result_id=request.POST.get("key_result"),
        ),
        _("The measure is recorded."),
        "measure",
    )


@login_required
@require_POST
def account_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request,
        pk,
        lambda actor, r: services.account_save(
            actor=actor, reflection=r, how_used=request.POST.get("how_used"), plan_next=request.POST.get("plan_next")
        ),
        _("Your account is saved."),
        "account",
    )


@login_required
@require_POST
def measure_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a measure done (or, with done=0, not done): its owner or the head. With htmx, its row comes back."""
    viewer = current_person(request)
    measure, may = measure_for(viewer, pk)
    if not may:
        raise PermissionDenied(_("Only the measure's owner or the department's head marks it done."))
    measure = services.measure_done(actor=viewer, measure=measure, done=request.POST.get("done", "1") != "0")
    if is_htmx(request):
        measure = measure_for(viewer, pk)[0]
        return render(request, "reflect/_measure.html", {"m": measure, "can_mark": True})
    messages.success(request, _("Marked done.") if measure.done_at else _("Marked not done."))
    return redirect("reflect:detail", measure.reflection_id)
