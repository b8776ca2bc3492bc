"""The due dates of a key result's milestones (EXE-9): a page listing each milestone with its date, for those who may
change the objective (403 otherwise, 404 when it is invisible)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qibu.core.http import current_person
from qibu.core.validation import field_problems
from qibu.okrs.access import key_result_for
from qibu.okrs.models import KeyResultKind, Milestone
from qibu.okrs.services import milestones_due_set
from qibu.okrs.services.milestones import due_field


@login_required
@require_http_methods(["GET", "POST"])
def key_result_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    key_result, objective, editable = key_result_for(person, pk)
    if not editable:
        raise PermissionDenied
    milestones = (
        list(Milestone.objects.filter(key_result=key_result)) if key_result.kind == KeyResultKind.MILESTONES else []
    )
    typed: dict[int, str] = {m.pk: m.due_date.isoformat() if m.due_date else "" for m in milestones}
    problems: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    if request.method == "POST":
        due_dates: dict[int, dt.date | None] = {}
        for m in milestones:
            value = request.POST.get(due_field(m.pk), "").strip()
            typed[m.pk] = value
            try:
                due_dates[m.pk] = dt.date.fromisoformat(value) if value else None
            except ValueError:
                problems.setdefault(due_field(m.pk), []).append(_("Enter a date (YYYY-MM-DD)."))
        if not problems:
            try:
                milestones_due_set(actor=person, key_result=key_result, due_dates=due_dates)
            except ValidationError as exc:
                for key, message in field_problems(exc):
                    if key is None or key == "cycle":
                        general.append(message)
                    else:
                        problems.setdefault(key, []).append(message)
            else:
                messages.success(request, _("Due dates saved."))
                return HttpResponseRedirect(reverse("okrs:objective", args=[objective.pk]) + f"#kr-{key_result.pk}")
        status = 400
    today = timezone.localdate()
    rows = [
        {
            "milestone": m,
            "name": due_field(m.pk),
            "value": typed[m.pk],
            "errors": problems.get(due_field(m.pk), []),
            "overdue": not m.done and m.due_date is not None and m.due_date < today,
        }
        for m in milestones
    ]
    context = {"objective": objective, "key_result": key_result, "rows": rows, "errors": general}
    return render(request, "okrs/milestones_form.html", context, status=status)
