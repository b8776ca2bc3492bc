"""The planning board (SET-1, SET-2): for a cycle, where the company, every department and every person stand in
the approval of their OKRs, laid out in the method's order — the top-down pass (company annual → company
quarterly → department quarterly → personal quarterly), then the bottom-up pass (employees' voice → departments
submit → the company adjusts with reference to the submissions → departments adjust → people finalise) — each
phase done, in progress or not started, computed from the data; what the signed-in person waits for and who waits
for them; and SET-7's shares.

A fixed number of queries whatever the size of the company (the tests count them at two sizes): every figure is a
grouped count, the people are listed a page at a time. The counts are over every objective of the cycle, as
`reports.bottom_up_share` counts them: they show where planning stands and reveal no objective's content; the
objectives named ("you") are the viewer's own, and the queue lists only what the viewer may see.

Who is expected to have OKRs: a department with a head or people in it has department objectives; every active
person in a department, but for the heads of departments (who answer for their department's), has personal ones.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qibu.cycles.models import Cycle, CycleKind
from qibu.okrs.models import Approval, ApprovalAction, ApprovalDecision, Level, Objective
from qibu.org.models import Department, Organisation, Person
from qibu.planning.models import Proposal, TakeUp
from qibu.planning.selectors.queue import QueueCount, queue_count
from qibu.planning.selectors.share import AuthorshipShare, authorship_share

PEOPLE_PAGE_SIZE = 50
# The viewer's own objectives the board names.
YOUR_OBJECTIVES_SHOWN = 20
PENDING = (Approval.DRAFT, Approval.SUBMITTED, Approval.RETURNED)
# The people list's filter by where one stands: no personal objectives yet, or one in this state.
STANDS = ("none", *Approval.values)


@dataclass
class Counts:
    """Objectives by approval state."""

    draft: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0

    def add(self, approval: str, n: int) -> None:
        if approval in Approval.values:
            setattr(self, approval, getattr(self, approval) + n)

    @property
    def total(self) -> int:
        return self.draft + self.submitted + self.returned + self.approved

    @property
    def pending(self) -> int:
        """Not approved yet."""
        return self.draft + self.submitted + self.returned

    @property
    def unsubmitted(self) -> int:
        """Still with their owner: drafts and returned ones."""
        return self.draft + self.returned


class PhaseState:
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class Phase:
    """One step of the method's order. `done` of `of` says how far it is (departments, people or objectives, by
    `key`); `of` is None where a count says it all (proposals)."""

    key: str
    state: str
    done: int
    of: int | None


@dataclass
class DepartmentStand:
    department: Department
    objectives: Counts = field(default_factory=Counts)  # its department-level objectives
    people: int = 0  # people expected to have personal objectives
    people_with_okrs: int = 0
    people_pending: int = 0  # people with a personal objective not approved yet
    personal: Counts = field(default_factory=Counts)
    proposals: int = 0  # on its department objectives
    take_ups: int = 0  # by its department objectives

    @property
    def expected(self) -> bool:
        """Has a head or people: it is expected to set department objectives."""
        return self.department.head_id is not None or self.people > 0

    @property
    def people_without(self) -> int:
        return max(self.people - self.people_with_okrs, 0)

    @property
    def people_final(self) -> int:
        """People whose personal objectives are all approved."""
        return self.people_with_okrs - self.people_pending

    @property
    def submitted(self) -> bool:
        return self.objectives.total > 0 and self.objectives.unsubmitted == 0

    @property
    def agreed(self) -> bool:
        return self.objectives.total > 0 and self.objectives.pending == 0


@dataclass(frozen=True)
class PersonStand:
    person: Person
    objectives: Counts

    @property
    def stand(self) -> str:
        """The least advanced of their objectives (what still needs doing), or "none"."""
        for state in (Approval.RETURNED, Approval.DRAFT, Approval.SUBMITTED, Approval.APPROVED):
            if getattr(self.objectives, state):
                return str(state)
        return "none"


@dataclass(frozen=True)
class YourObjective:
    """One of the viewer's objectives not approved yet, and what it waits for."""

    objective: Objective
    approver: str  # who decides on a submitted one ("" for an executive or the CEO when unnamed)
    approver_kind: str  # "person", "executive", "ceo", "head"
    waits_for_above: str  # "department", "company", "annual" or "": the level above it is not approved yet
    returned_comment: str


@dataclass
class You:
    person: Person
    objectives: list[YourObjective] = field(default_factory=list)
    approved: int = 0  # of their objectives in the cycle
    expected_personal: bool = False  # is expected to write personal objectives and has none yet
    queue: QueueCount | None = None
    people_waiting: int = 0  # people whose personal objectives wait for the viewer's department objectives
    departments_waiting: int = 0  # departments whose objectives wait for the viewer's company objectives
    company_waiting: int = 0  # company quarterly objectives waiting for the viewer's annual ones

    @property
    def waits_on_you(self) -> bool:
        queued = self.queue is not None and self.queue.total > 0
        return queued or bool(self.people_waiting or self.departments_waiting or self.company_waiting)


@dataclass
class Board:
    cycle: Cycle
    annual: Cycle | None
    department: Department | None  # the filter
    departments: list[Department]  # every department, for the filter
    company: Counts
    annual_counts: Counts
    company_proposals: int
    company_take_ups: int
    stands: list[DepartmentStand]  # the departments in scope, in tree order
    top_down: list[Phase]
    bottom_up: list[Phase]
    people: Page[Any]
    person_rows: list[PersonStand]
    stand: str  # the people list's filter
    you: You
    share: AuthorshipShare

    @property
    def proposals(self) -> int:
        return self.company_proposals + sum(s.proposals for s in self.stands)


# --- the cycle in planning -------------------------------------------------------------------------------


def planning_cycle(cycles: list[Cycle], today: dt.date | None = None) -> Cycle | None:
    """The quarter in planning: the next quarter when it holds objectives not approved yet, else the current
    quarter when it does, else the next one if it holds any objective, else the current quarter (or, without
    quarters, the newest cycle). `cycles` is the picker's list; one query."""
    today = today or timezone.localdate()
    quarters = sorted((c for c in cycles if c.kind == CycleKind.QUARTER and not c.is_closed), key=lambda c: c.start)
    current = next((c for c in quarters if c.start <= today <= c.end), None)
    upcoming = next((c for c in quarters if c.start > today), None)
    candidates = [c for c in (upcoming, current) if c is not None]
    if not candidates:
        return cycles[0] if cycles else None
    found: dict[int, tuple[int, int]] = {
        cycle_id: (n, pending)
        for cycle_id, n, pending in Objective.objects.filter(cycle_id__in=[c.pk for c in candidates])
        .order_by()
        .values_list("cycle_id")
        .annotate(n=Count("pk"), pending=Count("pk", filter=~Q(approval=Approval.APPROVED)))
    }
    for cycle in candidates:
        if found.get(cycle.pk, (0, 0))[1]:
            return cycle
    if upcoming is not None and found.get(upcoming.pk, (0, 0))[0]:
        return upcoming
    return current or upcoming


# --- the counts ------------------------------------------------------------------------------------------


def _departments() -> list[Department]:
    return list(
        Department.objects.select_related("head")
        .only("name", "parent", "path", "position", "head", "head__full_name", "head__username",
              "head__department", "head__is_active")
        .order_by("path", "position", "name")
    )  # fmt: skip


def _heads(departments: list[Department]) -> set[int]:
    return {d.head_id for d in departments if d.head_id is not None}


def _people_per_department(departments: list[Department]) -> dict[int, int]:
    """Active people expected to have personal objectives, by department (the heads of departments aside)."""
    counts = dict(
        Person.objects.filter(is_active=True, department__isnull=False)
        .order_by()
        .values_list("department_id")
        .annotate(n=Count("pk"))
    )
    for department in departments:
        head = department.head
        if head is not None and head.is_active and head.department_id in counts:
            counts[head.department_id] -= 1
    return counts


def _level_counts(cycle: Cycle, annual: Cycle | None) -> tuple[Counts, Counts, dict[int, Counts]]:
    """(company objectives of the cycle, company objectives of its year, department objectives by department)."""
    company, annual_counts = Counts(), Counts()
    by_department: dict[int, Counts] = defaultdict(Counts)
    scope = Q(cycle_id=cycle.pk, level__in=[Level.COMPANY, Level.DEPARTMENT])
    if annual is not None and annual.pk != cycle.pk:
        scope |= Q(cycle_id=annual.pk, level=Level.COMPANY)
    rows = (
        Objective.objects.filter(scope)
        .order_by()
        .values_list("cycle_id", "level", "department_id", "approval")
        .annotate(n=Count("pk"))
    )
    for cycle_id, level, department_id, approval, n in rows:
        if level == Level.DEPARTMENT and department_id is not None:
            by_department[department_id].add(approval, n)
        elif level == Level.COMPANY and cycle_id == cycle.pk:
            company.add(approval, n)
        if level == Level.COMPANY and annual is not None and cycle_id == annual.pk:
            annual_counts.add(approval, n)
    return company, annual_counts, by_department


def _personal_counts(cycle: Cycle, heads: set[int]) -> dict[int, dict[str, Any]]:
    """Personal objectives of the cycle by their owner's department: people with some, people with some not
    approved, and the objectives by state."""
    states = {state: Count("pk", filter=Q(approval=state)) for state in Approval.values}
    rows = (
        Objective.objects.filter(
            cycle=cycle, level=Level.PERSON, owner__is_active=True, owner__department__isnull=False
        )
        .exclude(owner_id__in=heads)
        .order_by()
        .values_list("owner__department_id")
        .annotate(
            people=Count("owner_id", distinct=True),
            pending=Count("owner_id", distinct=True, filter=~Q(approval=Approval.APPROVED)),
            **states,
        )
    )
    return {
        department_id: {"people": people, "pending": pending, **dict(zip(Approval.values, counts, strict=True))}
        for department_id, people, pending, *counts in rows
    }


def _voices(cycle: Cycle) -> tuple[dict[int | None, int], dict[int | None, int]]:
    """Proposals on, and take-ups by, the cycle's objectives: by department (None: the company's)."""
    proposals: dict[int | None, int] = {}
    for level, department_id, n in (
        Proposal.objects.filter(objective__cycle=cycle)
        .order_by()
        .values_list("objective__level", "objective__department_id")
        .annotate(n=Count("pk"))
    ):
        key = None if level == Level.COMPANY else department_id
        proposals[key] = proposals.get(key, 0) + n
    take_ups: dict[int | None, int] = {}
    for level, department_id, n in (
        TakeUp.objects.filter(objective__cycle=cycle)
        .order_by()
        .values_list("objective__level", "objective__department_id")
        .annotate(n=Count("pk"))
    ):
        key = None if level == Level.COMPANY else department_id
        take_ups[key] = take_ups.get(key, 0) + n
    return proposals, take_ups


def _stands(
    departments: list[Department],
    by_department: dict[int, Counts],
    people: dict[int, int],
    personal: dict[int, dict[str, Any]],
    voices: tuple[dict[int | None, int], dict[int | None, int]],
) -> list[DepartmentStand]:
    proposals, take_ups = voices
    out = []
    for department in departments:
        stand = DepartmentStand(department, objectives=by_department.get(department.pk, Counts()))
        stand.people = people.get(department.pk, 0)
        row = personal.get(department.pk)
        if row:
            stand.people_with_okrs, stand.people_pending = row["people"], row["pending"]
            for state in Approval.values:
                stand.personal.add(state, row[state])
        stand.proposals = proposals.get(department.pk, 0)
        stand.take_ups = take_ups.get(department.pk, 0)
        out.append(stand)
    return out


# --- the phases ------------------------------------------------------------------------------------------


def _coverage(key: str, done: int, of: int, *, started: bool = False) -> Phase:
    """Done when every one is, in progress when some are (or the work began), else not started."""
    if of and done >= of:
        state = PhaseState.DONE
    elif done or started:
        state = PhaseState.IN_PROGRESS
    else:
        state = PhaseState.NOT_STARTED
    return Phase(key, state, done, of)


def _phases(
    company: Counts, annual: Counts, stands: list[DepartmentStand], proposals: int, company_take_ups: int
) -> tuple[list[Phase], list[Phase]]:
    expected = [s for s in stands if s.expected]
    departments = len(expected)
    people = sum(s.people for s in stands)
    with_okrs = sum(min(s.people_with_okrs, s.people) for s in stands)
    top_down = [
        _coverage("company_annual", annual.approved, annual.total),
        _coverage("company_quarterly", company.total, company.total),
        _coverage("department_quarterly", sum(1 for s in expected if s.objectives.total), departments),
        _coverage("personal_quarterly", with_okrs, people),
    ]
    submitted = _coverage(
        "departments_submitted",
        sum(1 for s in expected if s.submitted),
        departments,
        started=any(s.objectives.submitted or s.objectives.approved for s in expected),
    )
    voice_state = PhaseState.NOT_STARTED
    if proposals:
        voice_state = PhaseState.DONE if submitted.state == PhaseState.DONE else PhaseState.IN_PROGRESS
    bottom_up = [
        Phase("voice", voice_state, proposals, None),
        submitted,
        _coverage(
            "company_adjusted",
            company.approved,
            company.total,
            started=bool(company.submitted or company_take_ups),
        ),
        _coverage("departments_adjusted", sum(1 for s in expected if s.agreed), departments),
        _coverage("people_finalised", sum(min(s.people_final, s.people) for s in stands), people),
    ]
    return top_down, bottom_up


# --- the people ------------------------------------------------------------------------------------------


def _people(
    cycle: Cycle, heads: set[int], scope: list[int] | None, stand: str, page: Any
) -> tuple[Page[Any], list[PersonStand]]:
    people: QuerySet[Person] = Person.objects.filter(is_active=True, department__isnull=False).exclude(pk__in=heads)
    if scope is not None:
        people = people.filter(department_id__in=scope)
    personal = Objective.objects.filter(cycle=cycle, level=Level.PERSON, owner_id=OuterRef("pk"))
    if stand == "none":
        people = people.filter(~Exists(personal))
    elif stand in Approval.values:
        people = people.filter(Exists(personal.filter(approval=stand)))
    people = (
        people.select_related("department")
        .only("full_name", "username", "department", "department__name", "manager")
        .order_by("full_name", "username", "pk")
    )
    found = Paginator(people, PEOPLE_PAGE_SIZE).get_page(page)
    shown = list(found.object_list)
    counts: dict[int, Counts] = defaultdict(Counts)
    for owner_id, approval, n in (
        Objective.objects.filter(cycle=cycle, level=Level.PERSON, owner_id__in=[p.pk for p in shown])
        .order_by()
        .values_list("owner_id", "approval")
        .annotate(n=Count("pk"))
    ):
        counts[owner_id].add(approval, n)
    return found, [PersonStand(p, counts.get(p.pk, Counts())) for p in shown]


# --- you -------------------------------------------------------------------------------------------------


def _approver(objective: Objective, organisation: Organisation, ceo_name: str) -> tuple[str, str]:
    """(name, kind) of who decides on the objective, as `okrs.access.can_approve` names them."""
    if objective.level == Level.COMPANY:
        if organisation.ceo_id is not None and organisation.ceo_id != objective.owner_id:
            return ceo_name, "ceo"
        return "", "executive"
    if objective.level == Level.DEPARTMENT:
        return "", "executive"
    owner = objective.owner
    if objective.level == Level.PERSON and owner is not None and owner.manager is not None:
        return str(owner.manager), "person"
    department = objective.department
    if department is not None and department.head is not None:
        return str(department.head), "person"
    return "", "head"


def _above(
    objective: Objective, cycle: Cycle, company: Counts, annual: Counts, by_department: dict[int, Counts]
) -> str:
    """The level above the objective, when it is not approved yet (SET-1: the first pass runs top-down)."""
    if objective.level in (Level.PERSON, Level.TEAM):
        counts = by_department.get(objective.department_id or 0, Counts())
        return "department" if counts.total == 0 or counts.pending else ""
    if objective.level == Level.DEPARTMENT:
        return "company" if company.total == 0 or company.pending else ""
    if objective.level == Level.COMPANY and objective.cycle_id == cycle.pk:
        return "annual" if annual.pending else ""
    return ""


def _returned_comments(objectives: list[Objective]) -> dict[int, str]:
    returned = [o.pk for o in objectives if o.approval == Approval.RETURNED]
    if not returned:
        return {}
    comments: dict[int, str] = {}
    for objective_id, comment in (
        ApprovalDecision.objects.filter(objective_id__in=returned, action=ApprovalAction.RETURN)
        .order_by("objective_id", "-created_at", "-id")
        .values_list("objective_id", "comment")
    ):
        comments.setdefault(objective_id, comment)
    return comments


@dataclass(frozen=True)
class _Levels:
    company: Counts
    annual: Counts
    by_department: dict[int, Counts]
    personal: dict[int, dict[str, Any]]


def _ceo_name(organisation: Organisation, mine: list[Objective]) -> str:
    ceo_id = organisation.ceo_id
    if ceo_id is None or not any(o.level == Level.COMPANY for o in mine):
        return ""
    ceo = Person.objects.filter(pk=ceo_id).only("full_name", "username").first()
    return str(ceo) if ceo else ""


def _waiting_on(you: You, mine: list[Objective], cycle: Cycle, levels: _Levels, headed: list[int]) -> None:
    """Who waits for the viewer's objectives: the people of the departments whose objectives they own or head, the
    departments below their company objectives, the quarter's company objectives below their annual ones."""
    pending = [o for o in mine if o.approval != Approval.APPROVED]
    departments = {o.department_id for o in pending if o.level == Level.DEPARTMENT and o.department_id}
    departments |= {pk for pk in headed if levels.by_department.get(pk, Counts()).pending}
    you.people_waiting = sum(levels.personal.get(pk, {}).get("pending", 0) for pk in departments)
    if any(o.level == Level.COMPANY and o.cycle_id == cycle.pk for o in pending):
        you.departments_waiting = sum(1 for c in levels.by_department.values() if c.pending)
    if any(o.level == Level.COMPANY and o.cycle_id != cycle.pk for o in pending):
        you.company_waiting = levels.company.pending


def _you(
    viewer: Person,
    organisation: Organisation,
    cycle: Cycle,
    annual: Cycle | None,
    levels: _Levels,
    departments: list[Department],
) -> You:
    you = You(person=viewer)
    cycles = [cycle.pk] + ([annual.pk] if annual is not None and annual.pk != cycle.pk else [])
    mine = list(
        Objective.objects.filter(owner_id=viewer.pk, cycle_id__in=cycles)
        .filter(Q(cycle_id=cycle.pk) | Q(level=Level.COMPANY))
        .select_related("owner__manager", "department__head", "cycle")
        .order_by("-cycle__start", "level", "priority", "id")[:YOUR_OBJECTIVES_SHOWN]
    )
    comments = _returned_comments(mine)
    ceo = _ceo_name(organisation, mine)
    enforced = organisation.approval_order_enforced
    for objective in mine:
        if objective.approval == Approval.APPROVED:
            you.approved += 1
            continue
        name, kind = _approver(objective, organisation, ceo)
        above = _above(objective, cycle, levels.company, levels.annual, levels.by_department) if enforced else ""
        you.objectives.append(YourObjective(objective, name, kind, above, comments.get(objective.pk, "")))
    heads = _heads(departments)
    has_personal = any(o.level == Level.PERSON and o.cycle_id == cycle.pk for o in mine)
    you.expected_personal = viewer.department_id is not None and viewer.pk not in heads and not has_personal
    you.queue = queue_count(viewer, organisation, cycle)
    headed = [d.pk for d in departments if d.head_id == viewer.pk]
    _waiting_on(you, mine, cycle, levels, headed)
    return you


# --- the board -------------------------------------------------------------------------------------------


def annual_of(cycle: Cycle) -> Cycle | None:
    """The year of a quarter or month (its parents are read lazily when not linked), itself when annual."""
    found: Cycle | None = cycle
    for _depth in range(3):
        if found is None or found.kind == CycleKind.ANNUAL:
            return found
        found = found.parent
    return None


def _scope(departments: list[Department], chosen: Department | None) -> list[Department]:
    if chosen is None:
        return departments
    return [d for d in departments if d.path.startswith(chosen.path)]


def planning_board(
    *,
    viewer: Person,
    cycle: Cycle,
    organisation: Organisation,
    department_id: int | None = None,
    stand: str = "",
    page: Any = 1,
) -> Board:
    """The board of `cycle`, for `viewer`; `department_id` narrows the departments, the people and their phases to
    that department and those below it (the company's own phases stay the company's)."""
    annual = annual_of(cycle)
    departments = _departments()
    chosen = next((d for d in departments if d.pk == department_id), None)
    shown = _scope(departments, chosen)
    heads = _heads(departments)
    company, annual_counts, by_department = _level_counts(cycle, annual)
    personal = _personal_counts(cycle, heads)
    proposals, take_ups = _voices(cycle)
    stands = _stands(shown, by_department, _people_per_department(departments), personal, (proposals, take_ups))
    company_proposals, company_take_ups = proposals.get(None, 0), take_ups.get(None, 0)
    top_down, bottom_up = _phases(
        company, annual_counts, stands, company_proposals + sum(s.proposals for s in stands), company_take_ups
    )
    stand = stand if stand in STANDS else ""
    scope_ids = [d.pk for d in shown] if chosen is not None else None
    people, person_rows = _people(cycle, heads, scope_ids, stand, page)
    levels = _Levels(company, annual_counts, by_department, personal)
    share_departments = (
        [d for d in shown if (d.parent_id == chosen.pk or d.pk == chosen.pk)]
        if chosen
        else [d for d in departments if d.parent_id is None]
    )
    return Board(
        cycle=cycle,
        annual=annual,
        department=chosen,
        departments=departments,
        company=company,
        annual_counts=annual_counts,
        company_proposals=company_proposals,
        company_take_ups=company_take_ups,
        stands=stands,
        top_down=top_down,
        bottom_up=bottom_up,
        people=people,
        person_rows=person_rows,
        stand=stand,
        you=_you(viewer, organisation, cycle, annual, levels, departments),
        share=authorship_share(
            cycle=cycle,
            organisation=organisation,
            departments=share_departments,
        ),
    )
