"""The department weekly meeting end to end (EXE-3 … EXE-5, EXE-12): agenda from data in its order, the two timed
parts and ending early, confidence through check-ins (EXE-4), commitments, minutes by mail and chat, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qibu.audit.models import AuditEntry
from qibu.jobs.worker import Worker
from qibu.meetings.models import AgendaItem, AgendaKind, Commitment, ConfidenceChange, Meeting, WeekReport
from qibu.meetings.services import (
    agenda_item_reach,
    commitment_add,
    meeting_close,
    meeting_confidence_set,
    meeting_progress_end,
    meeting_start,
    week_report_save,
)
from qibu.notify.chat.services import chat_webhook_create
from qibu.notify.models import ChatMessage, Notification, NotificationKind
from qibu.okrs.models import CheckIn, KeyResult
from qibu.okrs.services import checkin_record
from qibu.plans.services import step_create
from tests.conftest import Company, Okrs
from tests.meetings.helpers import AT, DAY, make_meeting, started
from tests.smtp_sink import SmtpSink, part_text


def _confident(company: Company, kr: KeyResult, confidence: int = 80) -> None:
    """The key result's confidence as it stood three weeks before the meeting."""
    checkin_record(actor=company.hank, key_result=kr, confidence=confidence, at=AT - dt.timedelta(days=21))


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_it_builds_the_agenda_from_data_slipping_key_results_first_EXE_3_EXE_12(company: Company, okrs: Okrs) -> None:
    """EXE-3, EXE-12: key results at risk come first, then the week's falls with their reasons, then overdue steps;
    each point links to its key result or check-in and keeps the numbers of the day."""
    c = company
    kr = okrs["department_kr"]
    _confident(c, kr)
    checkin_record(
        actor=c.hank,
        key_result=kr,
        value=2,
        confidence=50,
        confidence_reason="两家客户推迟",
        at=AT - dt.timedelta(days=2),
    )
    step_create(
        actor=c.hank,
        key_result=kr,
        title="拜访苏州客户",
        owner=c.mia,
        start=dt.date(2026, 10, 5),
        deadline=dt.date(2026, 11, 1),
    )
    meeting = started(c.hank, c.sales)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    assert [i.section for i in items] == [AgendaKind.KEY_RESULT, AgendaKind.CONFIDENCE_FALL, AgendaKind.OVERDUE_STEP]
    slipping, fall, step = items
    assert slipping.key_result_id == kr.pk and slipping.numbers["confidence"] == 50
    assert "at risk" in slipping.detail
    assert fall.check_in is not None and fall.check_in.key_result_id == kr.pk
    assert fall.detail == "两家客户推迟" and fall.numbers["before"] == 80 and fall.numbers["after"] == 50
    assert step.title == "拜访苏州客户" and step.ref_type == "plans.actionstep"
    # A snapshot: the key result moving on changes nothing in the agenda.
    checkin_record(actor=c.hank, key_result=kr, value=3, confidence=60)
    assert AgendaItem.objects.get(pk=slipping.pk).numbers["confidence"] == 50


def test_it_carries_points_not_reached_and_follows_up_commitments_EXE_3(company: Company, okrs: Okrs) -> None:
    c = company
    _confident(c, okrs["department_kr"])
    checkin_record(
        actor=c.hank, key_result=okrs["department_kr"], value=1, confidence=30, confidence_reason="竞品降价", at=AT
    )
    first = started(c.hank, c.sales)
    reached, missed = AgendaItem.objects.filter(meeting=first).order_by("position")
    agenda_item_reach(actor=c.hank, item=reached, reached=True)
    commitment = commitment_add(
        actor=c.hank, meeting=first, text="周五前拿下苏州大客户", owner=c.mia, due=dt.date(2026, 11, 14)
    )
    meeting_close(actor=c.hank, meeting=first, now=AT + dt.timedelta(minutes=40))
    second = started(c.hank, c.sales, day=DAY + dt.timedelta(days=7), at=AT + dt.timedelta(days=7))
    sections = list(
        AgendaItem.objects.filter(meeting=second).order_by("position").values_list("section", "title", "carried_from")
    )
    assert (AgendaKind.COMMITMENT, "周五前拿下苏州大客户", None) in sections
    assert (AgendaKind.CARRIED, missed.title, missed.pk) in sections
    assert sections[-1][0] == AgendaKind.CARRIED, "points carried forward come last"
    follow_up = AgendaItem.objects.get(meeting=second, section=AgendaKind.COMMITMENT)
    assert follow_up.ref_id == commitment.pk


def test_it_times_two_parts_and_records_ending_early_EXE_5(company: Company, okrs: Okrs) -> None:
    """EXE-5: about 25 % on progress by default, the rest on next steps; ending before the planned time is fine and
    recorded."""
    meeting = make_meeting(company.hank, company.sales, planned_minutes=60)
    assert (meeting.progress_share, meeting.progress_minutes, meeting.next_steps_minutes) == (25, 15, 45)
    meeting_start(actor=company.hank, meeting=meeting, now=AT)
    meeting_progress_end(actor=company.hank, meeting=meeting, now=AT + dt.timedelta(minutes=12))
    meeting_close(actor=company.hank, meeting=meeting, now=AT + dt.timedelta(minutes=41))
    meeting.refresh_from_db()
    assert meeting.ended_early is True
    assert meeting.progress_ended_at == AT + dt.timedelta(minutes=12)
    assert meeting.ended_at == AT + dt.timedelta(minutes=41)
    late = make_meeting(
        company.hank, company.sales, day=DAY + dt.timedelta(days=7), planned_minutes=30, progress_share=20
    )
    meeting_start(actor=company.hank, meeting=late, now=AT)
    meeting_close(actor=company.hank, meeting=late, now=AT + dt.timedelta(minutes=35))
    late.refresh_from_db()
    assert late.ended_early is False and late.progress_minutes == 6


def test_it_refuses_a_fall_without_why_and_what_changed_and_writes_nothing_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4: 80 % → 20 % cannot be saved without the reason and what changed; no check-in, no change, no history."""
    kr = okrs["department_kr"]
    _confident(company, kr)
    meeting = started(company.hank, company.sales)
    counts = (CheckIn.objects.count(), ConfidenceChange.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        meeting_confidence_set(actor=company.hank, meeting=meeting, key_result=kr, confidence=20)
    problems = _messages(refused)
    assert "Confidence fell by 60 points (from 80% to 20%)" in problems["reason"][0]
    assert "what changed" in problems["what_changed"][0]
    with pytest.raises(ValidationError) as refused:
        meeting_confidence_set(actor=company.hank, meeting=meeting, key_result=kr, confidence=20, reason="大客户流失")
    assert set(_messages(refused)) == {"what_changed"}
    assert (CheckIn.objects.count(), ConfidenceChange.objects.count(), AuditEntry.objects.count()) == counts
    assert KeyResult.objects.get(pk=kr.pk).confidence == 80


def test_it_sets_confidence_through_a_check_in_linked_to_the_meeting_EXE_3_EXE_4_EXE_12(
    company: Company, okrs: Okrs
) -> None:
    kr = okrs["department_kr"]
    _confident(company, kr)
    meeting = started(company.hank, company.sales)
    change = meeting_confidence_set(
        actor=company.hank, meeting=meeting, key_result=kr, confidence=20, reason="大客户流失", what_changed="预算冻结"
    )
    checkin = CheckIn.objects.get(pk=change.check_in_id)
    assert (checkin.previous_confidence, checkin.confidence, checkin.confidence_reason, checkin.note) == (
        80,
        20,
        "大客户流失",
        "预算冻结",
    )
    assert (change.before, change.after) == (80, 20)
    assert KeyResult.objects.get(pk=kr.pk).confidence == 20
    # A small rise needs no reason.
    meeting_confidence_set(actor=company.hank, meeting=meeting, key_result=kr, confidence=30)


def test_it_refuses_closing_twice_and_writing_into_a_closed_meeting(company: Company, okrs: Okrs) -> None:
    meeting = started(company.hank, company.sales)
    meeting_close(actor=company.hank, meeting=meeting, now=AT + dt.timedelta(minutes=30))
    before = (AuditEntry.objects.count(), Notification.objects.count(), Meeting.objects.get(pk=meeting.pk).ended_at)
    with pytest.raises(ValidationError) as refused:
        meeting_close(actor=company.erin, meeting=meeting)
    assert refused.value.messages == ["This meeting is already closed."]
    with pytest.raises(ValidationError):
        commitment_add(actor=company.hank, meeting=meeting, text="晚了", owner=company.mia, due=DAY)
    with pytest.raises(ValidationError):
        week_report_save(actor=company.mia, meeting=meeting, person=company.mia, progress="晚了")
    assert (
        AuditEntry.objects.count(),
        Notification.objects.count(),
        Meeting.objects.get(pk=meeting.pk).ended_at,
    ) == before


def test_it_refuses_a_week_for_someone_else_and_keeps_each_persons_own_EXE_3(company: Company, okrs: Okrs) -> None:
    meeting = make_meeting(company.hank, company.sales)
    with pytest.raises(ValidationError) as refused:
        week_report_save(actor=company.hank, meeting=meeting, person=company.mia, progress="替她写")
    assert "someone else's" in _messages(refused)["person"][0]
    assert not WeekReport.objects.exists()
    week_report_save(actor=company.mia, meeting=meeting, person=company.mia, progress="签下两家", plans="拜访三家")
    assert WeekReport.objects.get().plans == "拜访三家"


def test_it_refuses_a_commitment_without_owner_or_date(company: Company, okrs: Okrs) -> None:
    meeting = started(company.hank, company.sales)
    with pytest.raises(ValidationError) as refused:
        commitment_add(actor=company.hank, meeting=meeting, text="", owner=None, due="明天")
    assert set(_messages(refused)) == {"text", "owner", "due"}
    assert not Commitment.objects.exists()


def test_it_sends_the_minutes_by_mail_and_chat_on_closing_EXE_3(company: Company, okrs: Okrs, smtp: SmtpSink) -> None:
    """EXE-3, EXE-4: the minutes (progress, 80 % → 20 % with its reason, commitments with owners) reach the
    department by mail and its chat, once."""
    c = company
    c.mia.email = "mia@yunzhou.example"
    c.mia.save(update_fields=["email"])
    chat_webhook_create(
        actor=c.alice, target=c.sales, name="销售部群", platform="dingtalk", url="https://oapi.dingtalk.com/robot/send"
    )
    _confident(c, okrs["department_kr"])
    meeting = started(c.hank, c.sales)
    meeting_confidence_set(
        actor=c.hank,
        meeting=meeting,
        key_result=okrs["department_kr"],
        confidence=20,
        reason="大客户流失",
        what_changed="预算冻结",
    )
    commitment_add(actor=c.hank, meeting=meeting, text="周五前拿下苏州大客户", owner=c.mia, due=dt.date(2026, 11, 14))
    meeting_close(actor=c.hank, meeting=meeting, now=AT + dt.timedelta(minutes=30))
    told = Notification.objects.filter(kind=NotificationKind.MEETING)
    assert {n.recipient.username for n in told} == {"mia"}, "everyone in the department but the one who closed it"
    Worker(name="w").run(until_empty=True)
    (mail,) = [m for m in smtp.received if m.to == ["mia@yunzhou.example"]]
    body = part_text(mail.message, "text/plain")
    assert "签约标杆客户 10 家: confidence 80% → 20%" in body and "大客户流失" in body and "预算冻结" in body
    assert "周五前拿下苏州大客户 — 米娅" in body
    (chat,) = ChatMessage.objects.filter(key__startswith=f"meeting:{meeting.pk}:minutes")
    assert "Weekly meeting of 销售部" in chat.title
    assert "80% → 20%" in str(chat.payload) and "周五前拿下苏州大客户" in str(chat.payload)


def test_it_reports_who_checked_in_the_day_after_once_EXE_3(company: Company, okrs: Okrs) -> None:
    from qibu.meetings.notifications import checkin_report_due, checkin_report_send

    c = company
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=1, confidence=80, at=AT - dt.timedelta(days=1))
    meeting = started(c.hank, c.sales)
    meeting_close(actor=c.hank, meeting=meeting, now=AT + dt.timedelta(minutes=30))
    same_day = AT + dt.timedelta(hours=2)
    assert checkin_report_due(same_day, c.org) == []
    next_day = AT + dt.timedelta(days=1)
    (due,) = checkin_report_due(next_day, c.org)
    assert checkin_report_send(meeting=due, organisation=c.org, now=next_day) == 1
    assert checkin_report_send(meeting=due, organisation=c.org, now=next_day) == 0, "once per meeting"
    (report,) = Notification.objects.filter(key__startswith=f"meeting:{meeting.pk}:checkins")
    assert report.recipient_id == c.hank.pk
    assert "Checked in: 米娅" in report.text and "Did not check in: 韩销售" in report.text
    assert checkin_report_due(next_day, c.org) == []


def test_it_lists_escalated_blockers_and_follows_them_up_after_the_meeting_EXE_2_EXE_3(
    company: Company, okrs: Okrs
) -> None:
    """EXE-2: a blocker escalated to the department's weekly meeting is on its agenda; after the meeting its owner
    and the people concerned, and only they, are told."""
    from qibu.blockers.services import blocker_create

    c = company
    blocker = blocker_create(actor=c.mia, title="等法务审合同", owner=c.erin, concerned=[c.mia], department=c.sales)
    assert blocker.tier == "department"
    meeting = started(c.hank, c.sales)
    (item,) = AgendaItem.objects.filter(meeting=meeting, section=AgendaKind.BLOCKER)
    assert (item.ref_type, item.ref_id, item.title) == ("blockers.blocker", blocker.pk, "等法务审合同")
    before = set(Notification.objects.filter(kind=NotificationKind.BLOCKER).values_list("pk", flat=True))
    meeting_close(actor=c.hank, meeting=meeting, now=AT + dt.timedelta(minutes=30))
    told = Notification.objects.filter(kind=NotificationKind.BLOCKER).exclude(pk__in=before)
    assert {n.recipient.username for n in told} == {"erin", "mia"}
    assert not AgendaItem.objects.filter(meeting=make_meeting(c.erin, None), section=AgendaKind.BLOCKER).exists()


def test_it_puts_the_weeks_corrections_on_the_agenda_with_their_reasons_EXE_11_EXE_12(
    company: Company, okrs: Okrs
) -> None:
    from qibu.okrs.models import Correction
    from qibu.okrs.services.corrections import correction_make

    c = company
    made = correction_make(
        actor=c.hank,
        objective=okrs["department"],
        key_result=okrs["department_kr"],
        kind="target",
        reason="市场萎缩，目标下调",
        changes={"target_value": 8},
    )
    Correction.objects.filter(pk=made.pk).update(created_at=AT - dt.timedelta(days=2))  # made in the week
    meeting = started(c.hank, c.sales)
    (item,) = AgendaItem.objects.filter(meeting=meeting, section=AgendaKind.CORRECTION)
    assert item.ref_type == "okrs.correction" and item.key_result_id == okrs["department_kr"].pk
    assert "市场萎缩，目标下调" in item.detail
