"""OKR pages: my OKRs, the objective page, the editor with its warnings, and the inline check-in.

Views parse input, look permissions up through `qibu.okrs.access`, call services (writes) and selectors
(reads), and render. Pages read a fixed number of queries whatever the size of the company: stored
roll-ups, prefetches, and limited lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
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
    checkins_for_objective,
    children_of,
    decorate_key_results,
    decorate_objectives,
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
from qibu.okrs.templatetags.okr_tags import number
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
        elapsed = Cycle(start=kr.start_date, end=kr.end_date).elapsed_share(today)
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


def _key_result_for(person: Person, pk: int) -> tuple[KeyResult, Objective, bool]:
    """The key result with its objective, if `person` may see the objective (else 404)."""
    objective_id = KeyResult.objects.filter(pk=pk).values_list("objective_id", flat=True).first()
    if objective_id is None:
        raise Http404
    objective, editable = objective_for(person, objective_id)
    kr = KeyResult.objects.select_related("owner").prefetch_related("milestones").get(pk=pk)
    kr.objective = objective
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
    objective.refresh_from_db(fields=["progress", "confidence"])
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
    context = {
        "kr": kr,
        "objective": objective,
        "next": _safe_next(request, reverse("okrs:objective", args=[objective.pk])),
        "out_of_band": out_of_band,
    }
    template = "okrs/_checkin_response.html" if _is_htmx(request) else "okrs/checkin_page.html"
    return render(request, template, context, status=status)


# --- my OKRs --------------------------------------------------------------------------------------


@login_required
def my_okrs(request: HttpRequest) -> HttpResponse:
    """My OKRs in the chosen cycle, what to push first today (EXE-7), and the company's direction (VIS-1)."""
    person = _person(request)
    organisation = _organisation(request)
    today = timezone.localdate()
    cycle = cycle_for_request(request.GET.get("cycle"))
    objectives: list[Objective] = []
    company_objectives: list[Objective] = []
    if cycle is not None:
        objectives = objectives_for_owner(person=person, viewer=person, cycle=cycle)
        annual_id = cycle.pk if cycle.kind == CycleKind.ANNUAL else cycle.parent_id
        if annual_id:
            company_objectives = list(
                objectives_visible(person)
                .filter(cycle_id=annual_id, level=Level.COMPANY)
                .order_by("priority", "id")[:CONTEXT_OBJECTIVES_LIMIT]
            )
    decorate_objectives(objectives, organisation, today)
    for objective in objectives:
        krs = list(objective.key_results.all())
        decorate_key_results(krs, organisation)
        _decorate_key_result_pace(krs, organisation, today)
        objective.can_edit = can_edit(person, objective)  # type: ignore[attr-defined]
        _prepare_key_results(objective, krs, objective.can_edit, person)  # type: ignore[attr-defined]
    context = {
        "cycle": cycle,
        "cycles": list(cycle_list()),
        "objectives": objectives,
        "company_objectives": company_objectives,
        "focus": quality.focus_today(objectives),
        "may_create": cycle is not None and not cycle.is_closed,
        "next": request.get_full_path(),
    }
    return render(request, "okrs/my.html", context)


# --- the objective page ---------------------------------------------------------------------------


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    organisation = _organisation(request)
    today = timezone.localdate()
    objective, editable = objective_for(person, pk)
    krs = list(
        KeyResult.objects.filter(objective=objective)
        .select_related("owner")
        .prefetch_related("milestones")
        .order_by("position", "id")
    )
    for kr in krs:
        kr.objective = objective
    decorate_key_results(krs, organisation)
    _decorate_key_result_pace(krs, organisation, today)
    _prepare_key_results(objective, krs, editable, person)
    parents = parents_of(objective, person)
    children = children_of(objective, person)[:CHILDREN_LIMIT]
    decorate_objectives([objective, *children, *(a.rollup_parent for a in parents)], organisation, today)
    checkins = checkins_for_objective(objective, limit=CHECKIN_LIST_LIMIT)
    history = list(
        AuditEntry.objects.filter(objective_id=objective.pk)
        .select_related("actor")
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    names = _Names(person)
    names.know_objective(objective)
    for kr in krs:
        names.key_results[kr.pk] = kr.title
        if kr.owner is not None:
            names.people[kr.owner.pk] = str(kr.owner)
    for alignment in parents:
        names.objectives[alignment.rollup_parent_id] = alignment.rollup_parent.title
        if alignment.parent_key_result is not None:
            names.key_results[alignment.parent_key_result.pk] = alignment.parent_key_result.title
    for child in children:
        names.objectives[child.pk] = child.title
    context = {
        "objective": objective,
        "can_edit": editable,
        "is_open": _is_open(objective),
        "key_results": krs,
        "parents": parents,
        "children": children,
        "checkins": checkins,
        "fall_threshold": organisation.confidence_fall_threshold,
        "chart": _chart(objective, krs, today),
        "history": _history_rows(history, names),
        "next": request.get_full_path(),
    }
    return render(request, "okrs/objective.html", context)


def _chart(objective: Objective, krs: list[KeyResult], today: dt.date) -> Any:
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


def _display(name: str, value: Any, model: type[models.Model] | None, names: _Names) -> str:
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
        return number(value)
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


def _history_rows(entries: list[AuditEntry], names: _Names) -> list[dict[str, Any]]:
    names.load(_wanted_ids(entries))
    rows = []
    for entry in entries:
        model = _TARGET_MODELS.get(entry.target_type)
        before, after = entry.before or {}, entry.after or {}
        subject = ""
        if entry.target_type == "keyresult":
            subject = names.key_results.get(entry.target_id or 0) or str((before or after).get("title", ""))
        changes: list[tuple[str, str, str]] = []
        if entry.action == "check_in.create":
            subject = names.key_results.get(after.get("key_result") or 0, "")
            changes.append((_field_label("value", CheckIn), "", _display("value", after.get("value"), CheckIn, names)))
            changes.append(
                (
                    _field_label("confidence", CheckIn),
                    _display("confidence", after.get("previous_confidence"), CheckIn, names),
                    _display("confidence", after.get("confidence"), CheckIn, names),
                )
            )
            for name in ("confidence_reason", "note"):
                if after.get(name):
                    changes.append((_field_label(name, CheckIn), "", _display(name, after[name], CheckIn, names)))
        else:
            for name, old, new in entry.changes():
                if name in _HIDDEN_FIELDS or (name not in before and new in (None, "", [])):
                    continue
                changes.append(
                    (
                        _field_label(name, model),
                        _display(name, old, model, names) if name in before else "",
                        _display(name, new, model, names) if name in after else "",
                    )
                )
        rows.append(
            {
                "at": entry.at,
                "actor": entry.actor,
                "action": str(ACTION_LABELS.get(entry.action, entry.action)),
                "subject": subject,
                "changes": changes,
            }
        )
    return rows


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
