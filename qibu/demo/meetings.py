"""The demo company's weekly meetings (EXE-3 … EXE-6): eight weeks of department meetings, with minutes, for a few
departments, and the management's meetings of the last two weeks. Written through the services (planned, opened
with the agenda built from the data, points reached or carried, each person's week, commitments, minutes in words,
closed — some early), so that the agendas, histories and minutes are those of real use.

The confidence the meetings set: for the weeks already past, the check-ins the demo made in that week on the
department's key results are the changes recorded in that week's meeting (their reasons included); the last
meeting sets confidence through `checkin_record` itself, one fall with why and what changed (EXE-4). Minutes go to
the inboxes as on closing; the day-after check-in report is marked sent for the weeks past."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db.models import F

from qibu.meetings.agenda import running_objectives
from qibu.meetings.models import AgendaItem, ConfidenceChange, Meeting, MeetingStatus
from qibu.meetings.services import (
    agenda_item_reach,
    commitment_add,
    meeting_close,
    meeting_confidence_set,
    meeting_create,
    meeting_notes_save,
    meeting_progress_end,
    meeting_start,
    week_report_save,
)
from qibu.okrs.models import CheckIn, KeyResult
from qibu.org.models import Department, Organisation, Person

WEEKS = 8
MEETING_TIME = dt.time(10, 0)
# Tuesday (Monday is 0).
WEEKDAY = 1

COMMITMENTS = [
    "周五前完成重点客户回访并更新商机",
    "下周二前提交本周丢单复盘",
    "与市场部对齐峰会线索跟进名单",
    "本周内补齐滞后关键结果的签到",
    "周四前确定区域答谢会的客户名单",
    "下周一前完成报价方案评审",
]
NOTES = [
    "本周重点：大客户签约节奏放缓，需要市场部支持线索。",
    "进展部分提前结束，多留时间讨论下周行动。",
    "信心下降的关键结果已说明原因，下周重点跟进。",
]
WEEK_TEXT = {
    "progress": "• 完成 3 家重点客户拜访\n• 更新了关键结果的签到",
    "plans": "• 跟进两家意向客户的报价\n• 准备区域答谢会",
    "problems": "• 一家客户预算冻结，需要主管协助",
}


def _tuesdays(today: dt.date, weeks: int) -> list[dt.date]:
    """The last `weeks` meeting days before today, oldest first."""
    last = today - dt.timedelta(days=(today.weekday() - WEEKDAY) % 7 or 7)
    return [last - dt.timedelta(weeks=n) for n in reversed(range(weeks))]


def _past_changes(meeting: Meeting, facilitator: Person, zone: dt.tzinfo) -> None:
    """The week's check-ins on the meeting's key results, recorded as the confidence it set (they happened)."""
    start = dt.datetime.combine(meeting.week_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(meeting.date, dt.time.max, tzinfo=zone)
    checkins = CheckIn.objects.filter(
        key_result__objective__in=running_objectives(meeting),
        created_at__range=(start, end),
        previous_confidence__isnull=False,
    ).exclude(previous_confidence=F("confidence"))
    ConfidenceChange.objects.bulk_create(
        [
            ConfidenceChange(
                meeting=meeting,
                key_result_id=c.key_result_id,
                check_in=c,
                before=c.previous_confidence or 0,
                after=c.confidence,
                reason=c.confidence_reason,
                what_changed=c.note,
                set_by=facilitator,
            )
            for c in checkins[:4]
        ]
    )


def _run(
    *,
    meeting: Meeting,
    facilitator: Person,
    people: Sequence[Person],
    organisation: Organisation,
    rng: random.Random,
    last: bool,
) -> None:
    start = dt.datetime.combine(meeting.date, MEETING_TIME, tzinfo=organisation.zone)
    for person in people[:3]:
        week_report_save(actor=person, meeting=meeting, person=person, **WEEK_TEXT)
    meeting_start(actor=facilitator, meeting=meeting, now=start, organisation=organisation)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    # Most points reached; the last one or two carried to next week. In bulk for the weeks past (hundreds of
    # points); the last meeting's through the service, with their history.
    reached = items[: max(0, len(items) - rng.randint(1, 2))]
    if last:
        for item in reached:
            agenda_item_reach(actor=facilitator, item=item, reached=True, now=start + dt.timedelta(minutes=5))
    else:
        AgendaItem.objects.filter(pk__in=[i.pk for i in reached]).update(
            reached=True, reached_at=start + dt.timedelta(minutes=5)
        )
    progress_minutes = meeting.progress_minutes - rng.randint(0, 3)
    meeting_progress_end(actor=facilitator, meeting=meeting, now=start + dt.timedelta(minutes=progress_minutes))
    if last:
        _set_confidence_now(meeting, facilitator, organisation)
    elif meeting.department is not None:
        _past_changes(meeting, facilitator, organisation.zone)
    owners = list(people) or [facilitator]
    for n in range(2):
        commitment_add(
            actor=facilitator,
            meeting=meeting,
            text=COMMITMENTS[rng.randrange(len(COMMITMENTS))],
            owner=owners[(n + rng.randrange(len(owners))) % len(owners)],
            due=meeting.date + dt.timedelta(days=3 + n),
        )
    meeting_notes_save(actor=facilitator, meeting=meeting, text=rng.choice(NOTES), version=0)
    length = meeting.planned_minutes - rng.choice([0, 5, 10, 15])
    meeting_close(
        actor=facilitator, meeting=meeting, now=start + dt.timedelta(minutes=length), organisation=organisation
    )


def _set_confidence_now(meeting: Meeting, facilitator: Person, organisation: Organisation) -> None:
    """The last meeting sets confidence itself: one key result falls (with why and what changed), one holds."""
    key_results = list(
        KeyResult.objects.filter(objective__in=running_objectives(meeting)).select_related("objective")[:2]
    )
    for n, kr in enumerate(key_results):
        if n == 0 and kr.confidence >= organisation.confidence_fall_threshold + 10:
            meeting_confidence_set(
                actor=facilitator,
                meeting=meeting,
                key_result=kr,
                confidence=kr.confidence - organisation.confidence_fall_threshold - 10,
                reason="主要客户推迟采购，本季度签约难以达成",
                what_changed="客户预算冻结到下季度；我们改为先推试点门店",
                organisation=organisation,
            )
        else:
            meeting_confidence_set(
                actor=facilitator, meeting=meeting, key_result=kr, confidence=kr.confidence, organisation=organisation
            )


def build_meetings(
    *,
    organisation: Organisation,
    today: dt.date,
    departments: Sequence[tuple[Department, Person, Sequence[Person]]],
    ceo: Person,
    executives: Sequence[Person],
    seed: int,
    weeks: int = WEEKS,
) -> int:
    """Eight weeks of weekly meetings for these departments (head, members) and the management's last two. Answers
    how many meetings were made."""
    rng = random.Random(seed)  # noqa: S311 — a repeatable demo, not a secret
    days = _tuesdays(today, weeks)
    made = 0
    for department, head, members in departments:
        for n, day in enumerate(days):
            meeting = meeting_create(actor=head, kind="department", department=department, date=day)
            _run(
                meeting=meeting,
                facilitator=head,
                people=members,
                organisation=organisation,
                rng=rng,
                last=n == len(days) - 1,
            )
            made += 1
    attendees = [*executives, *(head for _d, head, _m in departments)]
    for day in days[-2:]:
        meeting = meeting_create(actor=ceo, kind="management", date=day)
        _run(meeting=meeting, facilitator=ceo, people=attendees, organisation=organisation, rng=rng, last=False)
        made += 1
    # Next week's (or today's) meetings, planned: each person can write their week before it.
    upcoming = today + dt.timedelta(days=(WEEKDAY - today.weekday()) % 7)
    for department, head, _members in departments:
        meeting_create(actor=head, kind="department", department=department, date=upcoming)
        made += 1
    # The day-after reports of the weeks past went out then.
    Meeting.objects.filter(status=MeetingStatus.CLOSED, date__lt=today).update(
        checkin_report_sent_at=dt.datetime.combine(today, dt.time(8, 0), tzinfo=organisation.zone)
    )
    return made
