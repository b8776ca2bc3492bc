"""EXE-9: a reminder before each 1-on-1 to both of the pair, once per meeting (again when it is moved); the daily
focus lists a 1-on-1 today and the requests I own that are open (EXE-7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.focus import Rank
from qibu.oneonones.focus import today_focus
from qibu.oneonones.notifications import meetings_reminded
from qibu.oneonones.services import meeting_move, request_create, series_create
from qibu.org.services import person_create
from tests.conftest import Company
from tests.oneonones.helpers import START, ZONE, pair, planned

pytestmark = pytest.mark.django_db


def _reminders() -> list[str]:
    return sorted(
        Notification.objects.filter(kind=NotificationKind.ONE_ON_ONE, key__contains="reminder").values_list(
            "recipient__username", flat=True
        )
    )


def test_it_reminds_both_once_per_meeting_and_again_when_moved_EXE_9(company: Company) -> None:
    c = company
    series = pair(c)
    early = START - dt.timedelta(days=2)
    assert meetings_reminded(policy=c.org, now=early) == 0  # more than a day ahead
    assert meetings_reminded(policy=c.org, now=START) == 2
    assert meetings_reminded(policy=c.org, now=START + dt.timedelta(minutes=15)) == 0
    assert _reminders() == ["hank", "mia"]
    meeting_move(actor=c.mia, meeting=planned(series), when="2026-11-02T16:00", now=START)
    assert meetings_reminded(policy=c.org, now=START + dt.timedelta(minutes=30)) == 2
    assert _reminders() == ["hank", "hank", "mia", "mia"]


def test_it_puts_todays_one_on_one_and_open_requests_in_the_daily_focus_EXE_7(company: Company) -> None:
    c = company
    series = pair(c)
    request_create(actor=c.mia, series=series, text="需要一台样机", due=dt.date(2026, 11, 6), now=START)
    morning = dt.datetime(2026, 11, 2, 8, 0, tzinfo=ZONE)
    hanks = today_focus(c.hank, c.org, morning)
    assert [(i.rank, i.title) for i in hanks] == [
        (Rank.MEETING, "1-on-1 with 米娅"),
        (Rank.WAITING_ON_YOU, "需要一台样机"),
    ]
    mias = today_focus(c.mia, c.org, morning)
    assert [(i.rank, i.title) for i in mias] == [(Rank.MEETING, "1-on-1 with 韩销售")]
    assert today_focus(c.mia, c.org, morning + dt.timedelta(days=1)) == []


@pytest.mark.parametrize("reports", [1, 8])
def test_it_answers_the_daily_focus_in_one_query(
    company: Company, django_assert_num_queries: Any, reports: int
) -> None:
    c = company
    for i in range(reports):
        person = person_create(actor=None, username=f"r{i}", full_name=f"销售 {i}", department=c.sales, manager=c.hank)
        series = series_create(actor=c.hank, manager=c.hank, report=person, time="10:00", now=START)
        request_create(actor=person, series=series, text=f"请求 {i}", now=START)
    with django_assert_num_queries(1):
        today_focus(c.hank, c.org, dt.datetime(2026, 11, 2, 8, 0, tzinfo=ZONE))


def test_it_puts_the_one_on_ones_in_both_calendars_and_nobody_elses(company: Company, client: Any) -> None:
    """EXE-9: the pair's calendar subscriptions hold their 1-on-1s (a skipped one cancelled)."""
    from django.utils import timezone

    from qibu.rhythm.services import calendar_token_make

    c = company
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    meeting = planned(series)
    for person, expected in ((c.hank, "1-on-1 with 米娅"), (c.mia, "1-on-1 with 韩销售")):
        secret = calendar_token_make(actor=None, person=person)
        feed = client.get(f"/calendar/{secret}.ics").content.decode()
        assert f"qibu-one-on-one-{meeting.pk}@" in feed and expected in feed
    secret = calendar_token_make(actor=None, person=c.oscar)
    assert "qibu-one-on-one-" not in client.get(f"/calendar/{secret}.ics").content.decode()
