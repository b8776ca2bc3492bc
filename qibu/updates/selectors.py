"""Reading the update (UPD-1 … UPD-5): the phase's facts for the quarter's calendar, the board (where the company,
each department and each person stand), a viewer's update page, a key result's history across cycles. Each in a
fixed number of queries whatever the company's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle
from qibu.cycles.phases import PhaseFacts
from qibu.okrs.access import editable_objectives_q, visible_objectives_q
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.panels import PanelPage
from qibu.org.models import Organisation, Person
from qibu.updates.models import Decision, Stage, UpdateAction, UpdateOutcome
from qibu.updates.services import UPDATED_LEVELS, may_approve
from qibu.updates.window import Window, update_window

# The suggested outcome from a score (MEAS-7: 0.7 and more is a success in OKRs; below 0.3 a miss).
ACHIEVED_FROM = Decimal("0.70")
PARTLY_FROM = Decimal("0.30")


def suggested_outcome(score: Decimal | None, progress: Decimal) -> str:
    value = score if score is not None else progress
    if value >= ACHIEVED_FROM:
        return UpdateOutcome.ACHIEVED
    if value >= PARTLY_FROM:
        return UpdateOutcome.PARTLY
    return UpdateOutcome.MISSED


class Standing:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    LATE = "late"


STANDING_LABELS = {
    Standing.NOT_STARTED: _("not started"),
    Standing.IN_PROGRESS: _("in progress"),
    Standing.DONE: _("done"),
    Standing.LATE: _("late"),
}


def _rows(cycle: Cycle) -> list[tuple[int, int | None, str, int | None, bool, bool]]:
    """(objective, owner, level, department, decided, decided late) of the cycle's updated objectives: one query."""
    decided = Decision.objects.filter(objective_id=OuterRef("pk"))
    return list(
        Objective.objects.filter(cycle=cycle, level__in=UPDATED_LEVELS)
        .annotate(decided=Exists(decided), decided_late=Exists(decided.filter(late=True)))
        .values_list("pk", "owner_id", "level", "department_id", "decided", "decided_late")
    )


def phase_facts(cycle: Cycle, organisation: Organisation) -> PhaseFacts:
    """The update's facts for the quarter's calendar: the company is expected when it has objectives in the
    ending cycle, a department when it has department or team objectives there, a person when they own any
    objective there; the company and departments are done when their update is closed, a person when all their
    objectives are decided. Two queries."""
    rows = _rows(cycle)
    stages = set(Stage.objects.filter(cycle=cycle).values_list("department_id", flat=True))
    people: dict[int, bool] = {}
    departments: set[int] = set()
    company = False
    for _pk, owner, level, department, decided, _late in rows:
        if level == Level.COMPANY:
            company = True
        elif level in (Level.DEPARTMENT, Level.TEAM) and department is not None:
            departments.add(department)
        if owner is not None:
            people[owner] = people.get(owner, True) and decided
    return PhaseFacts(
        people_expected=frozenset(people),
        people_done=frozenset(p for p, done in people.items() if done),
        departments_expected=frozenset(departments),
        departments_done=frozenset(d for d in departments if d in stages),
        company_expected=company,
        company_done=None in stages,
    )


@dataclass(frozen=True)
class BoardRow:
    kind: str  # company, department, person
    id: int | None
    name: str
    objectives: int
    decided: int
    standing: str
    late: bool

    @property
    def standing_label(self) -> str:
        return str(STANDING_LABELS[self.standing])


@dataclass(frozen=True)
class Board:
    window: Window
    company: BoardRow
    departments: list[BoardRow]
    people: list[BoardRow]


def _standing(objectives: int, decided: int, done: bool, over: bool) -> str:
    if done:
        return Standing.DONE
    if over:
        return Standing.LATE
    return Standing.IN_PROGRESS if decided else Standing.NOT_STARTED


@dataclass
class _Tally:
    name: str
    objectives: int = 0
    decided: int = 0
    late: bool = False

    def add(self, decided: bool, late: bool) -> None:
        self.objectives += 1
        self.decided += int(decided)
        self.late = self.late or late


def board(*, cycle: Cycle, organisation: Organisation, today: dt.date) -> Board:
    """UPD-2: where the company, each department and each person stand. Six queries (the window's four, the
    objectives with their owners' and departments' names, the stages)."""
    window = update_window(cycle, organisation, today)
    decided = Decision.objects.filter(objective_id=OuterRef("pk"))
    rows = list(
        Objective.objects.filter(cycle=cycle, level__in=UPDATED_LEVELS)
        .annotate(decided=Exists(decided), decided_late=Exists(decided.filter(late=True)))
        .values_list(
            "owner_id", "owner__full_name", "level", "department_id", "department__name", "decided", "decided_late"
        )
    )
    stages = {s.department_id: s for s in Stage.objects.filter(cycle=cycle)}
    over = window.is_locked
    company = _Tally(organisation.name)
    departments: dict[int, _Tally] = {}
    people: dict[int, _Tally] = {}
    for owner, owner_name, level, department, department_name, is_decided, late in rows:
        if level == Level.COMPANY:
            company.add(is_decided, late)
        elif level in (Level.DEPARTMENT, Level.TEAM) and department is not None:
            departments.setdefault(department, _Tally(department_name or "")).add(is_decided, late)
        if owner is not None and level != Level.COMPANY:
            people.setdefault(owner, _Tally(owner_name or "")).add(is_decided, late)

    def row(kind: str, pk: int | None, tally: _Tally, done: bool, stage: Stage | None) -> BoardRow:
        standing = _standing(tally.objectives, tally.decided, done, over)
        return BoardRow(
            kind, pk, tally.name, tally.objectives, tally.decided, standing, tally.late or bool(stage and stage.late)
        )

    company_stage = stages.get(None)
    company_row = row("company", None, company, company_stage is not None, company_stage)
    department_rows = sorted(
        (row("department", pk, t, pk in stages, stages.get(pk)) for pk, t in departments.items()),
        key=lambda r: r.name,
    )
    people_rows = sorted(
        (row("person", pk, t, t.objectives == t.decided, None) for pk, t in people.items()), key=lambda r: r.name
    )
    return Board(window, company_row, department_rows, people_rows)


@dataclass(frozen=True)
class KeyResultLine:
    id: int
    title: str
    kind: str
    target_value: Decimal
    unit: str
    progress: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class ObjectiveLine:
    id: int
    title: str
    level: str
    level_label: str
    owner: str
    department: str
    department_id: int | None
    progress: Decimal
    score: Decimal | None
    suggested: str
    key_results: list[KeyResultLine]
    decision: Decision | None
    editable: bool
    blocked: str  # why the order (UPD-2) does not let it be decided yet; "" when it may
    needs_approval: bool
    may_approve: bool
    # Objectives already drafted in the next cycle by the same owner at the same level, that this one may continue
    # as instead of being copied: (id, title).
    drafts: list[tuple[int, str]] = field(default_factory=list)
    # Whether the viewer may open the objective the decision carried into the next cycle (a draft there, UPD-1,
    # is seen only by its owner's circle until agreed): the page links it only then.
    carried_visible: bool = False


@dataclass(frozen=True)
class NewObjectiveLine:
    id: int
    title: str
    decision: Decision | None
    may_approve: bool


@dataclass
class UpdatePage:
    window: Window
    objectives: list[ObjectiveLine]
    new_company: list[NewObjectiveLine] = field(default_factory=list)
    company_done: bool = False
    departments_done: set[int] = field(default_factory=set)
    is_late_updater: bool = False


def update_page(*, viewer: Person, cycle: Cycle, organisation: Organisation, today: dt.date) -> UpdatePage:
    """The viewer's update of `cycle`: the closing objectives they may see, each with its decision or whether
    they may decide it now (UPD-2's order), the key results they keep, modify or drop (UPD-4), the company's
    changes waiting for approval and the new company objectives to justify (UPD-3), and the drafts of the next
    cycle each may continue as. Eleven queries."""
    window = update_window(cycle, organisation, today)
    late_updater = organisation.late_updaters.filter(pk=viewer.pk).exists()
    stages = set(Stage.objects.filter(cycle=cycle).values_list("department_id", flat=True))
    editable_ids = set(
        Objective.objects.filter(cycle=cycle).filter(editable_objectives_q(viewer)).values_list("pk", flat=True)
    )
    objectives = list(
        Objective.objects.filter(cycle=cycle, level__in=UPDATED_LEVELS)
        .filter(visible_objectives_q(viewer))
        .filter(Q(pk__in=editable_ids) | Q(level=Level.COMPANY) | Q(update_decision__isnull=False))
        .annotate(
            carried_visible=Exists(
                Objective.objects.filter(pk=OuterRef("update_decision__carried_id")).filter(
                    visible_objectives_q(viewer)
                )
            )
        )
        .select_related("owner", "department", "update_decision")
        .prefetch_related("key_results")
        .order_by("level", "department_id", "priority", "id")
    )
    drafts: dict[tuple[int | None, str], list[tuple[int, str]]] = {}
    if window.next_cycle is not None:
        for pk, owner_id, level, title in (
            Objective.objects.filter(cycle=window.next_cycle, carried_from__isnull=True, update_origin__isnull=True)
            .filter(editable_objectives_q(viewer))
            .order_by("priority", "id")
            .values_list("pk", "owner_id", "level", "title")
        ):
            drafts.setdefault((owner_id, level), []).append((pk, title))
    level_order: dict[str, int] = {Level.COMPANY: 0, Level.DEPARTMENT: 1, Level.TEAM: 1, Level.PERSON: 2}
    objectives.sort(key=lambda o: (level_order.get(o.level, 3), o.department_id or 0, o.priority, o.pk))
    lines = []
    for o in objectives:
        decision = getattr(o, "update_decision", None)
        blocked = ""
        if o.level != Level.COMPANY and None not in stages:
            blocked = str(_("after the company's update"))
        elif o.level == Level.PERSON and o.department_id is not None and o.department_id not in stages:
            blocked = str(_("after the department's update"))
        lines.append(
            ObjectiveLine(
                id=o.pk,
                title=o.title,
                level=o.level,
                level_label=o.get_level_display(),
                owner=str(o.owner) if o.owner else "",
                department=str(o.department) if o.department else "",
                department_id=o.department_id,
                progress=o.progress,
                score=o.score,
                suggested=suggested_outcome(o.score, o.progress),
                key_results=[
                    KeyResultLine(kr.pk, kr.title, kr.kind, kr.target_value, kr.unit, kr.progress, kr.score)
                    for kr in o.key_results.all()
                ],
                decision=decision,
                editable=o.pk in editable_ids,
                blocked=blocked,
                needs_approval=decision is not None and decision.needs_approval and not decision.is_approved,
                may_approve=decision is not None
                and decision.needs_approval
                and not decision.is_approved
                and may_approve(viewer, decision, organisation),
                drafts=drafts.get((o.owner_id, o.level), []),
                carried_visible=bool(getattr(o, "carried_visible", False)),
            )
        )
    new_company = []
    if window.next_cycle is not None:
        for new in (
            Objective.objects.filter(cycle=window.next_cycle, level=Level.COMPANY, carried_from__isnull=True)
            .filter(visible_objectives_q(viewer))
            .select_related("update_origin")
            .order_by("priority", "id")
        ):
            origin = getattr(new, "update_origin", None)
            new_company.append(
                NewObjectiveLine(
                    new.pk,
                    new.title,
                    origin,
                    origin is not None and not origin.is_approved and may_approve(viewer, origin, organisation),
                )
            )
    return UpdatePage(
        window=window,
        objectives=lines,
        new_company=new_company,
        company_done=None in stages,
        departments_done={d for d in stages if d is not None},
        is_late_updater=late_updater,
    )


@dataclass(frozen=True)
class PastValue:
    cycle: str
    title: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal
    unit: str
    progress: Decimal
    score: Decimal | None


# How many cycles back a key result's history reads (one query each).
LINEAGE_DEPTH = 4


def lineages(key_results: list[KeyResult]) -> dict[int, list[PastValue]]:
    """Each key result's values in the cycles before, newest first, following `carried_from`: one query per cycle
    back (at most `LINEAGE_DEPTH`), none when none was carried."""
    found: dict[int, list[PastValue]] = {kr.pk: [] for kr in key_results}
    wanted = {kr.carried_from_id: kr.pk for kr in key_results if kr.carried_from_id is not None}
    for _generation in range(LINEAGE_DEPTH):
        if not wanted:
            break
        following = {}
        for kr in KeyResult.objects.filter(pk__in=list(wanted)).select_related("objective__cycle"):
            root = wanted[kr.pk]
            found[root].append(
                PastValue(
                    kr.objective.cycle.name,
                    kr.title,
                    kr.start_value,
                    kr.target_value,
                    kr.current_value,
                    kr.unit,
                    kr.progress,
                    kr.score,
                )
            )
            if kr.carried_from_id is not None:
                following[kr.carried_from_id] = root
        wanted = following
    return found


def key_result_lineage(key_result: KeyResult) -> list[PastValue]:
    return lineages([key_result])[key_result.pk]


def objective_panel(page: PanelPage) -> dict[str, object]:
    """The objective page's section: its key results' earlier cycles (UPD-1), the decision that carried it."""
    history = lineages(page.key_results)
    rows = [(kr, history[kr.pk]) for kr in page.key_results if history[kr.pk]]
    return {"rows": rows, "carried_from": page.objective.carried_from_id}


@dataclass(frozen=True)
class ContinuityLine:
    title: str
    change: str  # kept, modified, dropped, new
    change_label: str
    before: str
    justification: str


CONTINUITY_LABELS = {
    UpdateAction.KEEP: _("kept"),
    UpdateAction.MODIFY: _("modified"),
    UpdateAction.ABANDON: _("dropped"),
    UpdateAction.NEW: _("new"),
}


def company_continuity(*, viewer: Person, cycle: Cycle) -> list[ContinuityLine]:
    """UPD-3: the company objectives of `cycle` against the cycle before: each kept, modified (with the title it had)
    or new, and those dropped at the update. One query."""
    lines = []
    for o in (
        Objective.objects.filter(level=Level.COMPANY)
        .filter(Q(cycle=cycle) | Q(update_decision__next_cycle=cycle, update_decision__action=UpdateAction.ABANDON))
        .filter(visible_objectives_q(viewer))
        .select_related("carried_from", "update_decision", "update_origin")
        .order_by("priority", "id")
    ):
        if o.cycle_id != cycle.pk:
            d = o.update_decision
            lines.append(
                ContinuityLine(
                    o.title, UpdateAction.ABANDON, str(CONTINUITY_LABELS[UpdateAction.ABANDON]), "", d.justification
                )
            )
            continue
        origin = getattr(o, "update_origin", None)
        if o.carried_from is None:
            lines.append(
                ContinuityLine(
                    o.title,
                    UpdateAction.NEW,
                    str(CONTINUITY_LABELS[UpdateAction.NEW]),
                    "",
                    origin.justification if origin else "",
                )
            )
            continue
        before = o.carried_from.title
        action = origin.action if origin is not None else UpdateAction.KEEP
        if action not in (UpdateAction.KEEP, UpdateAction.MODIFY):
            action = UpdateAction.KEEP
        lines.append(
            ContinuityLine(
                o.title,
                action,
                str(CONTINUITY_LABELS[action]),
                before if before != o.title else "",
                origin.justification if origin else "",
            )
        )
    return lines


def continuity_panel(viewer: Person, cycle: Cycle) -> dict[str, object] | None:
    """The company page's section (UPD-3): one query."""
    return {"lines": company_continuity(viewer=viewer, cycle=cycle)}


_CARRY_CHANGES = {
    UpdateAction.KEEP: "kept",
    UpdateAction.MODIFY: "modified",
    UpdateAction.ABANDON: "dropped",
    UpdateAction.NEW: "new",
}


def carried_lines(cycle: Cycle) -> list[dict[str, object]]:
    """For the publication of `cycle` (`qibu.publish.carry`): every objective the update carried into it (kept,
    changed), dropped at its update or new at the company level, with its objective's access keys. One query."""
    lines: list[dict[str, object]] = []
    for d in (
        Decision.objects.filter(next_cycle=cycle)
        .select_related("objective__owner", "objective__department", "carried__owner", "carried__department")
        .order_by("level", "id")
    ):
        shown = d.carried or d.objective
        if shown is None:
            continue
        owner = shown.owner
        lines.append(
            {
                "change": _CARRY_CHANGES[UpdateAction(d.action)],
                "what": "objective",
                "title": shown.title,
                "before": d.title if d.carried is not None and d.title != shown.title else "",
                "level": d.level,
                "visibility": shown.visibility,
                "owner_id": shown.owner_id,
                "author_id": shown.author_id,
                "owner_manager_id": owner.manager_id if owner else None,
                "department_path": shown.department.path if shown.department else "",
            }
        )
    return lines
