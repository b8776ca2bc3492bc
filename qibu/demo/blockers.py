"""The demo company's blockers (EXE-2) over the eight weeks: a dozen raised in the sales and marketing teams'
stand-ups, each with its owner and the people concerned, most linked to the owner's key result or action step;
most resolved after a few days (one of them only after it had reached the department's weekly meeting), two open
since yesterday and today in their teams, one open for three days and so on the department's weekly meeting's
agenda, and one open for a week that went on to the management's weekly meeting. Written through the services
and the escalation itself, so that each has its history and the people concerned were told, as in real use."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from qibu.blockers.escalation import blockers_escalate
from qibu.blockers.models import Blocker, BlockerSource
from qibu.blockers.services import blocker_create, blocker_resolve
from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult
from qibu.org.models import Department, Organisation, Person
from qibu.plans.models import ActionStep


@dataclass(frozen=True)
class _Template:
    title: str
    description: str
    days_ago: float  # when it was raised, before now
    resolved_after: float | None  # days after it was raised; None: still open
    resolution: str = ""


# By the content key of the department (qibu/demo/content.py); the list is spread over the eight weeks.
TEMPLATES: dict[str, list[_Template]] = {
    "sales": [
        _Template(
            "连锁客户的采购审批卡在总部",
            "客户总部要求补充三年财务报表才能走采购流程。",
            52,
            3,
            "财务部出具了审计报告，客户已受理。",
        ),
        _Template(
            "报价系统无法生成阶梯折扣",
            "大客户专属报价方案需要阶梯折扣，系统只支持单一折扣。",
            41,
            1.5,
            "IT 临时开通了手工报价审批通道。",
        ),
        _Template(
            "样机到货延迟", "20 台 Y3 样机物流滞留在仓库，门店试用无法按期开始。", 30, 2, "改走同城快递，样机已到门店。"
        ),
        _Template(
            "客户合同卡在法务审核",
            "标准合同的违约条款客户不接受，法务尚未答复修改意见。",
            19,
            4,
            "法务总监批准了修改后的违约条款。",
        ),
        _Template(
            "华东区 CRM 线索重复",
            "市场部推送的线索和销售已有客户重复，跟进人冲突。",
            7,
            None,
        ),
        _Template(
            "答谢会场地还没确认",
            "两家备选酒店都要求本周内付定金。",
            1,
            None,
        ),
    ],
    "marketing": [
        _Template(
            "峰会嘉宾行程未确认", "两位演讲嘉宾的行程冲突，议程无法定稿。", 48, 2, "调整了议程顺序，嘉宾都已确认。"
        ),
        _Template(
            "投放账户被限流", "信息流账户因素材审核被限流，日消耗不到预算的三成。", 35, 1, "更换了素材并通过复审。"
        ),
        _Template(
            "白皮书设计外包延期", "外包设计团队人手不足，交付推迟一周。", 23, 2.5, "追加了一名设计师，已按新排期交付。"
        ),
        _Template(
            "展会展位图纸未获批准", "主办方要求修改展位结构，图纸需要重新报批。", 12, 1, "按主办方要求修改后已获批准。"
        ),
        _Template(
            "线索评分规则缺少销售反馈",
            "销售部还没提供赢单客户的特征，评分规则无法上线。",
            3,
            None,
        ),
        _Template(
            "视频号内容审核排队",
            "新品视频在平台审核排队，已经超过 48 小时。",
            0.2,
            None,
        ),
    ],
}


def _people(department: Department) -> list[Person]:
    """Active members of the department (and those below it) who are in a team, by name."""
    return list(
        Person.objects.filter(department__path__startswith=department.path, is_active=True, team__isnull=False)
        .select_related("team__department", "department")
        .order_by("full_name", "username")
    )


def _link(person: Person, quarter: Cycle) -> tuple[KeyResult | None, ActionStep | None]:
    step = (
        ActionStep.objects.filter(owner=person, key_result__objective__cycle=quarter)
        .select_related("key_result__objective")
        .order_by("deadline", "id")
        .first()
    )
    if step is not None:
        return step.key_result, step
    kr = (
        KeyResult.objects.filter(owner=person, objective__cycle=quarter)
        .select_related("objective")
        .order_by("id")
        .first()
    )
    return kr, None


def build_blockers(
    *,
    organisation: Organisation,
    quarter: Cycle,
    departments: Sequence[tuple[str, Department]],
    now: dt.datetime,
    seed: int,
) -> int:
    """The blockers of these departments ((content key, department) pairs: sales and marketing); answers how many
    there are. The same seed and day give the same blockers."""
    rng = random.Random(seed * 17 + 2)  # noqa: S311 — a repeatable demo, not a secret
    events: list[tuple[dt.datetime, _Template, list[Person]]] = []
    for key, department in departments:
        people = _people(department)
        if key not in TEMPLATES or len(people) < 2:
            continue
        for template in TEMPLATES[key]:
            events.append((now - dt.timedelta(days=template.days_ago), template, people))
    for raised_at, template, people in sorted(events, key=lambda event: event[0]):
        owner = rng.choice(people)
        teammates = [p for p in people if p.team_id == owner.team_id and p.pk != owner.pk] or [
            p for p in people if p.pk != owner.pk
        ]
        concerned = rng.sample(teammates, k=min(len(teammates), rng.choice((1, 2))))
        lead = owner.team.lead if owner.team is not None and owner.team.lead is not None else None
        concerned += [lead] if lead is not None and lead.pk != owner.pk else []
        key_result, step = _link(owner, quarter)
        # Raised in the team's stand-up, by its owner or by a teammate who saw it.
        raiser = owner if rng.random() < 0.6 else concerned[0]
        blocker = blocker_create(
            actor=raiser,
            title=template.title,
            description=template.description,
            owner=owner,
            concerned=concerned,
            team=owner.team,
            key_result=key_result,
            action_step=step,
            source=BlockerSource.STAND_UP,
            now=raised_at,
        )
        if template.resolved_after is None:
            continue
        resolved_at = raised_at + dt.timedelta(days=template.resolved_after)
        if template.resolved_after >= organisation.blocker_department_after_days:
            # Left open long enough, it reached the department's weekly meeting before it was settled.
            blockers_escalate(
                policy=organisation,
                now=raised_at + dt.timedelta(days=organisation.blocker_department_after_days, hours=1),
            )
        blocker_resolve(actor=owner, blocker=blocker, resolution=template.resolution, now=resolved_at)
    # The open ones climb as the hourly job would have moved them: the week-old one first to the department's
    # meeting, then on to the management's; the three-day-old one to the department's.
    blockers_escalate(policy=organisation, now=now - dt.timedelta(days=4))
    blockers_escalate(policy=organisation, now=now)
    return Blocker.objects.count()
