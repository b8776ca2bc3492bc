"""Reading action steps (EXE-8): the objective page's panel of each key result's steps, a person's open steps and
their reports' overdue ones on the home page, a step's page, and the timetable (a Gantt chart, PLAY-MKT step 5) of
any set of key results, a team, a department or a person. Each reads a fixed number of queries whatever the
number of steps, and lists at most a fixed number of rows (the timetable says when there are more)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qibu.audit.display import HistoryRow
from qibu.audit.selectors import subject_history
from qibu.cycles.models import Cycle, CycleKind
from qibu.okrs.access import objective_for, visible_objectives_q
from qibu.okrs.models import KeyResult, Objective
from qibu.okrs.panels import HomePanel, PanelPage
from qibu.org.middleware import request_organisation
from qibu.org.models import Department, Organisation, Person, Team
from qibu.plans import gantt
from qibu.plans.access import StepRights, can_plan, step_rights
from qibu.plans.models import OPEN_STATUSES, ActionStep, StepStatus
from qibu.plans.services import deadline_warnings

# The objective page lists at most this many steps (an objective has a handful of key results, each a few steps).
PANEL_LIMIT = 300
# The home page: my open steps by deadline, and my reports' overdue ones.
HOME_LIMIT = 10
# The timetable draws at most this many steps (narrow the period or the group to see the others).
TIMETABLE_LIMIT = 200


def visible_steps(viewer: Person) -> QuerySet[ActionStep]:
    """Steps of the objectives `viewer` may see (PUB-2: as visible as their objective)."""
    visible = Objective.objects.filter(visible_objectives_q(viewer)).values("pk")
    return ActionStep.objects.filter(key_result__objective__in=visible)


def local_today(organisation: Organisation, now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now(), organisation.zone)


@dataclass(frozen=True)
class StepLine:
    """A step as lists show it: who does it, and whether it is overdue or due after its key result ends."""

    step: ActionStep
    owner: str
    overdue: bool
    late: bool  # due after its key result ends (EXE-8 warning)
    rights: StepRights | None = None

    @property
    def status_class(self) -> str:
        return f"status-{self.step.status}"


def step_line(step: ActionStep, key_result: KeyResult, today: dt.date, rights: StepRights | None = None) -> StepLine:
    return StepLine(
        step=step,
        owner=str(step.owner),
        overdue=step.is_overdue(today),
        late=step.deadline > key_result.end_date,
        rights=rights,
    )


# --- the objective page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelGroup:
    key_result: KeyResult
    lines: list[StepLine]
    may_plan: bool


def objective_steps(
    *, viewer: Person, objective: Objective, key_results: list[KeyResult], editable: bool, today: dt.date
) -> tuple[list[PanelGroup], bool]:
    """The steps of each key result, in their order (one query, none without key results); and whether more
    than `PANEL_LIMIT` were left out."""
    rows: list[ActionStep] = []
    if key_results:
        rows = list(
            ActionStep.objects.filter(key_result__in=[kr.pk for kr in key_results])
            .select_related("owner")
            .order_by("key_result_id", "position", "id")[: PANEL_LIMIT + 1]
        )
    more = len(rows) > PANEL_LIMIT
    by_key_result: dict[int, list[ActionStep]] = {}
    for step in rows[:PANEL_LIMIT]:
        by_key_result.setdefault(step.key_result_id, []).append(step)
    groups = []
    for kr in key_results:
        kr.objective = objective
        may_plan = can_plan(viewer, objective, kr, editable=editable)
        lines = []
        for step in by_key_result.get(kr.pk, []):
            step.key_result = kr
            lines.append(step_line(step, kr, today, step_rights(viewer, step, objective, editable=editable)))
        groups.append(PanelGroup(kr, lines, may_plan))
    return groups, more


def objective_panel(page: PanelPage) -> dict[str, Any]:
    """The objective page's action plans (registered with `qibu.okrs.panels`)."""
    today = local_today(request_organisation(page.request))
    groups, more = objective_steps(
        viewer=page.viewer,
        objective=page.objective,
        key_results=page.key_results,
        editable=page.editable,
        today=today,
    )
    return {
        "objective": page.objective,
        "groups": groups,
        "more": more,
        "is_open": page.objective.takes_check_ins,
        "statuses": StepStatus.choices,
        # Where the status forms send a plain browser back (the same after an htmx answer from elsewhere).
        "next": reverse("okrs:objective", args=[page.objective.pk]),
        "key_result_ids": ",".join(str(kr.pk) for kr in page.key_results),
        "overdue": sum(line.overdue for group in groups for line in group.lines),
    }


# --- the home page -------------------------------------------------------------------------------------------


def my_steps_and_my_reports_overdue(person: Person, today: dt.date, *, limit: int = HOME_LIMIT) -> list[ActionStep]:
    """The person's open steps, soonest deadline first, and the overdue steps of the people who report to them (a
    manager's flags), the oldest first: up to `limit` + 1 of each, in one query (a row number within each of the
    two lists keeps one from crowding out the other)."""
    mine = Case(When(owner_id=person.pk, then=Value(1)), default=Value(0), output_field=IntegerField())
    order = [F("deadline").asc(), F("priority").asc(), F("id").asc()]
    return list(
        visible_steps(person)
        .filter(Q(owner=person) | Q(owner__manager=person, deadline__lt=today), status__in=OPEN_STATUSES)
        .annotate(mine=mine, rank=Window(RowNumber(), partition_by=[mine], order_by=order))
        .filter(rank__lte=limit + 1)
        .select_related("key_result", "owner")
        .order_by("-mine", "deadline", "priority", "id")
    )


@dataclass(frozen=True)
class HomeSteps:
    mine: list[StepLine]
    more_mine: bool
    team: list[StepLine]
    more_team: bool


def home_steps(person: Person, today: dt.date) -> HomeSteps:
    """EXE-7, EXE-8: what the person should push (their open steps by deadline, overdue ones flagged) and, for a
    manager, their reports' overdue steps (one query)."""
    rows = my_steps_and_my_reports_overdue(person, today)
    mine = [s for s in rows if s.owner_id == person.pk]
    team = [s for s in rows if s.owner_id != person.pk]
    mine_lines = [step_line(s, s.key_result, today) for s in mine[:HOME_LIMIT]]
    return HomeSteps(
        mine=mine_lines,
        more_mine=len(mine) > HOME_LIMIT,
        team=[step_line(s, s.key_result, today) for s in team[:HOME_LIMIT]],
        more_team=len(team) > HOME_LIMIT,
    )


def home_panel(person: Person, organisation: Organisation, now: dt.datetime) -> HomePanel | None:
    """My steps on the home page (registered with okrs in `PlansConfig`); nothing when there are none."""
    steps = home_steps(person, local_today(organisation, now))
    if not steps.mine and not steps.team:
        return None
    return HomePanel("plans/_home.html", {"steps": steps, "person": person})


# --- a step's page -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    line: StepLine
    objective: Objective
    resource_people: list[Person]
    parts: list[ActionStep]  # the steps split from this one
    history: list[HistoryRow]
    earlier: list[HistoryRow]  # the history of the step it was split from, when it may be seen
    warnings: list[Any] = field(default_factory=list)


def step_page(
    *, viewer: Person, step: ActionStep, objective: Objective, rights: StepRights, today: dt.date
) -> StepPage:
    key_result = step.key_result
    known = {
        ("plans.actionstep", step.pk): step.title,
        ("okrs.keyresult", key_result.pk): key_result.title,
        ("okrs.objective", objective.pk): objective.title,
    }
    history = subject_history(step, viewer=viewer, known=known)
    earlier = subject_history(step.split_from, viewer=viewer, known=known) if step.split_from is not None else []
    return StepPage(
        line=step_line(step, key_result, today, rights),
        objective=objective,
        resource_people=list(step.resource_people.order_by("full_name", "username")),
        parts=list(ActionStep.objects.filter(split_from=step).order_by("position", "id")),
        history=history,
        earlier=earlier,
        warnings=deadline_warnings(deadline=step.deadline, key_result=key_result),
    )


# --- the timetable -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    line: StepLine
    y: float  # the top of the row
    bar_y: float
    text_y: float
    span: gantt.Span
    label: str
    description: str  # what a screen reader and the tooltip say

    @property
    def marker_x(self) -> float:
        return round(self.span.x + self.span.width + 4, 1)


@dataclass(frozen=True)
class Group:
    key_result: KeyResult
    y: float
    text_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timetable:
    period: gantt.Period
    today: dt.date
    groups: list[Group]
    ticks: list[Tick]
    today_x: float | None
    height: float
    more: bool
    count: int
    overdue: int
    title: str
    chart_id: str = "timetable"
    width: int = gantt.WIDTH
    left: int = gantt.LEFT
    right: int = gantt.RIGHT
    axis_y: int = gantt.AXIS_HEIGHT
    label_x: int = 6

    @property
    def description(self) -> str:
        return _("%(count)d action steps of %(groups)d key results from %(start)s to %(end)s, %(overdue)d overdue.") % {
            "count": self.count,
            "groups": len(self.groups),
            "start": date_format(self.period.start),
            "end": date_format(self.period.end),
            "overdue": self.overdue,
        }

    @property
    def lines(self) -> list[StepLine]:
        return [bar.line for group in self.groups for bar in group.bars]


def _bar_description(line: StepLine) -> str:
    step = line.step
    text = _("%(title)s, by %(owner)s, from %(start)s to %(deadline)s: %(status)s") % {
        "title": step.title,
        "owner": line.owner,
        "start": date_format(step.start),
        "deadline": date_format(step.deadline),
        "status": step.get_status_display(),
    }
    if line.overdue:
        text += " · " + _("overdue")
    return text


def _tick_label(day: dt.date) -> str:
    # Translators: a day on the timetable's axis, in Django's date format (“Oct 5”; Chinese “10月5日”).
    return date_format(day, pgettext("timetable axis", "M j"))


def _layout(steps: list[ActionStep], period: gantt.Period, today: dt.date) -> tuple[list[Group], float]:
    """Rows grouped by key result, in the order read; a group's heading, then a row per step."""
    groups: list[Group] = []
    y = float(gantt.AXIS_HEIGHT)
    current: KeyResult | None = None
    bars: list[Bar] = []
    group_y = y
    for step in steps:
        if current is None or step.key_result_id != current.pk:
            if current is not None:
                groups.append(Group(current, group_y, group_y + 17, bars))
            current, bars, group_y = step.key_result, [], y
            y += gantt.GROUP_HEIGHT
        line = step_line(step, step.key_result, today)
        bars.append(
            Bar(
                line=line,
                y=y,
                bar_y=y + (gantt.ROW_HEIGHT - gantt.BAR_HEIGHT) / 2,
                text_y=y + 15,
                span=gantt.span(period, step.start, step.deadline),
                label=gantt.label(step.title),
                description=_bar_description(line),
            )
        )
        y += gantt.ROW_HEIGHT
    if current is not None:
        groups.append(Group(current, group_y, group_y + 17, bars))
    return groups, y + gantt.BOTTOM_MARGIN


def timetable_of(
    steps: QuerySet[ActionStep],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    limit: int | None = None,
    title: str = "",
    chart_id: str = "timetable",
) -> Timetable:
    """The Gantt chart of `steps` (already limited to what the viewer may see) that run in the period: one query,
    at most `limit` (default `TIMETABLE_LIMIT`) steps, grouped by key result in the order of their objectives'
    priority. Without a period, the one that holds the steps."""
    today = today or timezone.localdate()
    limit = limit or TIMETABLE_LIMIT
    if start is not None and end is not None:
        steps = steps.filter(start__lte=end, deadline__gte=start)
    elif start is not None:
        steps = steps.filter(deadline__gte=start)
    elif end is not None:
        steps = steps.filter(start__lte=end)
    rows = list(
        steps.select_related("key_result__objective", "owner").order_by(
            "key_result__objective__priority",
            "key_result__objective_id",
            "key_result__position",
            "key_result_id",
            "position",
            "id",
        )[: limit + 1]
    )
    shown = rows[:limit]
    fitted = gantt.fitted([s.start for s in shown], [s.deadline for s in shown], today)
    period = gantt.Period(start or fitted.start, end or fitted.end)
    if period.end < period.start:
        period = gantt.Period(period.start, period.start)
    groups, height = _layout(shown, period, today)
    overdue = sum(bar.line.overdue for group in groups for bar in group.bars)
    return Timetable(
        period=period,
        today=today,
        groups=groups,
        ticks=[Tick(period.x(day), _tick_label(day)) for day in gantt.ticks(period)],
        today_x=period.x(today) if period.contains(today) else None,
        height=height,
        more=len(rows) > limit,
        count=len(shown),
        overdue=overdue,
        title=title or _("Timetable of the action steps"),
        chart_id=chart_id,
    )


def timetable(
    *,
    viewer: Person,
    key_results: Iterable[int] | QuerySet[KeyResult],
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    title: str = "",
    chart_id: str = "timetable",
) -> Timetable:
    """The timetable of these key results' steps (ids, or a queryset of key results) that the viewer may see:
    what a project's page shows of its key results (`{% include "plans/_timetable.html#timetable" %}`)."""
    if isinstance(key_results, QuerySet):
        wanted: Any = key_results.values("pk")
    else:
        wanted = list(key_results)
    return timetable_of(
        visible_steps(viewer).filter(key_result__in=wanted),
        start=start,
        end=end,
        today=today,
        title=title,
        chart_id=chart_id,
    )


def department_steps_q(department: Department) -> Q:
    """The steps of a department (and its sub-departments): its OKRs' steps and those its people do."""
    return Q(key_result__objective__department__path__startswith=department.path) | Q(
        owner__department__path__startswith=department.path
    )


def team_steps_q(team: Team) -> Q:
    """The steps of a team: its OKRs' steps and those its members do."""
    return Q(key_result__objective__team=team) | Q(owner__team=team)


@dataclass(frozen=True)
class TimetableScope:
    """Whose steps a timetable shows: a title, the filter, and the query string that names them."""

    title: str
    steps: Q
    query: dict[str, int]
    objective: Objective | None = None


def timetable_scope(
    viewer: Person,
    *,
    objective: int | None = None,
    team: int | None = None,
    department: int | None = None,
    person: int | None = None,
) -> TimetableScope:
    """An objective's, a team's, a department's or a person's steps (the first named); else the viewer's own.
    Http404 for one that does not exist or, for an objective, that the viewer may not see (pages and API alike)."""
    if objective is not None:
        found, _editable = objective_for(viewer, objective)
        title = _("Timetable of “%(title)s”") % {"title": found.title}
        return TimetableScope(title, Q(key_result__objective=found), {"objective": found.pk}, objective=found)
    if team is not None:
        group = Team.objects.filter(pk=team).first()
        if group is None:
            raise Http404
        return TimetableScope(_("Timetable of %(name)s") % {"name": group.name}, team_steps_q(group), {"team": team})
    if department is not None:
        unit = Department.objects.filter(pk=department).first()
        if unit is None:
            raise Http404
        title = _("Timetable of %(name)s") % {"name": unit.name}
        return TimetableScope(title, department_steps_q(unit), {"department": department})
    if person is not None and person != viewer.pk:
        other = Person.objects.filter(pk=person).first()
        if other is None:
            raise Http404
        return TimetableScope(_("Timetable of %(name)s") % {"name": other}, Q(owner=other), {"person": person})
    return TimetableScope(_("My timetable"), Q(owner=viewer), {})


def timetable_for(
    viewer: Person,
    scope: TimetableScope,
    *,
    start: dt.date | None,
    end: dt.date | None,
    today: dt.date,
) -> tuple[Timetable, Cycle | None]:
    """The scope's timetable in the period asked for; by default an objective's own dates, else the quarter
    running today (answered too, for the page to name it)."""
    quarter = None
    if start is None and end is None:
        if scope.objective is not None:
            start, end = scope.objective.start_date, scope.objective.end_date
        else:
            quarter = quarter_of(today)
            if quarter is not None:
                start, end = quarter.start, quarter.end
    chart = timetable_of(
        visible_steps(viewer).filter(scope.steps), start=start, end=end, today=today, title=scope.title
    )
    return chart, quarter


def quarter_of(today: dt.date) -> Cycle | None:
    """The quarter running today, the period a team's or a department's timetable shows by default (one query)."""
    return Cycle.objects.filter(kind=CycleKind.QUARTER, start__lte=today, end__gte=today).order_by("start").first()
