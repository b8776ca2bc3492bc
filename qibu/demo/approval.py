"""The demo company's approval (SET-1, SET-2): its OKRs were agreed in the first days of their cycle — each submitted
by its author and approved by its approver, the CEO named — and two changes are under way: the sales member of the
demo's sign-ins reworded a key result, which waits for their approver (who finds it in their inbox), and a
department head changed an objective's description, which the CEO returned with comments.

The agreement of the whole company is written in bulk (a few statements whatever its size); the two changes go
through the services, as a person's would."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Subquery

from qibu.cycles.models import Cycle
from qibu.okrs import access
from qibu.okrs.models import Approval, ApprovalAction, ApprovalDecision, KeyResult, KeyResultKind, Level, Objective
from qibu.okrs.services import key_result_update, objective_return, objective_update
from qibu.org.models import Organisation, Person, Role

# When, after its cycle opened, an objective was submitted and approved.
SUBMITTED_AFTER = dt.timedelta(days=1, hours=1)
APPROVED_AFTER = dt.timedelta(days=2, hours=6)


def _approver(objective: Objective, ceo: Person, deputy: Person | None) -> Person | None:
    """Who approved it, by the rules of `qibu.okrs.access.can_approve`: a person's manager (or their department's
    head), a team's lead's manager, an executive for a department's, the CEO for the company's; never its owner or
    author (then another executive)."""
    mine = {objective.owner_id, objective.author_id}
    candidates: list[Person | None] = []
    if objective.level == Level.PERSON and objective.owner is not None:
        department = objective.owner.department
        candidates = [objective.owner.manager, department.head if department else None]
    elif objective.level == Level.TEAM and objective.team is not None:
        lead = objective.team.lead
        candidates = [lead.manager if lead else None, objective.team.department.head]
    candidates += [ceo, deputy]
    return next((p for p in candidates if p is not None and p.pk not in mine), None)


def build_approval(
    *, organisation: Organisation, ceo: Person, showcase: Person | None, now: dt.datetime, quarter: Cycle
) -> int:
    """Agree every objective, then make the two changes; answers how many decisions were written."""
    Organisation.objects.filter(pk=organisation.pk).update(ceo=ceo, approval_required=True, approval_on_change=True)
    deputy = Person.objects.filter(role=Role.EXECUTIVE).exclude(pk=ceo.pk).order_by("username").first()
    objectives = list(
        Objective.objects.select_related(
            "cycle", "owner__manager", "owner__department__head", "team__lead__manager", "team__department__head"
        ).order_by("pk")
    )
    decisions: list[ApprovalDecision] = []
    for objective in objectives:
        objective.approved_by = _approver(objective, ceo, deputy)
        decisions.append(
            ApprovalDecision(objective=objective, actor_id=objective.author_id, action=ApprovalAction.SUBMIT)
        )
        decisions.append(
            ApprovalDecision(objective=objective, actor=objective.approved_by, action=ApprovalAction.APPROVE)
        )
    Objective.objects.update(
        approval=Approval.APPROVED,
        submitted_at=F("created_at") + SUBMITTED_AFTER,
        approved_at=F("created_at") + APPROVED_AFTER,
    )
    Objective.objects.filter(submitted_at__gt=now).update(submitted_at=now)
    Objective.objects.filter(approved_at__gt=now).update(approved_at=now)
    Objective.objects.bulk_update(objectives, ["approved_by"], batch_size=1000)
    made = ApprovalDecision.objects.bulk_create(decisions, batch_size=500)
    # `created_at` is stamped on writing: set it to when each step was taken, one statement per step.
    for action, field in ((ApprovalAction.SUBMIT, "submitted_at"), (ApprovalAction.APPROVE, "approved_at")):
        when = Objective.objects.filter(pk=OuterRef("objective_id")).values(field)[:1]
        ApprovalDecision.objects.filter(action=action).update(created_at=Subquery(when))
    return len(made) + _changes(ceo=ceo, deputy=deputy, showcase=showcase, quarter=quarter)


def _changes(*, ceo: Person, deputy: Person | None, showcase: Person | None, quarter: Cycle) -> int:
    """The two changes under way in the current quarter (or its year), through the services; answers how many
    decisions they wrote."""
    before = ApprovalDecision.objects.count()
    reworded = (
        KeyResult.objects.filter(
            objective__owner=showcase,
            objective__level=Level.PERSON,
            objective__cycle=quarter,
            kind=KeyResultKind.INCREASE,
        )
        .select_related("objective__cycle", "objective__owner")
        .order_by("objective__cycle__start", "objective_id", "position")
        .first()
        if showcase is not None
        else None
    )
    if reworded is not None and showcase is not None:
        # Reworded, not re-aimed: its numbers stay those of its check-ins.
        key_result_update(
            actor=showcase, key_result=reworded, data={"title": f"{reworded.title}（含老客户续约）"[:200]}
        )
    changed = (
        Objective.objects.filter(level=Level.DEPARTMENT, owner__role=Role.DEPARTMENT_HEAD, cycle__end__gte=quarter.end)
        .exclude(owner__department=showcase.department_id if showcase is not None else None)
        .select_related("cycle", "owner", "department")
        .order_by("-cycle__start", "pk")
        .first()
    )
    if changed is not None and changed.owner is not None:
        objective_update(
            actor=changed.owner,
            objective=changed,
            data={"description": f"{changed.description} 本季度重点转向老客户续约。".strip()},
        )
        approver = ceo if access.can_approve(ceo, changed, ceo_id=ceo.pk) else deputy
        if approver is not None:
            objective_return(
                actor=approver, objective=changed, comment="续约和新签都要：请把两者各占多少写清楚，再提交。"
            )
    return ApprovalDecision.objects.count() - before
