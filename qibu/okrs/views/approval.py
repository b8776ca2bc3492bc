"""The approval of an objective (SET-1, SET-2) from its page: submit it, approve it or return it with comments, take
it back to draft. The panel is part of the objective page (`okrs/_approval.html#panel`); its forms post here, and
a plain browser is sent back to the objective page with what happened. A refused step (out of order, the coach's
blocking advice, a return without comments) shows the approval on a page of its own with the reasons and the
comment as typed; it works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qibu.core.http import current_person
from qibu.core.validation import field_problems
from qibu.okrs import access
from qibu.okrs.approval import approval_state
from qibu.okrs.forms import ApprovalCommentForm
from qibu.okrs.models import Objective
from qibu.okrs.services import objective_approve, objective_reopen, objective_return, objective_submit
from qibu.org.middleware import request_organisation
from qibu.org.models import Organisation, Person


def _page(
    request: HttpRequest,
    objective: Objective,
    editable: bool,
    *,
    form: ApprovalCommentForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    person = current_person(request)
    state = approval_state(objective, viewer=person, organisation=request_organisation(request), editable=editable)
    context = {
        "objective": objective,
        "approval": state,
        "approval_form": form or ApprovalCommentForm(),
        "problems": problems or [],
    }
    return render(request, "okrs/approval_page.html", context, status=status)


@login_required
@require_GET
def objective_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """The objective's approval on a page of its own: where it stands, who approves it, what it waits for, the
    decision log and the steps the viewer may take."""
    objective, editable = access.objective_for(current_person(request), pk)
    return _page(request, objective, editable)


Step = Callable[[Person, Objective, str, Organisation], Any]


def _step(request: HttpRequest, pk: int, *, decides: bool, step: Step, done: str) -> HttpResponse:
    """Look the objective up (404 when invisible), refuse who may not take the step (403), take it; then back to
    the objective page, or the approval page with the reasons when the step was refused."""
    person = current_person(request)
    organisation = request_organisation(request)
    objective, editable = access.objective_for(person, pk)
    allowed = access.can_approve(person, objective, ceo_id=organisation.ceo_id) if decides else editable
    if not allowed:
        raise PermissionDenied
    form = ApprovalCommentForm(request.POST)
    comment = request.POST.get("comment", "")  # its length is the service's to refuse, naming the field
    try:
        step(person, objective, comment, organisation)
    except ValidationError as exc:
        problems = [message for _field, message in field_problems(exc)]
        return _page(request, objective, editable, form=form, problems=problems, status=400)
    messages.success(request, done)
    return redirect(reverse("okrs:objective", args=[objective.pk]) + "#approval")


@login_required
@require_POST
def objective_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        decides=False,
        step=lambda person, objective, comment, organisation: objective_submit(
            actor=person, objective=objective, comment=comment, organisation=organisation
        ),
        done=_("Submitted for approval: its approvers are told."),
    )


@login_required
@require_POST
def objective_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        decides=True,
        step=lambda person, objective, comment, organisation: objective_approve(
            actor=person, objective=objective, comment=comment, organisation=organisation
        ),
        done=_("Approved: its owner is told."),
    )


@login_required
@require_POST
def objective_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        decides=True,
        step=lambda person, objective, comment, organisation: objective_return(
            actor=person, objective=objective, comment=comment, organisation=organisation
        ),
        done=_("Returned with your comments: its owner is told."),
    )


@login_required
@require_POST
def objective_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        decides=False,
        step=lambda person, objective, comment, organisation: objective_reopen(actor=person, objective=objective),
        done=_("Back to draft: change it, then submit it again."),
    )
