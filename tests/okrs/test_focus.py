"""EXE-7: the daily focus on everyone's home page and in the API: what to push first today, from every app's source
(okrs: my slipping key results; plans: my steps overdue or due today; rhythm: today's meetings and deadlines;
planning: what waits on me), first things first, only what the person may see, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.blockers.focus import owned_blockers
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.focus import FOCUS_LIMIT, Rank, daily_focus
from qibu.okrs.focus_sources import key_results_source
from qibu.okrs.models import Approval, KeyResult, Level, Objective, Visibility
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.org.models import Person
from qibu.org.services import person_create
from qibu.planning.focus import QUEUE_NAMED, waiting_source
from qibu.planning.models import Proposal, ProposalKind
from qibu.plans.focus import steps_source
from qibu.plans.models import ActionStep
from qibu.plans.services import step_create
from qibu.reflect.focus import measures_due
from qibu.rhythm.focus import meetings_source
from qibu.rhythm.models import Recurrence, ScheduleKind
from qibu.rhythm.services import ScheduleInput, schedule_create
from qibu.standups.hooks import focus_today
from tests.conftest import Company, Okrs

PAGE = "okrs:my"


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    client.cookies["qibu_language"] = "en"


def _now() -> dt.datetime:
    return timezone.now()


def _today(company: Company) -> dt.date:
    return timezone.localdate(_now(), company.org.zone)


def _focus_html(client: Client, person: Person) -> str:
    client.force_login(person)
    html = client.get(reverse(PAGE)).content.decode()
    start = html.index('id="focus"')
    return html[start : html.index("</section>", start)]


def _step(company: Company, kr: KeyResult, owner: Person, title: str, days: int) -> ActionStep:
    """A step of `owner` whose deadline is `days` from today (negative: past)."""
    step = step_create(actor=company.mia, key_result=kr, title=title, owner=owner).step
    deadline = _today(company) + dt.timedelta(days=days)
    ActionStep.objects.filter(pk=step.pk).update(start=min(deadline, step.start), deadline=deadline)
    return step


def _schedule(company: Company, kind: str, *, team: bool = True, title: str = "", minutes_ago: int = 0) -> None:
    """A weekly schedule of mia's team (or of marketing) that falls today, `minutes_ago` before now."""
    local = timezone.localtime(_now(), company.org.zone) - dt.timedelta(minutes=minutes_ago)
    schedule_create(
        actor=None,
        data=ScheduleInput(
            kind=kind,
            recurrence=Recurrence.WEEKLY,
            weekdays=[local.weekday()],
            time=local.strftime("%H:%M"),
            team_id=company.sales_team.pk if team else None,
            department_id=None if team else company.marketing.pk,
            title=title,
            duration_minutes=15,
        ),
    )


def _slipping(company: Company, okrs: Okrs) -> KeyResult:
    """Mia's second key result, off track."""
    return key_result_create(
        actor=company.mia, objective=okrs["mine"], title="拜访 30 家潜在客户", start_value=0, target_value=30,
        confidence=20,
    )  # fmt: skip


# --- the order and the page ---------------------------------------------------------------------------------


def test_it_puts_first_things_first_across_every_source_EXE_7(client: Client, okrs: Okrs, company: Company) -> None:
    """EXE-7: slipping key results, then overdue steps, then what is due today, then the day's meetings, each
    with its reason, link and time, under its rank's heading."""
    shaky = _slipping(company, okrs)
    late = _step(company, okrs["my_kr"], company.mia, "整理客户名单", -3)
    _step(company, okrs["my_kr"], company.mia, "打电话给苏州客户", 0)
    _step(company, okrs["my_kr"], company.mia, "下周的事", 5)  # not due: only in the steps' panel
    _schedule(company, ScheduleKind.STAND_UP, title="华东组站会")
    _schedule(company, ScheduleKind.CHECK_IN)
    _schedule(company, ScheduleKind.STAND_UP, team=False, title="市场部站会")  # not mia's
    focus = _focus_html(client, company.mia)
    order = [
        "Off track", "拜访 30 家潜在客户", "Behind pace", "苏州新签 4 家客户", "Overdue", "整理客户名单",
        "Due today", "打电话给苏州客户", "Meetings today", "华东组站会",
    ]  # fmt: skip
    positions = [focus.index(text) for text in order]
    assert positions == sorted(positions)
    assert "check-in reminder" in focus[focus.index("Due today") : focus.index("Meetings today")]
    assert "下周的事" not in focus and "市场部站会" not in focus
    assert f'href="{reverse("okrs:objective", args=[okrs["mine"].pk])}#kr-{shaky.pk}"' in focus
    assert f'href="{reverse("plans:step", args=[late.pk])}"' in focus
    assert "due 3 days ago" in focus and "confidence 20%, off track" in focus
    assert "<time" in focus and "15 minutes" in focus
    # The steps' panel still lists every open step of mia's, the one not due included.
    page = client.get(reverse(PAGE)).content.decode()
    assert "下周的事" in page[page.index("my-steps-title") :]


def test_it_says_there_is_nothing_urgent_when_there_is_nothing_EXE_7(
    client: Client, okrs: Okrs, company: Company
) -> None:
    """EXE-7: the focus is there also when empty, and says so."""
    focus = _focus_html(client, company.oscar)
    assert "Today's focus" in focus
    assert "Nothing urgent today" in focus
    assert "<li" not in focus


def test_it_shows_the_first_items_and_counts_the_others_EXE_7(client: Client, okrs: Okrs, company: Company) -> None:
    """EXE-7: a short list on the home page, "and N more" leading to the whole of it."""
    for n in range(FOCUS_LIMIT + 2):
        _step(company, okrs["my_kr"], company.mia, f"逾期步骤{n}", -1 - n)
    focus = _focus_html(client, company.mia)
    assert focus.count('class="focus-item"') == FOCUS_LIMIT
    assert "And 3 more things" in focus  # 10 steps and the key result behind pace, 8 shown
    assert f'href="{reverse("okrs:focus")}"' in focus
    whole = client.get(reverse("okrs:focus")).content.decode()
    assert whole.count('class="focus-item"') == FOCUS_LIMIT + 3
    assert "And " not in whole[whole.index('id="focus"') :]


def test_it_names_only_what_the_person_may_see_EXE_7(okrs: Okrs, company: Company) -> None:
    """EXE-7, PUB-2: a key result or a step of mine under an objective I may no longer see is not named; nor is
    anything of somebody else's."""
    hidden = objective_create(
        actor=company.oscar, cycle=company.quarter, level=Level.PERSON, owner=company.oscar, title="欧斯卡的秘密",
        visibility=Visibility.PRIVATE,
    )  # fmt: skip
    kr = key_result_create(
        actor=company.oscar, objective=hidden, title="秘密的关键结果", start_value=0, target_value=5, confidence=10
    )
    KeyResult.objects.filter(pk=kr.pk).update(owner=company.mia)
    ActionStep.objects.create(
        key_result=kr, title="秘密的步骤", owner=company.mia, responsible=company.mia, decider=company.oscar,
        start=_today(company) - dt.timedelta(days=3), deadline=_today(company) - dt.timedelta(days=1),
    )  # fmt: skip
    _slipping(company, okrs)
    titles = [item.title for item in daily_focus(company.mia, company.org, _now())]
    assert "拜访 30 家潜在客户" in titles
    assert "秘密的关键结果" not in titles and "秘密的步骤" not in titles
    oscars = [item.title for item in daily_focus(company.oscar, company.org, _now())]
    assert "拜访 30 家潜在客户" not in oscars and "苏州新签 4 家客户" not in oscars
    assert "秘密的步骤" not in oscars  # mia's, not oscar's


def test_it_leaves_out_key_results_reached_closed_or_not_agreed_yet_EXE_7(okrs: Okrs, company: Company) -> None:
    """EXE-7: only agreed, running objectives of open cycles; a key result reached is not slipping."""
    _slipping(company, okrs)
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=4, confidence=100)
    assert [i.title for i in key_results_source(company.mia, company.org, _now())] == ["拜访 30 家潜在客户"]
    Objective.objects.filter(pk=okrs["mine"].pk).update(approval=Approval.DRAFT, approved_at=None)
    assert key_results_source(company.mia, company.org, _now()) == []


def test_it_names_a_key_result_without_a_check_in_within_the_cadence_MEAS_8_EXE_7(okrs: Okrs, company: Company) -> None:
    """EXE-7, MEAS-8: stale ranks with what is behind pace, saying since when."""
    today = _today(company)
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(
        start_date=today, end_date=today + dt.timedelta(days=90), created_at=_now() - dt.timedelta(days=20)
    )
    items = key_results_source(company.mia, company.org, _now())
    assert [(i.rank, i.title) for i in items] == [(Rank.BEHIND_PACE, "苏州新签 4 家客户")]
    assert "never checked in" in items[0].reason
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(last_checkin_at=_now() - dt.timedelta(days=12))
    assert "no check-in for 12 days" in key_results_source(company.mia, company.org, _now())[0].reason
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(last_checkin_at=_now())
    assert key_results_source(company.mia, company.org, _now()) == []


# --- what waits on me ------------------------------------------------------------------------------------------


def _submitted(company: Company, owner: Person, title: str, days: int) -> Objective:
    objective = objective_create(actor=owner, cycle=company.quarter, level=Level.PERSON, owner=owner, title=title)
    Objective.objects.filter(pk=objective.pk).update(
        approval=Approval.SUBMITTED, approved_at=None, submitted_at=_now() - dt.timedelta(days=days)
    )
    return objective


def test_it_names_what_waits_for_my_approval_oldest_first_and_counts_the_rest_EXE_7(
    okrs: Okrs, company: Company
) -> None:
    """EXE-7, SET-1: the objectives in my approval queue, the oldest named, the others counted in one line that
    leads to the queue; nobody else's queue."""
    for n in range(QUEUE_NAMED + 2):
        _submitted(company, company.mia, f"待批目标{n}", days=n + 1)
    items = waiting_source(company.hank, company.org, _now())
    assert [i.title for i in items[:QUEUE_NAMED]] == ["待批目标4", "待批目标3", "待批目标2"]
    assert all(i.rank == Rank.WAITING_ON_YOU for i in items)
    assert "米娅 submitted it 5 days ago" in items[0].reason
    assert items[-1].title == "2 more objectives wait for your approval"
    assert items[-1].url == reverse("planning:queue")
    ordered = [i.title for i in daily_focus(company.hank, company.org, _now()) if i.rank == Rank.WAITING_ON_YOU]
    assert ordered[:3] == ["待批目标4", "待批目标3", "待批目标2"]  # the longest waiting first
    assert waiting_source(company.oscar, company.org, _now()) == []
    assert waiting_source(company.mia, company.org, _now()) == []  # one's own are not one's to approve


def test_it_names_my_drafts_with_proposals_and_objections_to_answer_SET_2_EXE_7(okrs: Okrs, company: Company) -> None:
    """EXE-7, SET-2: the voice on my draft waits on me until I answer; my own proposals do not."""
    draft = okrs["department"]
    Objective.objects.filter(pk=draft.pk).update(approval=Approval.DRAFT, approved_at=None)
    Proposal.objects.create(objective=draft, author=company.mia, text="加上老客户续约")
    Proposal.objects.create(objective=draft, author=company.mia, text="十家太多", kind=ProposalKind.OBJECTION)
    Proposal.objects.create(objective=draft, author=company.mia, text="加上回款")
    Proposal.objects.create(objective=draft, author=company.hank, text="我自己的想法")
    [item] = waiting_source(company.hank, company.org, _now())
    assert item.title == draft.title
    assert item.reason == "2 proposals, 1 objection on your draft to answer"
    assert item.url.endswith("#proposals")
    Proposal.objects.filter(author=company.mia).update(status="declined")
    assert waiting_source(company.hank, company.org, _now()) == []


# --- today's meetings --------------------------------------------------------------------------------------------


def test_it_names_the_meetings_of_my_groups_today_at_their_time_EXE_1_EXE_7(okrs: Okrs, company: Company) -> None:
    """EXE-7: my team's stand-up today with its time; the check-in deadline as due today; an hour after a meeting
    began it is gone from the day's focus."""
    _schedule(company, ScheduleKind.STAND_UP, title="华东组站会", minutes_ago=30)
    _schedule(company, ScheduleKind.WEEKLY_MEETING, title="上周的会", minutes_ago=90)
    _schedule(company, ScheduleKind.CHECK_IN)
    items = meetings_source(company.mia, company.org, _now())
    # The team's stand-up is named by the stand-up's own source, while mia has not posted (tests/standups).
    assert [(i.rank, i.title) for i in items] == [(Rank.DUE_TODAY, "check-in reminder")]
    (standup,) = focus_today(company.mia, company.org, _now())
    assert (standup.rank, standup.title) == (Rank.MEETING, "华东组站会")
    assert standup.when is not None and _now() - standup.when < dt.timedelta(minutes=31)
    assert meetings_source(company.oscar, company.org, _now()) == []


# --- query counts ------------------------------------------------------------------------------------------------


def _grow(company: Company, okrs: Okrs, n: int, start: int = 0) -> None:
    """A bigger company: more people, each with slipping key results, overdue steps, submissions, proposals."""
    for i in range(start, start + n):
        person = person_create(
            actor=None, username=f"more{i}", full_name=f"同事{i}", password="x" * 12, department=company.sales,
            team=company.sales_team, manager=company.hank,
        )  # fmt: skip
        objective = objective_create(
            actor=person, cycle=company.quarter, level=Level.PERSON, owner=person, title=f"同事目标{i}"
        )
        kr = key_result_create(
            actor=person, objective=objective, title=f"同事KR{i}", start_value=0, target_value=5, confidence=10
        )
        _step(company, kr, person, f"同事步骤{i}", -2)
        _step(company, okrs["my_kr"], company.mia, f"米娅步骤{i}", -i - 1)
        mine = key_result_create(
            actor=company.mia, objective=okrs["mine"], title=f"米娅KR{i}", start_value=0, target_value=5, confidence=15
        )
        checkin_record(actor=company.mia, key_result=mine, value=1, confidence=15)
        _submitted(company, person, f"同事待批{i}", days=i)
        Proposal.objects.create(objective=okrs["department"], author=person, text=f"建议{i}")


# One query each: my key results (with the objectives I may see as a subquery); my steps due; my schedules (one more
# when one follows the cycles; none on the home page, whose "due this week" read them at the same moment); planning's
# two: the queue's first with its count, my drafts with their open voice.
SOURCE_QUERIES: dict[str, tuple[Any, int]] = {
    "okrs.key_results": (key_results_source, 1),
    "plans.steps": (steps_source, 1),
    "rhythm.meetings": (meetings_source, 2),
    "standups.today": (focus_today, 1),
    "planning.waiting": (waiting_source, 2),
    "blockers.owned": (owned_blockers, 1),
    "reflect.measures": (measures_due, 1),
}


@pytest.mark.parametrize("source", sorted(SOURCE_QUERIES))
def test_each_source_reads_a_fixed_number_of_queries_at_two_sizes_EXE_7(
    source: str, okrs: Okrs, company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """EXE-7: the same count for a small company and a bigger one, for mia (her own items) and hank (a queue)."""
    function, queries = SOURCE_QUERIES[source]
    Objective.objects.filter(pk=okrs["department"].pk).update(approval=Approval.DRAFT, approved_at=None)
    _schedule(company, ScheduleKind.STAND_UP)
    counts = []
    for start, size in ((0, 1), (1, 6)):
        _grow(company, okrs, size, start)
        for person in (company.mia, company.hank):
            person = Person.objects.get(pk=person.pk)
            visible_objectives_q(person)  # what the person heads and belongs to: read once per request
            with django_assert_num_queries(queries):
                counts.append(len(function(person, company.org, _now())))
    assert counts[2] >= counts[0] and counts[3] >= counts[1]  # more to name, not more queries


# The home page (tests/okrs/test_pages_okrs.py MY_OKRS_QUERIES) with every source naming something; the whole focus's
# page: those of every page (session, person, organisation, what the person belongs to and heads) and the sources' 7
# (okrs.milestones and the blockers I own among them); the holidays of the week (qibu.rhythm) and my team's stand-up
# today (qibu.standups), one each (on the focus page too, where the rhythm's source reads the schedules itself); my
# 1-on-1s today (qibu.oneonones, one); the weekly meetings I attend today and my commitments due (qibu.meetings, two);
# the period whose self-assessment may be due (qibu.assess, one outside its window); my open measures from a
# reflection (qibu.reflect, one).
HOME_QUERIES = 25
FOCUS_PAGE_QUERIES = 18


def test_the_home_page_reads_a_fixed_number_of_queries_at_two_sizes_EXE_7(
    client: Client, okrs: Okrs, company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """EXE-7: hank's and mia's home pages, with something from every source, in as many queries in a company of
    two more people as in one of eight more."""
    Objective.objects.filter(pk=okrs["department"].pk).update(approval=Approval.DRAFT, approved_at=None)
    _schedule(company, ScheduleKind.STAND_UP)
    for start, size in ((0, 2), (2, 6)):
        _grow(company, okrs, size, start)
        for person in (company.mia, company.hank):
            client.force_login(person)
            with django_assert_num_queries(HOME_QUERIES):
                html = client.get(reverse(PAGE)).content.decode()
            assert 'class="focus-item"' in html
        with django_assert_num_queries(FOCUS_PAGE_QUERIES):
            client.get(reverse("okrs:focus"))


# --- Chinese and the API -----------------------------------------------------------------------------------------


def test_it_speaks_chinese_on_the_home_page_EXE_7(client: Client, okrs: Okrs, company: Company) -> None:
    """EXE-7: the heading, the ranks and the reasons in the person's language."""
    _slipping(company, okrs)
    _step(company, okrs["my_kr"], company.mia, "整理客户名单", -3)
    client.cookies["qibu_language"] = "zh-hans"
    focus = _focus_html(client, company.mia)
    assert "今日聚焦" in focus
    assert "偏离轨道" in focus and "已逾期" in focus
    assert "信心指数 20%" in focus
    assert "3 天前到期" in focus
    client.force_login(company.oscar)
    assert "今天没有紧急的事" in _focus_html(client, company.oscar)


def test_the_api_answers_the_whole_focus_in_order_EXE_7(client: Client, okrs: Okrs, company: Company) -> None:
    """EXE-7: GET /api/v1/me/focus: every item, first things first, with its rank, reason, link and time."""
    _slipping(company, okrs)
    for n in range(FOCUS_LIMIT + 1):
        _step(company, okrs["my_kr"], company.mia, f"逾期步骤{n}", -1 - n)
    _schedule(company, ScheduleKind.STAND_UP, title="华东组站会")
    client.force_login(company.mia)
    body = client.get("/api/v1/me/focus").json()
    assert body["count"] == len(body["items"]) == FOCUS_LIMIT + 4
    first, last = body["items"][0], body["items"][-1]
    assert first["source"] == "okrs.key_results" and first["rank"] == "off_track" and first["rank_order"] == 0
    assert first["title"] == "拜访 30 家潜在客户" and first["when"] is None
    assert first["url"].endswith(f"#kr-{KeyResult.objects.get(title='拜访 30 家潜在客户').pk}")
    assert last["source"] == "standups.today" and last["rank"] == "meeting" and last["when"]
    assert [i["rank_order"] for i in body["items"]] == sorted(i["rank_order"] for i in body["items"])
    client.force_login(company.oscar)
    assert client.get("/api/v1/me/focus").json() == {"count": 0, "items": []}
