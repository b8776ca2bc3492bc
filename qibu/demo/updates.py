"""The demo company's update of a finished quarter (UPD-1 … UPD-5), run through the update's services as people
would: the executives decide on every company objective (most kept, the first rewritten and the last dropped,
each change justified and approved by the CEO or another executive), close the company's update; each department's
head decides on its objectives (one key result's target raised on the way, UPD-4) and closes the department's;
then every person decides on theirs; last an executive closes the update, which locks the quarter (UPD-5). The
generator runs it in `_close_the_loop`, after the reflections, when the current quarter is already drafted: an
objective is kept only where its owner has room (SET-3), and the drafted company objectives are justified as new."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase, phase_window
from qibu.okrs.access import can_edit
from qibu.okrs.models import KeyResultKind, Level, Objective
from qibu.org.models import Department, Person
from qibu.org.selectors import organisation_get
from qibu.updates.models import UpdateAction
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

COMPANY_REWRITE = "（更新）{title}：聚焦长三角重点城市"
COMPANY_MODIFY_WHY = (
    "上季度华东整体推进分散，复盘显示长三角三个城市贡献了七成新增收入。聚焦这些城市更重要，"
    "现有渠道和团队也已在当地到位，本季度可以做到。"
)
COMPANY_DROP_WHY = "市场环境变化，这个方向已不再是公司的重点；资源转投到聚焦后的核心目标上，避免分散。"
COMPANY_NEW_WHY = "这是本季度全年目标的关键一步：上季度复盘找到了差距和原因，团队和预算已经到位，本季度可以做到。"
# SET-3: at most three objectives per owner and cycle. The demo's current quarter was drafted before its update ran,
# so an objective is kept only where its owner still has room next quarter; else it is let go, replaced by the new.
MOST_PER_OWNER = 3


class _Room:
    """How many more objectives each owner may take in the next quarter."""

    def __init__(self, next_quarter: Cycle) -> None:
        self.taken = Counter(
            Objective.objects.filter(cycle=next_quarter, owner__isnull=False).values_list("owner_id", flat=True)
        )

    def take(self, objective: Objective) -> bool:
        if objective.owner_id is None or self.taken[objective.owner_id] >= MOST_PER_OWNER:
            return False
        self.taken[objective.owner_id] += 1
        return True


def _decider(objective: Objective, fallback: Person) -> Person:
    """Who decides, as in real use: the owner where they may, else the fallback (an executive or the head)."""
    owner = objective.owner
    if owner is not None and owner.is_active and can_edit(owner, objective):
        return owner
    return fallback


def _raised_targets(objective: Objective) -> dict[int, dict[str, str]]:
    """UPD-4: the first measured key result carried with a target raised by a tenth."""
    for kr in objective.key_results.all():
        if kr.kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
            factor = Decimal("1.1") if kr.kind == KeyResultKind.INCREASE else Decimal("0.9")
            target = (kr.target_value * factor).quantize(Decimal("1"))
            return {kr.pk: {"action": "modify", "target_value": str(target)}}
    return {}


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
    """The company: direction and continuity (UPD-3). The next quarter's company objectives drafted before the
    update are new ones, justified and approved like any."""
    organisation = organisation_get()
    company = [o for o in objectives if o.level == Level.COMPANY]
    for i, objective in enumerate(company):
        outcome = suggested_outcome(objective.score, objective.progress)
        if not room.take(objective):
            decision = decision_record(
                actor=lead, objective=objective, outcome=outcome, action=UpdateAction.ABANDON,
                justification=COMPANY_DROP_WHY, today=today,
            )  # fmt: skip
        elif i == 0 and len(company) > 1:
            decision = decision_record(
                actor=lead, objective=objective, outcome=outcome, action=UpdateAction.MODIFY,
                changes={"title": COMPANY_REWRITE.format(title=objective.title)[:200]},
                justification=COMPANY_MODIFY_WHY, today=today,
            )  # fmt: skip
        elif i == len(company) - 1 and len(company) > 2:
            decision = decision_record(
                actor=lead, objective=objective, outcome=outcome, action=UpdateAction.ABANDON,
                justification=COMPANY_DROP_WHY, today=today,
            )  # fmt: skip
        else:
            decision = decision_record(
                actor=lead, objective=objective, outcome=outcome, action=UpdateAction.KEEP, today=today
            )
        if decision.needs_approval:
            approver = next(p for p in [ceo, *executives] if p is not None and may_approve(p, decision, organisation))
            decision_approve(actor=approver, decision=decision)
    drafted = Objective.objects.filter(cycle=next_quarter, level=Level.COMPANY, carried_from__isnull=True)
    for objective in drafted.order_by("pk"):
        decision = new_objective_justify(actor=lead, objective=objective, justification=COMPANY_NEW_WHY)
        approver = next(p for p in [ceo, *executives] if p is not None and may_approve(p, decision, organisation))
        decision_approve(actor=approver, decision=decision)
    stage_close(actor=lead, cycle=quarter, today=today)


def _departments(
    objectives: list[Objective], *, lead: Person, quarter: Cycle, room: _Room, today: dt.date, rng: random.Random
) -> None:
    """The departments: key-result detail (UPD-4), closed by their heads."""
    by_department: dict[int, list[Objective]] = {}
    for objective in objectives:
        if objective.level in (Level.DEPARTMENT, Level.TEAM) and objective.department_id is not None:
            by_department.setdefault(objective.department_id, []).append(objective)
    departments = Department.objects.select_related("head").in_bulk(list(by_department))
    raised = False
    for pk, items in by_department.items():
        department = departments[pk]
        head = department.head if department.head is not None and department.head.is_active else lead
        for objective in items:
            if not room.take(objective):
                decision_record(
                    actor=_decider(objective, head), objective=objective,
                    outcome=suggested_outcome(objective.score, objective.progress), action=UpdateAction.ABANDON,
                    today=today,
                )  # fmt: skip
                continue
            key_results = {}
            if not raised or rng.random() < 0.3:
                key_results = _raised_targets(objective)
                raised = raised or bool(key_results)
            decision_record(
                actor=_decider(objective, head), objective=objective,
                outcome=suggested_outcome(objective.score, objective.progress), action=UpdateAction.KEEP,
                key_results=key_results, today=today,
            )  # fmt: skip
        stage_close(actor=head, cycle=quarter, department=department, today=today)


def _people(objectives: list[Objective], *, lead: Person, room: _Room, today: dt.date, rng: random.Random) -> None:
    """The people: each decides on their own; most keep, a few let a missed one go."""
    for objective in objectives:
        if objective.level != Level.PERSON:
            continue
        outcome = suggested_outcome(objective.score, objective.progress)
        let_go = (outcome == "missed" and rng.random() < 0.3) or not room.take(objective)
        action = UpdateAction.ABANDON if let_go else UpdateAction.KEEP
        decision_record(
            actor=_decider(objective, lead), objective=objective, outcome=outcome, action=action, today=today
        )


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
    _departments(objectives, lead=lead, quarter=quarter, room=room, today=today, rng=rng)
    _people(objectives, lead=lead, room=room, today=today, rng=rng)
    # The update closed: the quarter is locked (UPD-5).
    update_close(actor=lead, cycle=quarter)
