"""The demo's next quarter, in planning (SET-1, SET-2): drafts in every state of the approval, the employees' voice
on the departments' drafts and the company's draft taking up sales'; no check-ins before the quarter begins."""

from __future__ import annotations

from collections import Counter

from qibu.demo.generator import DemoSummary
from qibu.okrs.models import Approval, ApprovalDecision, CheckIn, Level, Objective
from qibu.planning.models import Proposal, ProposalKind, ProposalStatus, TakeUp
from tests.demo.test_demo import TODAY, demo  # noqa: F401  (the module's company, used by name)


def test_the_next_quarter_holds_drafts_in_every_state_SET_1(demo: DemoSummary, db: None) -> None:  # noqa: F811
    """SET-1: submitted, returned with the approver's comment and still drafting; nothing checked in yet."""
    following = Objective.objects.filter(cycle__kind="quarter", cycle__start__gt=TODAY)
    states = Counter(following.values_list("approval", flat=True))
    assert states[Approval.SUBMITTED] >= 2 and states[Approval.RETURNED] >= 2 and states[Approval.DRAFT] >= 2
    assert not following.filter(approval=Approval.APPROVED).exists()
    for objective in following.filter(approval=Approval.RETURNED):
        decision = ApprovalDecision.objects.filter(objective=objective).latest("pk")
        assert decision.action == "return" and decision.comment
    assert not CheckIn.objects.filter(key_result__objective__cycle__start__gt=TODAY).exists()
    # An agreed objective of a cycle to come was approved by someone other than its owner, with the decision kept.
    for objective in Objective.objects.filter(cycle__start__gt=TODAY, approval=Approval.APPROVED):
        assert objective.approved_by_id not in (None, objective.owner_id)
        assert ApprovalDecision.objects.filter(objective=objective, action="approve").exists()


def test_the_employees_voice_reaches_the_drafts_and_the_company_takes_up_sales_SET_2(
    demo: DemoSummary,  # noqa: F811
    db: None,
) -> None:
    """SET-2: proposals and objections on the departments' drafts, answered; the company's draft took one up."""
    voices = Proposal.objects.filter(objective__level=Level.DEPARTMENT, objective__cycle__start__gt=TODAY)
    kinds = Counter(voices.values_list("kind", flat=True))
    assert kinds[ProposalKind.PROPOSAL] >= 1 and kinds[ProposalKind.OBJECTION] >= 1
    answered = voices.exclude(status=ProposalStatus.OPEN)
    assert answered.filter(status=ProposalStatus.TAKEN_UP).exists() and all(p.response for p in answered)
    take_ups = TakeUp.objects.filter(objective__level=Level.COMPANY, source_objective__level=Level.DEPARTMENT)
    assert take_ups.filter(source_objective__department__name="销售部").exists()
