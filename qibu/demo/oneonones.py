"""The demo company's 1-on-1s (EXE-9, EXE-10): each department head meets two of their reports every week (one
pair every two weeks), and the CEO meets a head, for the eight weeks behind today. Each past meeting has talking
points (some carried to the next, not discussed), a shared note and a private one; one meeting was moved, one
skipped; requests for support were done, declined with a note, or are still open and come back on the next
agenda. Written through the services, as in real use, each at its moment."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db.models import OuterRef, Subquery

from qibu.oneonones.models import (
    Meeting,
    Note,
    NoteSharing,
    OneOnOneCadence,
    OneOnOneStatus,
    Series,
    SupportRequest,
    TalkingPoint,
)
from qibu.oneonones.services import (
    meeting_hold,
    meeting_move,
    meeting_skip,
    note_add,
    point_add,
    point_mark,
    request_create,
    request_settle,
    series_create,
)
from qibu.org.models import Person

WEEKS = 8
POINTS = [
    "本周最大的进展和卡点",
    "大客户签约节奏",
    "下季度想负责的方向",
    "跨部门协作中遇到的问题",
    "培训与成长计划",
    "团队里的新人融入",
    "对目标信心的变化",
    "工作量和节奏是否合适",
]
SHARED = [
    "回顾了关键结果的进度，约定下周前补齐签到。",
    "信心回落的原因已经讲清楚，先集中资源跟进两家重点客户。",
    "同意调整拜访顺序，先攻苏州再攻无锡。",
    "复盘了上周的丢单，报价流程要提前让财务介入。",
]
PRIVATE_MANAGER = ["状态比上周好，可以多给一些挑战。", "注意他最近加班偏多，下次再聊聊节奏。"]
PRIVATE_REPORT = ["想争取牵头下季度的新品推广。", "下次要提出需要更多样机支持。"]
REQUESTS = [
    ("需要两台Y3样机用于客户试用", "done", "已从市场部调拨两台"),
    ("希望报名参加大客户销售培训", "declined", "本季度培训预算已用完，下季度优先安排"),
    ("需要法务协助审核框架合同", "open", ""),
]


def _pairs(heads: Sequence[Person], ceo: Person) -> list[tuple[Person, Person, str]]:
    pairs: list[tuple[Person, Person, str]] = []
    for head in heads:
        reports = list(Person.objects.filter(manager=head, is_active=True).order_by("username")[:2])
        for i, report in enumerate(reports):
            pairs.append((head, report, OneOnOneCadence.BIWEEKLY if i else OneOnOneCadence.WEEKLY))
    if heads and heads[0].manager_id == ceo.pk:
        pairs.append((ceo, heads[0], OneOnOneCadence.WEEKLY))
    return pairs


def _meetings(series: Series, *, now: dt.datetime, rng: random.Random, first: bool) -> int:
    """Hold (or move, or skip) each past meeting of the series; answers how many were held."""
    held = 0
    week = 0
    asked: list[tuple[SupportRequest, str, str]] = []
    while True:
        meeting = Meeting.objects.get(series=series, status=OneOnOneStatus.PLANNED)
        if meeting.scheduled_at >= now:
            break
        at = meeting.scheduled_at
        manager, report = series.manager, series.report
        points = [
            point_add(actor=rng.choice([manager, report]), meeting=meeting, text=t) for t in rng.sample(POINTS, 2)
        ]
        if first and week == 3:
            meeting_skip(actor=manager, meeting=meeting, reason="客户拜访冲突", now=at - dt.timedelta(hours=2))
            week += 1
            continue
        if first and week == 2:
            meeting = meeting_move(
                actor=report, meeting=meeting, when=at + dt.timedelta(days=1), now=at - dt.timedelta(days=1)
            )
            at = meeting.scheduled_at
        note_add(actor=manager, meeting=meeting, text=rng.choice(SHARED), visibility=NoteSharing.SHARED)
        note_add(actor=manager, meeting=meeting, text=rng.choice(PRIVATE_MANAGER), visibility=NoteSharing.PRIVATE)
        if rng.random() < 0.5:
            note_add(actor=report, meeting=meeting, text=rng.choice(PRIVATE_REPORT), visibility=NoteSharing.PRIVATE)
        if week in (1, 3, 5) and len(asked) < len(REQUESTS):
            text, outcome, note = REQUESTS[len(asked)]
            request = request_create(
                actor=report, series=series, meeting=meeting, text=text, due=(at + dt.timedelta(days=14)).date(), now=at
            )
            asked.append((request, outcome, note))
        # The first point is talked through; the second carries to the next meeting now and then.
        point_mark(actor=manager, point=points[0], discussed=True)
        discussed = [points[1].pk] if rng.random() < 0.6 else []
        meeting_hold(actor=manager, meeting=meeting, discussed=discussed, now=at + dt.timedelta(minutes=30))
        held += 1
        week += 1
        # A request is settled at the meeting a week or more after it was asked (the open one stays open).
        for i, (request, outcome, note) in enumerate(asked):
            if outcome != "open" and request.is_open and request.created_at < at - dt.timedelta(days=6):
                settled_at = at + dt.timedelta(minutes=40)
                settled = request_settle(actor=manager, request=request, status=outcome, note=note, now=settled_at)
                asked[i] = (settled, outcome, note)
    return held


def build_one_on_ones(*, heads: Sequence[Person], ceo: Person, now: dt.datetime, seed: int) -> int:
    """The 1-on-1s of department heads with two reports each and of the CEO with a head; answers how many meetings
    were held. The same seed and moment give the same 1-on-1s."""
    rng = random.Random(seed)  # noqa: S311  (a demo, not a secret)
    start = now - dt.timedelta(weeks=WEEKS, days=1)
    held = 0
    made: list[int] = []
    for index, (manager, report, cadence) in enumerate(_pairs(heads, ceo)):
        series = series_create(
            actor=manager,
            manager=manager,
            report=report,
            cadence=cadence,
            weekday=index % 5,
            time=f"{10 + index % 6:02d}:00",
            duration_minutes=30,
            now=start,
        )
        made.append(series.pk)
        held += _meetings(series, now=now, rng=rng, first=index == 0)
    # Notes and points were written at their meeting, not today.
    when = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("scheduled_at")[:1]
    Note.objects.filter(meeting__series_id__in=made).update(created_at=Subquery(when), updated_at=Subquery(when))
    TalkingPoint.objects.filter(meeting__series_id__in=made).update(created_at=Subquery(when))
    return held
