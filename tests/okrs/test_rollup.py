"""Stored roll-ups stay right after every change (MEAS-4 progress, MEAS-5 confidence)."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any, TypedDict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qibu.okrs.models import Approval, KeyResult, KeyResultKind, Level, Objective, RollupMode
from qibu.okrs.rollup import refresh_all, refresh_objectives
from qibu.okrs.services import (
    alignment_set,
    checkin_record,
    key_result_create,
    key_result_delete,
    key_result_update,
    objective_approve,
    objective_create,
    objective_delete,
    objective_submit,
    objective_update,
)
from tests.conftest import Company


class Tree(TypedDict):
    top: Objective
    left: Objective
    right: Objective
    left_kr: KeyResult
    right_kr: KeyResult


class Snapshot(TypedDict):
    objectives: dict[int, Decimal]
    confidence: dict[int, Decimal | None]
    krs: dict[int, tuple[Decimal, Decimal]]


D = Decimal


def _objective(c: Company, title: str, *, mode: str = RollupMode.KEY_RESULTS, **kwargs: Any) -> Objective:
    return objective_create(
        actor=c.erin, cycle=c.quarter, level=Level.COMPANY, owner=c.erin, title=title, rollup_mode=mode, **kwargs
    )


def _kr(
    c: Company, objective: Objective, *, weight: int = 1, confidence: int = 50, target: int = 100, **kwargs: Any
) -> KeyResult:
    return key_result_create(
        actor=c.erin,
        objective=objective,
        title=f"KR of {objective.title}",
        start_value=0,
        target_value=target,
        weight=weight,
        confidence=confidence,
        **kwargs,
    )


def _progress(objective: Objective) -> Decimal:
    return Objective.objects.get(pk=objective.pk).progress


def _confidence(objective: Objective) -> Decimal | None:
    return Objective.objects.get(pk=objective.pk).confidence


def _checkin(c: Company, kr: KeyResult, value: int, confidence: int | None = None) -> None:
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=kr.pk)
    checkin_record(
        actor=c.erin,
        key_result=kr,
        value=value,
        confidence=kr.confidence if confidence is None else confidence,
        confidence_reason="tested",
        confirm=True,  # any value: the roll-up is tested, not how plausible the value is
    )


# --- the three modes --------------------------------------------------------------------------------


def test_it_weighs_key_results_in_key_results_mode_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    c = company
    objective = _objective(c, "O")
    heavy = _kr(c, objective, weight=3)
    light = _kr(c, objective, weight=1)
    _checkin(c, heavy, 100)
    assert _progress(objective) == D("0.75")
    _checkin(c, light, 100)
    assert _progress(objective) == D("1")


def test_it_weighs_key_results_equally_by_default_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    c = company
    objective = _objective(c, "O")
    first = key_result_create(actor=c.erin, objective=objective, title="a", start_value=0, target_value=10)
    key_result_create(actor=c.erin, objective=objective, title="b", start_value=0, target_value=10)
    key_result_create(actor=c.erin, objective=objective, title="c", start_value=0, target_value=10)
    _checkin(c, first, 10)
    assert _progress(objective) == D("0.3333")


def test_it_ignores_aligned_children_in_key_results_mode_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    c = company
    parent = _objective(c, "P")
    _kr(c, parent)
    child = _objective(c, "C", parent_objective_ids=[parent.pk])
    _checkin(c, _kr(c, child), 100)
    assert _progress(child) == D("1")
    assert _progress(parent) == D("0")


def test_it_uses_only_the_children_in_children_mode_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    c = company
    parent = _objective(c, "P", mode=RollupMode.CHILDREN)
    own = _kr(c, parent)
    _checkin(c, own, 100)
    assert _progress(parent) == D("0")  # no children yet
    first = _objective(c, "C1", parent_objective_ids=[parent.pk])
    second = _objective(c, "C2", parent_objective_ids=[parent.pk], weight=3)
    _checkin(c, _kr(c, first), 100)
    assert _progress(parent) == D("0.25")
    _checkin(c, _kr(c, second), 100)
    assert _progress(parent) == D("1")


def test_it_mixes_key_results_and_children_by_weight_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    c = company
    parent = _objective(c, "P", mode=RollupMode.KEY_RESULTS_AND_CHILDREN)
    own = _kr(c, parent, weight=1)
    child = _objective(c, "C", parent_key_result_ids=[own.pk], weight=2)
    _checkin(c, _kr(c, child), 60)
    # KR 0 (weight 1), child 0.6 (weight 2) → 1.2 / 3.
    assert _progress(parent) == D("0.4")
    _checkin(c, own, 100)
    assert _progress(parent) == D("0.7333")


def test_it_rolls_over_achievement_up_clamped_MEAS_1_MEAS_4(company: Company) -> None:
    """MEAS-1, MEAS-4."""
    c = company
    objective = _objective(c, "O")
    kr = _kr(c, objective, target=10)
    other = _kr(c, objective, target=10)
    _checkin(c, kr, 30)
    kr.refresh_from_db()
    assert kr.progress_raw == D("3")
    assert kr.progress == D("1")
    assert _progress(objective) == D("0.5")
    _checkin(c, other, -10)
    other.refresh_from_db()
    assert other.progress_raw == D("-1")
    assert _progress(objective) == D("0.5")


# --- confidence -----------------------------------------------------------------------------------


def test_it_makes_objective_confidence_the_weighted_mean_of_key_results_MEAS_5(company: Company) -> None:
    """MEAS-5."""
    c = company
    objective = _objective(c, "O")
    assert _confidence(objective) is None
    first = _kr(c, objective, weight=1, confidence=90)
    assert _confidence(objective) == D("90")
    second = _kr(c, objective, weight=3, confidence=50)
    assert _confidence(objective) == D("60")
    _checkin(c, second, 10, confidence=30)
    assert _confidence(objective) == D("45")
    key_result_update(actor=c.erin, key_result=first, data={"weight": 3})
    assert _confidence(objective) == D("60")


def test_it_rolls_confidence_up_from_children_MEAS_5(company: Company) -> None:
    """MEAS-5."""
    c = company
    parent = _objective(c, "P", mode=RollupMode.CHILDREN)
    first = _objective(c, "C1", parent_objective_ids=[parent.pk])
    _objective(c, "C2 has no key results yet", parent_objective_ids=[parent.pk])
    _kr(c, first, confidence=80)
    # The child without key results has no confidence: it is left out of the mean, not counted as 0.
    assert _confidence(parent) == D("80")


# --- every change keeps the roll-up right ----------------------------------------------------------


@pytest.fixture
def tree(company: Company) -> Tree:
    """company (children mode) ← two department objectives, each with one KR at 0 %."""
    c = company
    top = _objective(c, "Top", mode=RollupMode.CHILDREN)
    left = _objective(c, "Left", parent_objective_ids=[top.pk])
    right = _objective(c, "Right", parent_objective_ids=[top.pk])
    return {"top": top, "left": left, "right": right, "left_kr": _kr(c, left), "right_kr": _kr(c, right)}


def test_it_follows_a_checkin_up_to_the_top_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    _checkin(company, tree["left_kr"], 50)
    assert _progress(tree["left"]) == D("0.5")
    assert _progress(tree["top"]) == D("0.25")


def test_it_follows_a_key_result_weight_change_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    c = company
    extra = _kr(c, tree["left"])
    _checkin(c, extra, 100)
    assert _progress(tree["left"]) == D("0.5")
    assert _progress(tree["top"]) == D("0.25")
    key_result_update(actor=c.erin, key_result=extra, data={"weight": 3})
    assert _progress(tree["left"]) == D("0.75")
    assert _progress(tree["top"]) == D("0.375")


def test_it_follows_an_objective_weight_change_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    c = company
    _checkin(c, tree["left_kr"], 100)
    assert _progress(tree["top"]) == D("0.5")
    objective_update(actor=c.erin, objective=tree["left"], data={"weight": 3})
    assert _progress(tree["top"]) == D("0.75")


def test_it_leaves_drafts_out_of_the_parent_until_approved_MEAS_4_SET_1(company: Company, tree: Tree) -> None:
    """MEAS-4, SET-1: an objective never approved does not count in what it aligns to; approved, it does."""
    c = company
    _checkin(c, tree["left_kr"], 100)
    assert _progress(tree["top"]) == D("0.5")
    Objective.objects.filter(pk=tree["right"].pk).update(approval=Approval.DRAFT, approved_at=None)
    refresh_objectives([tree["top"].pk])
    assert _progress(tree["top"]) == D("1")
    objective_submit(actor=c.erin, objective=Objective.objects.get(pk=tree["right"].pk))
    assert _progress(tree["top"]) == D("1")
    objective_approve(actor=c.alice, objective=Objective.objects.get(pk=tree["right"].pk))
    assert _progress(tree["top"]) == D("0.5")


def test_it_moves_the_progress_with_a_realignment_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    c = company
    other_top = _objective(c, "Other top", mode=RollupMode.CHILDREN)
    _checkin(c, tree["left_kr"], 100)
    assert _progress(tree["top"]) == D("0.5")
    assert _progress(other_top) == D("0")
    alignment_set(actor=c.erin, objective=tree["left"], parent_objective_ids=[other_top.pk])
    assert _progress(tree["top"]) == D("0")  # old parent drops
    assert _progress(other_top) == D("1")  # new parent rises


def test_it_drops_a_deleted_child_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    c = company
    _checkin(c, tree["left_kr"], 100)
    assert _progress(tree["top"]) == D("0.5")
    objective_delete(actor=c.erin, objective=Objective.objects.get(pk=tree["right"].pk))
    assert _progress(tree["top"]) == D("1")


def test_it_follows_a_deleted_key_result_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    c = company
    done = _kr(c, tree["left"])
    _checkin(c, done, 100)
    assert _progress(tree["left"]) == D("0.5")
    assert _progress(tree["top"]) == D("0.25")
    key_result_delete(actor=c.erin, key_result=KeyResult.objects.get(pk=tree["left_kr"].pk))
    assert _progress(tree["left"]) == D("1")
    assert _progress(tree["top"]) == D("0.5")


def test_it_drops_children_aligned_to_a_deleted_key_result_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    c = company
    parent = _objective(c, "P", mode=RollupMode.KEY_RESULTS_AND_CHILDREN)
    anchor = _kr(c, parent)
    _kr(c, parent)
    child = _objective(c, "C", parent_key_result_ids=[anchor.pk])
    _checkin(c, _kr(c, child), 100)
    assert _progress(parent) == D("0.3333")
    key_result_delete(actor=c.erin, key_result=KeyResult.objects.get(pk=anchor.pk))
    assert _progress(parent) == D("0")


def test_it_counts_a_child_in_every_parent_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    c = company
    first = _objective(c, "P1", mode=RollupMode.CHILDREN)
    second = _objective(c, "P2", mode=RollupMode.KEY_RESULTS_AND_CHILDREN)
    _kr(c, second)
    child = _objective(c, "C", parent_objective_ids=[first.pk, second.pk])
    _checkin(c, _kr(c, child), 80)
    assert _progress(first) == D("0.8")
    assert _progress(second) == D("0.4")


def test_it_follows_a_rollup_mode_change_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    c = company
    own = _kr(c, tree["top"])
    _checkin(c, own, 100)
    _checkin(c, tree["left_kr"], 50)
    assert _progress(tree["top"]) == D("0.25")
    objective_update(actor=c.erin, objective=tree["top"], data={"rollup_mode": RollupMode.KEY_RESULTS})
    assert _progress(tree["top"]) == D("1")
    objective_update(actor=c.erin, objective=tree["top"], data={"rollup_mode": RollupMode.KEY_RESULTS_AND_CHILDREN})
    assert _progress(tree["top"]) == D("0.5")


def test_it_rolls_three_levels_up_MEAS_4(company: Company, tree: Tree) -> None:
    """MEAS-4."""
    c = company
    grandchild = _objective(c, "Grandchild", parent_objective_ids=[tree["left"].pk])
    objective_update(actor=c.erin, objective=tree["left"], data={"rollup_mode": RollupMode.CHILDREN})
    _checkin(c, _kr(c, grandchild), 40)
    assert _progress(tree["left"]) == D("0.4")
    assert _progress(tree["top"]) == D("0.2")


# --- a full recomputation agrees with the incremental one -------------------------------------------


def _snapshot() -> Snapshot:
    return {
        "objectives": dict(Objective.objects.values_list("id", "progress")),
        "confidence": dict(Objective.objects.values_list("id", "confidence")),
        "krs": {pk: (p, raw) for pk, p, raw in KeyResult.objects.values_list("id", "progress", "progress_raw")},
    }


def _random_parents(
    rng: random.Random, objectives: list[Objective], krs: list[KeyResult]
) -> tuple[list[int], list[int]]:
    """Up to two earlier objectives (or one of their key results) to align a new one to: never a loop."""
    parent_objectives: list[int] = []
    parent_krs: list[int] = []
    for parent in rng.sample(objectives, k=min(len(objectives), rng.randint(0, 2))):
        own_krs = [k for k in krs if k.objective_id == parent.pk]
        if own_krs and rng.random() < 0.5:
            parent_krs.append(rng.choice(own_krs).pk)
        else:
            parent_objectives.append(parent.pk)
    return parent_objectives, parent_krs


def _random_key_result(c: Company, rng: random.Random, objective: Objective, title: str) -> KeyResult:
    kind = rng.choice(KeyResultKind.values)
    extras: dict[str, dict[str, Any]] = {
        KeyResultKind.DECREASE: {"start_value": 50, "target_value": rng.choice([10, 7, 0])},
        KeyResultKind.BAND: {"band_low": 90, "band_high": 99},
        KeyResultKind.MILESTONES: {"milestones": [{"title": "m1", "weight": 1}, {"title": "m2", "weight": 2}, "m3"]},
    }
    extra = extras.get(kind, {})
    return key_result_create(
        actor=c.erin,
        objective=objective,
        title=title,
        kind=kind,
        start_value=extra.pop("start_value", 0),
        target_value=extra.pop("target_value", rng.choice([1, 3, 7, 100])),
        weight=rng.choice(["1", "2", "0.25"]),
        confidence=rng.randint(0, 100),
        **extra,
    )


def _random_checkin(c: Company, rng: random.Random, kr: KeyResult) -> None:
    done = None
    if kr.kind == KeyResultKind.MILESTONES:
        done = [m.pk for m in kr.milestones.all() if rng.random() < 0.5]
    values: dict[str, int] = {
        KeyResultKind.BOOLEAN: rng.choice([0, 1]),
        KeyResultKind.BAND: rng.choice([85, 95, 100]),
        KeyResultKind.DECREASE: rng.randint(-5, 60),
    }
    value = values.get(kr.kind, rng.randint(-10, 120))
    checkin_record(
        actor=c.erin,
        key_result=kr,
        value=None if kr.kind == KeyResultKind.MILESTONES else value,
        milestones_done=done,
        confidence=rng.randint(0, 100),
        confidence_reason="random walk",
        confirm=True,
    )


def _random_change(c: Company, rng: random.Random, objectives: list[Objective], krs: list[KeyResult]) -> None:
    """One of the changes that move roll-ups: a check-in, a weight, an approval, a roll-up mode, a re-alignment."""
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=rng.choice(krs).pk)
    action = rng.random()
    if action < 0.6:
        _agree(c, kr.objective)  # check-ins go to agreed objectives only
        _random_checkin(c, rng, kr)
    elif action < 0.75:
        key_result_update(actor=c.erin, key_result=kr, data={"weight": rng.choice(["1", "4", "0.5"])})
    elif action < 0.85:
        objective = Objective.objects.get(pk=rng.choice(objectives).pk)
        objective_update(
            actor=c.erin,
            objective=objective,
            data={"weight": rng.choice(["1", "2"])},
        )
        if rng.random() < 0.5:
            _agree(c, objective)
    elif action < 0.95:
        objective = Objective.objects.get(pk=rng.choice(objectives).pk)
        objective_update(actor=c.erin, objective=objective, data={"rollup_mode": rng.choice(RollupMode.values)})
    else:
        objective = Objective.objects.get(pk=rng.choice(objectives[4:]).pk)
        # Re-align to an earlier objective: never a loop, since links always point to earlier ones.
        earlier = [o.pk for o in objectives if o.pk < objective.pk]
        alignment_set(actor=c.erin, objective=objective, parent_objective_ids=rng.sample(earlier, k=1))


def _agree(c: Company, objective: Objective) -> None:
    """Submit and approve a draft (SET-1): from then on it counts in what it aligns to (MEAS-4)."""
    if objective.approval == Approval.DRAFT:
        objective_submit(actor=c.erin, objective=objective)
        objective_approve(actor=c.alice, objective=objective)


def _random_tree(c: Company, rng: random.Random) -> None:
    objectives: list[Objective] = []
    krs: list[KeyResult] = []
    for i in range(18):
        parent_objectives, parent_krs = _random_parents(rng, objectives, krs)
        # A third are drafts, left out of the roll-ups until approved.
        c.org.approval_required = rng.random() < 1 / 3
        objective = _objective(
            c,
            f"O{i}",
            mode=rng.choice(RollupMode.values),
            weight=rng.choice(["1", "2", "0.5", "3.25"]),
            parent_objective_ids=parent_objectives,
            parent_key_result_ids=parent_krs,
            organisation=c.org,
        )
        objectives.append(objective)
        krs.extend(_random_key_result(c, rng, objective, f"KR {i}") for _k in range(rng.randint(0, 3)))
    for _step in range(40):
        _random_change(c, rng, objectives, krs)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_it_gives_the_same_numbers_from_scratch_as_step_by_step_MEAS_4_MEAS_5(company: Company, seed: int) -> None:
    """MEAS-4, MEAS-5."""
    _random_tree(company, random.Random(seed))
    incremental = _snapshot()
    Objective.objects.update(progress=0, confidence=None)
    KeyResult.objects.update(progress=0, progress_raw=0)
    refresh_all()
    assert _snapshot() == incremental
    assert any(p > 0 for p in incremental["objectives"].values())


def _checkin_queries(c: Company, siblings: int) -> int:
    top = _objective(c, f"Top {siblings}", mode=RollupMode.CHILDREN)
    children = [_objective(c, f"C{i}", parent_objective_ids=[top.pk]) for i in range(siblings)]
    krs = [_kr(c, child) for child in children]
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=krs[0].pk)
    with CaptureQueriesContext(connection) as queries:
        checkin_record(actor=c.erin, key_result=kr, value=50, confidence=50, organisation=c.org)
    assert _progress(top) == D("0.5") / siblings
    return len(queries)


def test_it_refreshes_a_checkin_in_as_many_queries_for_2_siblings_as_for_40_MEAS_4(company: Company) -> None:
    """MEAS-4."""
    assert _checkin_queries(company, 2) == _checkin_queries(company, 40)


def test_it_answers_the_roll_up_it_stored_for_the_objectives_asked_for(company: Company) -> None:
    c = company
    top = _objective(c, "Top", mode=RollupMode.CHILDREN)
    child = _objective(c, "Child", parent_objective_ids=[top.pk])
    _kr(c, child, confidence=70)
    _checkin(c, KeyResult.objects.get(objective=child), 40)
    Objective.objects.filter(pk__in=[top.pk, child.pk]).update(progress=0, confidence=None)
    answer = refresh_objectives([child.pk])
    assert answer == {child.pk: (D("0.4"), D(70))}
    assert (_progress(child), _confidence(child)) == (D("0.4"), D(70))
    assert (_progress(top), _confidence(top)) == (D("0.4"), D(70))  # and everything above it
