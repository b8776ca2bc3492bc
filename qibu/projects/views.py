"""The project pages (PLAY-PROJ): the list, a project's page with its vision and mission (VIS-3), members,
stages, the stages' objectives and key results, and the forms that change them. Views parse, look the project up
once (`access.project_for`: 404 when there is none, 403 for a change the person may not make), call a service
and render; every refusal of a service is shown next to its field, nothing written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qibu.audit.selectors import subject_history
from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.core.numbers import plain
from qibu.okrs.access import PROJECT_REFUSED
from qibu.okrs.models import Alignment, KeyResult, KeyResultKind, Objective
from qibu.okrs.services import (
    alignment_set,
    key_result_contributors_set,
    key_result_delete,
    key_result_update,
    objective_delete,
    objective_update,
)
from qibu.org.middleware import request_organisation
from qibu.org.models import Person
from qibu.plans.selectors import timetable
from qibu.projects import access, selectors, services
from qibu.projects.forms import (
    ERROR_ALIASES,
    CarriersForm,
    MemberEditForm,
    MemberForm,
    ProjectForm,
    ProjectKeyResultForm,
    StageForm,
    StageObjectiveForm,
)
from qibu.projects.models import Project, Stage

HISTORY_SHOWN = 50


class _Rollback(Exception):
    """Raised inside an atomic block to undo every write of one user action."""


def _project_url(project: Project, anchor: str = "") -> str:
    return reverse("projects:detail", args=[project.pk]) + (f"#{anchor}" if anchor else "")


def _managed(request: HttpRequest, pk: int) -> tuple[Person, Project]:
    """The project the person runs (its lead, administrators), else 404 or 403."""
    person = current_person(request)
    project, can_manage = access.project_for(person, pk)
    if not can_manage:
        raise PermissionDenied(access.CHANGE_REFUSED)
    return person, project


def _attempt(form: Form, write: Callable[[], Any], aliases: dict[str, str] | None = None) -> Any:
    """Run a service; its refusal goes next to the form's fields. Answers what it wrote, or None."""
    try:
        return write()
    except ValidationError as exc:
        apply_errors(form, exc, aliases)
        return None


# --- the list and a project -------------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    query = request.GET.get("q", "").strip()
    context = {
        "listing": selectors.project_list(viewer=person, query=query, page=request.GET.get("page") or 1),
        "query": query,
        "may_create": access.can_create_project(person),
    }
    return render(request, "projects/list.html", context)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    project, can_manage = access.project_for(person, pk)
    page = selectors.project_page(
        project=project, viewer=person, organisation=request_organisation(request), can_manage=can_manage
    )
    # EXE-8: the action steps of the project's key results from its start to its end, in one query.
    chart = timetable(
        viewer=person,
        key_results=KeyResult.objects.filter(objective__cycle__project_stage__project=project),
        start=project.start,
        end=project.end,
        title=_("Timetable of the project's action steps"),
        chart_id="project-timetable",
    )
    context = {"page": page, "project": project, "next_url": request.get_full_path(), "timetable": chart}
    return render(request, "projects/project.html", context)


@login_required
def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    project, _can_manage = access.project_for(person, pk)
    rows = subject_history(
        project, viewer=person, limit=HISTORY_SHOWN, known={("projects.project", project.pk): project.name}
    )
    return render(request, "projects/history.html", {"project": project, "rows": rows})


def _project_data(form: ProjectForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {key: d.get(key) for key in ("name", "vision", "mission", "description", "lead", "start", "end")}


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not access.can_create_project(person):
        raise PermissionDenied(access.CREATE_REFUSED)
    form = ProjectForm(request.POST or None, initial={"lead": person.pk})
    if request.method == "POST" and form.is_valid():
        project = _attempt(form, lambda: services.project_create(actor=person, **_project_data(form)))
        if project is not None:
            messages.success(request, _("Project started: “%(name)s”.") % {"name": project.name})
            return redirect("projects:detail", pk=project.pk)
    status = 400 if form.errors else 200
    return render(request, "projects/project_form.html", {"form": form, "project": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person, project = _managed(request, pk)
    initial = {
        "name": project.name,
        "vision": project.vision,
        "mission": project.mission,
        "description": project.description,
        "lead": project.lead_id,
        "start": project.start,
        "end": project.end,
    }
    form = ProjectForm(request.POST or None, initial=initial, current_lead=project.lead)
    if request.method == "POST" and form.is_valid():
        saved = _attempt(form, lambda: services.project_update(actor=person, project=project, data=_project_data(form)))
        if saved is not None:
            messages.success(request, _("Project saved."))
            return redirect("projects:detail", pk=project.pk)
        project, _can_manage = access.project_for(person, pk)
    status = 400 if form.errors else 200
    return render(request, "projects/project_form.html", {"form": form, "project": project}, status=status)


@login_required
@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the project with its stages, or (`closed=0`) open it again."""
    person, project = _managed(request, pk)
    closed = request.POST.get("closed", "1") != "0"
    services.project_close(actor=person, project=project, closed=closed)
    messages.success(request, _("Project closed.") if closed else _("Project reopened."))
    return redirect("projects:detail", pk=project.pk)


# --- members ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    person, project = _managed(request, pk)
    form = MemberForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member = _attempt(
            form,
            lambda: services.member_add(
                actor=person, project=project, person=d["person"], role=d["role"], note=d["note"]
            ),
        )
        if member is not None:
            messages.success(request, _("%(name)s joined the project.") % {"name": member.person})
            return HttpResponseRedirect(_project_url(project, "members"))
    context = {"form": form, "project": project, "member": None}
    return render(request, "projects/member_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    person, project = _managed(request, pk)
    member = access.member_for(project, member_id)
    member.project = project
    form = MemberEditForm(request.POST or None, initial={"role": member.role, "note": member.note})
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form, lambda: services.member_update(actor=person, member=member, data=dict(form.cleaned_data))
        )
        if saved is not None:
            messages.success(request, _("Member saved."))
            return HttpResponseRedirect(_project_url(project, "members"))
    context = {"form": form, "project": project, "member": member}
    return render(request, "projects/member_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    person, project = _managed(request, pk)
    member = access.member_for(project, member_id)
    member.project = project
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.member_remove(actor=person, member=member)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(name)s left the project.") % {"name": member.person})
            return HttpResponseRedirect(_project_url(project, "members"))
    context = {
        "project": project,
        "question": _("Remove %(name)s from the project?") % {"name": member.person},
        "errors": errors,
        "action": reverse("projects:member_remove", args=[project.pk, member.pk]),
        "button": _("Remove"),
    }
    return render(request, "projects/confirm.html", context, status=400 if errors else 200)


# --- stages ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def stage_new(request: HttpRequest, pk: int) -> HttpResponse:
    person, project = _managed(request, pk)
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        stage = _attempt(
            form,
            lambda: services.stage_add(actor=person, project=project, name=d["name"], start=d["start"], end=d["end"]),
        )
        if stage is not None:
            messages.success(request, _("Stage added: “%(name)s”.") % {"name": stage.name})
            return HttpResponseRedirect(_project_url(project, f"stage-{stage.pk}"))
    context = {"form": form, "project": project, "stage": None}
    return render(request, "projects/stage_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    person, project = _managed(request, pk)
    stage = access.stage_for(project, stage_id)
    stage.project = project
    initial = {"name": stage.name, "start": stage.cycle.start, "end": stage.cycle.end, "position": stage.position}
    form = StageForm(request.POST or None, initial=initial, instance=stage)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if value is not None}
        saved = _attempt(form, lambda: services.stage_update(actor=person, stage=stage, data=data))
        if saved is not None:
            messages.success(request, _("Stage saved."))
            return HttpResponseRedirect(_project_url(project, f"stage-{stage.pk}"))
        stage = access.stage_for(project, stage_id)
    context = {"form": form, "project": project, "stage": stage}
    return render(request, "projects/stage_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def stage_delete(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    person, project = _managed(request, pk)
    stage = access.stage_for(project, stage_id)
    stage.project = project
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.stage_delete(actor=person, stage=stage)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Stage deleted: “%(name)s”.") % {"name": stage.name})
            return redirect("projects:detail", pk=project.pk)
    context = {
        "project": project,
        "question": _("Delete the stage “%(name)s”?") % {"name": stage.name},
        "errors": errors,
        "action": reverse("projects:stage_delete", args=[project.pk, stage.pk]),
        "button": _("Delete"),
    }
    return render(request, "projects/confirm.html", context, status=400 if errors else 200)


# --- the stages' objectives ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def objective_new(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    person, project = _managed(request, pk)
    stage = access.stage_for(project, stage_id)
    stage.project = project
    form = StageObjectiveForm(request.POST or None, actor=person, project=project, stage=stage)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = _attempt(
            form,
            lambda: services.stage_objective_create(
                actor=person,
                stage=stage,
                parent_objective_ids=d["parent_objectives"],
                parent_key_result_ids=d["parent_key_results"],
                **form.fields_for_service(),
            ),
            ERROR_ALIASES,
        )
        if created is not None:
            messages.success(request, _("Objective created: “%(title)s”.") % {"title": created.title})
            return HttpResponseRedirect(_project_url(project, f"objective-{created.pk}"))
    else:
        form.initial = {"owner": project.lead_id}
    context = {"form": form, "project": project, "stage": stage, "objective": None}
    return render(request, "projects/objective_form.html", context, status=400 if form.errors else 200)


def _editable_objective(
    request: HttpRequest, pk: int, objective_id: int
) -> tuple[Person, Project, Objective, Stage, bool]:
    """A stage objective the person may change (the lead, administrators, its owner), else 404 or 403; and whether
    they run the project (only they hand it to another member)."""
    person = current_person(request)
    project, can_manage = access.project_for(person, pk)
    objective, stage, editable = access.stage_objective_for(person, project, objective_id)
    if not editable or project.is_closed:
        raise PermissionDenied(access.CHANGE_REFUSED)
    stage.project = project
    return person, project, objective, stage, can_manage


def _update_objective(
    person: Person, objective: Objective, form: StageObjectiveForm, current: Sequence[tuple[int, int | None]]
) -> bool:
    """Save the fields and the alignment as one action; every error is shown, nothing half-written."""
    d = form.cleaned_data
    failed = False
    try:
        with transaction.atomic():
            if (
                _attempt(
                    form,
                    lambda: objective_update(actor=person, objective=objective, data=form.fields_for_service()),
                    ERROR_ALIASES,
                )
                is None
            ):
                failed = True
            wanted = (set(d["parent_objectives"]), set(d["parent_key_results"]))
            had = ({o for o, k in current if not k}, {k for _o, k in current if k})
            if (
                wanted != had
                and _attempt(
                    form,
                    lambda: alignment_set(
                        actor=person,
                        objective=objective,
                        parent_objective_ids=d["parent_objectives"],
                        parent_key_result_ids=d["parent_key_results"],
                    ),
                    ERROR_ALIASES,
                )
                is None
            ):
                failed = True
            if failed:
                raise _Rollback
    except _Rollback:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    person, project, objective, stage, can_manage = _editable_objective(request, pk, objective_id)
    current = list(Alignment.objects.filter(child=objective).values_list("rollup_parent_id", "parent_key_result_id"))
    parent_ids = [o for o, k in current if not k]
    form = StageObjectiveForm(
        request.POST or None, actor=person, project=project, stage=stage, current=[o for o, _k in current]
    )
    if request.method == "POST" and form.is_valid():
        if not can_manage and form.cleaned_data["owner"] != objective.owner:
            raise PermissionDenied(PROJECT_REFUSED)
        if _update_objective(person, objective, form, current):
            messages.success(request, _("Objective saved."))
            return HttpResponseRedirect(_project_url(project, f"objective-{objective.pk}"))
    elif request.method == "GET":
        form.initial = {
            "title": objective.title,
            "description": objective.description,
            "owner": objective.owner_id,
            "priority": objective.priority,
            "commitment": objective.commitment,
            "weight": plain(objective.weight),
            "start_date": objective.start_date,
            "end_date": objective.end_date,
            "parent_objectives": parent_ids,
            "parent_key_results": [k for _o, k in current if k],
        }
    context = {"form": form, "project": project, "stage": stage, "objective": objective}
    return render(request, "projects/objective_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def objective_remove(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    person, project, objective, _stage, _can_manage = _editable_objective(request, pk, objective_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            objective_delete(actor=person, objective=objective)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Objective deleted: “%(title)s”.") % {"title": objective.title})
            return redirect("projects:detail", pk=project.pk)
    context = {
        "project": project,
        "question": _("Delete the objective “%(title)s”, with its key results and check-ins?")
        % {"title": objective.title},
        "errors": errors,
        "action": reverse("projects:objective_delete", args=[project.pk, objective.pk]),
        "button": _("Delete"),
    }
    return render(request, "projects/confirm.html", context, status=400 if errors else 200)


# --- the stages' key results -----------------------------------------------------------------------------------


def _key_result_fields(form: ProjectKeyResultForm, *, new: bool) -> dict[str, Any]:
    """The key result's fields as `okrs.services` take them (as okrs' own key result pages send them)."""
    d = form.cleaned_data
    fields: dict[str, Any] = {
        "title": d["title"],
        "kind": d["kind"] or KeyResultKind.INCREASE,
        "unit": d["unit"],
        "band_low": d["band_low"] or None,
        "band_high": d["band_high"] or None,
        "weight": d["weight"] or None,
        "owner": d["owner"],
        "start_date": d["start_date"],
        "end_date": d["end_date"],
    }
    if new:
        fields |= {
            "start_value": d["start_value"] or "0",
            "target_value": d["target_value"] or None,
            "current_value": d["current_value"] or None,
            "confidence": d["confidence"] if d["confidence"] != "" else 50,
            "milestones": form.milestone_titles(),
        }
    else:
        for name in ("start_value", "target_value"):
            if d[name] != "" or fields["kind"] in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
                fields[name] = d[name]
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def key_result_new(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    person, project, objective, _stage, _can_manage = _editable_objective(request, pk, objective_id)
    form = ProjectKeyResultForm(request.POST or None, actor=person, objective=objective, project=project)
    if request.method == "POST" and form.is_valid():
        carriers = list(form.cleaned_data["contributors"])
        kr = _attempt(
            form,
            lambda: services.project_key_result_create(
                actor=person, objective=objective, carriers=carriers, **_key_result_fields(form, new=True)
            ),
        )
        if kr is not None:
            messages.success(request, _("Key result added: “%(title)s”.") % {"title": kr.title})
            return HttpResponseRedirect(_project_url(project, f"kr-{kr.pk}"))
    elif request.method == "GET":
        form.initial = {"owner": objective.owner_id}
    context = {"form": form, "project": project, "objective": objective, "key_result": None}
    return render(request, "projects/key_result_form.html", context, status=400 if form.errors else 200)


def _editable_key_result(request: HttpRequest, pk: int, key_result_id: int) -> tuple[Person, Project, KeyResult]:
    person = current_person(request)
    project, _can_manage = access.project_for(person, pk)
    key_result, _objective, _stage, editable = access.project_key_result_for(person, project, key_result_id)
    if not editable or project.is_closed:
        raise PermissionDenied(access.CHANGE_REFUSED)
    return person, project, key_result


@login_required
@require_http_methods(["GET", "POST"])
def key_result_edit(request: HttpRequest, pk: int, key_result_id: int) -> HttpResponse:
    person, project, kr = _editable_key_result(request, pk, key_result_id)
    objective = kr.objective
    form = ProjectKeyResultForm(request.POST or None, actor=person, objective=objective, instance=kr, project=project)
    if request.method == "POST" and form.is_valid():
        carriers = list(form.cleaned_data["contributors"])

        def write() -> KeyResult:
            with transaction.atomic():
                key_result_update(actor=person, key_result=kr, data=_key_result_fields(form, new=False))
                key_result_contributors_set(actor=person, key_result=kr, people=carriers)
            return kr

        if _attempt(form, write) is not None:
            messages.success(request, _("Key result saved."))
            return HttpResponseRedirect(_project_url(project, f"kr-{kr.pk}"))
    elif request.method == "GET":
        form.initial = {
            "title": kr.title,
            "kind": kr.kind,
            "start_value": plain(kr.start_value),
            "target_value": plain(kr.target_value),
            "unit": kr.unit,
            "band_low": plain(kr.band_low),
            "band_high": plain(kr.band_high),
            "weight": plain(kr.weight),
            "owner": kr.owner_id,
            "start_date": kr.start_date,
            "end_date": kr.end_date,
            "contributors": list(kr.contributors.values_list("pk", flat=True)),
        }
    context = {"form": form, "project": project, "objective": objective, "key_result": kr}
    return render(request, "projects/key_result_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_remove(request: HttpRequest, pk: int, key_result_id: int) -> HttpResponse:
    person, project, kr = _editable_key_result(request, pk, key_result_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            key_result_delete(actor=person, key_result=kr)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Key result deleted: “%(title)s”.") % {"title": kr.title})
            return redirect("projects:detail", pk=project.pk)
    context = {
        "project": project,
        "question": _("Delete the key result “%(title)s”, with its check-ins?") % {"title": kr.title},
        "errors": errors,
        "action": reverse("projects:key_result_delete", args=[project.pk, kr.pk]),
        "button": _("Delete"),
    }
    return render(request, "projects/confirm.html", context, status=400 if errors else 200)


@login_required
@require_POST
def carriers_set(request: HttpRequest, pk: int, key_result_id: int) -> HttpResponse:
    """Who carries a key result with its owner (PLAY-PROJ 步骤五): the lead, administrators, the objective's owner
    and the key result's owner say it, choosing among the members."""
    person = current_person(request)
    project, _can_manage = access.project_for(person, pk)
    kr, _objective, _stage, editable = access.project_key_result_for(person, project, key_result_id)
    if project.is_closed or not access.can_set_carriers(person, kr, editable=editable):
        raise PermissionDenied(access.CARRIERS_REFUSED)
    form = CarriersForm(request.POST, prefix=f"kr{kr.pk}", project=project)
    if form.is_valid():
        people = list(form.cleaned_data["contributors"])
        if _attempt(form, lambda: key_result_contributors_set(actor=person, key_result=kr, people=people)) is not None:
            messages.success(request, _("Saved who carries “%(title)s”.") % {"title": kr.title})
            return HttpResponseRedirect(_project_url(project, f"kr-{kr.pk}"))
    for error in [*form.non_field_errors(), *form.errors.get("contributors", [])]:
        messages.error(request, error)
    return HttpResponseRedirect(_project_url(project, f"kr-{kr.pk}"))
