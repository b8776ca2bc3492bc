"""The demo company's action plans (EXE-8; PLAY-MKT steps 3–5): steps under the key results of the quarter's
marketing and sales objectives, each with who does it, who answers for it and who decides, people, a budget and a
note, a start and a deadline; most of those past done, a few overdue, one in progress blocked, one split in two and
one due after its key result ends (the planner was warned). Written through the services, so that each step has
its history and the people named were told, as in real use."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult, Level, Priority
from qibu.org.models import Department, Person
from qibu.plans.models import ActionStep, StepStatus
from qibu.plans.services import step_create, step_set_status, step_split, step_update


@dataclass(frozen=True)
class _Template:
    title: str
    days: int
    budget: int = 0
    note: str = ""


# By the content key of the department (qibu/demo/content.py).
STEPS: dict[str, list[_Template]] = {
    "sales": [
        _Template("梳理华东区重点连锁客户名单", 10),
        _Template("组织重点连锁客户上门拜访", 25, 20000, "差旅费"),
        _Template("举办区域客户答谢会", 14, 80000, "场地、物料和伴手礼"),
        _Template("制定大客户专属报价方案", 7),
        _Template("每周商机评审会", 35),
        _Template("与市场部联合跟进峰会线索", 21, 5000),
        _Template("Y3收银机样机进店试用", 20, 30000, "样机20台"),
        _Template("赢单与丢单复盘", 10),
    ],
    "marketing": [
        _Template("策划Y3新品发布会方案", 14),
        _Template("确定峰会场地与演讲嘉宾", 20, 150000, "场地租赁、嘉宾差旅"),
        _Template("上线搜索与信息流投放", 30, 120000, "按周复盘投放数据"),
        _Template("产出连锁零售数字化白皮书", 21, 10000, "设计外包"),
        _Template("公众号与视频号内容排期", 40),
        _Template("上线线索评分规则", 10),
        _Template("参加华东零售行业展会", 10, 60000, "展位与物料"),
        _Template("发布会后线索清洗与分发", 14),
    ],
}
OBJECTIVES_PER_DEPARTMENT = 2
KEY_RESULTS_PER_OBJECTIVE = 2
STEPS_PER_KEY_RESULT = 2
OVERDUE_PER_DEPARTMENT = 2
# A budget this large is decided one level up (the head's manager).
DECIDED_ABOVE = 50000


def _key_results(quarter: Cycle, department: Department) -> list[KeyResult]:
    """The key results of the department's first objectives of the quarter, in order."""
    return list(
        KeyResult.objects.filter(
            objective__cycle=quarter, objective__level=Level.DEPARTMENT, objective__department=department
        )
        .select_related("objective__owner__manager", "objective__cycle", "owner")
        .order_by("objective__priority", "objective_id", "position", "id")
    )


def _chosen(key_results: list[KeyResult]) -> list[KeyResult]:
    per_objective: dict[int, list[KeyResult]] = {}
    for kr in key_results:
        per_objective.setdefault(kr.objective_id, []).append(kr)
    firsts = list(per_objective.values())[:OBJECTIVES_PER_DEPARTMENT]
    return [kr for krs in firsts for kr in krs[:KEY_RESULTS_PER_OBJECTIVE]]


def _dates(rng: random.Random, quarter: Cycle, days: int) -> tuple[dt.date, dt.date]:
    span = max((quarter.end - quarter.start).days - days, 0)
    start = quarter.start + dt.timedelta(days=rng.randint(0, span))
    return start, min(start + dt.timedelta(days=days), quarter.end)


def _status(start: dt.date, deadline: dt.date, today: dt.date) -> str:
    if deadline < today:
        return StepStatus.DONE
    if start <= today:
        return StepStatus.DOING
    return StepStatus.TODO


def _department_steps(
    *, key: str, department: Department, quarter: Cycle, today: dt.date, rng: random.Random
) -> list[ActionStep]:
    head = department.head
    key_results = _chosen(_key_results(quarter, department))
    members = list(
        Person.objects.filter(department__path__startswith=department.path, is_active=True).order_by("username")
    )
    if head is None or not key_results or not members:
        return []
    templates = STEPS[key]
    made: list[ActionStep] = []
    for index in range(len(key_results) * STEPS_PER_KEY_RESULT):
        kr = key_results[index // STEPS_PER_KEY_RESULT]
        template = templates[index % len(templates)]
        start, deadline = _dates(rng, quarter, template.days)
        overdue = index < OVERDUE_PER_DEPARTMENT and today > quarter.start
        if overdue:
            deadline = max(quarter.start, today - dt.timedelta(days=rng.randint(2, 9)))
            start = max(quarter.start, deadline - dt.timedelta(days=template.days))
        owner = rng.choice(members)
        helpers = rng.sample([p for p in members if p.pk != owner.pk], k=min(rng.randint(0, 2), len(members) - 1))
        above = head.manager if template.budget >= DECIDED_ABOVE and head.manager is not None else head
        step = step_create(
            actor=head,
            key_result=kr,
            title=template.title,
            owner=owner,
            responsible=kr.owner if kr.owner is not None and kr.owner.is_active else head,
            decider=above,
            resource_people=helpers,
            budget=Decimal(template.budget),
            resources_note=template.note,
            start=start,
            deadline=deadline,
            priority=rng.choice([Priority.P0, Priority.P1, Priority.P1, Priority.P2, Priority.P2, Priority.P3]),
        ).step
        status = StepStatus.DOING if overdue else _status(start, deadline, today)
        if status != StepStatus.TODO:
            step_set_status(actor=owner, step=step, status=status)
        made.append(step)
    return made


def build_plans(*, quarter: Cycle, departments: Sequence[tuple[str, Department]], today: dt.date, seed: int) -> int:
    """Action plans for the quarter's key results of these departments ((content key, department) pairs: sales and
    marketing); answers how many steps there are. The same seed and day give the same plans."""
    rng = random.Random(seed * 31 + 8)  # noqa: S311 — a repeatable demo, not a secret
    steps: list[ActionStep] = []
    for key, department in departments:
        if key in STEPS:
            steps += _department_steps(key=key, department=department, quarter=quarter, today=today, rng=rng)
    open_steps = [s for s in steps if s.status in (StepStatus.TODO, StepStatus.DOING) and s.deadline >= today]
    if open_steps:
        # A step in progress is stuck, waiting for a decision.
        blocked = open_steps[-1]
        step_set_status(actor=blocked.owner, step=blocked, status=StepStatus.BLOCKED)
    if len(open_steps) > 1:
        # One runs past its key result's end, into the next quarter (the planner was warned, EXE-8).
        late = open_steps[0]
        planner = late.key_result.objective.owner or late.owner
        step_update(actor=planner, step=late, data={"deadline": quarter.end + dt.timedelta(days=10)})
    if steps:
        # A big step is cut in two: the visits in two rounds.
        biggest = max(steps, key=lambda s: ((s.deadline - s.start).days, -s.pk))
        step_split(actor=biggest.key_result.objective.owner or biggest.owner, step=biggest)
    return ActionStep.objects.filter(key_result__objective__cycle=quarter).count()
