"""The demo company's corrections and milestone due dates (EXE-11, EXE-9; PLAY-SALES step 5).

Milestones are due across their key result's dates, the first ones (done) earliest: those not done whose day has
passed are overdue, for their owners' pages, their managers' home panel and the daily job. Two corrections of the
quarter go through the services, as a person's would: a sales member's manager revised the target of a key result
behind its numbers (agreed by making it: the manager approves it), and a department head changed the strategy of
their department's objective, which went to its approver and was agreed there. The strategy change is dated two weeks
ago (the revised target today, after the week's check-ins), so that the chart keeps the progress before them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q

from qibu.cycles.models import Cycle
from qibu.okrs import access
from qibu.okrs.approval import approvers_of
from qibu.okrs.models import (
    Approval,
    Correction,
    CorrectionKind,
    KeyResult,
    KeyResultKind,
    Level,
    Milestone,
    Objective,
)
from qibu.okrs.services import correction_make, objective_approve
from qibu.org.models import Organisation, Person

TARGET_REASON = "华东区连锁客户预算冻结，原目标已无法达成；按本季度实际商机重新测算目标。"
STRATEGY_REASON = "大客户签约周期普遍超过两个月，本季度只靠大客户无法完成目标。"
STRATEGY = "转向中型连锁客户：增派两名售前支持，每周与市场部共同跟进峰会线索。"


def _due_dates(quarter: Cycle) -> int:
    """Spread each milestone key result's milestones over its dates; answers how many got a due date."""
    milestones = list(
        Milestone.objects.filter(key_result__objective__cycle=quarter)
        .select_related("key_result")
        .only("key_result__start_date", "key_result__end_date", "position", "key_result_id")
        .order_by("key_result_id", "position", "pk")
    )
    counts: dict[int, int] = {}
    for m in milestones:
        counts[m.key_result_id] = counts.get(m.key_result_id, 0) + 1
    seen: dict[int, int] = {}
    for m in milestones:
        kr = m.key_result
        i = seen[m.key_result_id] = seen.get(m.key_result_id, 0) + 1
        span = (kr.end_date - kr.start_date).days
        m.due_date = kr.start_date + dt.timedelta(days=span * i // (counts[m.key_result_id] + 1))
    Milestone.objects.bulk_update(milestones, ["due_date"], batch_size=2000)
    return len(milestones)


def _target_correction(quarter: Cycle, organisation: Organisation, now: dt.datetime) -> Correction | None:
    """A sales member's key result revised by their manager, who approves it."""
    candidates = (
        KeyResult.objects.filter(
            objective__cycle=quarter,
            objective__level=Level.PERSON,
            objective__approval=Approval.APPROVED,
            kind=KeyResultKind.INCREASE,
            objective__owner__manager__isnull=False,
        )
        .annotate(n=Count("check_ins"))
        .filter(n__gte=3)
        .select_related("objective__owner__manager", "objective__cycle")
        .order_by("progress", "pk")[:20]
    )
    for kr in candidates:
        objective = kr.objective
        manager = objective.owner.manager if objective.owner else None
        if manager is None or not access.can_edit(manager, objective):
            continue
        new_target = (kr.start_value + (kr.target_value - kr.start_value) * Decimal("0.8")).quantize(Decimal(1))
        if new_target in (kr.target_value, kr.start_value):
            continue
        try:
            correction = correction_make(
                actor=manager,
                objective=objective,
                key_result=kr,
                kind=CorrectionKind.TARGET,
                reason=TARGET_REASON,
                changes={"target_value": new_target},
                organisation=organisation,
            )
        except (ValidationError, PermissionDenied):
            continue
        # Made now, after the week's check-ins that showed the plan no longer held: they keep the old target's
        # progress, and the chart steps to the new one from here.
        return correction
    return None


def _strategy_correction(quarter: Cycle, organisation: Organisation, now: dt.datetime) -> Correction | None:
    """A department head changes the strategy of their department's objective; its approver agrees it."""
    objectives = (
        Objective.objects.filter(cycle=quarter, level=Level.DEPARTMENT, approval=Approval.APPROVED)
        .filter(Q(department__head__isnull=False))
        .select_related("department__head", "cycle", "owner")
        .order_by("pk")[:10]
    )
    for objective in objectives:
        head: Person | None = objective.department.head if objective.department else None
        if head is None or not access.can_edit(head, objective):
            continue
        try:
            correction = correction_make(
                actor=head,
                objective=objective,
                kind=CorrectionKind.STRATEGY,
                reason=STRATEGY_REASON,
                changes={"strategy": STRATEGY},
                organisation=organisation,
            )
            approvers = approvers_of(objective, ceo_id=organisation.ceo_id)
            if correction.approver_id is None and approvers:
                objective_approve(
                    actor=approvers[0], objective=objective, comment="同意调整。", organisation=organisation
                )
        except (ValidationError, PermissionDenied):
            continue
        correction.refresh_from_db()
        when = now - dt.timedelta(days=14)
        Correction.objects.filter(pk=correction.pk).update(
            created_at=when, agreed_at=when + dt.timedelta(hours=3) if correction.agreed_at else None
        )
        return correction
    return None


def build_corrections(*, quarter: Cycle, now: dt.datetime) -> int:
    """Due dates for the quarter's milestones, and the two corrections; answers how many corrections were made."""
    _due_dates(quarter)
    organisation = Organisation.objects.get(pk=1)
    made = [_target_correction(quarter, organisation, now), _strategy_correction(quarter, organisation, now)]
    return sum(1 for c in made if c is not None)
