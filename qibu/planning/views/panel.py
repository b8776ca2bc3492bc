"""The pages of the planning section (SET-2). The section shows on the objective page (a panel, `qibu.okrs.panels`);
these views take what its forms send and answer htmx with the section again, or a plain browser with the objective
page (or, when something is wrong, a page of the section with the form and its errors). Every page works without
JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.core.validation import field_problems
from qibu.okrs.access import can_edit, objective_for
from qibu.okrs.models import KeyResult, Objective
from qibu.org.models import Person
from qibu.planning import access, services
from qibu.planning.forms import ProposalEditForm, ProposalForm, TakeUpForm
from qibu.planning.models import Proposal
from qibu.planning.selectors.panel import planning_context, take_up_choices

SECTION = "planning/_panel.html#planning"


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


def _key_results(objective: Objective) -> list[KeyResult]:
    return list(KeyResult.objects.filter(objective=objective).order_by("position", "id"))


def _context(person: Person, objective: Objective, editable: bool, **extra: Any) -> dict[str, Any]:
    return planning_context(
        viewer=person, objective=objective, editable=editable, key_results=_key_results(objective), **extra
    )


def _answer(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """The section for htmx; the section's own page for a plain browser."""
    if is_htmx(request):
        return vary_on_htmx(render(request, SECTION, {"panel": context}))
    return vary_on_htmx(render(request, "planning/proposals.html", {"panel": context}, status=status))


def _objective_url(objective_id: int, anchor: str = "proposals") -> str:
    return reverse("okrs:objective", args=[objective_id]) + f"#{anchor}"


def _problems(exc: ValidationError) -> list[str]:
    return [message for _field, message in field_problems(exc)]


@login_required
@require_http_methods(["GET", "POST"])
def proposals(request: HttpRequest, pk: int) -> HttpResponse:
    """An objective's planning section (GET), or a new proposal or objection (POST)."""
    person = current_person(request)
    objective, editable = objective_for(person, pk)
    if request.method == "GET":
        return _answer(request, _context(person, objective, editable))
    key_results = _key_results(objective)
    form = ProposalForm(request.POST, key_results=key_results)
    key_result_id = _int(request.POST.get("key_result", ""))
    key_result = KeyResult.objects.filter(pk=key_result_id).first() if key_result_id else None
    try:
        proposal = services.proposal_create(
            actor=person,
            objective=objective,
            kind=request.POST.get("kind"),
            text=request.POST.get("text", ""),
            key_result=key_result,
        )
    except ValidationError as exc:
        form.is_valid()
        apply_errors(form, exc, {"objective": "__all__"})
        context = planning_context(
            viewer=person, objective=objective, editable=editable, key_results=key_results, form=form
        )
        # The section keeps no form when the draft takes no proposals: say why above it.
        if context["form"] is None:
            context["section"].notices = _problems(exc)
        return _answer(request, context, status=200 if is_htmx(request) else 400)
    if is_htmx(request):
        return _answer(request, _context(person, objective, editable))
    messages.success(request, _("Your proposal is sent to the draft's owner."))
    return redirect(_objective_url(objective.pk, f"proposal-{proposal.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    proposal = access.proposal_for(person, pk)
    if proposal.author_id != person.pk:
        raise PermissionDenied
    if request.method == "GET":
        form = ProposalEditForm(initial={"text": proposal.text, "kind": proposal.kind})
        return render(request, "planning/proposal_edit.html", {"proposal": proposal, "form": form})
    form = ProposalEditForm(request.POST)
    try:
        services.proposal_edit(
            actor=person, proposal=proposal, text=request.POST.get("text", ""), kind=request.POST.get("kind")
        )
    except ValidationError as exc:
        form.is_valid()
        apply_errors(form, exc, {"status": "__all__", "objective": "__all__"})
        return render(request, "planning/proposal_edit.html", {"proposal": proposal, "form": form}, status=400)
    return redirect(_objective_url(proposal.objective_id, f"proposal-{proposal.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    proposal = access.proposal_for(person, pk)
    if proposal.author_id != person.pk:
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "planning/proposal_withdraw.html", {"proposal": proposal})
    objective_id = proposal.objective_id
    try:
        services.proposal_withdraw(actor=person, proposal=proposal)
    except ValidationError as exc:
        context = {"proposal": proposal, "problems": _problems(exc)}
        return render(request, "planning/proposal_withdraw.html", context, status=400)
    messages.success(request, _("Your proposal is withdrawn."))
    return redirect(_objective_url(objective_id))


def _section_after(
    request: HttpRequest, person: Person, objective: Objective, editable: bool, exc: ValidationError | None
) -> HttpResponse:
    """After an answer or a take-up: the section (with the problems, if any) for htmx; for a plain browser the
    objective page, or the section's page with the problems."""
    if exc is None and not is_htmx(request):
        return redirect(_objective_url(objective.pk))
    notices = _problems(exc) if exc is not None else []
    context = _context(person, objective, editable, notices=notices)
    return _answer(request, context, status=400 if exc is not None and not is_htmx(request) else 200)


@login_required
@require_POST
def proposal_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's owner answers a proposal: taken up, declined (with the reason) or open again."""
    person = current_person(request)
    proposal: Proposal = access.proposal_for(person, pk)
    objective = proposal.objective
    editable = can_edit(person, objective)
    if not editable:
        raise PermissionDenied
    try:
        services.proposal_respond(
            actor=person, proposal=proposal, status=request.POST.get("status"), note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        return _section_after(request, person, objective, editable, exc)
    return _section_after(request, person, objective, editable, None)


@login_required
@require_POST
def take_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft records an objective from below it adjusted to (SET-2)."""
    person = current_person(request)
    objective, editable = objective_for(person, pk)
    if not editable:
        raise PermissionDenied
    source_id = _int(request.POST.get("source_objective", ""))
    source = (
        Objective.objects.select_related("cycle", "owner", "department").filter(pk=source_id).first()
        if source_id is not None
        else None
    )
    try:
        services.take_up_add(
            actor=person,
            objective=objective,
            source_objective=source,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        problem = exc
        if source is None and source_id:
            problem = ValidationError({"source_objective": [_("There is no objective #%(id)s.") % {"id": source_id}]})
        form = TakeUpForm(request.POST, choices=take_up_choices(person, objective))
        form.is_valid()
        apply_errors(form, problem, {"objective": "__all__", "source_proposal": "source_objective"})
        context = _context(person, objective, editable, take_up_form=form)
        return _answer(request, context, status=200 if is_htmx(request) else 400)
    return _section_after(request, person, objective, editable, None)


@login_required
@require_POST
def take_up_remove(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    take_up = access.take_up_for(person, pk)
    objective = take_up.objective
    editable = can_edit(person, objective)
    if not editable:
        raise PermissionDenied
    try:
        services.take_up_remove(actor=person, take_up=take_up)
    except ValidationError as exc:
        return _section_after(request, person, objective, editable, exc)
    return _section_after(request, person, objective, editable, None)
