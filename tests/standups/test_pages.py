"""The stand-up's pages and API (EXE-1): the day's page with everyone's entries, who is missing and who is away;
posting from the page (errors next to the line, nothing written); the live fragment every participant polls; the
daily focus; the same number of queries for a team of 2 and of 12."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.okrs.focus import daily_focus
from qibu.org.services import api_token_create, person_create
from qibu.rhythm.services import absence_create
from qibu.standups.models import Entry, StandUp
from qibu.standups.services import ItemInput, entry_post, live_start
from tests.conftest import Company, Okrs
from tests.standups.helpers import BEFORE, MONDAY, START, lines, monday_stand_up, stand_up_schedule

DAY_URL = "/standups/teams/{team}/2026-10-05/"


def _grow(company: Company, count: int, stand_up: StandUp) -> None:
    """`count` more people in the team, each with an entry and a blocker, one away."""
    first = Entry.objects.count()
    for i in range(first, first + count):
        person = person_create(actor=None, username=f"p{i}", full_name=f"员工{i}", password="x" * 12,
                               department=company.sales, team=company.sales_team)  # fmt: skip
        entry_post(actor=person, stand_up=stand_up, items=lines(blocker=f"障碍{i}"), now=BEFORE)
    away = person_create(actor=None, username=f"away{count}", full_name="请假的人", password="x" * 12,
                         department=company.sales, team=company.sales_team)  # fmt: skip
    absence_create(actor=None, person=away, start=MONDAY, end=MONDAY, note="年假")


def test_the_days_page_shows_entries_the_missing_and_the_away_in_constant_queries_EXE_1(
    client: Client, company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    stand_up = monday_stand_up(company)
    _grow(company, 1, stand_up)
    client.force_login(company.mia)
    url = DAY_URL.format(team=company.sales_team.pk)
    with django_assert_num_queries(DAY_QUERIES):
        page = client.get(url).content.decode()
    assert "障碍0" in page and "请假的人" in page and "年假" in page
    assert "Post my entry" in page
    _grow(company, 10, stand_up)
    with django_assert_num_queries(DAY_QUERIES):
        client.get(url)


# The organisation (the middleware's and the day's clock), the session and person, the team, its schedule, the
# stand-up, its people, their absences, the entries and their lines, whether the viewer heads the department.
DAY_QUERIES = 12


def test_the_live_fragment_costs_the_same_for_any_team_size_EXE_1(
    client: Client, company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    stand_up = monday_stand_up(company)
    _grow(company, 1, stand_up)
    live_start(actor=company.hank, stand_up=stand_up, now=START)
    client.force_login(company.mia)
    url = reverse("standups:live", args=[stand_up.pk])
    with django_assert_num_queries(LIVE_QUERIES):
        fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<div id="live"') and "Speaking:" in fragment
    _grow(company, 10, stand_up)
    with django_assert_num_queries(LIVE_QUERIES):
        client.get(url, headers={"HX-Request": "true"})


# The organisation, the session and person, the stand-up, the speakers, their absences, the entries and their lines,
# whether the viewer heads the department.
LIVE_QUERIES = 9


def test_posting_from_the_page_names_the_line_and_writes_nothing_EXE_1(client: Client, company: Company) -> None:
    stand_up = monday_stand_up(company)
    client.force_login(company.mia)
    url = reverse("standups:entry", args=[stand_up.pk])
    response = client.post(url, {"yesterday-0-text": "拜访客户", "today-0-text": "长" * 501})
    assert response.status_code == 400
    assert "At most 500 characters" in response.content.decode()
    assert not Entry.objects.exists()
    response = client.post(
        url, {"yesterday-0-text": "拜访客户", "today-0-text": "准备报价", "blocker-0-text": "等审批"}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.person == company.mia and entry.items.count() == 3
    form = client.get(url).content.decode()
    assert 'value="拜访客户"' in form


def test_the_api_refuses_an_entry_for_another_person_and_writes_nothing_EXE_1(client: Client, company: Company) -> None:
    stand_up = monday_stand_up(company)
    _token, secret = api_token_create(actor=None, person=company.hank, name="t")
    body = {"person": company.mia.pk, "items": [{"section": "today", "text": "准备报价"}]}
    response = client.put(f"/api/v1/stand-ups/{stand_up.pk}/entry", data=json.dumps(body),
                          content_type="application/json", headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "person", "message": "You post only your own stand-up entry, not one for someone else."}
    ]
    assert not Entry.objects.exists()


def test_the_api_closes_once_and_shows_the_live_state_EXE_1(client: Client, company: Company) -> None:
    stand_up = monday_stand_up(company)
    _token, secret = api_token_create(actor=None, person=company.hank, name="t")
    auth = {"Authorization": f"Bearer {secret}"}
    started = client.post(f"/api/v1/stand-ups/{stand_up.pk}/live/start", headers=auth).json()
    assert (
        started["live"] and started["share_seconds"] == 450 and started["speaker"] in (company.hank.pk, company.mia.pk)
    )
    assert client.post(f"/api/v1/stand-ups/{stand_up.pk}/close", headers=auth).status_code == 200
    again = client.post(f"/api/v1/stand-ups/{stand_up.pk}/close", headers=auth)
    assert again.status_code == 422 and "closed already" in again.json()["detail"][0]["message"]


def test_the_daily_focus_names_my_stand_up_until_i_post_EXE_1_EXE_7(company: Company, okrs: Okrs) -> None:
    stand_up = monday_stand_up(company)
    morning = dt.datetime(2026, 10, 5, 0, 30, tzinfo=dt.UTC)  # 08:30 in Shanghai
    (item,) = [i for i in daily_focus(company.mia, company.org, morning) if i.source == "standups.today"]
    assert item.when == START and item.url == f"/standups/teams/{company.sales_team.pk}/"
    entry_post(actor=company.mia, stand_up=stand_up, items=[ItemInput(section="today", text="报价")], now=BEFORE)
    assert not [i for i in daily_focus(company.mia, company.org, morning) if i.source == "standups.today"]


def test_someone_in_no_team_is_told_so(client: Client, company: Company) -> None:
    stand_up_schedule(company)
    client.force_login(company.oscar)
    response = client.get(reverse("standups:home"))
    assert "You are in no team" in response.content.decode()
    client.force_login(company.mia)
    assert client.get(reverse("standups:home"))["Location"] == f"/standups/teams/{company.sales_team.pk}/"
