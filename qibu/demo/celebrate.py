"""The demo's celebrations (CEL-1 … CEL-5), for a finished quarter whose objectives are scored: each department's
celebration and each team's, planned by their heads and leads and held, with the tier the scores earn (one chosen
otherwise, with its reason); the management's; a dozen recognitions, some private, tied to key results and the
company's values; a few incentives by managers; the lessons of the company and of some departments, which the next
quarter's editor shows. Through the services, like any other data; the generator runs it in `_close_the_loop`."""

from __future__ import annotations

import datetime as dt
import random

from qibu.celebrate.models import CelebrationForm, CelebrationLevel, CompanyValue, IncentiveKind, RewardTier
from qibu.celebrate.selectors import tier_suggestion
from qibu.celebrate.services import (
    celebration_hold,
    celebration_plan,
    company_value_add,
    incentive_record,
    lesson_record,
    recognition_give,
)
from qibu.cycles.models import Cycle
from qibu.okrs.access import can_view
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.org.models import Department, Organisation, Person, Role, Team
from qibu.org.selectors import organisation_get

VALUES = [("客户第一", "先想客户要什么"), ("拥抱变化", "变化来了先动起来"), ("团队合作", "一起把事做成")]
FORMS = [
    ([CelebrationForm.DRINKS, CelebrationForm.SNACKS], ""),
    ([CelebrationForm.FRUIT], ""),
    ([CelebrationForm.TEAM_ACTIVITY], ""),
    ([CelebrationForm.SNACKS, CelebrationForm.OTHER], "一起包饺子"),
]
NOTES = [
    "回顾了本季度签下的关键客户，大家轮流讲了一个小故事。",
    "为提前完成的关键结果干杯，也聊了没做完的原因。",
    "表扬了主动补位的同事，下季度继续保持。",
    "看了本季度的得分，给最努力的小组送了奖杯。",
]
PRAISE = [
    "谢谢你在最后一周顶上来，客户很满意。",
    "你写的复盘模板帮整个部门省了很多时间。",
    "主动跨部门协调，问题两天就解决了。",
    "数据分析做得很扎实，让我们及时调整了方向。",
    "新人带得很好，大家都说你耐心。",
    "关键时刻没掉链子，这个关键结果能完成离不开你。",
]
INCENTIVES = {
    IncentiveKind.FINANCIAL: "季度奖金上浮 10%",
    IncentiveKind.PROMOTION: "推荐参加下一轮晋升评审",
    IncentiveKind.TEAM_ACTIVITY: "小组团建一次",
}
LESSONS_COMPANY = ["目标要少而精：每个部门三个目标以内，执行时更专注。", "每周的信心更新要写清原因，复盘时才看得懂。"]
LESSONS_DEPARTMENT = ["关键结果要能量化，避免写成任务清单。", "季度中期就要检查进度，不要等到最后两周。"]


def _at(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17), tzinfo=zone)


def _values(admin: Person | None) -> list[CompanyValue]:
    if not CompanyValue.objects.exists() and admin is not None:
        for name, description in VALUES:
            company_value_add(actor=admin, name=name, description=description)
    return list(CompanyValue.objects.all())


def _first_friday_after(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() != 4:  # CEL-1: the team's celebration is on a Friday
        day += dt.timedelta(days=1)
    return day


def _departments(quarter: Cycle, organisation: Organisation, friday: dt.date, rng: random.Random) -> list[Department]:
    """Each scored department's celebration, planned and held by its head; one with another tier and its reason."""
    department_ids = set(
        Objective.objects.filter(cycle=quarter, level=Level.DEPARTMENT, score__isnull=False).values_list(
            "department_id", flat=True
        )
    )
    departments = list(
        Department.objects.filter(pk__in=department_ids, head__isnull=False).select_related("head").order_by("path")
    )
    for i, department in enumerate(departments):
        head = department.head
        if head is None:
            continue
        forms, other = FORMS[i % len(FORMS)]
        tier, reason = "", ""
        if i == 1:  # CEL-3: one head chooses another tier than the scores suggest, and says why
            suggested = tier_suggestion(
                organisation=organisation, level="department", cycle=quarter, department=department, team=None
            ).tier
            tier, reason = (
                (RewardTier.STANDARD if suggested != RewardTier.STANDARD else RewardTier.SIMPLE),
                "预算有限，改为聚餐。",
            )
        celebration = celebration_plan(
            actor=head,
            level=CelebrationLevel.DEPARTMENT,
            department=department,
            cycle=quarter,
            at=_at(friday + dt.timedelta(days=7), organisation.zone),
            forms=forms,
            form_other=other,
            tier=tier,
            tier_reason=reason,
        )
        celebration_hold(actor=head, celebration=celebration, notes=rng.choice(NOTES))
    return departments


def _teams(quarter: Cycle, departments: list[Department], friday: dt.date, rng: random.Random) -> None:
    zone = organisation_get().zone
    teams = Team.objects.filter(lead__isnull=False, department__in=departments).select_related("lead", "department")
    for team in list(teams.order_by("pk"))[:6]:
        if team.lead is None:
            continue
        forms, other = rng.choice(FORMS)
        celebration = celebration_plan(
            actor=team.lead,
            level=CelebrationLevel.TEAM,
            team=team,
            cycle=quarter,
            at=_at(friday, zone),
            forms=forms,
            form_other=other,
        )
        celebration_hold(actor=team.lead, celebration=celebration, notes=rng.choice(NOTES))


def _recognitions(quarter: Cycle, organisation: Organisation, admin: Person | None, rng: random.Random) -> None:
    """CEL-4: a dozen recognitions from colleagues, for key results of the quarter their receivers own; every fourth
    private."""
    values = _values(admin)
    key_results = list(
        KeyResult.objects.filter(objective__cycle=quarter, owner__isnull=False, owner__is_active=True)
        .select_related("objective", "owner")
        .order_by("pk")[:200]
    )
    people = list(Person.objects.filter(is_active=True, department__isnull=False).order_by("pk")[:300])
    given = 0
    for kr in rng.sample(key_results, min(len(key_results), 60)):
        receiver = kr.owner
        if given == 12 or receiver is None:
            break
        colleagues = [p for p in people if p.pk != receiver.pk and p.department_id == receiver.department_id]
        givers = [p for p in colleagues if can_view(p, kr.objective)]
        if not givers:
            continue
        recognition_give(
            actor=rng.choice(givers),
            receiver=receiver,
            key_result=kr,
            message=rng.choice(PRAISE),
            value=rng.choice(values) if values and given % 2 == 0 else None,
            public=given % 4 != 3,
            organisation=organisation,
        )
        given += 1


def _incentives(quarter: Cycle, rng: random.Random) -> None:
    """CEL-4: a few incentives, each recorded by the person's manager."""
    managed = list(
        Person.objects.filter(is_active=True, manager__isnull=False, manager__is_active=True)
        .select_related("manager", "department")
        .order_by("pk")[:50]
    )
    for person in rng.sample(managed, min(4, len(managed))):
        kind = rng.choice(list(INCENTIVES))
        if person.manager is not None:
            incentive_record(
                actor=person.manager, person=person, cycle=quarter, kind=kind, description=INCENTIVES[kind]
            )


def demo_celebrations(*, quarter: Cycle, next_quarter: Cycle, rng: random.Random) -> None:
    """Hold the quarter's celebrations and record its recognitions, incentives and lessons (see the module); the
    lessons are the quarter's, which `next_quarter`'s editor shows beside its drafts (CEL-5)."""
    organisation = organisation_get()
    leaders = list(Person.objects.filter(is_active=True, role__in=[Role.EXECUTIVE, Role.ADMIN]).order_by("pk"))
    executive = next((p for p in leaders if p.role == Role.EXECUTIVE), leaders[0] if leaders else None)
    admin = next((p for p in leaders if p.is_admin), None)
    friday = _first_friday_after(quarter.end)
    departments = _departments(quarter, organisation, friday, rng)
    _teams(quarter, departments, friday, rng)
    if executive is not None:
        celebration = celebration_plan(
            actor=executive,
            level=CelebrationLevel.MANAGEMENT,
            cycle=quarter,
            at=_at(friday + dt.timedelta(days=10), organisation.zone),
            forms=[CelebrationForm.TEAM_ACTIVITY],
        )
        celebration_hold(
            actor=executive, celebration=celebration, notes="管理层回顾了公司目标的得分，为各部门的进步鼓掌。"
        )
    _recognitions(quarter, organisation, admin, rng)
    _incentives(quarter, rng)
    if executive is not None:
        for text in LESSONS_COMPANY:
            lesson_record(actor=executive, cycle=quarter, department=None, text=text)
    for department in departments[:3]:
        if department.head is not None:
            lesson_record(
                actor=department.head, cycle=quarter, department=department, text=rng.choice(LESSONS_DEPARTMENT)
            )
    if next_quarter.start <= quarter.end:
        raise ValueError("the next quarter begins after this one")
