"""Who may see and change action steps (EXE-8). A step is as visible as its objective (PUB-2): `step_for` answers
404 when the objective is invisible to the person, for pages and API alike, and says what they may do with it.

- Those who may edit the objective (`qibu.okrs.access.can_edit`) plan its steps: add, change, give to other people,
  move, split, delete. So does the key result's own owner (who checks it in without editing the objective, e.g. a
  department head owning a key result of a company objective): the plan is how they reach it.
- A step's owner also sets its status (to do, in progress, done …), on their own step only.
- Nothing changes under an objective that is closed (or in a closed cycle): its plan is kept as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from qibu.okrs.access import can_view, key_result_for, objective_for
from qibu.okrs.models import KeyResult, Objective
from qibu.org.models import Person
from qibu.plans.models import ActionStep


def can_plan(person: Person, objective: Objective, key_result: KeyResult, *, editable: bool) -> bool:
    """May `person` add and change the steps of `key_result`? `editable` is `can_edit(person, objective)`, as the
    lookup answered it."""
    if not person.is_active:
        return False
    return editable or (key_result.owner_id == person.pk and can_view(person, objective))


@dataclass(frozen=True)
class StepRights:
    plan: bool  # change the step (and its people, dates, place)
    status: bool  # set its status: planners and the step's owner

    @property
    def any(self) -> bool:
        return self.plan or self.status


def step_rights(person: Person, step: ActionStep, objective: Objective, *, editable: bool) -> StepRights:
    planner = can_plan(person, objective, step.key_result, editable=editable)
    return StepRights(plan=planner, status=planner or (step.owner_id == person.pk and person.is_active))


def step_for(person: Person, pk: int) -> tuple[ActionStep, Objective, StepRights]:
    """The step, with its key result and objective, if `person` may see the objective (else Http404), and what they
    may do with it."""
    try:
        step = (
            ActionStep.objects.select_related("key_result", "owner", "responsible", "decider", "split_from")
            .filter(pk=pk)
            .first()
        )
    except (ValueError, TypeError):
        step = None
    if step is None:
        raise Http404
    objective, editable = objective_for(person, step.key_result.objective_id)
    step.key_result.objective = objective
    return step, objective, step_rights(person, step, objective, editable=editable)


def plannable_key_result(person: Person, pk: int) -> tuple[KeyResult, Objective, bool]:
    """The key result (404 when invisible) and whether `person` may plan its steps (the caller answers 403)."""
    key_result, objective, editable = key_result_for(person, pk)
    return key_result, objective, can_plan(person, objective, key_result, editable=editable)
