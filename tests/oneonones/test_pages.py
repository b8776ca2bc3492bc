"""The 1-on-1 pages on a phone (EXE-9, EXE-10): my 1-on-1s (one row per report with the next date and open
requests), a series' page, a meeting's page; their forms answer errors beside the fields, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qibu.oneonones.models import Meeting, Note, OneOnOneStatus, Series, TalkingPoint
from qibu.oneonones.selectors import my_one_on_ones
from qibu.oneonones.services import request_create, series_create
from qibu.org.services import person_create
from tests.conftest import Company, Okrs
from tests.oneonones.helpers import login, pair, planned

pytestmark = pytest.mark.django_db


def test_it_starts_a_series_from_the_page(company: Company) -> None:
    c = company
    client = login(c.hank)
    form = client.get("/one-on-ones/new/")
    assert form.status_code == 200 and "米娅" in form.content.decode()
    answer = client.post(
        "/one-on-ones/new/",
        {"report": c.mia.pk, "cadence": "biweekly", "weekday": 3, "time": "14:00", "duration_minutes": 45},
    )
    series = Series.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/one-on-ones/series/{series.pk}/"
    assert (series.cadence, series.weekday, series.duration_minutes) == ("biweekly", 3, 45)
    assert planned(series).scheduled_at.astimezone(c.org.zone).weekday() == 3


def test_it_lists_my_reports_with_the_next_date_and_open_requests(company: Company) -> None:
    c = company
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    request_create(actor=c.mia, series=series, text="需要样机")
    hanks = login(c.hank).get("/one-on-ones/").content.decode()
    assert "米娅" in hanks and "1 open request" in hanks
    assert f"/one-on-ones/meetings/{planned(series).pk}/" in hanks
    mias = login(c.mia).get("/one-on-ones/").content.decode()
    assert "韩销售" in mias


def test_it_holds_a_meeting_from_the_page_carrying_what_was_not_ticked(company: Company, okrs: Okrs) -> None:
    c = company
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    meeting = planned(series)
    client = login(c.mia)
    page = client.get(f"/one-on-ones/meetings/{meeting.pk}/")
    assert page.status_code == 200
    assert client.post(f"/one-on-ones/meetings/{meeting.pk}/points/", {"text": "培训预算"}).status_code == 302
    assert client.post(f"/one-on-ones/meetings/{meeting.pk}/points/", {"text": "轮岗"}).status_code == 302
    budget = TalkingPoint.objects.get(text="培训预算")
    answer = login(c.hank).post(f"/one-on-ones/meetings/{meeting.pk}/hold/", {"discussed": [budget.pk]})
    following = Meeting.objects.get(series=series, status=OneOnOneStatus.PLANNED)
    assert answer["Location"] == f"/one-on-ones/meetings/{following.pk}/"
    assert list(following.points.values_list("text", flat=True)) == ["轮岗"]
    assert "carried from" in login(c.mia).get(answer["Location"]).content.decode()


def test_it_shows_a_forms_errors_beside_the_field_and_writes_nothing(company: Company) -> None:
    c = company
    meeting = planned(pair(c, now=timezone.now() - dt.timedelta(days=1)))
    answer = login(c.mia).post(f"/one-on-ones/meetings/{meeting.pk}/notes/", {"text": "", "visibility": "shared"})
    assert answer.status_code == 400
    assert 'class="error"' in answer.content.decode()
    moved = login(c.mia).post(f"/one-on-ones/meetings/{meeting.pk}/move/", {"when": "2020-01-01T10:00"})
    assert moved.status_code == 400 and "into the past" in moved.content.decode()
    assert not Note.objects.exists()
    meeting.refresh_from_db()
    assert meeting.moved_from is None


def test_it_shows_the_meeting_page_in_chinese(company: Company) -> None:
    c = company
    meeting = planned(pair(c, now=timezone.now() - dt.timedelta(days=1)))
    c.mia.language = "zh-hans"
    c.mia.save(update_fields=["language"])
    client = login(c.mia)
    text = client.get(f"/one-on-ones/meetings/{meeting.pk}/").content.decode()
    assert "一对一面谈" in text and "谈话要点" in text


@pytest.mark.parametrize("reports", [1, 10])
def test_it_lists_my_one_on_ones_in_one_query_at_two_sizes(
    company: Company, django_assert_num_queries: Any, reports: int
) -> None:
    c = company
    for i in range(reports):
        person = person_create(actor=None, username=f"r{i}", full_name=f"销售 {i}", department=c.sales, manager=c.hank)
        series = series_create(actor=c.hank, manager=c.hank, report=person, time="10:00")
        request_create(actor=person, series=series, text="请求")
    with django_assert_num_queries(1):
        page = my_one_on_ones(c.hank)
    assert len(page.as_manager) == reports and all(row.open_requests == 1 for row in page.as_manager)
