"""The demo's corrections and milestone due dates (EXE-11, EXE-9): a revised target with its reason and approver, a
change of strategy agreed by the objective's approver, and milestones due across their key results, some overdue."""

from __future__ import annotations

from django.utils import timezone

from qibu.demo.generator import DemoSummary
from qibu.okrs.milestones import overdue_of_reports
from qibu.okrs.models import Correction, CorrectionApproval, CorrectionKind, Milestone
from tests.demo.test_demo import TODAY, demo  # noqa: F401  (the module's company, used by name)


def test_the_demo_holds_a_revised_target_and_a_strategy_change_EXE_11(demo: DemoSummary, db: None) -> None:  # noqa: F811
    target = Correction.objects.get(kind=CorrectionKind.TARGET)
    assert target.reason and target.after["target_value"] != target.before["target_value"]
    assert target.approval == CorrectionApproval.AGREED and target.approver_id is not None
    assert target.progress_after is not None and target.progress_after > (target.progress_before or 0)
    strategy = Correction.objects.get(kind=CorrectionKind.STRATEGY)
    assert strategy.after["strategy"] and strategy.reason
    assert strategy.approval == CorrectionApproval.AGREED
    assert strategy.approver_id not in (None, strategy.actor_id)
    assert strategy.created_at < timezone.now()


def test_the_demo_milestones_have_due_dates_some_overdue_EXE_9(demo: DemoSummary, db: None) -> None:  # noqa: F811
    quarter = Milestone.objects.filter(key_result__objective__cycle__start__lte=TODAY, key_result__objective__cycle__end__gte=TODAY, key_result__objective__cycle__kind="quarter")  # fmt: skip
    assert quarter.exists() and not quarter.filter(due_date__isnull=True).exists()
    overdue = quarter.filter(done=False, due_date__lt=TODAY)
    assert overdue.exists()
    milestone = overdue.select_related("key_result__owner__manager").first()
    assert milestone is not None and milestone.key_result.owner is not None
    manager = milestone.key_result.owner.manager
    if manager is not None:
        assert overdue_of_reports(manager=manager, today=TODAY)
