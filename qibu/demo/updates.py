"""The demo company's update of a finished quarter (UPD-1 … UPD-5), run through the update's services as people
would: the executives decide on every company objective and close the company's update, each change justified and
approved by the CEO or another executive (UPD-3); each department's head decides on its objectives and closes the
department's; then every person decides on theirs; last an executive closes the update, which locks the quarter
(UPD-5). The generator runs it in `_close_the_loop`, when the current quarter is already drafted (the set phase
begins before the quarter): a closing objective continues as its owner's draft on the same theme, is copied when
its owner drafted nothing, and is let go otherwise; the company's drafts that continue nothing are justified as new."""

from __future__ import annotations

import datetime as dt
import random
import re

from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase, phase_window
from qibu.okrs.access import can_edit
from qibu.okrs.models import Level, Objective
from qibu.org.models import Department, Person
from qibu.org.selectors import organisation_get
from qibu.updates.models import Decision, UpdateAction
from qibu.updates.selectors import suggested_outcome
from qibu.updates.services import (
    decision_approve,
    decision_record,
    may_approve,
    new_objective_justify,
    stage_close,
    update_close,
)
from qibu.updates.window import next_cycle_of

COMPANY_DROP_WHY = "市场环境变化，这个方向已不再是公司的重点；资源转投到聚焦后的核心目标上，避免分散。"
COMPANY_NEW_WHY = "这是本季度全年目标的关键一步：上季度复盘找到了差距和原因，团队和预算已经到位，本季度可以做到。"


def _theme(title: str) -> str:
    return re.sub("[一二三四]季度", "", title)


class _Room:
    """Where each closing objective goes in the next quarter, which the demo drafted before its update: it
    continues as the draft of the same owner, level and theme where there is one (`decision_record(into=…)`), is
    copied when its owner drafted nothing, and is let go otherwise (the owner's drafts replace it; SET-3 allows
    three)."""

    def __init__(self, next_quarter: Cycle) -> None:
        drafted = list(Objective.objects.filter(cycle=next_quarter, carried_from__isnull=True))
        self.drafts = {(o.owner_id, o.level, _theme(o.title)): o.pk for o in drafted}
        self.drafting = {o.owner_id for o in drafted}

    def draft_for(self, objective: Objective) -> int | None:
        return self.drafts.pop((objective.owner_id, objective.level, _theme(objective.title)), None)

    def drafted_nothing(self, objective: Objective) -> bool:
        return objective.owner_id not in self.drafting


def _decider(objective: Objective, fallback: Person) -> Person:
    """Who decides, as in real use: the owner where they may, else the fallback (an executive or the head)."""
    owner = objective.owner
    if owner is not None and owner.is_active and can_edit(owner, objective):
        return owner
    return fallback


def _decide(objective: Objective, *, actor: Person, room: _Room, today: dt.date, let_go: bool = False) -> Decision:
    """Kept as its draft of the next quarter where there is one, or as a copy when its owner drafted nothing; let go
    otherwise (a company objective with the reason, UPD-3)."""
    outcome = suggested_outcome(objective.score, objective.progress)
    draft = None if let_go else room.draft_for(objective)
    if draft is not None:
        return decision_record(
            actor=actor, objective=objective, outcome=outcome, action=UpdateAction.KEEP, into=draft, today=today
        )
    if not let_go and room.drafted_nothing(objective):
        return decision_record(actor=actor, objective=objective, outcome=outcome, action=UpdateAction.KEEP, today=today)
    why = COMPANY_DROP_WHY if objective.level == Level.COMPANY else ""
    return decision_record(
        actor=actor, objective=objective, outcome=outcome, action=UpdateAction.ABANDON, justification=why, today=today
    )


def _approve(decision: Decision, *, ceo: Person | None, executives: list[Person]) -> None:
    organisation = organisation_get()
    approver = next(p for p in [ceo, *executives] if p is not None and may_approve(p, decision, organisation))
    decision_approve(actor=approver, decision=decision)


def _company(
    objectives: list[Objective],
    *,
    lead: Person,
    ceo: Person | None,
    executives: list[Person],
    quarter: Cycle,
    next_quarter: Cycle,
    room: _Room,
    today: dt.date,
) -> None:
    """The company: direction and continuity (UPD-3). A dropped company objective and each company objective of
    the next quarter that continues none are justified and approved."""
    for objective in (o for o in objectives if o.level == Level.COMPANY):
        decision = _decide(objective, actor=lead, room=room, today=today)
        if decision.needs_approval:
            _approve(decision, ceo=ceo, executives=executives)
    drafted = Objective.objects.filter(cycle=next_quarter, level=Level.COMPANY, carried_from__isnull=True)
    for objective in drafted.order_by("pk"):
        decision = new_objective_justify(actor=lead, objective=objective, justification=COMPANY_NEW_WHY)
        _approve(decision, ceo=ceo, executives=executives)
    stage_close(actor=lead, cycle=quarter, today=today)


def _departments(objectives: list[Objective], *, lead: Person, quarter: Cycle, room: _Room, today: dt.date) -> None:
    """The departments: each head decides on the department's and its teams' objectives and closes its update."""
    by_department: dict[int, list[Objective]] = {}
    for objective in objectives:
        if objective.level in (Level.DEPARTMENT, Level.TEAM) and objective.department_id is not None:
            by_department.setdefault(objective.department_id, []).append(objective)
    departments = Department.objects.select_related("head").in_bulk(list(by_department))
    for pk, items in by_department.items():
        department = departments[pk]
        head = department.head if department.head is not None and department.head.is_active else lead
        for objective in items:
            _decide(objective, actor=_decider(objective, head), room=room, today=today)
        stage_close(actor=head, cycle=quarter, department=department, today=today)


def _people(objectives: list[Objective], *, lead: Person, room: _Room, today: dt.date, rng: random.Random) -> None:
    """The people: each decides on their own; most keep, a few let a missed one go."""
    for objective in (o for o in objectives if o.level == Level.PERSON):
        missed = suggested_outcome(objective.score, objective.progress) == "missed"
        let_go = missed and rng.random() < 0.3
        _decide(objective, actor=_decider(objective, lead), room=room, today=today, let_go=let_go)


def demo_updates(*, quarter: Cycle, next_quarter: Cycle, rng: random.Random) -> None:
    """Run the whole update of `quarter` (finished) into `next_quarter` (open, the quarter after it)."""
    organisation = organisation_get()
    # The update's last day: the quarter's self-assessments and reflections are behind it (UPD-1).
    today = phase_window(quarter, organisation, Phase.UPDATE).end
    executives = list(Person.objects.filter(is_active=True, role__in=["executive", "admin"]).order_by("pk"))
    ceo = organisation.ceo if organisation.ceo is not None and organisation.ceo.is_active else None
    lead = ceo or executives[0]
    objectives = list(
        Objective.objects.filter(cycle=quarter, level__in=[Level.COMPANY, Level.DEPARTMENT, Level.TEAM, Level.PERSON])
        .select_related("owner", "department", "team")
        .prefetch_related("key_results")
        .order_by("priority", "id")
    )
    if next_cycle_of(quarter) != next_quarter:
        raise ValueError(f"{next_quarter} is not the quarter after {quarter}: the update carries into that one.")
    room = _Room(next_quarter)
    _company(
        objectives, lead=lead, ceo=ceo, executives=executives, quarter=quarter, next_quarter=next_quarter, room=room,
        today=today,
    )  # fmt: skip
    _departments(objectives, lead=lead, quarter=quarter, room=room, today=today)
    _people(objectives, lead=lead, room=room, today=today, rng=rng)
    # The update closed: the quarter is locked (UPD-5).
    update_close(actor=lead, cycle=quarter)
