"""The OKR coach on a saved objective: the method's advice on it as stored, and which of it blocks a submission.

`quality` advises on what is being typed (plain values, no queries); this module asks the same questions of an
objective and its key results as they are stored, for the submission (SET-1, SET-2), the objective's page and the
cycle's quality report. An administrator chooses which rules block a submission
(`Organisation.coach_blocking_rules`); the others only advise.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from qibu.okrs.models import Alignment, Objective
from qibu.okrs.quality import Advice, objective_warnings
from qibu.org.models import Organisation


def objective_advice(*, organisation: Organisation, objective: Objective) -> list[Advice]:
    """The coach's advice on a stored objective: its owner's objectives in the cycle, its key results, its
    alignment and dates, through the same rules as the editor (four queries)."""
    key_results = [
        {"title": kr.title, "kind": kr.kind, "start_value": kr.start_value, "target_value": kr.target_value}
        for kr in objective.key_results.all()
    ]
    same_owner = Objective.objects.filter(cycle_id=objective.cycle_id)
    if objective.owner_id is not None:
        same_owner = same_owner.filter(owner_id=objective.owner_id, level=objective.level)
    elif objective.department_id is not None:
        same_owner = same_owner.filter(level=objective.level, department_id=objective.department_id)
    else:
        same_owner = same_owner.filter(level=objective.level, department__isnull=True)
    aligned = Objective.objects.filter(pk=objective.pk).filter(
        Exists(Alignment.objects.filter(child_id=OuterRef("pk")))
    )
    return objective_warnings(
        organisation=organisation,
        owner_objective_count=same_owner.count(),
        key_results=key_results,
        has_alignment=aligned.exists(),
        level=objective.level,
        start_date=objective.start_date,
        end_date=objective.end_date,
    )


def submission_blockers(*, organisation: Organisation, objective: Objective) -> list[Advice]:
    """The advice on `objective` whose rule the organisation made block submission (empty: it may go)."""
    blocking = set(organisation.coach_blocking_rules or [])
    if not blocking:
        return []
    return [
        advice for advice in objective_advice(organisation=organisation, objective=objective) if advice.rule in blocking
    ]
