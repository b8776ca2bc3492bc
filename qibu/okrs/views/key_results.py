"""Adding, changing, moving and deleting a key result of an objective one may edit (403 otherwise, 404 when the
objective is invisible). Check-ins are in `checkin`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.core.numbers import plain
from qibu.okrs import quality
from qibu.okrs.access import key_result_for, objective_for
from qibu.okrs.forms import ERROR_ALIASES, KeyResultForm
from qibu.okrs.forms_strategy import ObjectiveIdForm
from qibu.okrs.models import KeyResultKind, Objective
from qibu.okrs.selectors import key_result_count
from qibu.okrs.services import key_result_create, key_result_delete, key_result_move, key_result_update
from qibu.okrs.strategy import editable_objectives
from qibu.okrs.views.advice import key_result_advice
from qibu.org.middleware import request_organisation


def _addition_advice(request: HttpRequest, objective: Objective) -> list[quality.Advice]:
    """SET-4 after adding a key result: counting the one just added."""
    count = key_result_count(objective)
    return quality.addition_warnings(organisation=request_organisation(request), key_result_count=count, saved=True)


def _form_data(form: KeyResultForm) -> Any:
    """What the coach reads of the form: what was sent, else the values it starts with."""
    if form.is_bound:
        return form.data
    return {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}


@login_required
@require_http_methods(["GET", "POST"])
def key_result_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    objective, editable = objective_for(person, pk)
    if not editable:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = KeyResultForm(request.POST, actor=person, objective=objective)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                kr = key_result_create(
                    actor=person,
                    objective=objective,
                    title=d["title"],
                    kind=d["kind"],
                    start_value=d["start_value"],
                    target_value=d["target_value"] or None,
                    current_value=d["current_value"] or None,
                    unit=d["unit"],
                    band_low=d["band_low"] or None,
                    band_high=d["band_high"] or None,
                    weight=d["weight"] or None,
                    owner=d["owner"],
                    start_date=d["start_date"],
                    end_date=d["end_date"],
                    confidence=d["confidence"] if d["confidence"] != "" else 50,
                    milestones=form.milestone_titles(),
                )
            except ValidationError as exc:
                apply_errors(form, exc, ERROR_ALIASES)
            else:
                messages.success(request, _("Key result added: “%(title)s”.") % {"title": kr.title})
                for advice in _addition_advice(request, objective):
                    messages.warning(request, advice.text)
                return HttpResponseRedirect(reverse("okrs:objective", args=[objective.pk]) + f"#kr-{kr.pk}")
    else:
        # SET-8: the objective's dates, shown so that the key result's own are explicit.
        initial = {"owner": objective.owner_id, "start_date": objective.start_date, "end_date": objective.end_date}
        form = KeyResultForm(actor=person, objective=objective, initial=initial)
    coach = key_result_advice(request, objective, _form_data(form), key_result=None)
    context = {"form": form, "objective": objective, "key_result": None, **coach}
    return render(request, "okrs/key_result_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    kr, objective, editable = key_result_for(person, pk)
    if not editable:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = KeyResultForm(request.POST, actor=person, objective=objective, instance=kr)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            data: dict[str, Any] = {
                "title": d["title"],
                "kind": d["kind"],
                "unit": d["unit"],
                "weight": d["weight"],
                "owner": d["owner"],
                "start_date": d["start_date"],
                "end_date": d["end_date"],
                "band_low": d["band_low"] or None,
                "band_high": d["band_high"] or None,
            }
            for name in ("start_value", "target_value"):
                if d[name] != "" or d["kind"] in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
                    data[name] = d[name]
            try:
                key_result_update(actor=person, key_result=kr, data=data)
            except ValidationError as exc:
                apply_errors(form, exc, ERROR_ALIASES)
            else:
                messages.success(request, _("Key result saved."))
                return HttpResponseRedirect(reverse("okrs:objective", args=[objective.pk]) + f"#kr-{kr.pk}")
            kr, objective, editable = key_result_for(person, pk)
    else:
        initial = {
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
        }
        form = KeyResultForm(actor=person, objective=objective, instance=kr, initial=initial)
    coach = key_result_advice(request, objective, _form_data(form), key_result=kr)
    context = {"form": form, "objective": objective, "key_result": kr, **coach}
    return render(request, "okrs/key_result_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    kr, objective, editable = key_result_for(person, pk)
    if not editable:
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        title = kr.title
        try:
            key_result_delete(actor=person, key_result=kr)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Key result deleted: “%(title)s”.") % {"title": title})
            return redirect("okrs:objective", pk=objective.pk)
    context = {
        "thing": kr,
        "kind": _("key result"),
        "errors": errors,
        "cancel": reverse("okrs:objective", args=[objective.pk]),
        "action": reverse("okrs:kr_delete", args=[kr.pk]),
    }
    return render(request, "okrs/confirm_delete.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a key result to another objective of the cycle, with its check-ins, milestones and history: offered
    the open objectives of its cycle the person may edit; refused (403) when they may not edit the key result's
    objective or the one chosen, and, naming the reason, for a closed cycle or an alignment that cannot follow."""
    person = current_person(request)
    kr, objective, editable = key_result_for(person, pk)
    if not editable:
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        form = ObjectiveIdForm(request.POST)
        if form.is_valid():
            target, target_editable = objective_for(person, form.cleaned_data["objective"])
            if not target_editable:
                raise PermissionDenied
            try:
                warnings = key_result_move(actor=person, key_result=kr, objective=target)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    _("“%(title)s” moved to “%(objective)s”.") % {"title": kr.title, "objective": target.title},
                )
                for warning in warnings:
                    messages.warning(request, warning)
                return HttpResponseRedirect(reverse("okrs:objective", args=[target.pk]) + f"#kr-{kr.pk}")
        else:
            errors = [_("Choose the objective to move it to.")]
    choices = list(editable_objectives(person, objective.cycle_id, exclude=objective.pk))
    context = {"key_result": kr, "objective": objective, "choices": choices, "errors": errors}
    return render(request, "okrs/key_result_move.html", context, status=400 if errors else 200)
