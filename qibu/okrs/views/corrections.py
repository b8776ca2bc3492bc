"""The correction form (EXE-11), reached from the objective page and from each key result: its kind, its reason and
the new values the kind asks for. Only those who may change the objective (403 otherwise, 404 when it is invisible);
the service applies the change and records it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.okrs.access import key_result_for, objective_for
from qibu.okrs.corrections import objective_corrections
from qibu.okrs.forms_corrections import CorrectionForm
from qibu.okrs.models import CorrectionApproval, KeyResult, Objective
from qibu.okrs.services import correction_make
from qibu.org.middleware import request_organisation
from qibu.org.models import Person

# The earlier corrections the form shows beside it.
EARLIER_SHOWN = 5


@login_required
@require_http_methods(["GET", "POST"])
def objective_correct(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    objective, editable = objective_for(person, pk)
    return _correct(request, person, objective, None, editable=editable)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_correct(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    key_result, objective, editable = key_result_for(person, pk)
    return _correct(request, person, objective, key_result, editable=editable)


def _correct(
    request: HttpRequest, person: Person, objective: Objective, key_result: KeyResult | None, *, editable: bool
) -> HttpResponse:
    if not editable:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST, objective=objective, key_result=key_result)
        status = 400
        if form.is_valid():
            try:
                correction = correction_make(
                    actor=person,
                    objective=objective,
                    key_result=key_result,
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    changes=form.changes(),
                    organisation=request_organisation(request),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if correction.approval == CorrectionApproval.PENDING:
                    messages.success(request, _("Correction recorded: it waits for the objective's approver."))
                else:
                    messages.success(request, _("Correction recorded."))
                return HttpResponseRedirect(
                    reverse("okrs:objective", args=[objective.pk]) + f"#correction-{correction.pk}"
                )
    else:
        form = CorrectionForm(objective=objective, key_result=key_result)
    context = {
        "form": form,
        "objective": objective,
        "key_result": key_result,
        "earlier": objective_corrections(objective.pk, limit=EARLIER_SHOWN),
    }
    return render(request, "okrs/correction_form.html", context, status=status)
