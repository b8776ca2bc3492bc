"""The cycle's quality report: the OKR coach's advice on every objective of the cycle the viewer may see, counted
per department and rule, with the objectives that need work, worst first, and a company-wide summary.

The advice is `qibu.okrs.coach.objectives_advice` on all of them at once: a fixed number of queries whatever the
size of the company (the departments, the objectives, their key results, the owners' counts, the alignment), and
every title cut into words once (jieba loads once per process, only when there are Chinese titles to compare).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from qibu.core.rules import COACH_CHECKS, rule_statement
from qibu.cycles.models import Cycle
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.coach import candidate_of, objectives_advice
from qibu.okrs.models import Objective
from qibu.okrs.quality import Advice
from qibu.org.models import Department, Organisation, Person

# A department's objectives that need work shown on the company-wide report; all of them (up to the second
# number) when the report is of that department.
PROBLEMS_SHOWN = 10
PROBLEMS_SHOWN_FOR_ONE = 500


# What the rules and the page read of an objective (a report reads thousands).
_COLUMNS = (
    *("title", "level", "priority", "cycle_id", "owner_id", "department_id", "strategic_goal_id"),
    *("start_date", "end_date", "visibility"),
    *("owner__full_name", "owner__username", "department__name", "department__path"),
)


@dataclass(frozen=True)
class RuleCount:
    """How many objectives break one rule."""

    rule: str
    statement: str
    objectives: int


@dataclass(frozen=True)
class ProblemObjective:
    objective: Objective
    advice: list[Advice]
    blocking: int  # how many of the advice block submission


@dataclass(frozen=True)
class DepartmentQuality:
    """One department's objectives in the cycle (`department` None: the company's own)."""

    department: Department | None
    objectives: int
    with_advice: int
    rules: list[RuleCount]
    problems: list[ProblemObjective]
    more: int  # objectives that need work beyond those listed


@dataclass(frozen=True)
class QualityReport:
    objectives: int
    with_advice: int
    rules: list[RuleCount]
    departments: list[DepartmentQuality]
    blocking: frozenset[str]


def _rule_counts(advice_lists: list[list[Advice]]) -> list[RuleCount]:
    """Per rule of the coach (in its order), the objectives with advice of that rule; rules nobody breaks left
    out."""
    counts = Counter(rule for advice in advice_lists for rule in {a.rule for a in advice})
    order = [*COACH_CHECKS, *sorted(set(counts) - set(COACH_CHECKS))]
    return [RuleCount(rule, rule_statement(rule), counts[rule]) for rule in order if counts[rule]]


def _worst_first(problem: ProblemObjective) -> tuple[int, int, int, int]:
    return (-problem.blocking, -len(problem.advice), problem.objective.priority, problem.objective.pk)


def _department_quality(
    department: Department | None,
    objectives: list[Objective],
    advice: dict[int, list[Advice]],
    blocking: frozenset[str],
    shown: int,
) -> DepartmentQuality:
    problems = sorted(
        (
            ProblemObjective(o, advice[o.pk], sum(1 for a in advice[o.pk] if a.rule in blocking))
            for o in objectives
            if advice[o.pk]
        ),
        key=_worst_first,
    )
    return DepartmentQuality(
        department=department,
        objectives=len(objectives),
        with_advice=len(problems),
        rules=_rule_counts([advice[o.pk] for o in objectives]),
        problems=problems[:shown],
        more=max(len(problems) - shown, 0),
    )


def quality_report(
    *, viewer: Person, cycle: Cycle, organisation: Organisation, department: Department | None = None
) -> QualityReport:
    """The report of `cycle`, of the whole company or of `department` and its sub-departments: each department
    (the company's own objectives first), worst first — the share of its objectives that need work — then by
    its place in the tree. Five queries whatever the size of the company."""
    within = Objective.objects.filter(visible_objectives_q(viewer), cycle=cycle)
    if department is not None:
        within = within.filter(department__path__startswith=department.path)
    objectives = list(within.select_related("owner", "department").only(*_COLUMNS).order_by("priority", "id"))
    candidates = [candidate_of(o) for o in objectives]
    advice = objectives_advice(
        organisation=organisation, objectives=objectives, viewer=viewer, candidates=candidates, within=within
    )
    blocking = frozenset(organisation.coach_blocking_rules or [])
    by_department: dict[int | None, list[Objective]] = {}
    for objective in objectives:
        by_department.setdefault(objective.department_id, []).append(objective)
    shown = PROBLEMS_SHOWN_FOR_ONE if department is not None else PROBLEMS_SHOWN
    company = by_department.pop(None, [])
    departments = sorted(
        (_department_quality(rows[0].department, rows, advice, blocking, shown) for rows in by_department.values()),
        key=lambda d: (-d.with_advice / d.objectives, d.department.path if d.department else "", d.objectives),
    )
    if company:
        departments.insert(0, _department_quality(None, company, advice, blocking, shown))
    return QualityReport(
        objectives=len(objectives),
        with_advice=sum(1 for o in objectives if advice[o.pk]),
        rules=_rule_counts(list(advice.values())),
        departments=departments,
        blocking=blocking,
    )
