"""Reads on projects for pages and API: the list (the viewer's projects first, then all, searchable) and a
project's page (VIS-3 vision and mission, members by department, the stages as a timeline with their objectives,
key results, owners, carriers, alignment and roll-ups), each in a number of queries that does not grow with the
project or the company.

Roll-ups (PLAY-PROJ 步骤六, monitor and evaluate) are read from the objectives' stored ones (MEAS-4, MEAS-5): a
stage's progress is the weighted mean of its objectives' (weights default to equal), its confidence the weighted
mean of those that have one; the project's progress is the mean of its stages' that have objectives, its
confidence the mean of its stages' confidence. Everything counts only what the viewer may see
(`okrs.access.visible_objectives_q`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from qibu.core.pinyin import search_terms
from qibu.cycles.models import Cycle
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import Alignment, KeyResult, Level, Objective
from qibu.okrs.panels import PanelPage
from qibu.okrs.selectors import KeyResultCard, ObjectiveCard, objective_cards
from qibu.org.models import Organisation, Person
from qibu.projects.access import can_set_carriers
from qibu.projects.models import Project, ProjectMember, Stage

PAGE_SIZE = 50
QUERY_MAX = 100
_Q = Decimal("0.0001")


def _mean(values: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ wᵢ·vᵢ ÷ Σ wᵢ (MEAS-4), None without weight."""
    pairs = list(values)
    weight = sum((w for w, _v in pairs), Decimal(0))
    if weight <= 0:
        return None
    return (sum((w * v for w, v in pairs), Decimal(0)) / weight).quantize(_Q)


def _plain_mean(values: Iterable[Decimal | None]) -> Decimal | None:
    return _mean((Decimal(1), v) for v in values if v is not None)


# --- the list ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    member_count: int
    stage_count: int
    progress: Decimal | None


@dataclass
class ProjectList:
    query: str
    mine: list[ProjectRow]
    others: list[ProjectRow]
    page: Page[Project]


def _matching(query: str) -> Q:
    terms = search_terms(query[:QUERY_MAX])
    return reduce(or_, (Q(search_key__contains=term) for term in terms)) if terms else Q()


def projects_matching(query: str = "") -> QuerySet[Project]:
    """Every project whose name matches the query (in characters, pinyin or its initials), active ones first."""
    return (
        Project.objects.filter(_matching(query))
        .select_related("lead")
        .annotate(member_count=Count("members", distinct=True), stage_count=Count("stages", distinct=True))
        .order_by("status", "-start", "id")
    )


def project_progress(projects: Sequence[Project], viewer: Person) -> dict[int, Decimal | None]:
    """Each project's progress as its page shows it (the mean of its stages'), for many projects in one query."""
    stage_numbers: dict[tuple[int, int], list[tuple[Decimal, Decimal]]] = {}
    rows = Objective.objects.filter(
        visible_objectives_q(viewer), level=Level.PROJECT, cycle__project_stage__project__in=[p.pk for p in projects]
    ).values_list("cycle__project_stage__project_id", "cycle_id", "weight", "progress")
    for project_id, cycle_id, weight, progress in rows:
        stage_numbers.setdefault((project_id, cycle_id), []).append((weight, progress))
    by_project: dict[int, list[Decimal | None]] = {}
    for (project_id, _cycle_id), numbers in stage_numbers.items():
        by_project.setdefault(project_id, []).append(_mean(numbers))
    return {p.pk: _plain_mean(by_project.get(p.pk, [])) for p in projects}


def _rows(projects: list[Project], progress: dict[int, Decimal | None]) -> list[ProjectRow]:
    return [
        ProjectRow(
            project=p,
            member_count=getattr(p, "member_count", 0),
            stage_count=getattr(p, "stage_count", 0),
            progress=progress.get(p.pk),
        )
        for p in projects
    ]


def project_list(*, viewer: Person, query: str = "", page: Any = 1) -> ProjectList:
    """The projects the viewer is a member of, then every other one, a page at a time (PUB-2: everyone sees every
    project), matching the query; four queries whatever the number of projects."""
    matching = projects_matching(query)
    # A subquery, not a join on members: the join would make the member counts count only the viewer.
    theirs = ProjectMember.objects.filter(person=viewer).values("project_id")
    mine = list(matching.filter(pk__in=theirs))
    others = Paginator(matching.exclude(pk__in=theirs), PAGE_SIZE).get_page(page)
    shown = [*mine, *others.object_list]
    progress = project_progress(shown, viewer) if shown else {}
    return ProjectList(query=query, mine=_rows(mine, progress), others=_rows(list(others), progress), page=others)


# --- the project's page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    member: ProjectMember
    is_lead: bool


@dataclass(frozen=True)
class DepartmentGroup:
    """The members from one department (None: people in no department)."""

    name: str
    department_id: int | None
    members: list[MemberRow]


@dataclass(frozen=True)
class ParentLink:
    """What a stage objective aligns to (SET-6): an objective, or a key result of it."""

    objective: Objective
    key_result_title: str
    key_result_id: int | None


@dataclass(frozen=True)
class KeyResultRow:
    card: KeyResultCard
    carriers: list[Person]
    can_set_carriers: bool

    @property
    def carrier_ids(self) -> set[int]:
        return {person.pk for person in self.carriers}


@dataclass(frozen=True)
class StageObjective:
    card: ObjectiveCard
    key_results: list[KeyResultRow]
    parents: list[ParentLink]
    can_edit: bool


@dataclass(frozen=True)
class StageView:
    stage: Stage
    state: str  # "past", "current" or "upcoming"
    objectives: list[StageObjective]
    progress: Decimal | None
    confidence: Decimal | None
    elapsed: Decimal

    @property
    def cycle(self) -> Cycle:
        return self.stage.cycle

    @property
    def is_open(self) -> bool:
        return not self.stage.cycle.is_closed


@dataclass
class ProjectPage:
    project: Project
    can_manage: bool  # the lead or an administrator: closes and reopens it
    editable: bool  # … and the project is open: changes it
    member_groups: list[DepartmentGroup]
    member_count: int
    stages: list[StageView]
    current: StageView | None
    progress: Decimal | None
    confidence: Decimal | None
    members: list[ProjectMember] = field(default_factory=list)


def _state(stage: Stage, today: dt.date) -> str:
    if today < stage.cycle.start:
        return "upcoming"
    if today > stage.cycle.end:
        return "past"
    return "current"


def project_members(project: Project) -> list[ProjectMember]:
    """The project's members with their people and departments, by department, then name (one query)."""
    return list(
        ProjectMember.objects.filter(project=project)
        .select_related("person", "person__department")
        .order_by("person__department__path", "person__full_name", "person__username", "pk")
    )


def _member_groups(project: Project, members: list[ProjectMember]) -> list[DepartmentGroup]:
    groups: dict[int | None, DepartmentGroup] = {}
    for member in members:
        department = member.person.department
        key = department.pk if department is not None else None
        if key not in groups:
            groups[key] = DepartmentGroup(department.name if department is not None else "", key, [])
        groups[key].members.append(MemberRow(member, member.person_id == project.lead_id))
    return sorted(groups.values(), key=lambda g: g.department_id is None)


def project_stages(project: Project) -> list[Stage]:
    return list(Stage.objects.filter(project=project).select_related("cycle").order_by("position", "id"))


def _stage_objectives(viewer: Person, stages: list[Stage]) -> list[Objective]:
    """The stages' objectives the viewer may see, with their owners, key results (owners, milestones and carriers),
    each given its stage's cycle (four queries whatever their number; none without stages)."""
    if not stages:
        return []
    cycles = {stage.cycle_id: stage.cycle for stage in stages}
    key_results = KeyResult.objects.select_related("owner").prefetch_related(
        "milestones", Prefetch("contributors", queryset=Person.objects.order_by("full_name", "username"))
    )
    objectives = list(
        Objective.objects.filter(visible_objectives_q(viewer), level=Level.PROJECT, cycle_id__in=cycles)
        .select_related("owner", "owner__department")
        .prefetch_related(Prefetch("key_results", queryset=key_results.order_by("position", "id")))
        .order_by("priority", "id")
    )
    for objective in objectives:
        objective.cycle = cycles[objective.cycle_id]
    return objectives


def _parents(viewer: Person, objectives: list[Objective]) -> dict[int, list[ParentLink]]:
    """What each objective aligns to, among the objectives the viewer may see (one query)."""
    links: dict[int, list[ParentLink]] = {o.pk: [] for o in objectives}
    if not objectives:
        return links
    found = (
        Alignment.objects.filter(
            child_id__in=links, rollup_parent__in=Objective.objects.filter(visible_objectives_q(viewer)).values("pk")
        )
        .select_related("rollup_parent__cycle", "rollup_parent__department", "parent_key_result")
        .order_by("id")
    )
    for alignment in found:
        kr = alignment.parent_key_result
        links[alignment.child_id].append(
            ParentLink(alignment.rollup_parent, kr.title if kr is not None else "", alignment.parent_key_result_id)
        )
    return links


def _stage_view(
    stage: Stage, today: dt.date, cards: list[ObjectiveCard], parents: dict[int, list[ParentLink]], viewer: Person,
    can_manage: bool,
) -> StageView:  # fmt: skip
    rows = []
    open_stage = not stage.cycle.is_closed and not stage.project.is_closed
    for card in cards:
        editable = (can_manage or card.can_edit) and not stage.project.is_closed
        rows.append(
            StageObjective(
                card=card,
                key_results=[
                    KeyResultRow(
                        card=kr_card,
                        carriers=list(kr_card.key_result.contributors.all()),
                        can_set_carriers=open_stage and can_set_carriers(viewer, kr_card.key_result, editable=editable),
                    )
                    for kr_card in card.key_results
                ],
                parents=parents.get(card.objective.pk, []),
                can_edit=editable,
            )
        )
    objectives = [card.objective for card in cards]
    return StageView(
        stage=stage,
        state=_state(stage, today),
        objectives=rows,
        progress=_mean((o.weight, o.progress) for o in objectives),
        confidence=_mean((o.weight, o.confidence) for o in objectives if o.confidence is not None),
        elapsed=Decimal(str(round(stage.cycle.elapsed_share(today), 4))),
    )


def project_page(
    *, project: Project, viewer: Person, organisation: Organisation, can_manage: bool, today: dt.date | None = None
) -> ProjectPage:
    """Everything the project's page shows, in a fixed number of queries (members, stages, objectives, their key
    results, milestones and carriers, and their alignment)."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    members = project_members(project)
    stages = project_stages(project)
    objectives = _stage_objectives(viewer, stages)
    parents = _parents(viewer, objectives)
    cards = objective_cards(
        objectives,
        viewer=viewer,
        organisation=organisation,
        with_permissions=True,
        with_details=True,
        today=today,
        now=now,
    )
    by_cycle: dict[int, list[ObjectiveCard]] = {}
    for card in cards:
        by_cycle.setdefault(card.objective.cycle_id, []).append(card)
    for stage in stages:
        stage.project = project
    views = [
        _stage_view(stage, today, by_cycle.get(stage.cycle_id, []), parents, viewer, can_manage) for stage in stages
    ]
    return ProjectPage(
        project=project,
        can_manage=can_manage,
        editable=can_manage and not project.is_closed,
        member_groups=_member_groups(project, members),
        member_count=len(members),
        stages=views,
        current=next((v for v in views if v.state == "current"), None),
        progress=_plain_mean(v.progress for v in views if v.objectives),
        confidence=_plain_mean(v.confidence for v in views),
        members=members,
    )


# --- choices for the forms ------------------------------------------------------------------------------------


def alignment_candidates(viewer: Person, stage: Stage, current: Sequence[int] = ()) -> QuerySet[Objective]:
    """What a stage objective may align to (SET-6): company, department and team objectives the viewer may see, of
    open cycles during the project (a later stage may serve this quarter's objectives before next year's are set),
    and the `current` parents, wherever they are."""
    project = stage.project
    open_during = Q(cycle__is_closed=False, cycle__start__lte=project.end, cycle__end__gte=project.start)
    candidates = Q(level__in=[Level.COMPANY, Level.DEPARTMENT, Level.TEAM]) & open_during
    return (
        Objective.objects.filter(visible_objectives_q(viewer))
        .filter(candidates | Q(pk__in=list(current)))
        .select_related("cycle")
        .order_by("cycle__start", "-cycle__end", "level", "priority", "id")
    )


# --- the objective page's panel -----------------------------------------------------------------------------


def project_panel(page: PanelPage) -> dict[str, Any]:
    """The objective page says which project and stage a project objective belongs to (one query; none for other
    objectives)."""
    objective = page.objective
    if objective.level != Level.PROJECT:
        return {}
    stage = Stage.objects.select_related("project").filter(cycle_id=objective.cycle_id).first()
    return {"stage": stage, "project": stage.project} if stage is not None else {}
