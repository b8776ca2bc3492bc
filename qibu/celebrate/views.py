"""The celebration's pages (CEL-1 … CEL-5): the celebrations of a cycle, planning one, a celebration (held with what
was celebrated), the recognition wall and giving recognition, the incentives (managers and administrators only),
the lessons learned, and the company's values (administrators). Every form works without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qibu.audit.selectors import subject_history
from qibu.celebrate import access, selectors, services
from qibu.celebrate.models import (
    CelebrationForm,
    CelebrationLevel,
    CelebrationState,
    CompanyValue,
    IncentiveKind,
    RewardTier,
)
from qibu.core.http import current_person
from qibu.core.validation import field_problems
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_current, cycle_for_request, cycle_list
from qibu.okrs.access import headed_department_paths, visible_objectives_q
from qibu.okrs.models import KeyResult
from qibu.org.middleware import request_organisation
from qibu.org.models import Department, Person, Team

CHOICES_LIMIT = 500


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, message in field_problems(exc):
        key = "general" if not field or field == "__all__" else field
        errors.setdefault(key, []).append(message)
    return errors


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def parse_at(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """A `datetime-local` value (2026-12-25T17:00) on the organisation's clock, or None."""
    try:
        moment = dt.datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _cycle_choices() -> list[Cycle]:
    return list(cycle_list().filter(kind__in=[CycleKind.QUARTER, CycleKind.MONTH]))


@login_required
@require_GET
def celebration_index(request: HttpRequest) -> HttpResponse:
    """CEL-1: the celebrations of a cycle (the current quarter unless chosen), newest first."""
    viewer = current_person(request)
    cycle = cycle_for_request(request.GET.get("cycle")) if request.GET.get("cycle") else cycle_current()
    context = {
        "cycle": cycle,
        "cycles": _cycle_choices(),
        "rows": selectors.celebration_rows(cycle=cycle),
        "may_keep_incentives": access.may_keep_incentives(viewer),
    }
    return render(request, "celebrate/index.html", context)


def _plan_options(viewer: Person) -> dict[str, Any]:
    """The groups `viewer` may plan for (CEL-1): two queries."""
    if viewer.is_admin:
        departments = list(Department.objects.order_by("path", "name"))
        teams = list(Team.objects.select_related("department").order_by("department__path", "name"))
    else:
        paths = headed_department_paths(viewer)
        under = Q(pk__in=[])
        for path in paths:
            under |= Q(path__startswith=path)
        departments = list(Department.objects.filter(under).order_by("path", "name")) if paths else []
        team_q = Q(lead=viewer)
        for path in paths:
            team_q |= Q(department__path__startswith=path)
        teams = list(Team.objects.filter(team_q).select_related("department").order_by("department__path", "name"))
    levels = []
    if teams:
        levels.append(CelebrationLevel.TEAM)
    if departments:
        levels.append(CelebrationLevel.DEPARTMENT)
    if viewer.is_executive:
        levels.append(CelebrationLevel.MANAGEMENT)
    return {"levels": [(lv, CelebrationLevel(lv).label) for lv in levels], "departments": departments, "teams": teams}


@login_required
@require_http_methods(["GET", "POST"])
def celebration_plan(request: HttpRequest) -> HttpResponse:
    """CEL-1 … CEL-3: plan a celebration; `action=suggest` shows the tier the results suggest without saving."""
    viewer = current_person(request)
    organisation = request_organisation(request)
    data = request.POST if request.method == "POST" else request.GET
    options = _plan_options(viewer)
    values: dict[str, Any] = {
        "level": data.get("level") or (options["levels"][0][0] if options["levels"] else ""),
        "team": _int(data.get("team")),
        "department": _int(data.get("department")),
        "cycle": _int(data.get("cycle")) or getattr(cycle_current(), "pk", None),
        "at": data.get("at", ""),
        "forms": data.getlist("forms"),
        "form_other": data.get("form_other", ""),
        "tier": data.get("tier", ""),
        "tier_reason": data.get("tier_reason", ""),
        "notes": data.get("notes", ""),
    }
    # Any group: the service refuses one the planner does not lead (403), rather than pretending it is missing.
    team = Team.objects.select_related("department").filter(pk=values["team"]).first() if values["team"] else None
    department = Department.objects.filter(pk=values["department"]).first() if values["department"] else None
    cycle = Cycle.objects.filter(pk=values["cycle"]).first() if values["cycle"] else None
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST" and data.get("action") != "suggest":
        try:
            celebration = services.celebration_plan(
                actor=viewer,
                level=str(values["level"]),
                cycle=cycle,
                at=parse_at(values["at"], organisation.zone),
                department=department,
                team=team,
                forms=values["forms"],
                form_other=str(values["form_other"]),
                tier=str(values["tier"]),
                tier_reason=str(values["tier_reason"]),
                notes=str(values["notes"]),
            )
        except ValidationError as exc:
            errors = _errors(exc)
            status = 403 if any(str(access.PLAN_REFUSED) in m for m in errors.get("level", [])) else 400
        else:
            messages.success(request, _("Celebration planned."))
            return redirect("celebrate:detail", celebration.pk)
    suggestion = None
    level = str(values["level"])
    if cycle is not None and level in CelebrationLevel.values:
        group_ok = (
            level == CelebrationLevel.MANAGEMENT
            or (level == CelebrationLevel.TEAM and team is not None)
            or (level == CelebrationLevel.DEPARTMENT and department is not None)
        )
        if group_ok:
            suggestion = selectors.tier_suggestion(
                organisation=organisation,
                level=level,
                cycle=cycle,
                department=team.department if team is not None else department,
                team=team,
            )
    context = {
        **options,
        "values": values,
        "errors": errors,
        "cycles": _cycle_choices(),
        "form_choices": CelebrationForm.choices,
        "tiers": RewardTier.choices,
        "suggestion": suggestion,
    }
    return render(request, "celebrate/plan.html", context, status=status)


def _detail_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    viewer = current_person(request)
    celebration, may = access.celebration_for(viewer, pk)
    organisation = request_organisation(request)
    return {
        "celebration": celebration,
        "may_hold": may and celebration.state == CelebrationState.PLANNED,
        "recognitions": selectors.gathered_recognitions(viewer=viewer, celebration=celebration),
        "rich_from": organisation.reward_rich_from,
        "standard_from": organisation.reward_standard_from,
        "form_choices": CelebrationForm.choices,
        "form_labels": [CelebrationForm(f).label for f in celebration.forms if f in CelebrationForm.values],
        "tiers": RewardTier.choices,
        "history": subject_history(celebration, viewer=viewer),
        "values": {
            "notes": celebration.notes,
            "forms": celebration.forms,
            "form_other": celebration.form_other,
            "tier": celebration.tier,
            "tier_reason": celebration.tier_reason,
        },
        "errors": {},
    }


@login_required
@require_GET
def celebration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "celebrate/detail.html", _detail_context(request, pk))


@login_required
@require_POST
def celebration_hold(request: HttpRequest, pk: int) -> HttpResponse:
    """CEL-1, CEL-5: record that it was held and what was celebrated."""
    viewer = current_person(request)
    celebration, may = access.celebration_for(viewer, pk)
    if not may:
        raise PermissionDenied(access.PLAN_REFUSED)
    try:
        services.celebration_hold(
            actor=viewer,
            celebration=celebration,
            notes=request.POST.get("notes", ""),
            forms=request.POST.getlist("forms"),
            form_other=request.POST.get("form_other", ""),
            tier=request.POST.get("tier", ""),
            tier_reason=request.POST.get("tier_reason", ""),
        )
    except ValidationError as exc:
        context = _detail_context(request, pk)
        context["errors"] = _errors(exc)
        context["values"] = {
            "notes": request.POST.get("notes", ""),
            "forms": request.POST.getlist("forms"),
            "form_other": request.POST.get("form_other", ""),
            "tier": request.POST.get("tier", ""),
            "tier_reason": request.POST.get("tier_reason", ""),
        }
        return render(request, "celebrate/detail.html", context, status=400)
    messages.success(request, _("Celebration held."))
    return redirect("celebrate:detail", pk)


@login_required
@require_GET
def recognition_wall(request: HttpRequest) -> HttpResponse:
    """CEL-4: the newest recognitions you may see."""
    return render(request, "celebrate/wall.html", {"rows": selectors.recognition_wall(viewer=current_person(request))})


def _give_options(viewer: Person) -> dict[str, Any]:
    """The people one may recognise and the key results one may see in the current cycles (three queries)."""
    people = list(
        Person.objects.filter(is_active=True).exclude(pk=viewer.pk).order_by("full_name", "username")[:CHOICES_LIMIT]
    )
    current = cycle_current()
    key_results = list(
        KeyResult.objects.filter(objective__in=_visible_objectives(viewer, current))
        .select_related("objective")
        .order_by("objective__title", "position", "id")[:CHOICES_LIMIT]
    )
    return {"people": people, "key_results": key_results, "company_values": list(CompanyValue.objects.all())}


def _visible_objectives(viewer: Person, cycle: Cycle | None) -> Any:
    """The objectives of the current cycle and of the one that ended before it: recognition comes with the
    celebrations, in the days after a quarter ends, for what was achieved in it (CEL-4)."""
    from qibu.okrs.models import Objective

    queryset = Objective.objects.filter(visible_objectives_q(viewer))
    if cycle is not None:
        previous = Cycle.objects.filter(kind=cycle.kind, end__lt=cycle.start).order_by("-end", "-id").values("pk")[:1]
        queryset = queryset.filter(
            Q(cycle=cycle) | Q(cycle__parent=cycle) | Q(cycle__in=previous) | Q(cycle__parent__in=previous)
        )
    return queryset.values("pk")


@login_required
@require_http_methods(["GET", "POST"])
def recognition_give(request: HttpRequest) -> HttpResponse:
    viewer = current_person(request)
    data = request.POST if request.method == "POST" else request.GET
    values = {
        "receiver": _int(data.get("receiver")),
        "key_result": _int(data.get("key_result")),
        "value": _int(data.get("value")),
        "message": data.get("message", ""),
        "public": data.get("visibility", "public") != "private",
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        receiver = Person.objects.filter(pk=values["receiver"]).first() if values["receiver"] else None
        kr = (
            KeyResult.objects.select_related("objective").filter(pk=values["key_result"]).first()
            if values["key_result"]
            else None
        )
        value = CompanyValue.objects.filter(pk=values["value"]).first() if values["value"] else None
        try:
            services.recognition_give(
                actor=viewer,
                receiver=receiver,
                key_result=kr,
                message=str(values["message"]),
                value=value,
                public=bool(values["public"]),
                organisation=request_organisation(request),
            )
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        else:
            messages.success(request, _("Recognition given."))
            return redirect("celebrate:wall")
    context = {**_give_options(viewer), "values": values, "errors": errors}
    return render(request, "celebrate/give.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def incentive_index(request: HttpRequest) -> HttpResponse:
    """CEL-4: the incentives of your people; managers and administrators only (403 for anyone else)."""
    viewer = current_person(request)
    if not access.may_keep_incentives(viewer):
        raise PermissionDenied(access.INCENTIVE_REFUSED)
    people_q = Q(is_active=True) & ~Q(pk=viewer.pk)
    if not viewer.is_admin:
        people_q &= access.managed_q(viewer)
    people = list(Person.objects.filter(people_q).order_by("full_name", "username")[:CHOICES_LIMIT])
    values: dict[str, Any] = {
        "person": _int(request.POST.get("person")),
        "cycle": _int(request.POST.get("cycle")) or getattr(cycle_current(), "pk", None),
        "kind": request.POST.get("kind", ""),
        "description": request.POST.get("description", ""),
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        person = (
            Person.objects.select_related("manager", "department").filter(pk=values["person"]).first()
            if values["person"]
            else None
        )
        cycle = Cycle.objects.filter(pk=values["cycle"]).first() if values["cycle"] else None
        try:
            services.incentive_record(
                actor=viewer, person=person, cycle=cycle, kind=values["kind"], description=values["description"]
            )
        except ValidationError as exc:
            errors = _errors(exc)
            status = 403 if any(str(access.INCENTIVE_REFUSED) in m for m in errors.get("person", [])) else 400
        else:
            messages.success(request, _("Incentive recorded."))
            return redirect("celebrate:incentives")
    context = {
        "rows": selectors.incentive_rows(viewer=viewer),
        "people": people,
        "cycles": _cycle_choices(),
        "kinds": IncentiveKind.choices,
        "values": values,
        "errors": errors,
    }
    return render(request, "celebrate/incentives.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_index(request: HttpRequest) -> HttpResponse:
    """CEL-5: the lessons learned, and the form to record one for the company or a department."""
    viewer = current_person(request)
    values: dict[str, Any] = {
        "cycle": _int(request.POST.get("cycle")) or getattr(cycle_current(), "pk", None),
        "department": _int(request.POST.get("department")),
        "text": request.POST.get("text", ""),
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        cycle = Cycle.objects.filter(pk=values["cycle"]).first() if values["cycle"] else None
        department = Department.objects.filter(pk=values["department"]).first() if values["department"] else None
        try:
            services.lesson_record(actor=viewer, cycle=cycle, department=department, text=values["text"])
        except ValidationError as exc:
            errors = _errors(exc)
            status = 403 if any(str(access.LESSON_REFUSED) in m for m in errors.get("department", [])) else 400
        else:
            messages.success(request, _("Lesson recorded."))
            return redirect("celebrate:lessons")
    context = {
        "rows": selectors.lesson_rows(),
        "cycles": _cycle_choices(),
        "departments": list(Department.objects.order_by("path", "name")),
        "values": values,
        "errors": errors,
    }
    return render(request, "celebrate/lessons.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def value_index(request: HttpRequest) -> HttpResponse:
    """The company's values a recognition may name: administrators keep them."""
    viewer = current_person(request)
    if not viewer.is_admin:
        raise PermissionDenied
    values = {"name": request.POST.get("name", ""), "description": request.POST.get("description", "")}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            services.company_value_add(actor=viewer, name=values["name"], description=values["description"])
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        else:
            messages.success(request, _("Value added."))
            return redirect("celebrate:values")
    context = {"rows": list(CompanyValue.objects.all()), "values": values, "errors": errors}
    return render(request, "celebrate/values.html", context, status=status)


@login_required
@require_POST
def value_remove(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = current_person(request)
    value = CompanyValue.objects.filter(pk=pk).first()
    if value is None:
        raise Http404
    if not viewer.is_admin:
        raise PermissionDenied
    services.company_value_remove(actor=viewer, value=value)
    messages.success(request, _("Value removed."))
    return redirect("celebrate:values")
