"""The demo company's reflections (反思, REF-1 … REF-5) on a finished quarter whose self-assessments are submitted:
each department that had key results reflects (opened as the daily task opens it), its head records two or three
measures for the next quarter with owners among the department's people and due dates in the next quarter (some
serving one of its key results), writes what the department learned and closes it; in the management reflection
every manager — the executives and the department heads — writes how they used OKRs and their plan, an executive
records the company's measures and closes it. Written through the services, so that each has its history and the
people concerned were told, as in real use. The generator runs it in `_close_the_loop`."""

from __future__ import annotations

import datetime as dt
import random

from qibu.cycles.models import Cycle
from qibu.org.models import Department, Person, Role
from qibu.reflect.selectors import managers, measure_owners, next_key_results, owners_by_department
from qibu.reflect.services import account_save, measure_create, reflection_close, reflection_open

MEASURES = [
    "开季第一周核对每个关键结果的基线数据",
    "周会上逐条过一遍信心下降超过 10 个点的关键结果",
    "把大目标拆成每两周一个检查点",
    "客户拜访量纳入每周更新",
    "根因分析结果同步给协作部门",
    "信心低于 50% 时当周提出求助",
    "季度中期做一次差距复盘",
    "设定关键结果前先与协作部门确认依赖",
]
SUMMARIES = [
    "差距主要来自开季时信心偏高：依赖其他部门的关键结果没有提前确认。下季度先确认依赖，再定信心。",
    "周会上看信心变化很有用，但信心下降后反应太慢。下季度信心一降就当周讨论对策。",
    "多数未完成的关键结果根因相同：线索和资源投入不足。我们把投入前置到季度的前六周。",
    "目标定得有挑战是对的，但检查点太少。下季度每两周一个检查点，提前发现偏差。",
]
HOW_USED = [
    "每周例会先看信心变化，再讨论下周重点；季度中期做了一次调整。",
    "用关键结果代替了月度任务清单，团队更清楚优先级。",
    "和每位下属的一对一都从他们的关键结果开始。",
    "开季对齐花的时间最多，执行中更新不够及时。",
]
PLANS = [
    "下季度在第一周完成对齐，并为每个关键结果确认依赖方。",
    "每两周复盘一次信心，低于 50% 的当周拿出对策。",
    "减少关键结果的数量，每个目标不超过三个。",
    "把根因分析的结论写进下季度的计划，而不是只停留在会上。",
]
MANAGEMENT_MEASURES = [
    "管理层周会固定讨论跨部门依赖",
    "季度中期由各部门负责人汇报差距分析",
]


def _day_in(next_quarter: Cycle, rng: random.Random) -> dt.date:
    span = (next_quarter.end - next_quarter.start).days
    return next_quarter.start + dt.timedelta(days=rng.randint(14, max(14, span - 7)))


def demo_reflections(*, quarter: Cycle, next_quarter: Cycle, rng: random.Random) -> None:
    """Open, fill and close the department reflections and the management's on `quarter` (its self-assessments
    submitted), with measures due in `next_quarter`."""
    admin = Person.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    departments = Department.objects.filter(pk__in=list(owners_by_department(quarter))).select_related("head")
    for department in departments.order_by("path", "name"):
        reflection = reflection_open(actor=None, cycle=quarter, department=department)
        writer = department.head if department.head is not None and department.head.is_active else admin
        if writer is None:
            continue
        people = measure_owners(reflection)
        key_results = next_key_results(reflection, next_quarter)
        for title in rng.sample(MEASURES, rng.randint(2, 3)):
            owner = rng.choice(people)
            key_result = rng.choice(key_results) if key_results and rng.random() < 0.6 else None
            measure_create(
                actor=writer,
                reflection=reflection,
                title=title,
                owner_id=owner.pk,
                due_date=_day_in(next_quarter, rng),
                key_result_id=key_result.pk if key_result else None,
            )
        reflection_close(actor=writer, reflection=reflection, summary=rng.choice(SUMMARIES))
    management = reflection_open(actor=None, cycle=quarter)
    the_managers = managers()
    for manager in the_managers:
        account_save(actor=manager, reflection=management, how_used=rng.choice(HOW_USED), plan_next=rng.choice(PLANS))
    executive = next((m for m in the_managers if m.role == Role.EXECUTIVE), None) or admin
    if executive is None:
        return
    for title in MANAGEMENT_MEASURES:
        measure_create(
            actor=executive,
            reflection=management,
            title=title,
            owner_id=rng.choice(the_managers).pk,
            due_date=_day_in(next_quarter, rng),
        )
    reflection_close(actor=executive, reflection=management, summary=rng.choice(SUMMARIES))
