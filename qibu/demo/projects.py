"""演示公司的项目(PLAY-PROJ):Y3 标杆门店试点项目。

一个有自己愿景与使命(VIS-3)的项目:客户成功部负责人牵头,成员来自智能硬件部、销售部和市场部;两个阶段,
“试点部署”正在进行,“口碑推广”紧随其后;每个阶段的目标对齐公司或部门的季度目标,每个关键结果有负责人和
一起承担的成员,进行中的阶段有几周的签到。全部经由服务写入,与页面和接口写入的数据一样。
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from qibu.okrs.access import can_approve
from qibu.okrs.models import Approval, KeyResult, Objective
from qibu.okrs.services import checkin_record, objective_approve, objective_submit
from qibu.org.models import Person
from qibu.org.selectors import organisation_get
from qibu.projects.models import Project
from qibu.projects.services import (
    member_add,
    project_create,
    project_key_result_create,
    stage_add,
    stage_objective_create,
)

PROJECT = {
    "name": "Y3标杆门店试点项目",
    "vision": "让每一家试点门店用上Y3之后,都愿意把它推荐给同行。",
    "mission": "用一个季度完成20家标杆门店的Y3部署、培训和口碑沉淀,为Y3全面上市铺好路。",
    "description": (
        "跨部门项目:智能硬件部负责设备与稳定性,客户成功部负责上线与培训,销售部与市场部把试点口碑变成新签约。"
    ),
}
# (department key, role in the project): the members besides the lead, one from each of three departments.
ROLES = [("hardware", "设备与稳定性负责人"), ("sales", "试点客户对接"), ("marketing", "案例与传播")]


def _member(people: Sequence[tuple[str, Person]], key: str, fallback: Person) -> Person:
    return next((person for unit, person in people if unit == key), fallback)


def _check_ins(author: Person, kr: Any, values: Sequence[tuple[float, int, str]], times: Sequence[dt.datetime]) -> None:
    """The last of the weekly check-ins, as many as there are weeks to show (the demo's `checkin_weeks`)."""
    _agree([Objective.objects.select_related("owner__department").get(pk=kr.objective_id)])
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=kr.pk)  # its objective as agreed since
    for (value, confidence, note), at in zip(values[len(values) - len(times) :], times, strict=True):
        checkin_record(actor=author, key_result=kr, value=value, confidence=confidence, note=note, at=at)


def _agree(objectives: Sequence[Objective]) -> None:
    """SET-1: the lead submits the stage's objectives and an approver agrees them (the lead's manager, the head of
    the lead's department or an executive), before their weeks of check-ins."""
    ceo_id = organisation_get().ceo_id
    people = list(Person.objects.filter(is_active=True).select_related("department").order_by("pk"))
    for objective in objectives:
        if objective.approval == Approval.APPROVED:
            continue
        objective_submit(actor=objective.owner or objective.author, objective=objective)  # type: ignore[arg-type]
        owner = objective.owner
        wanted = [owner.manager_id if owner else None, owner.department.head_id if owner and owner.department else None]
        ordered = sorted(people, key=lambda p: (p.pk not in wanted, not p.is_executive, p.pk))
        approver = next(p for p in ordered if can_approve(p, objective, ceo_id=ceo_id))
        objective_approve(actor=approver, objective=objective)


def build_projects(
    *,
    today: dt.date,
    people: Sequence[tuple[str, Person]],
    heads: Mapping[str, Person],
    company_objectives: Sequence[Objective],
    department_objectives: Mapping[str, Objective],
    weeks: int = 3,
) -> Project | None:
    """The demo's project, around `today`: `people` are (department key, person) pairs, `heads` each department's
    head, the objectives those of the current quarter; the stage under way has up to three weekly check-ins, at most
    `weeks`. None when the company lacks what it needs."""
    lead = heads.get("cs")
    if lead is None or not company_objectives:
        return None
    hardware, sales, marketing = (_member(people, key, lead) for key, _role in ROLES)
    start = today - dt.timedelta(days=45)
    pilot_end = today + dt.timedelta(days=15)
    project = project_create(actor=lead, lead=lead, start=start, end=pilot_end + dt.timedelta(days=90), **PROJECT)
    for person, (_key, role) in zip((hardware, sales, marketing), ROLES, strict=True):
        if person != lead:
            member_add(actor=lead, project=project, person=person, role=role)
    pilot = stage_add(actor=lead, project=project, name="试点部署", start=start, end=pilot_end)
    spread = stage_add(
        actor=lead, project=project, name="口碑推广", start=pilot_end + dt.timedelta(days=1), end=project.end
    )

    # The stage under way: deployment aligned to the company's Y3 objective, satisfaction to customer success's.
    y3 = company_objectives[1] if len(company_objectives) > 1 else company_objectives[0]
    deploy = stage_objective_create(
        actor=lead, stage=pilot, title="20家标杆门店顺利用上Y3", owner=hardware, parent_objective_ids=[y3.pk]
    )
    stores = project_key_result_create(
        actor=lead, objective=deploy, carriers=[lead, sales], title="完成20家标杆门店的Y3部署",
        start_value=0, target_value=20, unit="家", owner=hardware, confidence=70,
    )  # fmt: skip
    faults = project_key_result_create(
        actor=lead, objective=deploy, carriers=[lead], title="上线首周设备故障率从5%降到2%以下",
        kind="decrease", start_value=5, target_value=2, unit="%", owner=hardware, confidence=60,
    )  # fmt: skip
    cs_objective = department_objectives.get("cs")
    happy = stage_objective_create(
        actor=lead,
        stage=pilot,
        title="试点门店店长满意度达到9分",
        owner=lead,
        parent_objective_ids=[cs_objective.pk] if cs_objective is not None else [y3.pk],
    )
    score = project_key_result_create(
        actor=lead, objective=happy, carriers=[marketing], title="店长满意度评分从7.5分提升到9分",
        start_value=7.5, target_value=9, unit="分", owner=lead, confidence=65,
    )  # fmt: skip
    now = timezone.now()
    weeks_shown = [now - dt.timedelta(days=days, hours=2) for days in (16, 9, 2)][max(0, 3 - weeks) :]
    _check_ins(
        hardware,
        stores,
        [(6, 70, "首批6家门店已上线"), (11, 75, "华东片区进度顺利"), (15, 80, "剩余5家排期已定")],
        weeks_shown,
    )
    _check_ins(
        hardware, faults, [(4.1, 60, "固件1.2修复了打印卡纸"), (3.2, 65, "扫码枪驱动更新"), (2.6, 70, "")], weeks_shown
    )
    _check_ins(lead, score, [(7.9, 65, "首轮回访"), (8.3, 70, "培训后明显提升"), (8.6, 72, "")], weeks_shown)

    # The stage next: turning the pilot's word of mouth into new contracts (sales' objective), with its cases.
    sales_objective = department_objectives.get("sales")
    referrals = stage_objective_create(
        actor=lead,
        stage=spread,
        title="把试点口碑变成新签约",
        owner=sales,
        parent_objective_ids=[sales_objective.pk] if sales_objective is not None else [company_objectives[0].pk],
    )
    project_key_result_create(
        actor=lead, objective=referrals, carriers=[lead], title="试点门店转介绍新客户10家",
        start_value=0, target_value=10, unit="家", owner=sales, confidence=55,
    )  # fmt: skip
    project_key_result_create(
        actor=lead, objective=referrals, carriers=[sales, hardware], title="发布3篇标杆门店案例",
        start_value=0, target_value=3, unit="篇", owner=marketing, confidence=60,
    )  # fmt: skip
    # Agreed already, but no check-ins before the stage begins.
    _agree([Objective.objects.select_related("owner__department").get(pk=referrals.pk)])
    return project
