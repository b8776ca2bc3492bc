"""Roll-ups stay right under concurrent writers (MEAS-4, MEAS-5), on PostgreSQL with real connections.

Writers check in at the same moment on key results of two objectives aligned under one parent. Each check-in
locks its key result and then, in one order, every objective it will refresh (`rollup.lock_upwards`); without
that, two transactions each compute an objective from totals read before the other committed and the last to
commit leaves a stale roll-up that no later read corrects. After every round the stored progress and confidence
of the three objectives must equal what their key results give; no writer may fail (a deadlock would).
SQLite runs one write transaction at a time, so the test is for PostgreSQL.
"""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection, connections

from qibu.okrs.models import KeyResult, Level, Objective, RollupMode
from qibu.okrs.rollup import computed_rollups
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from tests.conftest import Company

WRITERS = 12
ROUNDS = 8

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


def _stale(objectives: list[Objective]) -> list[str]:
    """Objectives whose stored roll-up differs from what their key results and children give now."""
    computed = computed_rollups(o.pk for o in objectives)
    found = []
    for objective in Objective.objects.filter(pk__in=computed).order_by("pk"):
        stored = (objective.progress, objective.confidence)
        if stored != computed[objective.pk]:
            found.append(f"{objective.title}: stored {stored}, recomputed {computed[objective.pk]}")
    return found


@pytest.mark.django_db(transaction=True)
def test_it_keeps_roll_ups_right_under_concurrent_check_ins_MEAS_4_MEAS_5(
    transactional_db: None, company: Company
) -> None:
    """MEAS-4, MEAS-5: 12 writers × 8 rounds of simultaneous check-ins; no stale roll-up, no deadlock."""
    c = company
    parent = objective_create(
        actor=c.erin,
        cycle=c.quarter,
        level=Level.COMPANY,
        title="公司目标",
        owner=c.erin,
        rollup_mode=RollupMode.CHILDREN,
    )
    children = [
        objective_create(
            actor=c.hank,
            cycle=c.quarter,
            level=Level.DEPARTMENT,
            department=c.sales,
            owner=c.hank,
            title=f"部门目标 {n}",
            parent_objective_ids=[parent.pk],
        )
        for n in (1, 2)
    ]
    key_results = [
        key_result_create(
            actor=c.hank, objective=child, title=f"关键结果 {n}", start_value=0, target_value=100, weight=str(n)
        )
        for child in children
        for n in (1, 2, 3)
    ]
    rng = random.Random(20261201)
    failures: list[BaseException] = []
    stale_rounds: list[list[str]] = []

    def write(barrier: threading.Barrier, key_result_id: int, value: int, confidence: int) -> None:
        try:
            barrier.wait(timeout=30)
            kr = KeyResult.objects.select_related("objective__cycle").get(pk=key_result_id)
            checkin_record(
                actor=c.hank, key_result=kr, value=value, confidence=confidence, confidence_reason="并发测试"
            )
        except BaseException as exc:  # any failure of a writer fails the test below
            failures.append(exc)
        finally:
            connections.close_all()

    for _round in range(ROUNDS):
        barrier = threading.Barrier(WRITERS)
        threads = [
            threading.Thread(
                target=write,
                args=(barrier, rng.choice(key_results).pk, rng.randint(0, 120), rng.randint(0, 100)),
            )
            for _writer in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "a writer hung"
        stale = _stale([*children, parent])
        if stale:
            stale_rounds.append(stale)
    assert not failures, failures[:3]
    assert not stale_rounds, f"{len(stale_rounds)} of {ROUNDS} rounds left stale roll-ups: {stale_rounds[:2]}"
