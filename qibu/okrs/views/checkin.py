"""The inline check-in (EXE-3): a new value or the milestones done, confidence, and a note; the reason when
confidence falls by the policy's threshold or more (EXE-4).

To htmx it answers the key result's fragment, with the objective's new numbers out of band; without
JavaScript it redirects back, or shows the refused form on a page of its own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.http import current_person, is_htmx, safe_next
from qibu.okrs.access import can_check_in, key_result_for
from qibu.okrs.forms import CheckInForm
from qibu.okrs.models import KeyResult, KeyResultKind, Objective
from qibu.okrs.selectors import decorate_key_results, decorate_objectives
from qibu.okrs.services import checkin_record
from qibu.okrs.views._common import _int_or_none
from qibu.okrs.views.fragments import (
    CheckInState,
    _csrf_input,
    _fresh_checkin,
    _key_result_html,
    _objective_numbers_html,
)
from qibu.org.middleware import request_organisation


@login_required
@require_POST
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a check-in (EXE-3); answers the key result's fragment to htmx, else redirects back."""
    person = current_person(request)
    organisation = request_organisation(request)
    kr, objective, _editable = key_result_for(person, pk)
    if not can_check_in(person, objective, kr):
        raise PermissionDenied
    form = CheckInForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    # A milestone key result's form sends the boxes ticked, none when none is: no box is "none done".
    milestones_done: list[Any] | None = None
    if kr.kind == KeyResultKind.MILESTONES or "milestones_done" in request.POST:
        milestones_done = request.POST.getlist("milestones_done")
    state = CheckInState(
        value=data.get("value", ""),
        confidence=data.get("confidence", ""),
        confidence_reason=data.get("confidence_reason", ""),
        note=data.get("note", ""),
        milestones_done={i for i in (_int_or_none(v) for v in milestones_done or []) if i is not None},
    )
    fallback = reverse("okrs:objective", args=[objective.pk]) + f"#kr-{kr.pk}"
    try:
        checkin_record(
            actor=person,
            key_result=kr,
            confidence=state.confidence,
            value=state.value,
            milestones_done=milestones_done,
            confidence_reason=state.confidence_reason,
            note=state.note,
            organisation=organisation,
        )
    except ValidationError as exc:
        state.errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        # The service changes the key result in memory only after validating, so it is as stored.
        return _render_key_result(request, kr, objective, state, status=200 if is_htmx(request) else 400)
    if not is_htmx(request):
        messages.success(request, _("Checked in: “%(title)s”.") % {"title": kr.title})
        return HttpResponseRedirect(safe_next(request, fallback))
    # checkin_record left the objective's new progress and confidence on it.
    fresh = _fresh_checkin(kr)
    fresh.saved = True
    return _render_key_result(request, kr, objective, fresh, status=200, out_of_band=True)


def _render_key_result(
    request: HttpRequest,
    kr: KeyResult,
    objective: Objective,
    state: CheckInState,
    *,
    status: int,
    out_of_band: bool = False,
) -> HttpResponse:
    organisation = request_organisation(request)
    today = timezone.localdate()
    decorate_key_results([kr], organisation)
    decorate_objectives([objective], organisation, today)
    kr.can_checkin = objective.takes_check_ins  # type: ignore[attr-defined]
    kr.checkin = state  # type: ignore[attr-defined]
    kr.html = _key_result_html(  # type: ignore[attr-defined]
        kr,
        owner_name=str(kr.owner) if kr.owner_id else "",
        next_url=safe_next(request, reverse("okrs:objective", args=[objective.pk])),
        csrf_input=_csrf_input(request),
    )
    if out_of_band:
        objective.numbers_html = _objective_numbers_html(objective, out_of_band=True)  # type: ignore[attr-defined]
    context = {"kr": kr, "objective": objective, "out_of_band": out_of_band}
    template = "okrs/_checkin_response.html" if is_htmx(request) else "okrs/checkin_page.html"
    return render(request, template, context, status=status)
