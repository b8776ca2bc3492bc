"""OKR pages: my OKRs, the objective page, the editor with its warnings, and the inline check-in.

Views parse input, look permissions up through `qibu.okrs.access`, call services (writes) and selectors
(reads), and render. Pages read a fixed number of queries whatever the size of the company: stored
roll-ups, prefetches, and limited lists. What a page repeats per item (a key result with its check-in form,
a check-in, a history entry) is written by the functions below rather than by included templates and tags,
which cost several times the work they do; they escape every text they put in.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.formats import date_format, get_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_for_request, cycle_list
from qibu.okrs import charts, quality
from qibu.okrs import progress as meas
from qibu.okrs.access import can_check_in, can_create, can_edit, objective_for, visible_objectives_q
from qibu.okrs.forms import (
    KEY_RESULT_DRAFTS,
    CheckInForm,
    KeyResultDraftForm,
    KeyResultForm,
    ObjectiveForm,
    apply_errors,
)
from qibu.okrs.models import (
    Alignment,
    CheckIn,
    KeyResult,
    KeyResultKind,
    Level,
    Objective,
    Status,
)
from qibu.okrs.selectors import (
    children_of,
    decorate_key_results,
    decorate_objectives,
    elapsed_share,
    objectives_for_owner,
    objectives_visible,
    parents_of,
)
from qibu.okrs.services import (
    alignment_set,
    checkin_record,
    key_result_create,
    key_result_delete,
    key_result_update,
    objective_create,
    objective_delete,
    objective_update,
)
from qibu.okrs.templatetags.okr_tags import NumberFormat, health_badge, kr_measure, pct, progress_bar
from qibu.org.models import Department, Organisation, Person, Team
from qibu.org.selectors import organisation_get

CHECKIN_LIST_LIMIT = 50
CHART_CHECKIN_LIMIT = 2000
HISTORY_LIMIT = 50
CHILDREN_LIMIT = 100
CONTEXT_OBJECTIVES_LIMIT = 10


# --- helpers --------------------------------------------------------------------------------------


def _organisation(request: HttpRequest) -> Organisation:
    found = getattr(request, "organisation", None)
    return found if found is not None else organisation_get()


def _person(request: HttpRequest) -> Person:
    return request.user  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date_or_none(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _plain(value: Decimal | None) -> str:
    """A Decimal for an input field: no grouping, no trailing zeros, no exponent."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _is_open(objective: Objective) -> bool:
    return not objective.cycle.is_closed and objective.status != Status.CLOSED


def _decorate_key_result_pace(krs: list[KeyResult], organisation: Organisation, today: dt.date) -> None:
    """MEAS-6 behind pace per key result, from its own dates (no queries)."""
    for kr in krs:
        elapsed = elapsed_share(kr.start_date, kr.end_date, today)
        kr.behind_pace = meas.behind_pace(  # type: ignore[attr-defined]
            progress=kr.progress, elapsed_share=elapsed, points=organisation.behind_pace_points
        )


class _Rollback(Exception):
    """Raised inside an atomic block to undo every write of one user action."""


# --- the inline check-in --------------------------------------------------------------------------

_CHECKIN_FIELDS = ("value", "milestones_done", "confidence", "confidence_reason", "note")


@dataclass
class CheckInState:
    """What the check-in form shows: the values typed, the errors, and whether it was just saved."""

    value: str
    confidence: str
    confidence_reason: str = ""
    note: str = ""
    milestones_done: set[int] = field(default_factory=set)
    errors: dict[str, list[str]] = field(default_factory=dict)
    saved: bool = False

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


def _fresh_checkin(kr: KeyResult) -> CheckInState:
    milestones = kr.milestones.all() if kr.kind == KeyResultKind.MILESTONES else []
    value = "1" if kr.kind == KeyResultKind.BOOLEAN and kr.current_value >= 1 else _plain(kr.current_value)
    if kr.kind == KeyResultKind.BOOLEAN and kr.current_value < 1:
        value = "0"
    return CheckInState(
        value=value, confidence=str(kr.confidence), milestones_done={m.pk for m in milestones if m.done}
    )


def _prepare_key_results(
    objective: Objective, krs: list[KeyResult], editable: bool, person: Person | None = None
) -> None:
    is_open = _is_open(objective)
    for kr in krs:
        # Editors check in on every key result; a key result's own owner on theirs (access.can_check_in).
        owns = person is not None and kr.owner_id == person.pk
        kr.can_checkin = is_open and (editable or owns)  # type: ignore[attr-defined]
        kr.checkin = _fresh_checkin(kr)  # type: ignore[attr-defined]


# --- the key result fragment ----------------------------------------------------------------------
#
# A key result with its inline check-in form, as my OKRs, the objective page and the check-in answer show
# it. It is repeated for every key result of a page, where an included template costs several times the
# work it does (each tag, filter and translation a node), so it is written here once. Every text put in
# is escaped (`_esc`); the badges and bars come from `okr_tags` already safe.


def _esc(text: Any) -> str:
    """Django's `escape` (the same five characters) without its lazy-string wrapper, for loops."""
    return html.escape(str(text))


def _errors(messages_: list[Any], label: str = "") -> str:
    prefix = f"{_esc(label)}: " if label else ""
    return "".join(f'<p class="error" role="alert">{prefix}{_esc(message)}</p>' for message in messages_)


def _key_result_html(kr: KeyResult, *, owner_name: str, next_url: str, csrf_input: str) -> SafeString:
    """The fragment of one key result: needs `decorate_key_results` and its pace, `kr.can_checkin` and
    `kr.checkin` (the form's state) set first, and milestones loaded for a key result made of them."""
    state: CheckInState = kr.checkin  # type: ignore[attr-defined]
    can_checkin: bool = kr.can_checkin  # type: ignore[attr-defined]
    anchor = f"kr-{kr.pk}"
    stale = f'<span class="tag stale">{_esc(_("Stale: no recent check-in"))}</span>' if kr.stale else ""
    behind = f'<span class="tag behind">{_esc(_("Behind pace"))}</span>' if getattr(kr, "behind_pace", False) else ""
    owner = f'<span class="muted small">{_esc(owner_name)}</span>' if owner_name else ""
    milestones = ""
    if kr.kind == KeyResultKind.MILESTONES and not can_checkin:
        items = "".join(f"<li>{'☑' if m.done else '☐'} {_esc(m.title)}</li>" for m in kr.milestones.all())
        milestones = f'\n  <ul class="milestones small">{items}</ul>\n  '
    saved = f'<p class="saved" role="status">{_esc(_("Checked in."))}</p>' if state.saved else ""
    form = _checkin_form_html(kr, state, anchor, next_url, csrf_input) if can_checkin else ""
    progress = pct(kr.progress_raw)
    return mark_safe(  # built from escaped parts only
        f'<div class="kr" id="{anchor}">\n'
        f'  <div class="row kr-head">\n'
        f'    <span class="kr-title">{_esc(kr.title)}</span>\n'
        f"    {health_badge(kr.health)}\n"
        f"    {stale}\n"
        f"    {behind}\n"
        f"  </div>\n"
        f'  <div class="row numbers kr-numbers">\n'
        f"    <span>{_esc(kr_measure(kr))}</span>\n"
        f'    <span>{_esc(_("Progress"))} <strong class="kr-progress">{_esc(progress)}</strong></span>\n'
        f"    {progress_bar(kr.progress_raw, kr.title)}\n"
        f'    <span>{_esc(_("Confidence"))} <strong class="kr-confidence">{kr.confidence}%</strong></span>\n'
        f"    {owner}\n"
        f"  </div>\n"
        f"  {milestones}\n"
        f"  {_errors(state.general_errors)}\n"
        f"  {saved}\n"
        f"  {form}\n"
        f"</div>\n"
    )


def _checkin_form_html(kr: KeyResult, state: CheckInState, anchor: str, next_url: str, csrf_input: str) -> str:
    """EXE-3 the inline check-in: the new value (or milestones done), confidence, and a note; EXE-4 the
    reason once a fall of confidence was refused without one."""
    url = _esc(reverse("okrs:checkin", args=[kr.pk]))
    label = _esc(_("Check in on “%(title)s”") % {"title": kr.title})
    value_errors = state.value_errors
    if kr.kind == KeyResultKind.MILESTONES:
        boxes = "".join(
            f'\n      <label class="check"><input type="checkbox" name="milestones_done" value="{m.pk}"'
            f"{' checked' if m.pk in state.milestones_done else ''}> {_esc(m.title)}</label>\n      "
            for m in kr.milestones.all()
        )
        value_field = (
            f'    <fieldset class="field">\n'
            f"      <legend>{_esc(_('Milestones done'))}</legend>\n"
            f"      {boxes}\n"
            f"      {_errors(value_errors, _('Milestones'))}\n"
            f"    </fieldset>\n"
        )
    elif kr.kind == KeyResultKind.BOOLEAN:
        done = state.value == "1"
        value_field = (
            f'    <fieldset class="field">\n'
            f"      <legend>{_esc(_('Done?'))}</legend>\n"
            f'      <label class="check"><input type="radio" id="{anchor}-done" name="value" value="1"'
            f"{' checked' if done else ''}> {_esc(_('Done'))}</label>\n"
            f'      <label class="check"><input type="radio" id="{anchor}-not-done" name="value" value="0"'
            f"{'' if done else ' checked'}> {_esc(_('Not done yet'))}</label>\n"
            f"      {_errors(value_errors, _('Done?'))}\n"
            f"    </fieldset>\n"
        )
    else:
        unit = f" ({_esc(kr.unit)})" if kr.unit else ""
        value_invalid = ' aria-invalid="true"' if value_errors else ""
        value_field = (
            f'    <div class="field">\n'
            f'      <label for="{anchor}-value">{_esc(_("New value"))}{unit}</label>\n'
            f'      <input id="{anchor}-value" name="value" inputmode="decimal" autocomplete="off" '
            f'value="{_esc(state.value)}"{value_invalid}>\n'
            f"      {_errors(value_errors, _('New value'))}\n"
            f"    </div>\n"
        )
    errors = state.errors
    reason = ""
    if state.ask_reason:
        reason_invalid = ' aria-invalid="true" autofocus' if errors.get("confidence_reason") else ""
        reason = (
            f'  <div class="field reason">\n'
            f'    <label for="{anchor}-confidence_reason">'
            f"{_esc(_('Why did confidence fall, and what changed?'))}</label>\n"
            f"    {_errors(errors.get('confidence_reason', []))}\n"
            f'    <textarea id="{anchor}-confidence_reason" name="confidence_reason" rows="2"{reason_invalid}>'
            f"{_esc(state.confidence_reason)}</textarea>\n"
            f"  </div>\n"
        )
    confidence_label = _("Confidence (%)")
    confidence_invalid = ' aria-invalid="true"' if errors.get("confidence") else ""
    return (
        f'\n<form class="checkin" method="post" action="{url}"\n'
        f'      hx-post="{url}" hx-target="#{anchor}" hx-swap="outerHTML"\n'
        f'      aria-label="{label}">\n'
        f"  {csrf_input}\n"
        f'  <input type="hidden" name="next" value="{_esc(next_url)}">\n'
        f'  <div class="checkin-fields">\n'
        f"{value_field}"
        f'    <div class="field">\n'
        f'      <label for="{anchor}-confidence">{_esc(confidence_label)}</label>\n'
        f'      <input id="{anchor}-confidence" name="confidence" type="number" min="0" max="100" step="1" '
        f'inputmode="numeric" value="{_esc(state.confidence)}"{confidence_invalid}>\n'
        f"      {_errors(errors.get('confidence', []), confidence_label)}\n"
        f"    </div>\n"
        f"  </div>\n"
        f"{reason}"
        f'  <div class="field">\n'
        f'    <label for="{anchor}-note">{_esc(_("Note"))}</label>\n'
        f'    <textarea id="{anchor}-note" name="note" rows="1">{_esc(state.note)}</textarea>\n'
        f"    {_errors(errors.get('note', []), _('Note'))}\n"
        f"  </div>\n"
        f'  <button type="submit" class="primary">{_esc(_("Check in"))}</button>\n'
        f"</form>\n"
    )


def _objective_numbers_html(objective: Objective, *, out_of_band: bool = False) -> SafeString:
    """An objective's health, progress and confidence (MEAS-4 … MEAS-6); needs `decorate_objectives`.
    The check-in answer sends it out of band, so that the numbers above the key results follow."""
    progress_label = _("Progress")
    confidence = f"{_esc(floatformat(objective.confidence, 0))}%" if objective.confidence is not None else "—"
    oob = ' hx-swap-oob="true"' if out_of_band else ""
    behind = ""
    if objective.behind_pace:
        elapsed = _("%(elapsed)s of the time has passed.") % {"elapsed": pct(objective.elapsed)}
        behind = f'<span class="tag behind" title="{_esc(elapsed)}">{_esc(_("Behind pace"))}</span>'
    return mark_safe(  # built from escaped parts only
        f'<div class="row numbers objective-numbers" id="objective-{objective.pk}-numbers"{oob}>\n'
        f"  {health_badge(objective.health)}\n"
        f"  <span>{_esc(progress_label)} <strong>{_esc(pct(objective.progress))}</strong></span>\n"
        f"  {progress_bar(objective.progress, progress_label)}\n"
        f"  <span>{_esc(_('Confidence'))} <strong>{confidence}</strong></span>\n"
        f"  {behind}\n"
        f"</div>\n"
    )


def _csrf_input(request: HttpRequest) -> str:
    """What `{% csrf_token %}` writes, for the forms written above."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_esc(get_token(request))}">'


def _key_result_for(person: Person, pk: int) -> tuple[KeyResult, Objective, bool]:
    """The key result with its objective, if `person` may see the objective (else 404).

    Milestones are read only for a key result made of them: no other kind shows or changes any."""
    kr = KeyResult.objects.select_related("owner").filter(pk=pk).first()
    if kr is None:
        raise Http404
    objective, editable = objective_for(person, kr.objective_id)
    kr.objective = objective
    if kr.kind == KeyResultKind.MILESTONES:
        prefetch_related_objects([kr], "milestones")
    return kr, objective, editable


@login_required
@require_POST
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a check-in (EXE-3); answers the key result's fragment to htmx, else redirects back."""
    person = _person(request)
    organisation = _organisation(request)
    kr, objective, _editable = _key_result_for(person, pk)
    if not can_check_in(person, objective, kr):
        raise PermissionDenied
    form = CheckInForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    milestones_done: list[Any] | None = None
    if kr.kind == KeyResultKind.MILESTONES:
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
            value=state.value if kr.kind != KeyResultKind.MILESTONES else None,
            milestones_done=milestones_done,
            confidence_reason=state.confidence_reason,
            note=state.note,
            organisation=organisation,
        )
    except ValidationError as exc:
        state.errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        # The service changes the key result in memory only after validating, so it is as stored.
        return _render_key_result(request, kr, objective, state, status=200 if _is_htmx(request) else 400)
    if not _is_htmx(request):
        messages.success(request, _("Checked in: “%(title)s”.") % {"title": kr.title})
        return HttpResponseRedirect(_safe_next(request, fallback))
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
    organisation = _organisation(request)
    today = timezone.localdate()
    decorate_key_results([kr], organisation)
    _decorate_key_result_pace([kr], organisation, today)
    decorate_objectives([objective], organisation, today)
    kr.can_checkin = _is_open(objective)  # type: ignore[attr-defined]
    kr.checkin = state  # type: ignore[attr-defined]
    kr.html = _key_result_html(  # type: ignore[attr-defined]
        kr,
        owner_name=str(kr.owner) if kr.owner_id else "",
        next_url=_safe_next(request, reverse("okrs:objective", args=[objective.pk])),
        csrf_input=_csrf_input(request),
    )
    if out_of_band:
        objective.numbers_html = _objective_numbers_html(objective, out_of_band=True)  # type: ignore[attr-defined]
    context = {"kr": kr, "objective": objective, "out_of_band": out_of_band}
    template = "okrs/_checkin_response.html" if _is_htmx(request) else "okrs/checkin_page.html"
    return render(request, template, context, status=status)


# --- my OKRs --------------------------------------------------------------------------------------


def _cycle_from(cycles: list[Cycle], asked: str | None, today: dt.date) -> Cycle | None:
    """`cycle_for_request`, answered from the picker's cycles already read when they hold the answer
    (they are every cycle but the months): the one asked for, else the current quarter, else the
    current year, by the rules of `cycle_current`."""
    if asked:
        wanted = _int_or_none(asked)
        found = next((c for c in cycles if c.pk == wanted), None)
        return found if found is not None else cycle_for_request(asked)
    for kind in (CycleKind.QUARTER, CycleKind.ANNUAL):
        of_kind = [c for c in cycles if c.kind == kind]  # newest first
        running = [c for c in of_kind if c.start <= today <= c.end]
        started = [c for c in of_kind if c.start <= today]
        if running or started or of_kind:
            return (running or started or sorted(of_kind, key=lambda c: c.start))[0]
    return cycle_for_request(None)


@login_required
def my_okrs(request: HttpRequest) -> HttpResponse:
    """My OKRs in the chosen cycle, what to push first today (EXE-7), and the company's direction (VIS-1)."""
    person = _person(request)
    organisation = _organisation(request)
    today = timezone.localdate()
    cycles = list(cycle_list())
    cycle = _cycle_from(cycles, request.GET.get("cycle"), today)
    objectives: list[Objective] = []
    company_objectives: list[Objective] = []
    if cycle is not None:
        objectives = objectives_for_owner(person=person, viewer=person, cycle=cycle)
        annual_id = cycle.pk if cycle.kind == CycleKind.ANNUAL else cycle.parent_id
        if annual_id:
            company_objectives = list(
                Objective.objects.filter(visible_objectives_q(person), cycle_id=annual_id, level=Level.COMPANY)
                .only("id", "title", "progress")
                .order_by("priority", "id")[:CONTEXT_OBJECTIVES_LIMIT]
            )
    decorate_objectives(objectives, organisation, today)
    next_url, csrf_input = request.get_full_path(), _csrf_input(request)
    for objective in objectives:
        krs = list(objective.key_results.all())
        decorate_key_results(krs, organisation)
        _decorate_key_result_pace(krs, organisation, today)
        objective.can_edit = can_edit(person, objective)  # type: ignore[attr-defined]
        objective.numbers_html = _objective_numbers_html(objective)  # type: ignore[attr-defined]
        _prepare_key_results(objective, krs, objective.can_edit, person)  # type: ignore[attr-defined]
        for kr in krs:
            kr.html = _key_result_html(  # type: ignore[attr-defined]
                kr, owner_name=str(kr.owner) if kr.owner_id else "", next_url=next_url, csrf_input=csrf_input
            )
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "objectives": objectives,
        "company_objectives": company_objectives,
        "focus": quality.focus_today(objectives),
        "may_create": cycle is not None and not cycle.is_closed,
    }
    return render(request, "okrs/my.html", context)


# --- the objective page ---------------------------------------------------------------------------


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    organisation = _organisation(request)
    today = timezone.localdate()
    objective, editable = objective_for(person, pk)
    # Owners' names come with the other names the page needs (one query, only for those not known yet);
    # milestones only for key results made of them; the chart reads the check-in list's rows when they
    # are all there are. So the count of queries depends on what the objective holds, never on the size
    # of the company.
    krs = list(KeyResult.objects.filter(objective=objective).order_by("position", "id"))
    milestone_krs = [kr for kr in krs if kr.kind == KeyResultKind.MILESTONES]
    if milestone_krs:
        prefetch_related_objects(milestone_krs, "milestones")
    for kr in krs:
        kr.objective = objective
    decorate_key_results(krs, organisation)
    _decorate_key_result_pace(krs, organisation, today)
    _prepare_key_results(objective, krs, editable, person)
    parents = parents_of(objective, person)
    children = children_of(objective, person, limit=CHILDREN_LIMIT)
    decorate_objectives([objective, *children, *(a.rollup_parent for a in parents)], organisation, today)
    objective.numbers_html = _objective_numbers_html(objective)  # type: ignore[attr-defined]
    checkins = list(
        CheckIn.objects.filter(key_result__objective=objective)
        .order_by("-created_at", "-id")
        .values_list(*_CHECKIN_COLUMNS)[:CHECKIN_LIST_LIMIT]
    )
    history = list(AuditEntry.objects.filter(objective_id=objective.pk).order_by("-at", "-id")[:HISTORY_LIMIT])
    names = _Names(person)
    names.people[person.pk] = str(person)
    names.know_objective(objective)
    for kr in krs:
        names.key_results[kr.pk] = kr.title
    for alignment in parents:
        names.objectives[alignment.rollup_parent_id] = alignment.rollup_parent.title
        if alignment.parent_key_result is not None:
            names.key_results[alignment.parent_key_result.pk] = alignment.parent_key_result.title
    for child in children:
        names.objectives[child.pk] = child.title
    wanted = _wanted_ids(history)
    wanted["people"] |= {kr.owner_id for kr in krs if kr.owner_id is not None}
    wanted["people"] |= {row[2] for row in checkins if row[2] is not None}
    wanted["people"] |= {entry.actor_id for entry in history if entry.actor_id is not None}
    names.load(wanted)
    next_url, csrf_input = request.get_full_path(), _csrf_input(request)
    for kr in krs:
        kr.html = _key_result_html(  # type: ignore[attr-defined]
            kr,
            owner_name=names.people.get(kr.owner_id, "") if kr.owner_id else "",
            next_url=next_url,
            csrf_input=csrf_input,
        )
    context = {
        "objective": objective,
        "can_edit": editable,
        "is_open": _is_open(objective),
        "key_results": krs,
        "parents": parents,
        "children": children,
        "checkins": _checkin_rows(checkins, krs, names, organisation.confidence_fall_threshold),
        "chart": _chart(objective, krs, today, checkins),
        "history": _history_rows(history, names),
    }
    return render(request, "okrs/objective.html", context)


# What the check-in list shows; the chart reads the columns it needs from the same rows.
_CHECKIN_COLUMNS = (
    "key_result_id",
    "created_at",
    "author_id",
    "value",
    "progress_raw",
    "progress",
    "confidence",
    "previous_confidence",
    "confidence_reason",
    "note",
)


class _DatetimeFormat:
    """The `date` filter with one named format of the current language, for many values in a loop:
    the format is read and parsed once."""

    def __init__(self, format_name: str) -> None:
        pieces = re_formatchars.split(str(get_format(format_name)))
        self.pieces = [
            (True, piece) if i % 2 else (False, re_escaped.sub(r"\1", piece)) for i, piece in enumerate(pieces) if piece
        ]

    def __call__(self, value: dt.datetime) -> str:
        formatter = DateFormat(template_localtime(value))
        return "".join(str(getattr(formatter, piece)()) if code else piece for code, piece in self.pieces)


# One line of the check-in list. Up to CHECKIN_LIST_LIMIT of them: written here rather than by a template
# loop, whose tags and filters cost several times the work they do. Every text put in is escaped (`_esc`).
_CHECKIN_ROW = """
    <li class="{css}">
      <div class="row small muted"><span class="numbers">{at}</span><span>{author}</span></div>
      <div class="kr-title">{key_result}</div>
      <div class="row numbers">
        <span>{value_label} <strong>{value}</strong> <span class="muted small">({progress})</span></span>
        <span>{confidence_label} {previous}<strong>{confidence}%</strong></span>
        {fall}
      </div>
      {reason}
      {note}
    </li>
  """


def _checkin_rows(rows: list[tuple[Any, ...]], krs: list[KeyResult], names: _Names, threshold: int) -> SafeString:
    """The check-in list's lines from `_CHECKIN_COLUMNS` rows: a fall of confidence of the policy's threshold
    or more is marked big (EXE-4), with its reason."""
    titles = {kr.pk: _esc(kr.title) for kr in krs}
    at = _DatetimeFormat("SHORT_DATETIME_FORMAT")
    numbers = NumberFormat()
    value_label, confidence_label = _esc(_("Value")), _esc(_("Confidence"))
    reason_line = '<p class="reason"><strong>' + _esc(_("Why it fell")) + ":</strong> {}</p>"
    authors: dict[int | None, str] = {None: "—"}
    lines = []
    for kr_id, created_at, author_id, value, progress_raw, _progress, confidence, previous, reason, note in rows:
        fall = max(0, previous - confidence) if previous is not None else 0
        if author_id not in authors:
            authors[author_id] = _esc(names.people.get(author_id) or "—")
        lines.append(
            _CHECKIN_ROW.format(
                css="fall big-fall" if fall >= threshold else ("fall" if fall else ""),
                at=_esc(at(created_at)),
                author=authors[author_id],
                key_result=titles.get(kr_id, ""),
                value_label=value_label,
                value=_esc(numbers.number(value)),
                progress=_esc(numbers.pct(progress_raw)),
                confidence_label=confidence_label,
                previous=f"{previous}% → " if previous is not None and previous != confidence else "",
                confidence=confidence,
                fall=f'<span class="tag stale">{_esc(_("fell %(fall)s points") % {"fall": fall})}</span>'
                if fall
                else "",
                reason=reason_line.format(linebreaksbr(reason)) if reason else "",
                note=f'<p class="note">{linebreaksbr(note)}</p>' if note else "",
            )
        )
    # Built above from escaped parts only.
    return mark_safe("".join(lines))


def _chart(objective: Objective, krs: list[KeyResult], today: dt.date, latest: list[tuple[Any, ...]]) -> Any:
    """The chart from the latest check-ins (`_CHECKIN_COLUMNS`, newest first); they are all of them when
    fewer than the list's limit, else up to `CHART_CHECKIN_LIMIT` are read."""
    if len(latest) < CHECKIN_LIST_LIMIT:
        rows = [(r[0], r[1], r[5], r[6], r[7]) for r in latest]
    else:
        rows = list(
            CheckIn.objects.filter(key_result__objective=objective)
            .order_by("-created_at", "-id")
            .values_list("key_result_id", "created_at", "progress", "confidence", "previous_confidence")[
                :CHART_CHECKIN_LIMIT
            ]
        )
    points = charts.objective_series(
        key_results=[charts.KeyResultState(kr.pk, kr.weight, kr.progress, kr.confidence) for kr in krs],
        checkins=[charts.CheckInRow(*row) for row in rows],
        start=objective.start_date,
    )
    return charts.progress_chart_svg(
        points,
        start=objective.start_date,
        end=objective.end_date,
        today=today,
        chart_id=f"chart-{objective.pk}",
        title=_("Progress and confidence of “%(title)s” over time") % {"title": objective.title},
    )


# --- history (who, when, what: before → after) ----------------------------------------------------

ACTION_LABELS = {
    "objective.create": gettext_lazy("created the objective"),
    "objective.update": gettext_lazy("changed the objective"),
    "objective.delete": gettext_lazy("deleted the objective"),
    "key_result.create": gettext_lazy("added a key result"),
    "key_result.update": gettext_lazy("changed a key result"),
    "key_result.delete": gettext_lazy("deleted a key result"),
    "check_in.create": gettext_lazy("checked in"),
    "alignment.set": gettext_lazy("changed the alignment"),
}
EXTRA_LABELS = {
    "parents": gettext_lazy("aligned to"),
    "milestones": gettext_lazy("milestones"),
    "key_result": gettext_lazy("key result"),
    "confidence": gettext_lazy("confidence"),
    "previous_confidence": gettext_lazy("confidence before"),
    "confidence_reason": gettext_lazy("why confidence fell"),
}
_TARGET_MODELS: dict[str, type[models.Model]] = {
    "objective": Objective,
    "keyresult": KeyResult,
    "checkin": CheckIn,
}
_NUMBER_FIELDS = {"start_value", "target_value", "current_value", "band_low", "band_high", "weight", "value", "score"}
# Kept in history for completeness but of no interest to a reader.
_HIDDEN_FIELDS = {"position"}
_PERCENT_FIELDS = {"confidence", "previous_confidence"}
_DATE_FIELDS = {"start_date", "end_date"}
_REFERENCE_FIELDS = {"owner": "people", "author": "people", "department": "departments", "team": "teams",
                     "cycle": "cycles", "key_result": "key_results"}  # fmt: skip


class _Names:
    """Titles and names for the ids kept in history, read in one query per kind and only when the page
    does not already hold them."""

    def __init__(self, viewer: Person) -> None:
        self.viewer = viewer
        self.people: dict[int, str] = {}
        self.departments: dict[int, str] = {}
        self.teams: dict[int, str] = {}
        self.cycles: dict[int, str] = {}
        self.objectives: dict[int, str] = {}
        self.key_results: dict[int, str] = {}

    def know_objective(self, objective: Objective) -> None:
        self.objectives[objective.pk] = objective.title
        self.cycles[objective.cycle.pk] = objective.cycle.name
        for person in (objective.owner, objective.author):
            if person is not None:
                self.people[person.pk] = str(person)
        if objective.department is not None:
            self.departments[objective.department.pk] = objective.department.name
        if objective.team is not None:
            self.teams[objective.team.pk] = objective.team.name

    def load(self, wanted: dict[str, set[int]]) -> None:
        missing = {kind: ids - getattr(self, kind).keys() for kind, ids in wanted.items()}
        if missing.get("people"):
            for pk, full_name, username in Person.objects.filter(pk__in=missing["people"]).values_list(
                "pk", "full_name", "username"
            ):
                self.people[pk] = full_name or username
        if missing.get("departments"):
            self.departments.update(Department.objects.filter(pk__in=missing["departments"]).values_list("pk", "name"))
        if missing.get("teams"):
            self.teams.update(Team.objects.filter(pk__in=missing["teams"]).values_list("pk", "name"))
        if missing.get("cycles"):
            self.cycles.update(Cycle.objects.filter(pk__in=missing["cycles"]).values_list("pk", "name"))
        visible = visible_objectives_q(self.viewer)
        if missing.get("objectives"):
            self.objectives.update(
                Objective.objects.filter(visible, pk__in=missing["objectives"]).values_list("pk", "title")
            )
        if missing.get("key_results"):
            self.key_results.update(
                KeyResult.objects.filter(
                    pk__in=missing["key_results"], objective__in=Objective.objects.filter(visible)
                ).values_list("pk", "title")
            )


def _parent_refs(value: Any) -> list[tuple[str, int]]:
    refs = []
    for item in value or []:
        kind, _sep, pk = str(item).partition(":")
        if pk.isdigit():
            refs.append((kind, int(pk)))
    return refs


def _wanted_ids(entries: list[AuditEntry]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {k: set() for k in ("people", "departments", "teams", "cycles", "objectives",
                                                      "key_results")}  # fmt: skip
    for entry in entries:
        if entry.target_type == "keyresult" and entry.target_id:
            wanted["key_results"].add(entry.target_id)
        for snapshot in (entry.before or {}, entry.after or {}):
            for name, value in snapshot.items():
                if name in _REFERENCE_FIELDS and isinstance(value, int):
                    wanted[_REFERENCE_FIELDS[name]].add(value)
                elif name == "parents":
                    for kind, pk in _parent_refs(value):
                        wanted["key_results" if kind == "kr" else "objectives"].add(pk)
    return wanted


def _field_label(name: str, model: type[models.Model] | None) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    if model is not None:
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            pass
    return name.replace("_", " ")


def _display(
    name: str, value: Any, model: type[models.Model] | None, names: _Names, numbers: NumberFormat | None = None
) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name in _REFERENCE_FIELDS:
        table: dict[int, str] = getattr(names, _REFERENCE_FIELDS[name])
        return table.get(value, f"#{value}") if isinstance(value, int) else str(value)
    if name == "parents":
        labels = []
        for kind, pk in _parent_refs(value):
            table = names.key_results if kind == "kr" else names.objectives
            labels.append(table.get(pk, f"#{pk}"))
        return ", ".join(labels) or "—"
    if name in _PERCENT_FIELDS:
        return f"{value}%"
    if name in _NUMBER_FIELDS:
        return (numbers or NumberFormat()).number(value)
    if name in _DATE_FIELDS:
        day = _date_or_none(value)
        return date_format(day) if day else str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if model is not None:
        try:
            choices = getattr(model._meta.get_field(name), "choices", None)
        except FieldDoesNotExist:
            choices = None
        if choices:
            return str(dict(choices).get(value, value))
    return Truncator(str(value)).chars(160)


def _history_rows(entries: list[AuditEntry], names: _Names) -> SafeString:
    """The history list's lines (up to HISTORY_LIMIT, written here rather than by a template loop, like the
    check-ins'). Needs `names.load` done for `_wanted_ids(entries)` and the entries' actors."""
    at = _DatetimeFormat("SHORT_DATETIME_FORMAT")
    numbers = NumberFormat()
    someone = _("someone")
    labels: dict[tuple[str, type[models.Model] | None], str] = {}

    def label(name: str, model: type[models.Model] | None) -> str:
        if (name, model) not in labels:
            labels[name, model] = _field_label(name, model)
        return labels[name, model]

    def display(name: str, value: Any, model: type[models.Model] | None) -> str:
        return _display(name, value, model, names, numbers)

    lines = []
    for entry in entries:
        model = _TARGET_MODELS.get(entry.target_type)
        before, after = entry.before or {}, entry.after or {}
        subject = ""
        if entry.target_type == "keyresult":
            subject = names.key_results.get(entry.target_id or 0) or str((before or after).get("title", ""))
        changes: list[tuple[str, str, str]] = []
        if entry.action == "check_in.create":
            subject = names.key_results.get(after.get("key_result") or 0, "")
            changes.append((label("value", CheckIn), "", display("value", after.get("value"), CheckIn)))
            changes.append(
                (
                    label("confidence", CheckIn),
                    display("confidence", after.get("previous_confidence"), CheckIn),
                    display("confidence", after.get("confidence"), CheckIn),
                )
            )
            for name in ("confidence_reason", "note"):
                if after.get(name):
                    changes.append((label(name, CheckIn), "", display(name, after[name], CheckIn)))
        else:
            for name, old, new in entry.changes():
                if name in _HIDDEN_FIELDS or (name not in before and new in (None, "", [])):
                    continue
                changes.append(
                    (
                        label(name, model),
                        display(name, old, model) if name in before else "",
                        display(name, new, model) if name in after else "",
                    )
                )
        actor = (names.people.get(entry.actor_id) if entry.actor_id is not None else None) or someone
        action = str(ACTION_LABELS.get(entry.action, entry.action))
        items = ""
        for name, old, new in changes:
            was = f"<del>{_esc(old)}</del> → " if old else ""
            items += f"\n        <li>{_esc(name)}: {was}<ins>{_esc(new or '—')}</ins></li>\n      "
        about = f" “{_esc(subject)}”" if subject else ""
        listed = f'<ul class="small changes">{items}</ul>' if changes else ""
        lines.append(
            f'\n    <li><span class="muted small numbers">{_esc(at(entry.at))}</span>\n'
            f"      <strong>{_esc(actor)}</strong> {_esc(action)}{about}\n"
            f"      {listed}\n"
            f"    </li>\n  "
        )
    # Built from escaped parts only.
    return mark_safe("".join(lines))


# --- the editor -----------------------------------------------------------------------------------


def _scope_missing(level: str, owner: Person | None, department: Department | None, team: Team | None) -> bool:
    return (
        (level == Level.PERSON and owner is None)
        or (level == Level.TEAM and team is None)
        or (level == Level.DEPARTMENT and department is None)
    )


def _may_create(
    person: Person, level: str, owner: Person | None, department: Department | None, team: Team | None
) -> bool:
    return can_create(person, level=level, owner=owner, department=department, team=team)


def _objective_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data.get("title", ""),
        "description": data.get("description", ""),
        "owner": data.get("owner"),
        "department": data.get("department"),
        "team": data.get("team"),
        "priority": data.get("priority") if data.get("priority") not in (None, "") else None,
        "weight": data.get("weight") or None,
        "commitment": data.get("commitment") or None,
        "visibility": data.get("visibility") or None,
        "status": data.get("status") or None,
        "rollup_mode": data.get("rollup_mode") or None,
        "start_date": data.get("start_date"),
        "end_date": data.get("end_date"),
    }


def _warnings(
    request: HttpRequest,
    *,
    objective: Objective | None,
    level: str,
    cycle_id: int | None,
    owner_id: int | None,
    key_results: list[dict[str, Any]],
    has_alignment: bool,
    start_date: dt.date | None,
    end_date: dt.date | None,
) -> dict[str, Any]:
    organisation = _organisation(request)
    count = 0
    if owner_id and cycle_id:
        others = Objective.objects.filter(cycle_id=cycle_id, owner_id=owner_id)
        if objective is not None:
            others = others.exclude(pk=objective.pk)
        count = others.count() + 1
    return {
        "warnings": quality.objective_warnings(
            organisation=organisation,
            owner_objective_count=count,
            key_results=key_results,
            has_alignment=has_alignment,
            level=level,
            start_date=start_date,
            end_date=end_date,
        ),
        "departures": quality.policy_departures(organisation),
    }


def _key_result_rows(objective: Objective) -> list[dict[str, Any]]:
    rows = KeyResult.objects.filter(objective=objective).values("title", "kind", "start_value", "target_value")
    return [dict(row) for row in rows]


def _warnings_from_post(request: HttpRequest, objective: Objective | None) -> dict[str, Any]:
    post = request.POST
    level = post.get("level") or (objective.level if objective else Level.PERSON)
    key_results: list[dict[str, Any]]
    if objective is not None:
        key_results = _key_result_rows(objective)
    else:
        key_results = [
            {
                "title": post.get(f"kr{i}-title", ""),
                "kind": post.get(f"kr{i}-kind", ""),
                "start_value": post.get(f"kr{i}-start_value", ""),
                "target_value": post.get(f"kr{i}-target_value", ""),
            }
            for i in range(KEY_RESULT_DRAFTS)
        ]
    owner_id = _int_or_none(post.get("owner"))
    if owner_id is None and objective is not None and "owner" not in post:
        owner_id = objective.owner_id
    return _warnings(
        request,
        objective=objective,
        level=level,
        cycle_id=_int_or_none(post.get("cycle")) or (objective.cycle_id if objective else None),
        owner_id=owner_id,
        key_results=key_results,
        has_alignment=bool(post.getlist("parent_objectives") or post.getlist("parent_key_results")),
        start_date=_date_or_none(post.get("start_date")),
        end_date=_date_or_none(post.get("end_date")),
    )


@login_required
@require_POST
def editor_warnings(request: HttpRequest) -> HttpResponse:
    """The method's advice on the objective being typed (SET-3 … SET-8), as a fragment for htmx."""
    objective = None
    if request.POST.get("objective"):
        objective, _editable = objective_for(_person(request), _int_or_none(request.POST["objective"]) or 0)
    return render(request, "okrs/_warnings.html", _warnings_from_post(request, objective))


def _context_objectives(person: Person, cycle: Cycle | None) -> list[Objective]:
    """The company objectives of this cycle and its year, shown beside the editor (VIS-1, SET-6)."""
    if cycle is None:
        return []
    cycles = [cycle.pk] + ([cycle.parent_id] if cycle.parent_id else [])
    return list(
        objectives_visible(person)
        .filter(cycle_id__in=cycles, level=Level.COMPANY)
        .order_by("cycle__start", "priority", "id")[:CONTEXT_OBJECTIVES_LIMIT]
    )


def _render_editor(
    request: HttpRequest,
    *,
    form: ObjectiveForm,
    drafts: list[KeyResultDraftForm],
    objective: Objective | None,
    advice: dict[str, Any],
    status: int,
) -> HttpResponse:
    person = _person(request)
    parents = parents_of(objective, person) if objective is not None else []
    context = {
        "form": form,
        "drafts": drafts,
        "objective": objective,
        "parents": parents,
        "context_objectives": _context_objectives(person, form.parent_cycle),
        **advice,
    }
    return render(request, "okrs/objective_form.html", context, status=status)


def _create_with_key_results(person: Person, form: ObjectiveForm, drafts: list[KeyResultDraftForm]) -> Objective | None:
    """SET-9: the objective and the key results written with it, all or nothing."""
    data = form.cleaned_data
    created: Objective | None = None
    try:
        with transaction.atomic():
            try:
                created = objective_create(
                    actor=person,
                    cycle=data["cycle"],
                    level=data["level"],
                    parent_objective_ids=[o.pk for o in data.get("parent_objectives") or []],
                    parent_key_result_ids=[k.pk for k in data.get("parent_key_results") or []],
                    **_objective_fields(data),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                raise _Rollback from exc
            failed = False
            for draft in drafts:
                if draft.is_blank():
                    continue
                row = draft.cleaned_data
                try:
                    key_result_create(
                        actor=person,
                        objective=created,
                        title=row["title"],
                        kind=row["kind"] or KeyResultKind.INCREASE,
                        start_value=row["start_value"] or "0",
                        target_value=row["target_value"] if row["kind"] != KeyResultKind.BOOLEAN else None,
                        unit=row["unit"],
                    )
                except ValidationError as exc:
                    apply_errors(draft, exc)
                    failed = True
            if failed:
                raise _Rollback
    except _Rollback:
        return None
    return created


@login_required
@require_http_methods(["GET", "POST"])
def objective_new(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    cycle = cycle_for_request(request.POST.get("cycle") or request.GET.get("cycle"))
    if request.method == "POST":
        form = ObjectiveForm(request.POST, actor=person, cycle=cycle)
        drafts = [KeyResultDraftForm(request.POST, prefix=f"kr{i}") for i in range(KEY_RESULT_DRAFTS)]
        status = 400
        valid = form.is_valid()
        valid = all([d.is_valid() for d in drafts]) and valid
        if valid:
            data = form.cleaned_data
            level, owner, department, team = data["level"], data["owner"], data["department"], data["team"]
            if not _scope_missing(level, owner, department, team) and not _may_create(
                person, level, owner, department, team
            ):
                form.add_error(
                    None,
                    _(
                        "You may not set this objective: choose yourself or someone who reports to you as its "
                        "owner, or a department you head."
                    ),
                )
                status = 403
            else:
                created = _create_with_key_results(person, form, drafts)
                if created is not None:
                    messages.success(request, _("Objective created: “%(title)s”.") % {"title": created.title})
                    return redirect("okrs:objective", pk=created.pk)
        advice = _warnings_from_post(request, None)
    else:
        asked = request.GET.get("level") or ""
        level = asked if asked in Level.values else str(Level.PERSON)
        initial: dict[str, Any] = {"level": level, "cycle": cycle.pk if cycle else None}
        owner_id = _int_or_none(request.GET.get("owner"))
        initial["owner"] = owner_id or (person.pk if level == Level.PERSON else None)
        initial["department"] = _int_or_none(request.GET.get("department"))
        form = ObjectiveForm(initial=initial, actor=person, cycle=cycle)
        drafts = [KeyResultDraftForm(prefix=f"kr{i}") for i in range(KEY_RESULT_DRAFTS)]
        status = 200
        advice = _warnings(
            request,
            objective=None,
            level=level,
            cycle_id=cycle.pk if cycle else None,
            owner_id=initial["owner"],
            key_results=[],
            has_alignment=False,
            start_date=None,
            end_date=None,
        )
    return _render_editor(request, form=form, drafts=drafts, objective=None, advice=advice, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    objective, editable = objective_for(person, pk)
    if not editable:
        raise PermissionDenied
    current = list(Alignment.objects.filter(child=objective).values_list("parent_objective_id", "parent_key_result_id"))
    current_objectives = [o for o, _k in current if o]
    current_key_results = [k for _o, k in current if k]
    if request.method == "POST":
        form = ObjectiveForm(request.POST, actor=person, cycle=objective.cycle, instance=objective)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            owner, department, team = data["owner"], data["department"], data["team"]
            scope_changed = (
                (owner.pk if owner else None) != objective.owner_id
                or (department.pk if department else None) != objective.department_id
                or (team.pk if team else None) != objective.team_id
            )
            if (
                scope_changed
                and not _scope_missing(objective.level, owner, department, team)
                and not _may_create(person, objective.level, owner, department, team)
            ):
                form.add_error("owner", _("You may not hand this objective to that owner, department or team."))
                status = 403
            elif _update_with_alignment(person, objective, form, current_objectives, current_key_results):
                messages.success(request, _("Objective saved."))
                return redirect("okrs:objective", pk=objective.pk)
        # The service may have changed the instance in memory before refusing: show it as stored.
        objective, _editable = objective_for(person, pk)
        form.instance = objective
        advice = _warnings_from_post(request, objective)
    else:
        initial = {
            "title": objective.title,
            "description": objective.description,
            "level": objective.level,
            "cycle": objective.cycle_id,
            "owner": objective.owner_id,
            "department": objective.department_id,
            "team": objective.team_id,
            "priority": objective.priority,
            "commitment": objective.commitment,
            "visibility": objective.visibility,
            "status": objective.status,
            "rollup_mode": objective.rollup_mode,
            "weight": _plain(objective.weight),
            "start_date": objective.start_date,
            "end_date": objective.end_date,
            "parent_objectives": current_objectives,
            "parent_key_results": current_key_results,
        }
        form = ObjectiveForm(initial=initial, actor=person, cycle=objective.cycle, instance=objective)
        status = 200
        advice = _warnings(
            request,
            objective=objective,
            level=objective.level,
            cycle_id=objective.cycle_id,
            owner_id=objective.owner_id,
            key_results=_key_result_rows(objective),
            has_alignment=bool(current),
            start_date=objective.start_date,
            end_date=objective.end_date,
        )
    return _render_editor(request, form=form, drafts=[], objective=objective, advice=advice, status=status)


def _update_with_alignment(
    person: Person,
    objective: Objective,
    form: ObjectiveForm,
    current_objectives: list[int],
    current_key_results: list[int],
) -> bool:
    """Save the fields and the alignment as one action; every error is shown, nothing half-written."""
    data = form.cleaned_data
    # Parents the editor cannot see or choose here stay as they are.
    offered_objectives = set(form.choice_queryset("parent_objectives").values_list("pk", flat=True))
    offered_key_results = set(form.choice_queryset("parent_key_results").values_list("pk", flat=True))
    parent_objectives = [o.pk for o in data["parent_objectives"]] + [
        pk for pk in current_objectives if pk not in offered_objectives
    ]
    parent_key_results = [k.pk for k in data["parent_key_results"]] + [
        pk for pk in current_key_results if pk not in offered_key_results
    ]
    changes = {**_objective_fields(data), "cycle": data["cycle"]}
    failed = False
    try:
        with transaction.atomic():
            try:
                objective_update(actor=person, objective=objective, data=changes)
            except ValidationError as exc:
                apply_errors(form, exc)
                failed = True
            if set(parent_objectives) != set(current_objectives) or set(parent_key_results) != set(current_key_results):
                try:
                    alignment_set(
                        actor=person,
                        objective=objective,
                        parent_objective_ids=parent_objectives,
                        parent_key_result_ids=parent_key_results,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                    failed = True
            if failed:
                raise _Rollback
    except _Rollback:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def objective_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks to confirm, then deletes on POST."""
    person = _person(request)
    objective, editable = objective_for(person, pk)
    if not editable:
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        title = objective.title
        try:
            objective_delete(actor=person, objective=objective)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Objective deleted: “%(title)s”.") % {"title": title})
            return redirect(reverse("okrs:my") + f"?cycle={objective.cycle_id}")
    context = {
        "thing": objective,
        "kind": _("objective"),
        "errors": errors,
        "cancel": reverse("okrs:objective", args=[objective.pk]),
        "action": reverse("okrs:objective_delete", args=[objective.pk]),
    }
    return render(request, "okrs/confirm_delete.html", context, status=400 if errors else 200)


# --- key results ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def key_result_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
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
                apply_errors(form, exc)
            else:
                messages.success(request, _("Key result added: “%(title)s”.") % {"title": kr.title})
                return HttpResponseRedirect(reverse("okrs:objective", args=[objective.pk]) + f"#kr-{kr.pk}")
    else:
        form = KeyResultForm(actor=person, objective=objective, initial={"owner": objective.owner_id})
    context = {"form": form, "objective": objective, "key_result": None}
    return render(request, "okrs/key_result_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    kr, objective, editable = _key_result_for(person, pk)
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
                apply_errors(form, exc)
            else:
                messages.success(request, _("Key result saved."))
                return HttpResponseRedirect(reverse("okrs:objective", args=[objective.pk]) + f"#kr-{kr.pk}")
            kr, objective, editable = _key_result_for(person, pk)
    else:
        initial = {
            "title": kr.title,
            "kind": kr.kind,
            "start_value": _plain(kr.start_value),
            "target_value": _plain(kr.target_value),
            "unit": kr.unit,
            "band_low": _plain(kr.band_low),
            "band_high": _plain(kr.band_high),
            "weight": _plain(kr.weight),
            "owner": kr.owner_id,
            "start_date": kr.start_date,
            "end_date": kr.end_date,
        }
        form = KeyResultForm(actor=person, objective=objective, instance=kr, initial=initial)
    context = {"form": form, "objective": objective, "key_result": kr}
    return render(request, "okrs/key_result_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    kr, objective, editable = _key_result_for(person, pk)
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
