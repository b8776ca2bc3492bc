"""The demo company's next quarter, in planning (SET-1, SET-2): company, department and personal drafts, some
submitted, some returned with the approver's comment, employees' proposals and objections on the departments'
drafts (one taken up, one declined with the reason), and the company's draft taking up the sales department's.

Written through the services (so history records who wrote each objective and key result, SET-7, and the owners
are told of the proposals); the approval states are set on the rows with their decisions, as the approval steps
would leave them. A few dozen rows whatever the size of the company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.services import cycles_generate_year
from qibu.okrs.models import Approval, ApprovalAction, ApprovalDecision, KeyResultKind, Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Department, Person, Role, StrategicGoal
from qibu.planning.models import ProposalKind, ProposalStatus
from qibu.planning.services import proposal_create, proposal_respond, take_up_add


@dataclass(frozen=True)
class _KeyResult:
    title: str
    start: int
    target: int
    unit: str


@dataclass(frozen=True)
class _Draft:
    title: str
    key_results: tuple[_KeyResult, ...]
    approval: str = Approval.DRAFT
    returned: str = ""  # the approver's comment when returned


ANNUAL = _Draft(
    "全年营收突破 8000 万元,舟店通成为连锁零售首选",
    (
        _KeyResult("全年营业收入达到 8000 万元", 5000, 8000, "万元"),
        _KeyResult("连锁客户门店数达到 6000 家", 3500, 6000, "家"),
    ),
    approval=Approval.APPROVED,
)
COMPANY = (
    _Draft(
        "下季度新签连锁客户 40 家,稳住增长势头",
        (_KeyResult("新签连锁门店客户 40 家", 0, 40, "家"), _KeyResult("新签合同额达到 600 万元", 0, 600, "万元")),
        approval=Approval.SUBMITTED,
    ),
    _Draft(
        "舟店通 5.0 按期上线并稳定运行",
        (_KeyResult("5.0 版本上线试点门店 200 家", 0, 200, "家"), _KeyResult("线上严重故障降到 2 次以内", 6, 2, "次")),
    ),
)
# By the content key of the department: its draft, and which company draft it serves.
DEPARTMENTS: dict[str, tuple[_Draft, int]] = {
    "sales": (
        _Draft(
            "华东区新签 25 家连锁客户",
            (_KeyResult("新签连锁客户 25 家", 0, 25, "家"), _KeyResult("老客户续约率达到 90%", 80, 90, "%")),
            approval=Approval.SUBMITTED,
        ),
        0,
    ),
    "rd": (
        _Draft(
            "交付 5.0 版本的会员营销与库存模块",
            (_KeyResult("完成会员营销模块重构", 0, 1, "个"), _KeyResult("库存模块性能提升到 3 倍", 1, 3, "倍")),
            approval=Approval.RETURNED,
            returned="关键结果还不够可衡量:请写明每个模块验收的标准和日期,再提交一次。",
        ),
        1,
    ),
    "marketing": (
        _Draft("下季度获取 300 条有效销售线索", (_KeyResult("有效销售线索 300 条", 0, 300, "条"),)),
        0,
    ),
}
PERSONAL = (
    _Draft("拿下 5 家连锁客户", (_KeyResult("新签连锁客户 5 家", 0, 5, "家"),), approval=Approval.SUBMITTED),
    _Draft(
        "老客户续约一个不丢",
        (_KeyResult("续约老客户 12 家", 0, 12, "家"),),
        approval=Approval.RETURNED,
        returned="先和部门的续约目标对齐,再把数字定下来。",
    ),
    _Draft("开拓苏州市场", (_KeyResult("苏州新签客户 3 家", 0, 3, "家"),)),
)
DEPARTMENT_NAMES = {"sales": "销售部", "rd": "产品研发部", "marketing": "市场部"}


@dataclass
class PlanningSummary:
    cycle: Cycle | None = None
    objectives: int = 0
    proposals: int = 0
    drafts: list[Objective] = field(default_factory=list)


def next_quarter(quarter: Cycle) -> Cycle:
    """The quarter after `quarter`, its year made when it does not exist yet."""
    start = quarter.end + dt.timedelta(days=1)
    found = Cycle.objects.filter(kind=CycleKind.QUARTER, start=start).first()
    if found is None:
        cycles_generate_year(actor=None, fiscal_year=start.year, start_month=start.month)
        found = Cycle.objects.get(kind=CycleKind.QUARTER, start=start)
    return found


def _write(
    draft: _Draft, *, author: Person, cycle: Cycle, level: str, parent: Objective | None = None, **scope: object
) -> Objective:
    objective = objective_create(
        actor=author,
        cycle=cycle,
        level=level,
        title=draft.title,
        parent_objective_ids=[parent.pk] if parent is not None else [],
        # VIS-2: a company objective traces to its strategic goal, a quarterly one to its annual parent's.
        strategic_goal=_goal_of(parent) if level == Level.COMPANY else None,
        **scope,  # type: ignore[arg-type]
    )
    for kr in draft.key_results:
        key_result_create(
            actor=author,
            objective=objective,
            title=kr.title,
            kind=KeyResultKind.DECREASE if kr.target < kr.start else KeyResultKind.INCREASE,
            start_value=kr.start,
            target_value=kr.target,
            unit=kr.unit,
        )
    return objective


def _decide(objective: Objective, draft: _Draft, *, approver: Person | None, at: dt.datetime) -> None:
    """Leave the draft where the approval steps would: submitted, submitted and returned with the comment, or
    submitted and approved by `approver`."""
    submitted = draft.approval in (Approval.SUBMITTED, Approval.RETURNED, Approval.APPROVED)
    approved = draft.approval == Approval.APPROVED
    Objective.objects.filter(pk=objective.pk).update(
        approval=draft.approval,
        submitted_at=at if submitted else None,
        approved_at=at if approved else None,
        approved_by=approver if approved else None,
    )
    objective.approval = draft.approval
    if submitted:
        ApprovalDecision.objects.create(objective=objective, actor=objective.owner, action=ApprovalAction.SUBMIT)
    if approved:
        ApprovalDecision.objects.create(objective=objective, actor=approver, action=ApprovalAction.APPROVE)
    if draft.approval == Approval.RETURNED:
        ApprovalDecision.objects.create(
            objective=objective, actor=approver, action=ApprovalAction.RETURN, comment=draft.returned
        )


def _members(department: Department, count: int) -> list[Person]:
    return list(
        Person.objects.filter(department__path__startswith=department.path, role=Role.MEMBER, is_active=True).order_by(
            "username"
        )[:count]
    )


def _goal_of(parent: Objective | None) -> StrategicGoal | None:
    if parent is not None and parent.strategic_goal_id is not None:
        return parent.strategic_goal
    return StrategicGoal.objects.order_by("position", "id").first()


def _annual(year: Cycle, ceo: Person, approver: Person | None, at: dt.datetime) -> Objective:
    """Next year's company objective, agreed already; the CEO owns it, so another executive approved it (SET-1)."""
    existing = Objective.objects.filter(cycle=year, level=Level.COMPANY).order_by("priority", "id").first()
    if existing is not None:
        return existing
    annual = _write(ANNUAL, author=ceo, cycle=year, level=Level.COMPANY, owner=ceo)
    _decide(annual, ANNUAL, approver=approver, at=at)
    return annual


def build_planning(*, quarter: Cycle, ceo: Person, executives: Mapping[str, Person]) -> PlanningSummary:
    """The quarter after `quarter` in planning (see the module's docstring); `executives` by the content key of
    the department they answer for ("sales", "rd")."""
    cycle = next_quarter(quarter)
    summary = PlanningSummary(cycle=cycle)
    at = timezone.now() - dt.timedelta(days=3)
    year = cycle.parent
    deputy = next((person for person in executives.values() if person != ceo), None)
    annual = _annual(year, ceo, deputy, at) if year is not None else None
    owners = [executives.get("sales", ceo), executives.get("rd", ceo)]
    company = []
    for draft, owner in zip(COMPANY, owners, strict=True):
        objective = _write(draft, author=owner, cycle=cycle, level=Level.COMPANY, owner=owner, parent=annual)
        _decide(objective, draft, approver=ceo, at=at)
        company.append(objective)
    departments = {d.name: d for d in Department.objects.filter(name__in=DEPARTMENT_NAMES.values())}
    drafts: dict[str, Objective] = {}
    for key, (draft, parent) in DEPARTMENTS.items():
        department = departments.get(DEPARTMENT_NAMES[key])
        if department is None or department.head is None:
            continue
        head = department.head
        objective = _write(
            draft, author=head, cycle=cycle, level=Level.DEPARTMENT, owner=head, department=department,
            parent=company[parent],
        )  # fmt: skip
        _decide(objective, draft, approver=ceo, at=at)
        drafts[key] = objective
    summary.drafts = [*company, *drafts.values()]
    _personal(drafts, departments, at)
    summary.proposals = _voices(drafts, departments, company[0])
    summary.objectives = Objective.objects.filter(cycle=cycle).count()
    return summary


def _personal(drafts: dict[str, Objective], departments: dict[str, Department], at: dt.datetime) -> None:
    """Three of sales' people draft their own, aligned to their department's draft."""
    sales, sales_draft = departments.get(DEPARTMENT_NAMES["sales"]), drafts.get("sales")
    if sales is None or sales_draft is None:
        return
    for draft, person in zip(PERSONAL, _members(sales, len(PERSONAL)), strict=False):
        parent = sales_draft if person.department_id == sales.pk else None
        objective = _write(draft, author=person, cycle=sales_draft.cycle, level=Level.PERSON, owner=person,
                           parent=parent)  # fmt: skip
        _decide(objective, draft, approver=sales.head, at=at)


def _voices(drafts: dict[str, Objective], departments: dict[str, Department], company: Objective) -> int:
    """SET-2: sales' people propose and object on their department's draft (one proposal taken up), one of
    R&D's objects to theirs (declined, with the reason), one of marketing's proposes; the company's draft takes
    up sales' draft."""
    made = 0
    sales_draft, rd_draft, marketing_draft = drafts.get("sales"), drafts.get("rd"), drafts.get("marketing")
    if sales_draft is not None and sales_draft.owner is not None:
        people = _members(departments[DEPARTMENT_NAMES["sales"]], 4)
        if people:
            renewals = proposal_create(
                actor=people[0],
                objective=sales_draft,
                text="建议把老客户续约率也列为关键结果:老客户是我们最稳的收入来源。",
                key_result=sales_draft.key_results.order_by("position").last(),
            )
            proposal_respond(
                actor=sales_draft.owner, proposal=renewals, status=ProposalStatus.TAKEN_UP,
                note="好主意,已加为第二个关键结果。",
            )  # fmt: skip
            made += 1
        if len(people) > 3:
            proposal_create(
                actor=people[3],
                objective=sales_draft,
                kind=ProposalKind.OBJECTION,
                text="25 家的目标偏高:华东区下季度只有两名销售在岗,建议定 18 家。",
            )
            made += 1
        take_up_add(
            actor=company.owner or sales_draft.owner, objective=company, source_objective=sales_draft,
            note="参考销售部提交的华东区目标,把新签客户数定为 40 家。",
        )  # fmt: skip
    if rd_draft is not None and rd_draft.owner is not None:
        engineers = _members(departments[DEPARTMENT_NAMES["rd"]], 1)
        if engineers:
            objection = proposal_create(
                actor=engineers[0],
                objective=rd_draft,
                kind=ProposalKind.OBJECTION,
                text="重构和新功能同时做,测试人力不够,建议把库存模块放到下个季度。",
            )
            proposal_respond(
                actor=rd_draft.owner, proposal=objection, status=ProposalStatus.DECLINED,
                note="测试外包已经谈好,两个模块都能保住;库存模块先做性能部分。",
            )  # fmt: skip
            made += 1
    if marketing_draft is not None:
        marketers = _members(departments[DEPARTMENT_NAMES["marketing"]], 1)
        if marketers:
            proposal_create(
                actor=marketers[0], objective=marketing_draft, text="增加线下门店沙龙活动,老客户转介绍的线索质量最高。"
            )
            made += 1
    return made
