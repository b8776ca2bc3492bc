"""The demo's update (UPD-1 … UPD-5) on a small company: every closing objective decided, most kept, the company's
first objective rewritten and its last dropped with their justifications approved, a key result's target raised,
every level's update closed in order and the quarter locked."""

from __future__ import annotations

import random

from qibu.demo.updates import demo_updates
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.updates.models import Decision, Stage, UpdateAction
from tests.updates.conftest import World


def test_the_demo_runs_the_whole_update_of_a_finished_quarter_UPD_2(world: World) -> None:
    w = world
    for title in ("提升品牌知名度", "降低运营成本"):
        o = objective_create(actor=w.c.erin, cycle=w.ending, level=Level.COMPANY, title=title, owner=w.c.erin)
        key_result_create(actor=w.c.erin, objective=o, title=f"{title}指标", start_value=0, target_value=10)
    demo_updates(quarter=w.ending, next_quarter=w.next, rng=random.Random(7))
    assert not Objective.objects.filter(cycle=w.ending, update_decision__isnull=True).exists()
    company = Decision.objects.filter(level=Level.COMPANY).order_by("objective__priority", "objective_id")
    actions = sorted(d.action for d in company)
    assert actions == sorted([UpdateAction.MODIFY, UpdateAction.KEEP, UpdateAction.ABANDON])
    assert all(d.is_approved and d.justification for d in company if d.needs_approval)
    assert Stage.objects.filter(cycle=w.ending, department__isnull=True).exists()
    assert Stage.objects.filter(cycle=w.ending, department=w.c.sales).exists()
    raised = KeyResult.objects.get(carried_from=w.dept_kr)
    assert raised.target_value == 11
    w.ending.refresh_from_db()
    assert w.ending.is_closed
    assert Objective.objects.filter(cycle=w.next, carried_from__isnull=False).count() >= 3
