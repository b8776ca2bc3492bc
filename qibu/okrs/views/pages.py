"""The pages people read every day: my OKRs (with what to push first, EXE-7) and the objective page (key
results, each with its "Check in" control, alignment, the progress chart, check-ins and history).

Each reads a fixed number of queries whatever the size of the company: stored roll-ups, prefetches, and the
limited lists below. They hand the templates typed page data (`selectors.ObjectiveCard`, `KeyResultCard`,
`history.CheckInLine`, `charts.ProgressChart`); `okrs/_cards.html` writes the cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.display import history_rows
from qibu.audit.selectors import subject_entries
from qibu.core.http import current_person
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_for_request, cycle_list
from qibu.okrs import charts, coach, focus
from qibu.okrs.access import objective_for, visible_objectives_q
from qibu.okrs.approval import approval_state
from qibu.okrs.corrections import CorrectionRow, objective_corrections
from qibu.okrs.forms import ApprovalCommentForm
from qibu.okrs.models import Alignment, CheckIn, KeyResult, KeyResultKind, Level, Objective
from qibu.okrs.panels import CheckInRef, PanelPage, home_panels, objective_panels
from qibu.okrs.selectors import (
    ObjectiveCard,
    children_of,
    key_result_cards,
    objective_cards,
    objective_status,
    objectives_for_owner_in,
    parents_of,
)
from qibu.okrs.views._common import CONTEXT_OBJECTIVES_LIMIT, _int_or_none
from qibu.okrs.views.history import _CHECKIN_COLUMNS, _checkin_lines, _Names
from qibu.org.middleware import request_organisation
from qibu.org.models import Organisation, Person

# The objective page's lists; the chart reads more check-ins than the list shows only when there are more.
CHECKIN_LIST_LIMIT = 50
CHART_CHECKIN_LIMIT = 2000
HISTORY_LIMIT = 50
CHILDREN_LIMIT = 100


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


# The order of the groups of my OKRs when several cycles run today: the quarter first, then the year.
_KIND_ORDER = {CycleKind.QUARTER: 0, CycleKind.ANNUAL: 1, CycleKind.MONTH: 2}


@dataclass(frozen=True)
class CycleGroup:
    """My objectives in one cycle, as my OKRs lists them under the cycle's name."""

    cycle: Cycle
    cards: list[ObjectiveCard]

    @property
    def may_create(self) -> bool:
        return not self.cycle.is_closed


def _cycles_shown(cycles: list[Cycle], cycle: Cycle, asked: bool, today: dt.date) -> list[Cycle]:
    """The cycle asked for alone; else the current one and every other cycle running today (a CEO's
    objectives are often annual only), the quarter first, then the year, then the others."""
    if asked:
        return [cycle]
    running = [c for c in cycles if c.start <= today <= c.end and c.pk != cycle.pk]
    running.sort(key=lambda c: (_KIND_ORDER.get(CycleKind(c.kind), len(_KIND_ORDER)), c.start, c.pk))
    return [cycle, *running]


@login_required
def my_okrs(request: HttpRequest) -> HttpResponse:
    """My OKRs in the chosen cycle (by default in every cycle running today, each under its name), what to
    push first today (EXE-7), and the company's direction (VIS-1)."""
    person = current_person(request)
    organisation = request_organisation(request)
    today = timezone.localdate()
    cycles = list(cycle_list())
    asked = request.GET.get("cycle")
    cycle = _cycle_from(cycles, asked, today)
    objectives: list[Objective] = []
    company_objectives: list[Objective] = []
    shown: list[Cycle] = []
    if cycle is not None:
        shown = _cycles_shown(cycles, cycle, bool(asked), today)
        objectives = objectives_for_owner_in(person=person, viewer=person, cycles=shown)
        annual_id = cycle.pk if cycle.kind == CycleKind.ANNUAL else cycle.parent_id
        if annual_id:
            company_objectives = list(
                Objective.objects.filter(visible_objectives_q(person), cycle_id=annual_id, level=Level.COMPANY)
                .only("id", "title", "progress")
                .order_by("priority", "id")[:CONTEXT_OBJECTIVES_LIMIT]
            )
    cards = objective_cards(
        objectives, viewer=person, organisation=organisation, with_permissions=True, with_details=True, today=today
    )
    groups = [CycleGroup(c, [card for card in cards if card.objective.cycle_id == c.pk]) for c in shown]
    # The cycle in the page's title and picker keeps its group even when empty; other cycles only when
    # they hold something.
    groups = [g for i, g in enumerate(groups) if g.cards or i == 0]
    if len(groups) > 1 and not groups[0].cards:
        groups = groups[1:]
    panels = home_panels(person, organisation, timezone.now())
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "groups": groups,
        "company_objectives": company_objectives,
        "may_create": cycle is not None and not cycle.is_closed,
        "next_url": request.get_full_path(),
        # The daily focus (EXE-7) opens the main column; the other panels go beside it.
        "main_panels": [p for p in panels if p.main],
        "panels": [p for p in panels if not p.main],
    }
    return render(request, "okrs/my.html", context)


@login_required
def my_focus(request: HttpRequest) -> HttpResponse:
    """EXE-7: the whole of today's focus, when the home page shows only its first items."""
    person = current_person(request)
    organisation = request_organisation(request)
    items = focus.daily_focus(person, organisation, timezone.now())
    return render(request, "okrs/focus.html", {"panel": {"focus": focus.focus_groups(items, limit=len(items))}})


# --- the objective page ---------------------------------------------------------------------------


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    organisation = request_organisation(request)
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
    parents = parents_of(objective, person)
    children = children_of(objective, person, limit=CHILDREN_LIMIT)
    checkins = list(
        CheckIn.objects.filter(key_result__objective=objective)
        .order_by("-created_at", "-id")
        .values_list(*_CHECKIN_COLUMNS)[:CHECKIN_LIST_LIMIT]
    )
    history = subject_entries(objective, limit=HISTORY_LIMIT)
    # EXE-11: the objective's corrections, listed and marked on the chart (one query).
    corrections = objective_corrections(objective.pk)
    names = _page_names(person, objective, krs, parents, children)
    names.load({"people": {kr.owner_id for kr in krs if kr.owner_id} | {row[2] for row in checkins if row[2]}})
    kr_cards = key_result_cards(
        krs,
        objective=objective,
        viewer=person,
        organisation=organisation,
        editable=editable,
        owner_names=names.people,
        today=today,
    )
    checkin_lines = _checkin_lines(checkins, krs, names, organisation.confidence_fall_threshold)
    panels = objective_panels(
        PanelPage(
            request=request,
            viewer=person,
            objective=objective,
            editable=editable,
            key_results=krs,
            checkins=[CheckInRef(line["id"], line["key_result"], line["at"]) for line in checkin_lines],
        )
    )
    context = {
        "objective": objective,
        "approval": approval_state(objective, viewer=person, organisation=organisation, editable=editable),
        "approval_form": ApprovalCommentForm(),
        "objective_card": ObjectiveCard(
            objective, objective_status(objective, organisation, today), kr_cards, editable
        ),
        "can_edit": editable,
        "is_open": objective.takes_changes,
        "takes_check_ins": objective.takes_check_ins,
        "parents": parents,
        "children": objective_cards(
            children, viewer=person, organisation=organisation, with_key_results=False, today=today
        ),
        "checkins": checkin_lines,
        "panels": panels,
        # The coach's advice, for those who may act on it (three queries).
        "coach": _coach(organisation, objective, person, krs) if editable else None,
        "chart": _chart(objective, krs, today, checkins, corrections),
        "corrections": corrections,
        "may_correct": editable and objective.takes_changes and objective.is_agreed,
        "history": history_rows(history, viewer=person, known=names.refs()),
        "next_url": request.get_full_path(),
    }
    return render(request, "okrs/objective.html", context)


def _coach(organisation: Organisation, objective: Objective, person: Person, krs: list[KeyResult]) -> dict[str, Any]:
    """The template context of `okrs/_coach.html`: the coach's advice on the objective as stored."""
    return {
        "warnings": coach.objective_advice(
            organisation=organisation, objective=objective, viewer=person, key_results=krs
        ),
        "blocking": set(organisation.coach_blocking_rules or []),
    }


def _page_names(
    person: Person, objective: Objective, krs: list[KeyResult], parents: list[Alignment], children: list[Objective]
) -> _Names:
    """The names the page already holds, so that history and the check-in list read only the others."""
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
    return names


def _chart(
    objective: Objective,
    krs: list[KeyResult],
    today: dt.date,
    latest: list[tuple[Any, ...]],
    corrections: Sequence[CorrectionRow] = (),
) -> charts.ProgressChart:
    """The chart from the latest check-ins (`_CHECKIN_COLUMNS`, newest first); they are all of them when
    fewer than the list's limit, else up to `CHART_CHECKIN_LIMIT` are read. Each correction is marked, and one
    that moved a key result's progress (a revised target) steps the line there, the points before it as stored
    (EXE-11)."""
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
    # The line starts where the objective's data does: when it was created (or at its start, when it was
    # written ahead of it), not at the start of a period it did not exist in yet.
    points = charts.objective_series(
        key_results=[charts.KeyResultState(kr.pk, kr.weight, kr.progress, kr.confidence) for kr in krs],
        checkins=[charts.CheckInRow(*row) for row in rows],
        start=max(timezone.localdate(objective.created_at), objective.start_date),
        steps=[
            charts.ProgressStep(c.key_result_id, c.at, c.progress_before, c.progress_after)
            for c in corrections
            if c.key_result_id is not None and c.progress_before is not None and c.progress_after is not None
        ],
    )
    return charts.progress_chart(
        points,
        start=objective.start_date,
        end=objective.end_date,
        today=today,
        chart_id=f"chart-{objective.pk}",
        title=_("Progress and confidence of “%(title)s” over time") % {"title": objective.title},
        corrections=[
            charts.CorrectionMark(timezone.localdate(c.at), f"{c.kind_label}: {c.change}" if c.change else c.kind_label)
            for c in corrections
        ],
    )
