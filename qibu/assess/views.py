"""The self-assessment's pages (SELF-1 … SELF-3, MEAS-7): your own for a period (save a draft, submit, reopen), a
person's read-only, and a department's presentation. Every form works without JavaScript."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qibu.assess import services
from qibu.assess.access import department_for, period_for, person_for
from qibu.assess.selectors import AssessmentPage, assessment_page, department_presentation
from qibu.assess.services import TEXTS
from qibu.audit.selectors import subject_history
from qibu.core.http import current_person
from qibu.core.validation import field_problems
from qibu.cycles.models import CycleKind
from qibu.cycles.selectors import cycle_current
from qibu.org.selectors import organisation_get

ENTRY = re.compile(r"^score_(\d+)$")


def entries_from(data: Any) -> dict[int, dict[str, Any]]:
    """The rows a form sent: `score_<id>` and the texts beside it."""
    entries: dict[int, dict[str, Any]] = {}
    for key in data:
        match = ENTRY.match(key)
        if match:
            kr_id = int(match.group(1))
            entries[kr_id] = {"score": data.get(key)}
            for field in TEXTS:
                entries[kr_id][field] = data.get(f"{field}_{kr_id}", "")
    return entries


def _rows(page: AssessmentPage, posted: dict[int, dict[str, Any]], errors: dict[str, list[str]]) -> list[Any]:
    """Each row with the values to show (what was sent when it was refused) and its errors."""
    out = []
    for row in page.rows:
        values = {"score": row.score, **{f: getattr(row, f) for f in TEXTS}}
        values.update(posted.get(row.key_result_id, {}))
        keys = ("score", *TEXTS)
        out.append(
            {
                "row": row,
                "values": values,
                "errors": {k: errors.get(f"{k}_{row.key_result_id}", []) for k in keys},
            }
        )
    return out


def _other_errors(page: AssessmentPage, errors: dict[str, list[str]]) -> list[str]:
    """The errors of no row shown: about the whole, or a key result the form should not have sent."""
    shown = {f"{k}_{r.key_result_id}" for r in page.rows for k in ("score", *TEXTS)}
    return [m for field, messages in errors.items() if field not in shown for m in messages]


def _render_mine(
    request: HttpRequest,
    page: AssessmentPage,
    posted: dict[int, dict[str, Any]] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    history = subject_history(page.assessment, viewer=current_person(request)) if page.assessment else []
    context = {
        "page": page,
        "rows": _rows(page, posted or {}, errors),
        "general_errors": _other_errors(page, errors),
        "editable": not page.is_submitted,
        "mine": True,
        "history": history,
    }
    return render(request, "assess/assessment.html", context, status=status)


@login_required
@require_GET
def assessment_index(request: HttpRequest) -> HttpResponse:
    """Your self-assessment of the current period (a month when the policy says monthly, else the quarter); its
    form posts to the period's own address."""
    monthly = organisation_get().self_assessment_every_months == 1
    cycle = cycle_current(kind=CycleKind.MONTH if monthly else CycleKind.QUARTER)
    if cycle is None:
        raise Http404
    return _render_mine(request, assessment_page(person=current_person(request), cycle=cycle))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_mine(request: HttpRequest, cycle: int) -> HttpResponse:
    person = current_person(request)
    period = period_for(organisation_get(), cycle)
    if request.method == "POST":
        entries = entries_from(request.POST)
        submit = request.POST.get("action") == "submit"
        try:
            if submit:
                services.assessment_submit(actor=person, person=person, cycle=period, entries=entries)
            else:
                services.assessment_save(actor=person, person=person, cycle=period, entries=entries)
        except ValidationError as exc:
            errors: dict[str, list[str]] = {}
            for field, message in field_problems(exc):
                errors.setdefault(field or "__all__", []).append(message)
            page = assessment_page(person=person, cycle=period)
            return _render_mine(request, page, entries, errors, status=400)
        messages.success(request, _("Submitted.") if submit else _("Saved as a draft."))
        return redirect("assess:mine", period.pk)
    return _render_mine(request, assessment_page(person=person, cycle=period))


@login_required
@require_POST
def assessment_reopen_view(request: HttpRequest, cycle: int) -> HttpResponse:
    person = current_person(request)
    period = period_for(organisation_get(), cycle)
    try:
        services.assessment_reopen(actor=person, person=person, cycle=period)
    except ValidationError as exc:
        errors = {"__all__": [m for _f, m in field_problems(exc)]}
        return _render_mine(request, assessment_page(person=person, cycle=period), None, errors, status=400)
    messages.success(request, _("Reopened: change it and submit it again."))
    return redirect("assess:mine", period.pk)


@login_required
@require_GET
def assessment_person(request: HttpRequest, cycle: int, person: int) -> HttpResponse:
    """A person's self-assessment, read-only: the person, their department, their managers (SELF-3)."""
    viewer = current_person(request)
    period = period_for(organisation_get(), cycle)
    someone, _rights = person_for(viewer, person)
    page = assessment_page(person=someone, cycle=period)
    history = subject_history(page.assessment, viewer=viewer) if page.assessment else []
    context = {
        "page": page,
        "rows": _rows(page, {}, {}),
        "general_errors": [],
        "editable": False,
        "mine": someone.pk == viewer.pk,
        "history": history,
    }
    return render(request, "assess/assessment.html", context)


@login_required
@require_GET
def department_presentation_view(request: HttpRequest, cycle: int, department: int) -> HttpResponse:
    """SELF-3: the department meeting's presentation of its people's submitted self-assessments."""
    viewer = current_person(request)
    period = period_for(organisation_get(), cycle)
    dept = department_for(viewer, department)
    presentation = department_presentation(department=dept, cycle=period)
    return render(request, "assess/presentation.html", {"presentation": presentation})
