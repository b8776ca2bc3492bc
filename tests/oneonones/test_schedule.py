"""EXE-9: a manager and a report keep a series of 1-on-1s on a cadence; each meeting is held, moved or skipped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qibu.notify.models import Notification, NotificationKind
from qibu.oneonones.models import Meeting, OneOnOneStatus, Series
from qibu.oneonones.rules import next_meeting
from qibu.oneonones.services import meeting_hold, meeting_move, meeting_skip, series_create, series_update
from tests.conftest import Company
from tests.oneonones.helpers import START, ZONE, pair, planned

pytestmark = pytest.mark.django_db


def test_it_finds_the_next_meeting_for_each_cadence() -> None:
    monday = dt.time(10, 0)
    after = dt.datetime(2026, 11, 2, 11, 0, tzinfo=ZONE)  # a Monday, after the meeting
    weekly = next_meeting(cadence="weekly", weekday=0, time=monday, after=after, zone=ZONE)
    assert weekly == dt.datetime(2026, 11, 9, 10, 0, tzinfo=ZONE)
    anchor = dt.date(2026, 11, 2)
    biweekly = next_meeting(cadence="biweekly", weekday=0, time=monday, after=after, zone=ZONE, anchor=anchor)
    assert biweekly == dt.datetime(2026, 11, 16, 10, 0, tzinfo=ZONE)
    monthly = next_meeting(cadence="monthly", weekday=0, time=monday, after=after, zone=ZONE)
    assert monthly == dt.datetime(2026, 12, 7, 10, 0, tzinfo=ZONE)  # the first Monday of December
    early = dt.datetime(2026, 11, 2, 9, 0, tzinfo=ZONE)
    assert next_meeting(cadence="weekly", weekday=0, time=monday, after=early, zone=ZONE).date() == dt.date(2026, 11, 2)


def test_it_starts_a_series_with_its_first_meeting_and_tells_the_report_EXE_9(company: Company) -> None:
    series = pair(company)
    meeting = planned(series)
    assert meeting.scheduled_at == dt.datetime(2026, 11, 2, 10, 0, tzinfo=ZONE)
    told = Notification.objects.get(recipient=company.mia)
    assert told.kind == NotificationKind.ONE_ON_ONE


def test_it_lets_a_department_head_pair_with_anyone_of_the_department(company: Company) -> None:
    c = company
    c.mia.manager = None
    c.mia.save(update_fields=["manager"])
    assert pair(c).report == c.mia


@pytest.mark.parametrize("who", ["oscar", "erin_with_mia"])
def test_it_refuses_a_pair_that_is_not_manager_and_report_nothing_written(company: Company, who: str) -> None:
    c = company
    manager, report = (c.hank, c.oscar) if who == "oscar" else (c.erin, c.mia)
    with pytest.raises(ValidationError) as refused:
        series_create(actor=manager, manager=manager, report=report, time="10:00")
    assert "report" in refused.value.message_dict
    assert not Series.objects.exists() and not Meeting.objects.exists()


def test_it_refuses_a_series_started_by_a_third_person(company: Company) -> None:
    c = company
    with pytest.raises(ValidationError, match="Only the manager or the report"):
        series_create(actor=c.alice, manager=c.hank, report=c.mia, time="10:00")
    assert not Series.objects.exists()


def test_it_refuses_a_second_series_for_the_same_pair(company: Company) -> None:
    pair(company)
    with pytest.raises(ValidationError, match="already have"):
        pair(company)
    assert Series.objects.count() == 1


def test_it_plans_the_next_meeting_when_one_is_held_and_refuses_holding_it_twice(company: Company) -> None:
    series = pair(company)
    first = planned(series)
    held_at = dt.datetime(2026, 11, 2, 10, 30, tzinfo=ZONE)
    following = meeting_hold(actor=company.hank, meeting=first, now=held_at)
    assert following is not None
    assert following.scheduled_at == dt.datetime(2026, 11, 9, 10, 0, tzinfo=ZONE)
    with pytest.raises(ValidationError, match="already held"):
        meeting_hold(actor=company.mia, meeting=first, now=held_at)
    assert Meeting.objects.filter(series=series).count() == 2


def test_it_moves_a_meeting_telling_the_other_and_refuses_the_past(company: Company) -> None:
    series = pair(company)
    meeting = planned(series)
    moved = meeting_move(actor=company.mia, meeting=meeting, when="2026-11-03T15:00", now=START)
    assert moved.scheduled_at == dt.datetime(2026, 11, 3, 15, 0, tzinfo=ZONE)
    assert moved.moved_from == dt.datetime(2026, 11, 2, 10, 0, tzinfo=ZONE)
    assert Notification.objects.filter(recipient=company.hank, text__contains="moved").exists()
    with pytest.raises(ValidationError) as refused:
        meeting_move(actor=company.mia, meeting=meeting, when="2026-10-01T15:00", now=START)
    assert "when" in refused.value.message_dict
    meeting.refresh_from_db()
    assert meeting.scheduled_at == dt.datetime(2026, 11, 3, 15, 0, tzinfo=ZONE)


def test_it_skips_a_meeting_and_plans_the_next(company: Company) -> None:
    series = pair(company)
    following = meeting_skip(actor=company.hank, meeting=planned(series), reason="出差", now=START)
    assert following is not None and following.scheduled_at.date() == dt.date(2026, 11, 9)
    assert Meeting.objects.get(series=series, status=OneOnOneStatus.SKIPPED).skip_reason == "出差"


def test_it_follows_a_new_schedule_and_stops_a_series(company: Company) -> None:
    series = pair(company)
    series_update(actor=company.hank, series=series, weekday=2, time="15:30", now=START)
    assert planned(series).scheduled_at == dt.datetime(2026, 11, 4, 15, 30, tzinfo=ZONE)
    series_update(actor=company.hank, series=series, active=False, now=START)
    assert not Meeting.objects.filter(series=series, status=OneOnOneStatus.PLANNED).exists()
    series_update(actor=company.mia, series=series, active=True, now=START)
    assert planned(series)
