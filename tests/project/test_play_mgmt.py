"""The leadership's seven steps of managing by objectives (PLAY-MGMT, 领导层-OKR目标管理七步法), walked by erin
through the services: objectives → key results → time cycles → plans (actions, resources, priority) → monitor and
feedback → evaluate and adjust → reward and recognise."""

from __future__ import annotations

from decimal import Decimal

from qibu.celebrate.models import Incentive, IncentiveKind, Recognition
from qibu.celebrate.services import incentive_record, recognition_give
from qibu.cycles.models import CycleKind
from qibu.discuss.services import comment_create
from qibu.okrs.models import Correction, CorrectionKind, KeyResult, Level, Priority
from qibu.okrs.services import checkin_record, correction_make, key_result_create, objective_create
from qibu.plans.models import ActionStep
from qibu.plans.services import step_create
from tests.conftest import Company, Okrs


def test_play_mgmt_the_leadership_manages_by_objectives_in_seven_steps(company: Company, okrs: Okrs) -> None:
    c, erin = company, company.erin
    # 1–2. An objective with its priority (SET-10), and a key result that measures it.
    objective = objective_create(
        actor=erin, cycle=c.quarter, level=Level.COMPANY, title="让客户愿意推荐我们", owner=erin, priority=Priority.P0
    )
    nps = key_result_create(actor=erin, objective=objective, title="NPS 达到 45", start_value=30, target_value=45)

    # 3. Time cycles: the year's quarters and their months, and explicit dates on every objective (SET-8).
    assert c.year.children.filter(kind=CycleKind.QUARTER).count() == 4
    assert c.quarter.children.filter(kind=CycleKind.MONTH).count() == 3
    assert (objective.start_date, objective.end_date) == (c.quarter.start, c.quarter.end)

    # 4. Plans: an action with its owner, the people and budget it needs, and its priority.
    step = step_create(
        actor=erin,
        key_result=nps,
        title="上线客户回访机制",
        owner=c.hank,
        resource_people=[c.mia],
        budget="20000",
        priority=Priority.P1,
    ).step
    assert ActionStep.objects.get(pk=step.pk).budget == Decimal("20000")

    # 5. Monitor and feedback: a check-in, and a head's feedback on it.
    checkin = checkin_record(actor=erin, key_result=nps, value=33, confidence=60, note="回访刚开始")
    comment_create(actor=c.hank, objective=objective, text="回访名单我们来出", check_in=checkin)

    # 6. Evaluate and adjust: the target is revised with its reason, and the correction is recorded.
    correction_make(
        actor=erin,
        objective=objective,
        key_result=nps,
        kind=CorrectionKind.TARGET,
        reason="行业基准只有 38,45 不现实",
        changes={"target_value": "40"},
    )
    assert KeyResult.objects.get(pk=nps.pk).target_value == Decimal("40")
    assert Correction.objects.filter(objective=objective).count() == 1

    # 7. Reward and recognise: public recognition for the key result, an incentive the managers keep.
    recognition_give(actor=erin, receiver=c.hank, key_result=nps, message="回访机制上线很快")
    incentive_record(
        actor=erin, person=c.hank, cycle=c.quarter, kind=IncentiveKind.TEAM_ACTIVITY, description="团队聚餐"
    )
    assert Recognition.objects.filter(receiver=c.hank).count() == 1
    assert Incentive.objects.filter(person=c.hank).count() == 1
