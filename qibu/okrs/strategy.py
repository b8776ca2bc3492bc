"""Reads of the strategy (VIS-1, VIS-2): the strategic goals in order, each with the company objectives of a cycle
that trace to it, and those tracing to none; and the pool of key results drafted first (SET-9, PLAY-LOKR).

A fixed number of queries whatever the size of the company: the goals, then the company objectives of the cycle
(and of its year) the viewer may see, each with its owner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from qibu.cycles.models import Cycle
from qibu.okrs.access import editable_objectives_q, visible_objectives_q
from qibu.okrs.models import DraftKeyResult, Level, Objective
from qibu.okrs.selectors import ObjectiveCard, objective_cards
from qibu.org.models import Organisation, Person, StrategicGoal

# Objectives offered to move a key result to, or to add drafted key results to (a select, not a page of them).
EDITABLE_CHOICES_LIMIT = 200


@dataclass(frozen=True)
class GoalRow:
    """A strategic goal with the company objectives tracing to it."""

    goal: StrategicGoal
    place: int  # 1 for the first
    objectives: list[ObjectiveCard] = field(default_factory=list)


@dataclass(frozen=True)
class StrategyMap:
    goals: list[GoalRow]
    # VIS-2: the company objectives of the cycle tracing to no goal (flagged on the page).
    untraced: list[ObjectiveCard]
    cycles: list[Cycle]


def strategic_goals() -> list[StrategicGoal]:
    return list(StrategicGoal.objects.order_by("position", "id"))


def strategy_cycles(cycle: Cycle | None) -> list[Cycle]:
    """The cycle and, for a quarter or a month, its year: the company's annual objectives serve the strategy too."""
    if cycle is None:
        return []
    return [cycle, cycle.parent] if cycle.parent is not None else [cycle]


def strategy_map(*, viewer: Person, organisation: Organisation, cycle: Cycle | None, today: dt.date) -> StrategyMap:
    goals = strategic_goals()
    cycles = strategy_cycles(cycle)
    objectives = list(
        Objective.objects.filter(visible_objectives_q(viewer), level=Level.COMPANY, cycle_id__in=[c.pk for c in cycles])
        .select_related("owner", "cycle")
        .order_by("cycle__start", "priority", "id")
    )
    cards = objective_cards(objectives, viewer=viewer, organisation=organisation, with_key_results=False, today=today)
    by_goal: dict[int | None, list[ObjectiveCard]] = {}
    for card in cards:
        by_goal.setdefault(card.objective.strategic_goal_id, []).append(card)
    known = {goal.pk for goal in goals}
    return StrategyMap(
        goals=[GoalRow(goal, i + 1, by_goal.get(goal.pk, [])) for i, goal in enumerate(goals)],
        untraced=[card for card in cards if card.objective.strategic_goal_id not in known],
        cycles=cycles,
    )


def goal_objectives(goal: StrategicGoal, viewer: Person) -> tuple[int, list[Objective]]:
    """How many objectives of any cycle trace to the goal, and those of them the viewer may see (what deleting
    it unlinks)."""
    traced = Objective.objects.filter(strategic_goal=goal)
    return traced.count(), list(
        traced.filter(visible_objectives_q(viewer)).select_related("cycle").order_by("-cycle__start", "priority", "id")
    )


def editable_objectives(person: Person, cycle_id: int, *, exclude: int | None = None) -> QuerySet[Objective]:
    """The open objectives of the cycle the person may edit (`access.can_edit`), for a select."""
    found = Objective.objects.filter(editable_objectives_q(person), cycle_id=cycle_id, cycle__is_closed=False)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.select_related("owner").order_by("level", "priority", "id")[:EDITABLE_CHOICES_LIMIT]


@dataclass(frozen=True)
class PoolGroup:
    """Drafted key results under one strategic goal (None: under none)."""

    goal: StrategicGoal | None
    drafts: list[DraftKeyResult]


def draft_pool(owner: Person, cycle: Cycle) -> list[DraftKeyResult]:
    return list(DraftKeyResult.objects.filter(owner=owner, cycle=cycle).order_by("position", "id"))


def pool_groups(drafts: list[DraftKeyResult], goals: list[StrategicGoal]) -> list[PoolGroup]:
    """PLAY-LOKR: the drafts under each goal in the goals' order, then those under none; empty goals are kept, so
    an executive sees which goal has no key result yet."""
    under: dict[int | None, list[DraftKeyResult]] = {}
    for draft in drafts:
        under.setdefault(draft.strategic_goal_id, []).append(draft)
    groups = [PoolGroup(goal, under.get(goal.pk, [])) for goal in goals]
    return [*groups, PoolGroup(None, under.get(None, []))]


def drafts_chosen(owner: Person, ids: list[int]) -> list[DraftKeyResult]:
    """The person's own drafts among these ids (any other id is not theirs to gather), in pool order."""
    if not ids:
        return []
    return list(
        DraftKeyResult.objects.filter(owner=owner, pk__in=ids).select_related("cycle").order_by("position", "id")
    )
