"""The management weekly meeting (EXE-6) and the daily focus of meetings (EXE-7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qibu.meetings.focus import meetings_today
from qibu.meetings.models import AgendaItem, AgendaKind, Commitment
from qibu.meetings.services import commitment_add, meeting_close
from qibu.okrs.focus import Rank
from qibu.okrs.services import checkin_record
from tests.conftest import Company, Okrs
from tests.meetings.helpers import AT, DAY, login, make_meeting, started


def test_it_reviews_the_company_okrs_and_the_largest_falls_across_the_company_EXE_6(
    company: Company, okrs: Okrs
) -> None:
    """EXE-6: the company's key results that slip, the largest falls anywhere in the company (largest first), and
    the departments' roll-ups."""
    c = company
    week = AT - dt.timedelta(days=2)
    checkin_record(
        actor=c.erin, key_result=okrs["revenue"], value=100, confidence=30, confidence_reason="宏观下行", at=week
    )
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=1, confidence=70, at=week)
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=1, confidence=10, confidence_reason="客户流失", at=week)
    meeting = started(c.erin, None)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    slipping = [i for i in items if i.section == AgendaKind.KEY_RESULT]
    assert [i.key_result_id for i in slipping] == [okrs["revenue"].pk]
    falls = [(i.numbers["before"], i.numbers["after"]) for i in items if i.section == AgendaKind.CONFIDENCE_FALL]
    assert falls == [(70, 10), (50, 30), (80, 70)], "largest first"
    page = login(c.erin).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Each department's roll-up" in page and "销售部" in page and "市场部" in page
    assert "This week's tasks that move company key results" in page


def test_it_fixes_tasks_on_company_key_results_followed_up_next_time_EXE_6(company: Company, okrs: Okrs) -> None:
    c = company
    meeting = started(c.erin, None)
    with pytest.raises(ValidationError) as refused:
        commitment_add(
            actor=c.erin, meeting=meeting, text="推进销售部", owner=c.hank, due=DAY, key_result=okrs["department_kr"]
        )
    assert "company key result" in refused.value.message_dict["key_result"][0]
    task = commitment_add(
        actor=c.erin,
        meeting=meeting,
        text="签下华东大客户",
        owner=c.hank,
        due=DAY + dt.timedelta(days=3),
        key_result=okrs["revenue"],
    )
    meeting_close(actor=c.erin, meeting=meeting, now=AT + dt.timedelta(minutes=50))
    following = started(c.erin, None, day=DAY + dt.timedelta(days=7), at=AT + dt.timedelta(days=7))
    follow_up = AgendaItem.objects.get(meeting=following, section=AgendaKind.COMMITMENT)
    assert (follow_up.ref_id, follow_up.key_result_id) == (task.pk, okrs["revenue"].pk)
    assert Commitment.objects.count() == 1


def test_it_puts_todays_meeting_and_my_commitments_in_the_daily_focus_EXE_7(
    company: Company, okrs: Okrs, django_assert_num_queries: object
) -> None:
    c = company
    today = make_meeting(c.hank, c.sales, day=DAY)
    earlier = started(c.hank, c.sales, day=DAY - dt.timedelta(days=7), at=AT - dt.timedelta(days=7))
    commitment_add(actor=c.hank, meeting=earlier, text="交周报", owner=c.mia, due=DAY - dt.timedelta(days=2))
    commitment_add(actor=c.hank, meeting=earlier, text="约客户", owner=c.mia, due=DAY)
    commitment_add(actor=c.hank, meeting=earlier, text="下周的事", owner=c.mia, due=DAY + dt.timedelta(days=3))
    with django_assert_num_queries(2):  # type: ignore[operator]
        items = meetings_today(c.mia, c.org, AT)
    by_rank = {(i.rank, i.title) for i in items}
    assert by_rank == {
        (Rank.MEETING, "Weekly meeting of 销售部, Nov. 10, 2026"),
        (Rank.OVERDUE, "交周报"),
        (Rank.DUE_TODAY, "约客户"),
    }
    assert any(i.url == f"/meetings/{today.pk}/" for i in items)
    assert all(i.rank != Rank.MEETING for i in meetings_today(c.oscar, c.org, AT))
    assert {i.rank for i in meetings_today(c.erin, c.org, AT)} == set(), "the department's meeting is not erin's"
