"""Action plan pages (EXE-8, PLAY-MKT steps 3–5): a new step under a key result, a step's page with its history, the
forms that change it (edit, status, reassign, move, split, delete) and the timetable of a team, a department or a
person. The steps show on the objective page (a panel, `qibu.okrs.panels`) and on the home page; every form works
without JavaScript, and the status form answers htmx with the objective page's panel again."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person, is_htmx, safe_next, vary_on_htmx
from qibu.okrs.access import objective_for, visible_objectives_q
from qibu.okrs.models import KeyResult, Objective
from qibu.okrs.panels import PanelPage
from qibu.org.middleware import request_organisation
from qibu.org.models import Person
from qibu.plans import access, selectors, services
from qibu.plans.forms import MoveForm, ReassignForm, SplitForm, StatusForm, StepForm, usernames
from qibu.plans.models import ActionStep
from qibu.plans.services import SplitResult, StepResult

PANEL = "plans/_panel.html#plans"
# Names offered to the browser on the forms (a datalist), at most.
PEOPLE_OFFERED = 100
# Key results a step may be moved to, at most (the objective's own, then the actor's in the same cycle).
MOVE_CHOICES = 100


def _objective_anchor(objective_id: int, key_result_id: int | None = None) -> str:
    anchor = f"#steps-kr-{key_result_id}" if key_result_id else "#plans"
    return reverse("okrs:objective", args=[objective_id]) + anchor


def _warn(request: HttpRequest, result: StepResult | SplitResult) -> None:
    for advice in result.warnings:
        messages.warning(request, advice.text)


def _people_offered(actor: Person, objective: Objective, key_result: KeyResult) -> list[Person]:
    """Likely names for the forms: the objective's department (or the actor's), the actor's reports, the key
    result's owner and the people who carry it (one query)."""
    department = objective.department or actor.department
    likely = Q(manager=actor) | Q(pk__in=[p for p in (actor.pk, key_result.owner_id, objective.owner_id) if p])
    likely |= Q(carried_key_results=key_result)
    if department is not None:
        likely |= Q(department__path__startswith=department.path)
    return list(
        Person.objects.filter(likely, is_active=True).distinct().order_by("full_name", "username")[:PEOPLE_OFFERED]
    )


# --- a new step, and a step's page ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step_new(request: HttpRequest, pk: int) -> HttpResponse:
    """EXE-8: a new step under the key result `pk`, with its people, resources and timetable."""
    person = current_person(request)
    key_result, objective, may_plan = access.plannable_key_result(person, pk)
    if not may_plan:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = StepForm(request.POST)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = services.step_create(
                    actor=person,
                    key_result=key_result,
                    owner=d["owner"],
                    responsible=d["responsible"],
                    decider=d["decider"],
                    **form.service_data(),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Action step planned: “%(title)s”.") % {"title": result.step.title})
                _warn(request, result)
                return redirect(_objective_anchor(objective.pk, key_result.pk))
    else:
        owner = key_result.owner or person
        form = StepForm(
            initial={
                "owner": owner.username,
                "responsible": owner.username,
                "decider": objective.owner.username if objective.owner else owner.username,
                "start": services.default_start(key_result),
                "deadline": key_result.end_date,
                "currency": "CNY",
            }
        )
    context = {
        "form": form,
        "key_result": key_result,
        "objective": objective,
        "step": None,
        "people": _people_offered(person, objective, key_result),
    }
    return render(request, "plans/step_form.html", context, status=status)


@login_required
@require_GET
def step_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    step, objective, rights = access.step_for(person, pk)
    today = selectors.local_today(request_organisation(request))
    page = selectors.step_page(viewer=person, step=step, objective=objective, rights=rights, today=today)
    context = {
        "page": page,
        "step": step,
        "objective": objective,
        "rights": rights,
        "is_open": objective.takes_check_ins,
        "status_form": StatusForm(initial={"status": step.status}, auto_id="step-%s"),
    }
    return render(request, "plans/step.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    step, objective, rights = access.step_for(person, pk)
    if not rights.plan:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = StepForm(request.POST, with_people=False)
        status = 400
        if form.is_valid():
            try:
                result = services.step_update(actor=person, step=step, data=form.service_data())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Action step saved."))
                _warn(request, result)
                return redirect("plans:step", pk=step.pk)
    else:
        form = StepForm(
            with_people=False,
            initial={
                "title": step.title,
                "description": step.description,
                "start": step.start,
                "deadline": step.deadline,
                "priority": step.priority,
                "resource_people": usernames(list(step.resource_people.all())),
                "budget": step.budget,
                "currency": step.currency,
                "resources_note": step.resources_note,
            },
        )
    context = {
        "form": form,
        "key_result": step.key_result,
        "objective": objective,
        "step": step,
        "people": _people_offered(person, objective, step.key_result),
    }
    return render(request, "plans/step_form.html", context, status=status)


def _panel_answer(request: HttpRequest, person: Person, objective: Objective) -> HttpResponse:
    """The objective page's action plans again, for htmx."""
    _objective, editable = objective_for(person, objective.pk)
    key_results = list(KeyResult.objects.filter(objective=objective).order_by("position", "id"))
    page = PanelPage(
        request=request, viewer=person, objective=objective, editable=editable, key_results=key_results, checkins=[]
    )
    return vary_on_htmx(render(request, PANEL, {"panel": selectors.objective_panel(page)}))


@login_required
@require_POST
def step_status(request: HttpRequest, pk: int) -> HttpResponse:
    """To do, in progress, done, blocked, cancelled: the step's owner and its planners."""
    person = current_person(request)
    step, objective, rights = access.step_for(person, pk)
    if not rights.status:
        raise PermissionDenied
    try:
        services.step_set_status(actor=person, step=step, status=request.POST.get("status", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        if not is_htmx(request):
            return redirect(safe_next(request, reverse("plans:step", args=[step.pk])))
    if is_htmx(request):
        return _panel_answer(request, person, objective)
    return redirect(safe_next(request, reverse("plans:step", args=[step.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def step_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the step to other people: who does it, who answers for it, who decides (EXE-8)."""
    person = current_person(request)
    step, objective, rights = access.step_for(person, pk)
    if not rights.plan:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ReassignForm(request.POST)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            clear = [role for role in ("owner", "responsible", "decider") if d[role] is None]
            try:
                services.step_reassign(
                    actor=person,
                    step=step,
                    owner=d["owner"],
                    responsible=d["responsible"],
                    decider=d["decider"],
                    clear=clear,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The step's people are saved; whoever got a new part was told."))
                return redirect("plans:step", pk=step.pk)
    else:
        form = ReassignForm(
            initial={
                role: getattr(step, role).username if getattr(step, role) is not None else ""
                for role in ("owner", "responsible", "decider")
            }
        )
    context = {
        "form": form,
        "step": step,
        "objective": objective,
        "people": _people_offered(person, objective, step.key_result),
        "action": "reassign",
    }
    return render(request, "plans/step_change.html", context, status=status)


def _move_choices(person: Person, step: ActionStep, objective: Objective) -> list[tuple[int, str]]:
    """The key results a step may go to: its objective's, then those of the actor's objectives and the key
    results the actor owns in the same cycle (one query); where it may really go is `can_plan`'s, asked on
    sending."""
    rows = (
        KeyResult.objects.filter(objective__in=Objective.objects.filter(visible_objectives_q(person)).values("pk"))
        .filter(
            Q(objective=objective)
            | Q(objective__cycle_id=objective.cycle_id, objective__owner=person)
            | Q(objective__cycle_id=objective.cycle_id, owner=person)
        )
        .select_related("objective")
        .order_by("objective__priority", "objective_id", "position", "id")[:MOVE_CHOICES]
    )
    ordered = sorted(rows, key=lambda kr: kr.objective_id != objective.pk)
    return [(kr.pk, f"{kr.objective.title} › {kr.title}") for kr in ordered]


@login_required
@require_http_methods(["GET", "POST"])
def step_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a step to another key result the actor may plan, or to another place in its plan."""
    person = current_person(request)
    step, objective, rights = access.step_for(person, pk)
    if not rights.plan:
        raise PermissionDenied
    choices = _move_choices(person, step, objective)
    status = 200
    if request.method == "POST":
        form = MoveForm(request.POST, choices=choices)
        status = 400
        target_pk = request.POST.get("key_result", "")
        target: KeyResult | None = None
        if target_pk.isdigit() and len(target_pk) < 19:
            # Any key result may be named (the API's rule too): 404 when invisible, 403 when not the actor's to plan.
            target, _target_objective, may_plan = access.plannable_key_result(person, int(target_pk))
            if not may_plan:
                raise PermissionDenied
            form.fields["key_result"].choices = [*choices, (target.pk, target.title)]  # type: ignore[attr-defined]
        if form.is_valid() and target is not None:
            position = form.cleaned_data["position"]
            try:
                result = services.step_move(
                    actor=person, step=step, key_result=target, position=position - 1 if position else None
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Action step moved."))
                _warn(request, result)
                return redirect("plans:step", pk=step.pk)
    else:
        form = MoveForm(choices=choices, initial={"key_result": step.key_result_id, "position": step.position + 1})
    context = {"form": form, "step": step, "objective": objective, "action": "move"}
    return render(request, "plans/step_change.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def step_split(request: HttpRequest, pk: int) -> HttpResponse:
    """Cut a step in two (EXE-8): dates divided in the middle, or as given."""
    person = current_person(request)
    step, objective, rights = access.step_for(person, pk)
    if not rights.plan:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = SplitForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                result = services.step_split(actor=person, step=step, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The step is split in two: “%(title)s” is new.") % {"title": result.other})
                _warn(request, result)
                return redirect("plans:step", pk=step.pk)
    else:
        first_end, second_start = services.halves(step.start, step.deadline)
        form = SplitForm(
            initial={
                "title": services.part_title(step.title),
                "first_deadline": first_end,
                "second_start": second_start,
                "second_deadline": step.deadline,
                "second_budget": "0",
            }
        )
    context = {"form": form, "step": step, "objective": objective, "action": "split"}
    return render(request, "plans/step_change.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def step_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    step, objective, rights = access.step_for(person, pk)
    if not rights.plan:
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        key_result_id = step.key_result_id
        try:
            services.step_delete(actor=person, step=step)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("The action step is deleted."))
            return redirect(_objective_anchor(objective.pk, key_result_id))
    context = {"step": step, "objective": objective, "action": "delete", "errors": errors}
    return render(request, "plans/step_change.html", context, status=400 if errors else 200)


# --- the timetable -------------------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@login_required
@require_GET
def timetable(request: HttpRequest) -> HttpResponse:
    """PLAY-MKT step 5: the Gantt chart of a team's, a department's or a person's action steps in a period (the
    quarter running today unless `?start=` and `?end=` say otherwise), with a table of the same steps."""
    person = current_person(request)
    today = selectors.local_today(request_organisation(request))
    scope = selectors.timetable_scope(
        person, **{name: _int(request.GET.get(name)) for name in ("objective", "team", "department", "person")}
    )
    chart, quarter = selectors.timetable_for(
        person, scope, start=_date(request.GET.get("start")), end=_date(request.GET.get("end")), today=today
    )
    context = {"timetable": chart, "title": scope.title, "quarter": quarter, "query": scope.query}
    return render(request, "plans/timetable.html", context)
