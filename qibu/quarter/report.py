"""The reports of a quarter's close (PLAY-EXEC, MEAS-7): the end score of every objective (company, department,
team, personal), every department's (the average of its objectives'), every person's (the average of their key
results' self-assessment scores, else the key result's end score, else its progress clamped: MEAS-7's default),
and each department's average per quarter over the quarters of this year and the year before. What the viewer may
read (`access.report_scope`): the whole for executives and administrators, their departments for department heads;
only objectives the viewer may see. A fixed number of queries whatever the company's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from qibu.assess.models import AssessmentState, KeyResultScore
from qibu.cycles.models import Cycle, CycleKind
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import KeyResult, Level, Objective, agreed_q
from qibu.org.models import Department, Person
from qibu.quarter.access import ReportScope

ZERO, ONE = Decimal(0), Decimal(1)
LEVELS = [Level.COMPANY, Level.DEPARTMENT, Level.TEAM, Level.PERSON]
DEPARTMENT_LEVELS = [Level.DEPARTMENT, Level.TEAM]
TWO_PLACES = Decimal("0.01")


def end_score(score: Decimal | None, progress: Decimal) -> Decimal:
    """MEAS-7: the end score, defaulting to the progress clamped to 0.0–1.0."""
    value = score if score is not None else min(ONE, max(ZERO, progress))
    return value.quantize(TWO_PLACES)


def average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, ZERO) / len(values)).quantize(TWO_PLACES)


@dataclass(frozen=True)
class ObjectiveScore:
    id: int
    title: str
    level: str
    level_label: str
    department: str
    team: str
    owner: str
    score: Decimal
    scored: bool  # an end score was set (else the progress stands in)


@dataclass(frozen=True)
class DepartmentScore:
    id: int
    name: str
    objectives: int
    average: Decimal | None


@dataclass(frozen=True)
class PersonScore:
    id: int
    name: str
    department: str
    key_results: int
    self_assessed: int  # of those, scored in a submitted self-assessment
    average: Decimal | None


@dataclass(frozen=True)
class Trend:
    department_id: int
    department: str
    averages: list[Decimal | None]  # one per quarter of `Report.quarters`


@dataclass(frozen=True)
class Report:
    cycle: Cycle
    whole: bool
    objectives: list[ObjectiveScore]
    departments: list[DepartmentScore]
    people: list[PersonScore]
    quarters: list[Cycle]  # the quarters of the trends, oldest first, this one last
    trends: list[Trend]
    company_average: Decimal | None


def trend_quarters(cycle: Cycle) -> list[Cycle]:
    """The quarters of this year and the year before up to this one, oldest first. One query."""
    year_start = cycle.parent.start if cycle.parent is not None else dt.date(cycle.start.year, 1, 1)
    since = year_start.replace(year=year_start.year - 1)
    return list(
        Cycle.objects.filter(kind=CycleKind.QUARTER, start__gte=since, start__lte=cycle.start).order_by("start")
    )


def quarter_report(*, cycle: Cycle, viewer: Person, scope: ReportScope) -> Report:
    """Seven queries (one more for a viewer's headed departments, asked by `report_scope`)."""
    departments = list(Department.objects.order_by("path", "position", "name"))
    covered = [d for d in departments if scope.covers(d)]
    covered_ids = {d.pk for d in covered}
    names = {d.pk: d.name for d in departments}
    people = list(
        Person.objects.filter(is_active=True)
        .only("pk", "full_name", "username", "department_id")
        .order_by("full_name", "username")
    )
    people_in = [p for p in people if scope.whole or p.department_id in covered_ids]
    people_ids = {p.pk for p in people_in}

    objectives = []
    department_scores: dict[int, list[Decimal]] = {}
    for o in (
        Objective.objects.filter(cycle=cycle, level__in=LEVELS)
        .filter(agreed_q())
        .filter(visible_objectives_q(viewer))
        .select_related("department", "team", "owner")
        .order_by("level", "department__path", "priority", "id")
    ):
        if not scope.whole and o.department_id not in covered_ids and o.owner_id not in people_ids:
            continue
        score = end_score(o.score, o.progress)
        if o.level in DEPARTMENT_LEVELS and o.department_id is not None:
            department_scores.setdefault(o.department_id, []).append(score)
        objectives.append(
            ObjectiveScore(
                id=o.pk,
                title=o.title,
                level=o.level,
                level_label=str(Level(o.level).label),
                department=o.department.name if o.department else "",
                team=o.team.name if o.team else "",
                owner=str(o.owner) if o.owner else "",
                score=score,
                scored=o.score is not None,
            )
        )
    order = {lv: i for i, lv in enumerate(LEVELS)}
    objectives.sort(key=lambda r: order[Level(r.level)])

    self_scores = dict(
        KeyResultScore.objects.filter(
            assessment__state=AssessmentState.SUBMITTED, key_result__objective__cycle=cycle
        ).values_list("key_result_id", "score")
    )
    person_scores: dict[int, list[Decimal]] = {}
    assessed: dict[int, int] = {}
    for kr_id, owner_id, kr_score, progress in (
        KeyResult.objects.filter(objective__cycle=cycle, objective__level__in=LEVELS, owner_id__isnull=False)
        .filter(agreed_q("objective__"))
        .values_list("pk", "owner_id", "score", "progress")
    ):
        if owner_id not in people_ids:
            continue
        mine = self_scores.get(kr_id)
        if mine is not None:
            assessed[owner_id] = assessed.get(owner_id, 0) + 1
        person_scores.setdefault(owner_id, []).append(end_score(mine if mine is not None else kr_score, progress))

    quarters = trend_quarters(cycle)
    by_quarter: dict[tuple[int, int], list[Decimal]] = {}
    for cycle_id, department_id, o_score, o_progress in (
        Objective.objects.filter(
            cycle__in=[q.pk for q in quarters], level__in=DEPARTMENT_LEVELS, department_id__in=covered_ids
        )
        .filter(agreed_q())
        .filter(visible_objectives_q(viewer))
        .values_list("cycle_id", "department_id", "score", "progress")
    ):
        by_quarter.setdefault((department_id, cycle_id), []).append(end_score(o_score, o_progress))

    return Report(
        cycle=cycle,
        whole=scope.whole,
        objectives=objectives,
        departments=[
            DepartmentScore(
                d.pk, d.name, len(department_scores.get(d.pk, [])), average(department_scores.get(d.pk, []))
            )
            for d in covered
        ],
        people=[
            PersonScore(
                id=p.pk,
                name=str(p),
                department=names.get(p.department_id or 0, ""),
                key_results=len(person_scores.get(p.pk, [])),
                self_assessed=assessed.get(p.pk, 0),
                average=average(person_scores.get(p.pk, [])),
            )
            for p in people_in
            if p.pk in person_scores
        ],
        quarters=quarters,
        trends=[Trend(d.pk, d.name, [average(by_quarter.get((d.pk, q.pk), [])) for q in quarters]) for d in covered],
        company_average=average([r.score for r in objectives if r.level == Level.COMPANY]) if scope.whole else None,
    )
