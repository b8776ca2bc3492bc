"""The finished quarter's self-assessments (自评, SELF-1, SELF-2, MEAS-7): everyone who owns a key result of it scored
theirs and submitted, through the assess services as a person would — the score their progress, a few adjusted with
the reason, what worked, and below 1.0 the root cause of what was not done and what to change. Submitting writes the
key results' and objectives' end scores. They were submitted on the quarter's last evening (its self-assessment
window), after its last check-ins; the rows and their history are dated then."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from qibu.assess.models import AssessmentState, SelfAssessment
from qibu.assess.selectors import ONE, ZERO, assessed_key_results, clamped
from qibu.assess.services import assessment_submit
from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult
from qibu.org.models import Person

# Share of the scores their owner moves away from the progress (MEAS-7), with the reason.
ADJUSTED_SHARE = 0.12
STEP = Decimal("0.1")

WORKED: Sequence[str] = (
    "每周固定时间更新进度，问题暴露得早，及时找到了支持。",
    "把大目标拆成每两周一个小里程碑，团队节奏清楚。",
    "和上下游部门每周同步一次，减少了来回返工。",
    "提前和关键客户确认需求，方案一次通过。",
    "复盘会上把有效做法写成清单，新人也能照着做。",
    "集中精力做最重要的两件事，其他需求都往后排。",
    "用数据看板盯进度，偏离时当周就调整。",
    "请有经验的同事结对，少走了不少弯路。",
)
ROOT_CAUSES: Sequence[str] = (
    "季度初对工作量估计过于乐观，没有预留应对突发需求的时间。",
    "依赖的兄弟部门排期推迟了三周，我们没有尽早升级问题。",
    "目标定得偏高，中途发现资源不足时没有及时调整计划。",
    "临时插入的紧急项目占用了近一个月的精力。",
    "关键岗位空缺，招聘比预期慢，人手一直不够。",
    "客户决策周期比预想的长，签约集中推到了下季度。",
    "前期调研不充分，方案做到一半需要推倒重来。",
    "每周检查流于形式，信心下降时没有追问原因、采取行动。",
    "供应商交付延迟，测试和上线时间被压缩。",
    "优先级频繁变化，精力分散在太多事情上。",
)
CHANGES: Sequence[str] = (
    "下季度每个关键结果都列出依赖方，第一周就对齐排期。",
    "季度中期做一次正式检查，偏离超过两成就调整方案。",
    "目标定下后预留两成时间给突发需求。",
    "信心下降当周就在周会上提出，请求支持。",
    "把一个大目标拆成三个阶段，每个阶段有明确的交付物。",
    "减少同时推进的事项，只保留最重要的三件。",
    "和客户约定固定的沟通节奏，提前锁定决策时间。",
    "提前一个月启动招聘和交接，关键工作安排备份人员。",
)
KEEP: Sequence[str] = (
    "保持每周更新和两周一次小结的节奏。",
    "把这次的做法整理成模板，分享给团队。",
    "下季度在此基础上适当提高挑战度。",
)
LOWERED: Sequence[str] = (
    "进度里有一笔一次性的大单，并不代表可持续的能力，按实际情况打低一些。",
    "数字达到了，但质量没有达到预期，客户仍有不少投诉。",
    "部分结果是其他同事帮忙完成的，我自己的贡献没那么多。",
)
RAISED: Sequence[str] = (
    "季度中目标被上调过，按原定目标已经完成，分数应当更高。",
    "最难的部分已经完成，剩下的只是上线前的收尾，下周就能交付。",
    "数据统计口径变化少算了一部分，按原口径已接近完成。",
)


def _entry(rng: random.Random, kr: KeyResult) -> dict[str, Any]:
    """One key result's row: its progress as the score unless adjusted (with the reason), and the account."""
    progress = clamped(kr.progress)
    score, reason = progress, ""
    if rng.random() < ADJUSTED_SHARE:
        if progress >= Decimal("0.3") and (progress == ONE or rng.random() < 0.5):
            score, reason = max(ZERO, progress - STEP * rng.randint(1, 2)), rng.choice(LOWERED)
        elif progress < ONE:
            score, reason = min(ONE, progress + STEP), rng.choice(RAISED)
    entry: dict[str, Any] = {"score": score, "score_reason": reason, "worked": rng.choice(WORKED)}
    if score < ONE:
        entry["root_cause"], entry["change"] = rng.choice(ROOT_CAUSES), rng.choice(CHANGES)
    else:
        entry["change"] = rng.choice(KEEP)
    return entry


def build_self_assessments(*, quarter: Cycle, rng: random.Random, now: dt.datetime, zone: dt.tzinfo) -> int:
    """Everyone's submitted self-assessment of the finished quarter; answers how many were submitted."""
    people = list(
        Person.objects.filter(
            pk__in=KeyResult.objects.filter(objective__cycle=quarter).values("owner_id"), is_active=True
        ).order_by("pk")
    )
    for person in people:
        entries = {kr.pk: _entry(rng, kr) for kr in assessed_key_results(person, quarter)}
        if entries:
            assessment_submit(actor=person, person=person, cycle=quarter, entries=entries)
    _date(quarter, now, zone)
    return SelfAssessment.objects.filter(cycle=quarter, state=AssessmentState.SUBMITTED).count()


def _date(quarter: Cycle, now: dt.datetime, zone: dt.tzinfo) -> None:
    """Submitted on the quarter's last evening from half past six, one after another over three hours (never after
    now); their history the same."""
    evening = min(dt.datetime.combine(quarter.end, dt.time(18, 30), tzinfo=zone), now)
    assessments = list(SelfAssessment.objects.filter(cycle=quarter).order_by("pk"))
    step = dt.timedelta(hours=3) / max(1, len(assessments))
    when: dict[int, dt.datetime] = {}
    for n, assessment in enumerate(assessments):
        at = when[assessment.pk] = min(evening + step * n, now)
        assessment.submitted_at = assessment.created_at = assessment.updated_at = at
    SelfAssessment.objects.bulk_update(assessments, ["submitted_at", "created_at", "updated_at"], batch_size=1000)
    entries = [
        entry for entry in AuditEntry.objects.filter(action__startswith="self_assessment.") if entry.subject_id in when
    ]
    for entry in entries:
        entry.at = when[entry.subject_id or 0]
    AuditEntry.objects.bulk_update(entries, ["at"], batch_size=1000)
