"""The demo's update (UPD-1 … UPD-5) on a small company: every closing objective decided — continued as its owner's
draft of the next quarter where there is one, copied where its owner drafted nothing, let go otherwise with the
company's justification approved — every level's update closed in order and the quarter locked."""

from __future__ import annotations

import random

from qibu.demo.updates import demo_updates
from qibu.okrs.models import Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.updates.models import Decision, Stage, UpdateAction
from tests.updates.conftest import World


def test_the_demo_runs_the_whole_update_of_a_finished_quarter_UPD_2(world: World) -> None:
    w = world
    for title in ("提升品牌知名度", "降低运营成本"):
        o = objective_create(actor=w.c.erin, cycle=w.ending, level=Level.COMPANY, title=title, owner=w.c.erin)
        key_result_create(actor=w.c.erin, objective=o, title=f"{title}指标", start_value=0, target_value=10)
    # erin drafted the next quarter's brand objective before the update; she drafted nothing else.
    draft = objective_create(actor=w.c.erin, cycle=w.next, level=Level.COMPANY, title="提升品牌知名度", owner=w.c.erin)
    demo_updates(quarter=w.ending, next_quarter=w.next, rng=random.Random(7))
    assert not Objective.objects.filter(cycle=w.ending, update_decision__isnull=True).exists()
    erins = Decision.objects.filter(level=Level.COMPANY, objective__owner=w.c.erin)
    continued = erins.get(objective__title="提升品牌知名度")
    assert (continued.action, continued.carried_id) == (UpdateAction.KEEP, draft.pk)  # continued, not copied
    dropped = erins.get(objective__title="降低运营成本")
    assert dropped.action == UpdateAction.ABANDON and dropped.is_approved and dropped.justification  # UPD-3
    assert Objective.objects.filter(cycle=w.next, title="提升品牌知名度").count() == 1
    assert Stage.objects.filter(cycle=w.ending, department__isnull=True).exists()
    assert Stage.objects.filter(cycle=w.ending, department=w.c.sales).exists()
    w.ending.refresh_from_db()
    assert w.ending.is_closed
    # The others' owners drafted nothing: their objectives are copied into the next quarter.
    assert Objective.objects.filter(cycle=w.next, carried_from__isnull=False).count() >= 3
