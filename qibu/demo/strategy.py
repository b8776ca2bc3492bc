"""The demo's strategy (VIS-2) and key results written first (SET-9, PLAY-LOKR): each annual company objective
traces to the strategic goal of the same place (the content writes them in the same order), each quarterly one to
its annual parent's goal; the CEO has a few key results drafted under the goals, and a sales member a few of their
own, in the current quarter's pools. Rows are written in bulk, as the rest of the demo (history starts after it)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from qibu.cycles.models import Cycle
from qibu.okrs.models import Alignment, DraftKeyResult, KeyResultKind, Level, Objective
from qibu.org.models import Person, StrategicGoal

# (the goal's place, title, kind, start, target, unit, milestones), drafted by the CEO for the quarter.
CEO_DRAFTS: Sequence[tuple[int, str, str, int, int, str, Sequence[str]]] = (
    (0, "华南区新签连锁品牌客户30家", KeyResultKind.INCREASE, 0, 30, "家", ()),
    (0, "渠道伙伴贡献收入占比从8%提升至15%", KeyResultKind.INCREASE, 8, 15, "%", ()),
    (1, "Y3收银机首批客户开机率达到95%", KeyResultKind.INCREASE, 0, 95, "%", ()),
    (2, "单客户实施成本从1.8万元降至1.2万元", KeyResultKind.DECREASE, 18000, 12000, "元", ()),
)
MEMBER_DRAFTS: Sequence[tuple[str, str, int, int, str, Sequence[str]]] = (
    ("拜访华东区重点连锁客户20家", KeyResultKind.INCREASE, 0, 20, "家", ()),
    ("完成3场门店数字化沙龙", KeyResultKind.MILESTONES, 0, 1, "", ("确定主题与场地", "邀约30位店长", "办完三场")),
)


def _trace_company_objectives(year: Cycle, quarter: Cycle, goals: list[StrategicGoal]) -> None:
    annual = list(Objective.objects.filter(cycle=year, level=Level.COMPANY).order_by("priority", "id"))
    for goal, objective in zip(goals, annual, strict=False):
        objective.strategic_goal = goal
    Objective.objects.bulk_update(annual, ["strategic_goal"])
    goal_of = {objective.pk: objective.strategic_goal_id for objective in annual}
    parent_of = dict(
        Alignment.objects.filter(child__cycle=quarter, child__level=Level.COMPANY).values_list(
            "child_id", "rollup_parent_id"
        )
    )
    quarterly = list(Objective.objects.filter(cycle=quarter, level=Level.COMPANY))
    for objective in quarterly:
        objective.strategic_goal_id = goal_of.get(parent_of.get(objective.pk, 0))
    Objective.objects.bulk_update(quarterly, ["strategic_goal"])


def trace_company_objectives(*, year: Cycle, quarter: Cycle) -> None:
    """VIS-2 for another quarter (the finished one): its company objectives trace to their annual parents' goals."""
    _trace_company_objectives(year, quarter, list(StrategicGoal.objects.order_by("position", "id")))


def build_strategy(*, year: Cycle, quarter: Cycle, ceo: Person, member: Person | None) -> None:
    goals = list(StrategicGoal.objects.order_by("position", "id"))
    _trace_company_objectives(year, quarter, goals)
    drafts = [
        DraftKeyResult(
            owner=ceo,
            author=ceo,
            cycle=quarter,
            strategic_goal=goals[place] if place < len(goals) else None,
            title=title,
            kind=kind,
            start_value=Decimal(start),
            target_value=Decimal(target),
            unit=unit,
            milestones=list(milestones),
            position=i,
        )
        for i, (place, title, kind, start, target, unit, milestones) in enumerate(CEO_DRAFTS)
    ]
    if member is not None:
        drafts += [
            DraftKeyResult(
                owner=member,
                author=member,
                cycle=quarter,
                title=title,
                kind=kind,
                start_value=Decimal(start),
                target_value=Decimal(target),
                unit=unit,
                milestones=list(milestones),
                position=i,
            )
            for i, (title, kind, start, target, unit, milestones) in enumerate(MEMBER_DRAFTS)
        ]
    DraftKeyResult.objects.bulk_create(drafts)
