"""Reads for the company, department, person and alignment-tree pages.

Every function here makes a fixed number of queries whatever the size of the company: numbers over many
objectives come from SQL aggregates on the stored roll-ups (`Objective.progress`, `.confidence`), never from
a loop with a query per person or per department. Which objectives a viewer may see is always decided by
`qibu.okrs.access`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_list
from qibu.okrs import progress as meas
from qibu.okrs.access import objective_queryset, visible_objectives_q
from qibu.okrs.models import Alignment, KeyResult, Level, Objective, Status
from qibu.okrs.selectors import decorate_key_results, decorate_objectives, key_results_prefetch
from qibu.org.models import Department, Organisation, Person, Role, StrategicGoal, Team

_DEC = DecimalField(max_digits=30, decimal_places=8)
_QUANT = Decimal("0.0001")
MEMBERS_PER_PAGE = 50
REPORTS_SHOWN = 200
UNALIGNED_SHOWN = 100


def _weighted(value: str, weight: str = "weight", condition: Q | None = None) -> Sum:
    return Sum(ExpressionWrapper(F(weight) * F(value), output_field=_DEC), output_field=_DEC, filter=condition)


def _ratio(numerator: Any, denominator: Any) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(_QUANT, rounding=ROUND_HALF_UP)


def _stale_q(organisation: Organisation, now: dt.datetime, prefix: str = "") -> Q:
    """MEAS-8 in SQL, equal to `progress.is_stale`: no check-in within the cadence (from creation before the first)."""
    cutoff = now - dt.timedelta(days=organisation.checkin_cadence_days)
    return Q(**{f"{prefix}last_checkin_at__lt": cutoff}) | Q(
        **{f"{prefix}last_checkin_at__isnull": True, f"{prefix}created_at__lt": cutoff}
    )


def _health_q(organisation: Organisation) -> tuple[Q, Q]:
    """(off track, at risk) over objectives, as `progress.health_for` decides them (MEAS-6)."""
    off_track = Q(confidence__lt=organisation.at_risk_confidence)
    at_risk = Q(confidence__gte=organisation.at_risk_confidence, confidence__lt=organisation.on_track_confidence)
    return off_track, at_risk


# --- cycles ----------------------------------------------------------------------------------------


def cycle_choices() -> list[Cycle]:
    """The cycles a page can be switched to (annual, quarters, custom; months are left out)."""
    return list(cycle_list().select_related("parent"))


def annual_cycle_of(cycle: Cycle | None) -> Cycle | None:
    """The annual cycle the chosen one belongs to (itself when annual); None for a free-standing custom cycle."""
    found = cycle
    for _depth in range(3):
        if found is None or found.kind == CycleKind.ANNUAL:
            return found
        found = found.parent
    return None


def _cycle_and_descendants(cycle: Cycle) -> Q:
    """Objectives in this cycle or its sub-cycles (quarters and months of a year, months of a quarter)."""
    return Q(cycle_id=cycle.pk) | Q(cycle__parent_id=cycle.pk) | Q(cycle__parent__parent_id=cycle.pk)


# --- company page ----------------------------------------------------------------------------------


@dataclass
class DepartmentRollup:
    """A department's standing in a cycle, from its department-level objectives (not drafts)."""

    department: Department
    objectives: int = 0
    progress: Decimal | None = None
    confidence: Decimal | None = None
    off_track: int = 0
    at_risk: int = 0
    stale_key_results: int = 0
    health: str = meas.Health.NO_DATA


@dataclass
class BottomUpShare:
    """SET-7: how much of the cycle's OKR content employees wrote, against the organisation's target."""

    total: int
    by_employees: int
    target: int
    share: Decimal | None = None
    met: bool = False


@dataclass
class CompanyOverview:
    strategic_goals: list[StrategicGoal]
    annual_cycle: Cycle | None
    annual_objectives: list[Objective]
    quarterly_objectives: list[Objective]
    departments: list[DepartmentRollup]
    bottom_up: BottomUpShare | None


def _company_objectives(viewer: Person, cycle: Cycle, organisation: Organisation) -> list[Objective]:
    objectives = list(
        objective_queryset()
        .filter(visible_objectives_q(viewer), cycle=cycle, level=Level.COMPANY)
        .prefetch_related(key_results_prefetch())
        .order_by("priority", "id")
    )
    _decorate(objectives, organisation)
    return objectives


def _decorate(objectives: list[Objective], organisation: Organisation) -> None:
    decorate_objectives(objectives, organisation)
    now = timezone.now()
    for objective in objectives:
        if "key_results" in getattr(objective, "_prefetched_objects_cache", {}):
            decorate_key_results(objective.key_results.all(), organisation, now=now)


def department_rollups(
    *, viewer: Person, cycle: Cycle, organisation: Organisation, departments: list[Department] | None = None
) -> list[DepartmentRollup]:
    """Every department (or the ones given) with the roll-up of its department-level objectives in the cycle.

    Three queries at most: the departments, one aggregate over objectives, one over key results.
    """
    if departments is None:
        departments = list(Department.objects.select_related("head").order_by("path", "position", "name"))
    if not departments:
        return []
    ids = [d.pk for d in departments]
    objectives = Objective.objects.filter(
        visible_objectives_q(viewer), cycle=cycle, level=Level.DEPARTMENT, department_id__in=ids
    ).exclude(status=Status.DRAFT)
    off_track, at_risk = _health_q(organisation)
    has_confidence = Q(confidence__isnull=False)
    rows = {
        r["department_id"]: r
        for r in objectives.values("department_id").annotate(
            n=Count("pk"),
            w=Sum("weight"),
            wp=_weighted("progress"),
            wcw=Sum("weight", filter=has_confidence),
            wc=_weighted("confidence", condition=has_confidence),
            off=Count("pk", filter=off_track),
            risk=Count("pk", filter=at_risk),
        )
    }
    stale = {
        r["objective__department_id"]: r["n"]
        for r in KeyResult.objects.filter(objective__in=objectives.filter(status=Status.ACTIVE))
        .filter(_stale_q(organisation, timezone.now()))
        .values("objective__department_id")
        .annotate(n=Count("pk"))
    }
    out = []
    for department in departments:
        row = rows.get(department.pk)
        rollup = DepartmentRollup(department=department, stale_key_results=stale.get(department.pk, 0))
        if row:
            rollup.objectives = row["n"]
            rollup.progress = _ratio(row["wp"], row["w"])
            rollup.confidence = _ratio(row["wc"], row["wcw"])
            rollup.off_track = row["off"]
            rollup.at_risk = row["risk"]
            rollup.health = meas.health_for(
                rollup.confidence,
                on_track=organisation.on_track_confidence,
                at_risk=organisation.at_risk_confidence,
            )
        out.append(rollup)
    return out


def _employee_author_q() -> Q:
    """Authors who are neither administrators, executives nor department heads (by role or by heading one)."""
    heads = Department.objects.filter(head__isnull=False).values("head_id")
    return Q(author__role=Role.MEMBER, author__is_superuser=False) & ~Q(author_id__in=heads)


def bottom_up_share(*, cycle: Cycle, organisation: Organisation) -> BottomUpShare:
    """SET-7 over every objective of the cycle, drafts included: the share is a company-wide figure, so it is
    the same for every viewer and reveals only counts, never which objectives exist."""
    totals = Objective.objects.filter(cycle=cycle).aggregate(
        total=Count("pk"), by_employees=Count("pk", filter=_employee_author_q())
    )
    result = BottomUpShare(
        total=totals["total"], by_employees=totals["by_employees"], target=organisation.bottom_up_target
    )
    if result.total:
        result.share = _ratio(result.by_employees, result.total)
        result.met = result.share is not None and result.share * 100 >= organisation.bottom_up_target
    return result


def company_overview(*, viewer: Person, cycle: Cycle | None, organisation: Organisation) -> CompanyOverview:
    goals = list(StrategicGoal.objects.all())
    if cycle is None:
        return CompanyOverview(goals, None, [], [], [], None)
    annual = annual_cycle_of(cycle)
    annual_objectives = _company_objectives(viewer, annual, organisation) if annual else []
    quarterly = _company_objectives(viewer, cycle, organisation) if annual is None or annual.pk != cycle.pk else []
    return CompanyOverview(
        strategic_goals=goals,
        annual_cycle=annual,
        annual_objectives=annual_objectives,
        quarterly_objectives=quarterly,
        departments=department_rollups(viewer=viewer, cycle=cycle, organisation=organisation),
        bottom_up=bottom_up_share(cycle=cycle, organisation=organisation),
    )


# --- department page -------------------------------------------------------------------------------


@dataclass
class MemberRow:
    """One person of a department and how their objectives in the cycle stand (as the viewer may see them)."""

    person: Person
    objectives: int = 0
    progress: Decimal | None = None
    confidence: Decimal | None = None
    worst_health: str | None = None
    stale_key_results: int = 0


@dataclass
class DepartmentReport:
    department: Department
    sub_departments: list[DepartmentRollup]
    teams: list[Team]
    department_objectives: list[Objective]
    team_objectives: list[Objective]
    members: Page[Any]
    member_rows: list[MemberRow] = field(default_factory=list)


def department_get(pk: int) -> Department | None:
    return Department.objects.select_related("head", "parent").filter(pk=pk).first()


def member_rows(*, viewer: Person, people: list[Person], cycle: Cycle, organisation: Organisation) -> list[MemberRow]:
    """Each person's objectives in the cycle (owned, not drafts, visible to the viewer), in two aggregate queries."""
    if not people:
        return []
    ids = [p.pk for p in people]
    objectives = Objective.objects.filter(visible_objectives_q(viewer), cycle=cycle, owner_id__in=ids).exclude(
        status=Status.DRAFT
    )
    has_confidence = Q(confidence__isnull=False)
    rows = {
        r["owner_id"]: r
        for r in objectives.values("owner_id").annotate(
            n=Count("pk"),
            w=Sum("weight"),
            wp=_weighted("progress"),
            wcw=Sum("weight", filter=has_confidence),
            wc=_weighted("confidence", condition=has_confidence),
            lowest=Min("confidence"),
        )
    }
    stale = {
        r["objective__owner_id"]: r["n"]
        for r in KeyResult.objects.filter(objective__in=objectives.filter(status=Status.ACTIVE))
        .filter(_stale_q(organisation, timezone.now()))
        .values("objective__owner_id")
        .annotate(n=Count("pk"))
    }
    out = []
    for person in people:
        row = rows.get(person.pk)
        member = MemberRow(person=person, stale_key_results=stale.get(person.pk, 0))
        if row:
            member.objectives = row["n"]
            member.progress = _ratio(row["wp"], row["w"])
            member.confidence = _ratio(row["wc"], row["wcw"])
            member.worst_health = meas.health_for(
                row["lowest"], on_track=organisation.on_track_confidence, at_risk=organisation.at_risk_confidence
            )
        out.append(member)
    return out


def department_report(
    *, viewer: Person, department: Department, cycle: Cycle | None, organisation: Organisation, page: Any = 1
) -> DepartmentReport:
    """The department with its sub-departments, teams, OKRs and people (its own and its sub-departments')."""
    subs = list(
        Department.objects.filter(path__startswith=department.path)
        .exclude(pk=department.pk)
        .select_related("head")
        .order_by("path", "position", "name")
    )
    teams = list(Team.objects.filter(department=department).select_related("lead"))
    people = (
        Person.objects.filter(is_active=True, department__path__startswith=department.path)
        .select_related("department", "team")
        .order_by("full_name", "username")
    )
    members = Paginator(people, MEMBERS_PER_PAGE).get_page(page)
    if cycle is None:
        return DepartmentReport(department, [DepartmentRollup(d) for d in subs], teams, [], [], members)
    objectives = list(
        objective_queryset()
        .filter(
            visible_objectives_q(viewer), cycle=cycle, department=department, level__in=[Level.DEPARTMENT, Level.TEAM]
        )
        .prefetch_related(key_results_prefetch())
        .order_by("priority", "id")
    )
    _decorate(objectives, organisation)
    return DepartmentReport(
        department=department,
        sub_departments=department_rollups(viewer=viewer, cycle=cycle, organisation=organisation, departments=subs),
        teams=teams,
        department_objectives=[o for o in objectives if o.level == Level.DEPARTMENT],
        team_objectives=[o for o in objectives if o.level == Level.TEAM],
        members=members,
        member_rows=member_rows(
            viewer=viewer, people=list(members.object_list), cycle=cycle, organisation=organisation
        ),
    )


# --- person page -----------------------------------------------------------------------------------


@dataclass
class PersonReport:
    person: Person
    reports: list[Person]
    reports_total: int
    objectives: list[Objective]


def person_get(pk: int) -> Person | None:
    return Person.objects.select_related("department", "team", "manager").filter(pk=pk).first()


def person_report(*, viewer: Person, person: Person, cycle: Cycle | None, organisation: Organisation) -> PersonReport:
    reports = list(
        Person.objects.filter(manager=person, is_active=True)
        .select_related("department")
        .order_by("full_name", "username")[: REPORTS_SHOWN + 1]
    )
    total = len(reports)
    objectives: list[Objective] = []
    if cycle is not None:
        objectives = list(
            objective_queryset()
            .filter(visible_objectives_q(viewer), cycle=cycle, owner=person)
            .prefetch_related(key_results_prefetch())
            .order_by("priority", "id")
        )
        _decorate(objectives, organisation)
    return PersonReport(person=person, reports=reports[:REPORTS_SHOWN], reports_total=total, objectives=objectives)


# --- alignment tree --------------------------------------------------------------------------------


@dataclass
class TreeNode:
    objective: Objective
    children: int = 0
    via_key_result: KeyResult | None = None


@dataclass
class Tree:
    roots: list[TreeNode]
    unaligned: list[TreeNode]
    unaligned_total: int


def _visible_in_cycle(viewer: Person, cycle: Cycle) -> QuerySet[Objective]:
    return Objective.objects.filter(visible_objectives_q(viewer)).filter(_cycle_and_descendants(cycle))


def _count_children(nodes: list[TreeNode], viewer: Person, cycle: Cycle) -> None:
    """How many visible objectives of the cycle align under each node: one grouped query."""
    if not nodes:
        return
    counts = {
        r["rollup_parent_id"]: r["n"]
        for r in Alignment.objects.filter(
            rollup_parent_id__in=[n.objective.pk for n in nodes], child__in=_visible_in_cycle(viewer, cycle)
        )
        .values("rollup_parent_id")
        .annotate(n=Count("child_id", distinct=True))
    }
    for node in nodes:
        node.children = counts.get(node.objective.pk, 0)


def alignment_tree(*, viewer: Person, cycle: Cycle, organisation: Organisation) -> Tree:
    """The company objectives of the cycle (and of its year) that align under no other of them, and the
    objectives of the cycle that align to nothing at all (SET-6 gaps)."""
    annual = annual_cycle_of(cycle)
    cycle_ids = {cycle.pk} | ({annual.pk} if annual else set())
    company = Objective.objects.filter(visible_objectives_q(viewer), level=Level.COMPANY, cycle_id__in=cycle_ids)
    roots = list(
        objective_queryset()
        .filter(pk__in=company)
        .exclude(alignments_up__rollup_parent__in=company)
        .order_by("-cycle__end", "priority", "id")
    )
    unaligned_qs = (
        objective_queryset()
        .filter(visible_objectives_q(viewer), cycle=cycle)
        .exclude(level=Level.COMPANY)
        .filter(alignments_up__isnull=True)
        .order_by("level", "priority", "id")
    )
    unaligned = list(unaligned_qs[:UNALIGNED_SHOWN])
    unaligned_total = unaligned_qs.count()
    decorate_objectives([*roots, *unaligned], organisation)
    root_nodes = [TreeNode(o) for o in roots]
    unaligned_nodes = [TreeNode(o) for o in unaligned]
    _count_children([*root_nodes, *unaligned_nodes], viewer, cycle)
    return Tree(roots=root_nodes, unaligned=unaligned_nodes, unaligned_total=unaligned_total)


def tree_children(*, viewer: Person, parent: Objective, cycle: Cycle, organisation: Organisation) -> list[TreeNode]:
    """The visible objectives of the cycle aligned under `parent` or one of its key results."""
    links = list(
        Alignment.objects.filter(rollup_parent=parent, child__in=_visible_in_cycle(viewer, cycle))
        .select_related(
            "parent_key_result",
            "child__cycle",
            "child__owner",
            "child__owner__department",
            "child__department",
            "child__team",
            "child__author",
        )
        .order_by("child__level", "child__priority", "child_id")
    )
    nodes = [TreeNode(link.child, via_key_result=link.parent_key_result) for link in links]
    decorate_objectives([parent, *(n.objective for n in nodes)], organisation)
    _count_children(nodes, viewer, cycle)
    return nodes
