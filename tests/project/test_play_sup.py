"""The supervisor's seven steps (PLAY-SUP, 主管层-OKR执行七步法), walked by hank, head of sales, through the services:
define the key business objective → its key results, SMART → communicate and share → action plans → monitor
(milestones, progress checks, 1-on-1s) → support and feedback → celebrate and summarise. Each step asserts what
the supervisor and the team see; the rules each step leans on are proven in their own apps' tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qibu.celebrate.models import CelebrationLevel, CelebrationState, Lesson
from qibu.celebrate.services import celebration_hold, celebration_plan, lesson_record
from qibu.discuss.services import comment_create
from qibu.notify.models import Notification
from qibu.okrs.models import CheckIn
from qibu.okrs.quality import key_result_warnings
from qibu.okrs.services import checkin_record, key_result_create
from qibu.oneonones.models import SupportStatus
from qibu.oneonones.services import request_create, request_settle, series_create
from qibu.plans.models import ActionStep
from qibu.plans.services import step_create
from tests.conftest import Company, Okrs


def test_play_sup_a_supervisor_runs_the_seven_steps_with_the_team(company: Company, okrs: Okrs) -> None:
    c, hank, mia = company, company.hank, company.mia
    # 1. The key business objective: the department's, aligned to the company's key result.
    objective = okrs["department"]
    assert objective.alignments_up.filter(parent_key_result=okrs["revenue"]).exists()

    # 2. Key results, SMART: the coach calls a task a task, and a measurable outcome passes.
    task = key_result_warnings({"title": "举办3次客户培训", "kind": "numeric", "start_value": 0, "target_value": 3})
    assert any(advice.rule == "SET-5" for advice in task)
    renewals = key_result_create(
        actor=hank, objective=objective, title="老客户续约率达到 90%", start_value=70, target_value=90, unit="%"
    )
    outcome = {"title": renewals.title, "kind": renewals.kind, "start_value": 70, "target_value": 90}
    assert not key_result_warnings(outcome)

    # 3. Communicate and share: mia asks about the objective; its owner is told.
    told = Notification.objects.filter(recipient=hank).count()
    comment_create(actor=mia, objective=objective, text="续约率按合同数还是金额算?", key_result=renewals)
    assert Notification.objects.filter(recipient=hank).count() == told + 1

    # 4. Action plans: a step under the key result, owned by mia, with its deadline.
    result = step_create(
        actor=hank, key_result=renewals, title="梳理将到期的合同", owner=mia, deadline=renewals.objective.cycle.end
    )
    assert ActionStep.objects.filter(key_result=renewals, owner=mia).get() == result.step

    # 5. Monitor: progress checks (a fall in confidence explained) and a 1-on-1 on a cadence.
    checkin_record(actor=hank, key_result=renewals, value=75, confidence=70, note="两家大客户已续约")
    checkin_record(
        actor=hank,
        key_result=renewals,
        value=76,
        confidence=50,
        confidence_reason="一家大客户转向竞品",
    )
    assert CheckIn.objects.filter(key_result=renewals).count() == 2
    series = series_create(actor=hank, manager=hank, report=mia)
    meeting = series.meetings.get()

    # 6. Support and feedback: mia asks for support in the 1-on-1; hank settles it and she is told.
    request = request_create(actor=mia, series=series, text="需要法务帮忙审续约条款", meeting=meeting)
    assert request.owner == hank
    told = Notification.objects.filter(recipient=mia).count()
    request_settle(actor=hank, request=request, status=SupportStatus.DONE, note="已约法务周三")
    assert Notification.objects.filter(recipient=mia).count() == told + 1

    # 7. Celebrate and summarise: the team's celebration, held, and the lesson the next cycle reads.
    celebration = celebration_plan(
        actor=hank,
        level=CelebrationLevel.TEAM,
        cycle=c.quarter,
        at=timezone.now() + dt.timedelta(days=1),
        team=c.sales_team,
        department=c.sales,
        forms=["drinks"],
    )
    celebration_hold(actor=hank, celebration=celebration, notes="庆祝续约率回升")
    celebration.refresh_from_db()
    assert celebration.state == CelebrationState.HELD
    lesson_record(actor=hank, cycle=c.quarter, department=c.sales, text="续约要提前三个月开始跟进")
    assert Lesson.objects.filter(cycle=c.quarter, department=c.sales).count() == 1
