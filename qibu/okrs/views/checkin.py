"""The inline check-in (EXE-3): a new value or the milestones done, confidence, and a note; the reason when
confidence falls by the policy's threshold or more (EXE-4).

The form opens on demand: the "Check in" control of a key result asks for it (GET), htmx puts it into the
key result's card, a plain request gets a page with it. The check-in (POST) is recorded as of now; to htmx it
answers the key result's card, with the objective's new numbers (and, on the objective page, its pace) out of
band; without JavaScript it redirects back, or shows the refused form on a page of its own (400)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qibu.core.http import current_person, is_htmx, safe_next, vary_on_htmx
from qibu.core.numbers import plain
from qibu.core.validation import FieldErrors, clean_decimal
from qibu.okrs.access import can_check_in, key_result_for
from qibu.okrs.forms import CheckInForm
from qibu.okrs.models import KeyResult, KeyResultKind, Objective
from qibu.okrs.selectors import ObjectiveCard, key_result_cards, objective_status
from qibu.okrs.services import checkin_record
from qibu.okrs.services.checkins import checkin_value_implausible
from qibu.okrs.views._common import _int_or_none
from qibu.org.middleware import request_organisation

CARDS = "okrs/_cards.html"
_CHECKIN_FIELDS = ("value", "milestones_done", "confidence", "confidence_reason", "note")


@dataclass
class CheckInState:
    """What the check-in form shows: the values typed and the errors of a refused check-in."""

    value: str
    confidence: str
    confidence_reason: str = ""
    note: str = ""
    milestones_done: set[int] = field(default_factory=set)
    errors: dict[str, list[str]] = field(default_factory=dict)
    # The value lies far outside the key result's range: the form asks to confirm it (`checkin_value_bounds`).
    ask_confirm: bool = False
    confirmed: bool = False

    @property
    def ask_reason(self) -> bool:
        """EXE-4: the reason box appears once the fall has been refused (or a reason was typed)."""
        return "confidence_reason" in self.errors or bool(self.confidence_reason)

    @property
    def general_errors(self) -> list[str]:
        return [m for key, msgs in self.errors.items() if key not in _CHECKIN_FIELDS for m in msgs]

    @property
    def value_errors(self) -> list[str]:
        return [*self.errors.get("value", []), *self.errors.get("milestones_done", [])]

    @property
    def focus(self) -> str:
        """The field the cursor goes to when the form opens: the reason asked for, else the first refused
        field, else the new value."""
        if "confidence_reason" in self.errors:
            return "confidence_reason"
        if self.value_errors:
            return "value"
        return next((name for name in ("confidence", "note") if name in self.errors), "value")


def fresh_state(kr: KeyResult) -> CheckInState:
    """The form as it first opens: the key result's current value and confidence, its milestones done."""
    if kr.kind == KeyResultKind.MILESTONES:
        return CheckInState(
            value="", confidence=str(kr.confidence), milestones_done={m.pk for m in kr.milestones.all() if m.done}
        )
    boolean = kr.kind == KeyResultKind.BOOLEAN
    value = ("1" if kr.current_value >= 1 else "0") if boolean else plain(kr.current_value)
    return CheckInState(value=value, confidence=str(kr.confidence))


def _posted(request: HttpRequest, kr: KeyResult) -> tuple[CheckInState, list[Any] | None, bool]:
    """The check-in as typed, the milestones ticked (None when the form has no milestones: a milestone
    key result's form sends the boxes ticked, none when none is, and no box is "none done"), and whether a
    value far outside the range was confirmed."""
    form = CheckInForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
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
    return state, milestones_done, bool(data.get("confirm"))


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the check-in form (into the card for htmx, on a page of its own without). POST: record the
    check-in (EXE-3); the card to htmx, else a redirect back."""
    person = current_person(request)
    kr, objective, editable = key_result_for(person, pk)
    if not can_check_in(person, objective, kr, editable=editable):
        raise PermissionDenied
    if request.method == "GET":
        return vary_on_htmx(_open_form(request, kr, objective, editable))
    return vary_on_htmx(_record(request, kr, objective, editable))


def _open_form(request: HttpRequest, kr: KeyResult, objective: Objective, editable: bool) -> HttpResponse:
    if not objective.takes_check_ins:
        problems = [
            _("This objective takes no more check-ins: its cycle or the objective is closed.")
            if not objective.takes_changes
            else _("The objective is not approved yet: check-ins start once its approver has approved it.")
        ]
        return _render_card(request, kr, objective, editable, checkin=None, problems=problems, status=200)
    return _render_card(request, kr, objective, editable, checkin=fresh_state(kr), status=200)


def _record(request: HttpRequest, kr: KeyResult, objective: Objective, editable: bool) -> HttpResponse:
    state, milestones_done, confirm = _posted(request, kr)
    state.confirmed = confirm
    try:
        checkin_record(
            actor=current_person(request),
            key_result=kr,
            confidence=state.confidence,
            value=state.value,
            milestones_done=milestones_done,
            confidence_reason=state.confidence_reason,
            note=state.note,
            organisation=request_organisation(request),
            confirm=confirm,
        )
    except ValidationError as exc:
        state.errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        # Asked once the value was refused for it; kept ticked while the check-in is refused for another reason.
        state.ask_confirm = confirm or ("value" in state.errors and _implausible(kr, state.value))
        # The service changes the key result in memory only after validating, so it is as stored.
        status = 200 if is_htmx(request) else 400
        return _render_card(
            request, kr, objective, editable, checkin=state, problems=state.general_errors, status=status
        )
    if not is_htmx(request):
        messages.success(request, _("Checked in: “%(title)s”.") % {"title": kr.title})
        return HttpResponseRedirect(_back(request, objective, kr))
    # checkin_record left the key result's and the objective's new numbers on them.
    return _render_card(request, kr, objective, editable, checkin=None, saved=True, status=200)


def _implausible(kr: KeyResult, value: str) -> bool:
    """The value typed is one the service asks to confirm (its rule, `checkin_value_implausible`)."""
    errors = FieldErrors()
    number = clean_decimal(errors, "value", value, required=False)
    return not errors and checkin_value_implausible(kr, number) is not None


def _back(request: HttpRequest, objective: Objective, kr: KeyResult) -> str:
    """Where the form sends the viewer back without JavaScript: the page it came from, at the key result."""
    target = safe_next(request, reverse("okrs:objective", args=[objective.pk]))
    return target if "#" in target else f"{target}#kr-{kr.pk}"


def _render_card(
    request: HttpRequest,
    kr: KeyResult,
    objective: Objective,
    editable: bool,
    *,
    checkin: CheckInState | None,
    status: int,
    problems: list[str] | None = None,
    saved: bool = False,
) -> HttpResponse:
    """The key result's card: to htmx alone (after a check-in with the objective's numbers out of band), else
    on the check-in page."""
    organisation = request_organisation(request)
    today = timezone.localdate()
    objective_url = reverse("okrs:objective", args=[objective.pk])
    next_url = safe_next(request, objective_url)
    [card] = key_result_cards(
        [kr], objective=objective, viewer=current_person(request), organisation=organisation, editable=editable
    )
    context = {
        "card": card,
        "checkin": checkin,
        "problems": problems or [],
        "saved": saved,
        "next_url": next_url,
        "objective": objective,
        "objective_card": ObjectiveCard(objective, objective_status(objective, organisation, today), [card], editable),
        "out_of_band": saved,
        # The pace is shown on the objective page only; elsewhere htmx would find nothing to swap.
        "with_pace": urlsplit(safe_next(request, "")).path == objective_url,
    }
    if is_htmx(request):
        return render(request, f"{CARDS}#checkin_answer", {**context, "standalone": False}, status=status)
    return render(request, "okrs/checkin_page.html", {**context, "standalone": True}, status=status)
