"""EXE-12, data not impressions: a department's (and the company's) progress and confidence week by week over the
cycle, from the check-ins of its key results, each week's value the one as of its end."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from qibu.okrs.models import KeyResult, Objective, Visibility
from qibu.okrs.services import checkin_record, key_result_create
from qibu.reports.weekly import (
    SeriesCheckIn,
    SeriesKeyResult,
    WeekPoint,
    department_weekly,
    week_ends,
    weekly_chart,
    weekly_series,
)
from tests.conftest import Company, Okrs

D = Decimal
START, END = dt.date(2026, 10, 1), dt.date(2026, 12, 31)  # a Thursday; the fixture's quarter


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    client.cookies["qibu_language"] = "en"


def _kr(
    pk: int, objective: int, weight: str, objective_weight: str, progress: str, confidence: int, created: int
) -> SeriesKeyResult:
    return SeriesKeyResult(
        pk, objective, D(weight), D(objective_weight), D(progress), confidence, dt.date(2026, 10, created)
    )


def _ci(kr: int, day: int, progress: str, confidence: int, previous: int | None = None) -> SeriesCheckIn:
    at = dt.datetime(2026, 10, day, 10, 0, tzinfo=dt.UTC)
    return SeriesCheckIn(kr, at, at.date(), D(progress), confidence, previous)


# --- the weeks --------------------------------------------------------------------------------------------------


def test_the_weeks_end_on_sundays_and_the_last_on_today_or_the_cycles_end_EXE_12() -> None:
    """EXE-12: calendar weeks; the week under way counts up to today; nothing before the cycle begins."""
    assert week_ends(START, END, dt.date(2026, 10, 20)) == [
        dt.date(2026, 10, 4), dt.date(2026, 10, 11), dt.date(2026, 10, 18), dt.date(2026, 10, 20),
    ]  # fmt: skip
    assert week_ends(START, END, dt.date(2026, 10, 18))[-1] == dt.date(2026, 10, 18)
    assert week_ends(START, END, dt.date(2027, 3, 1))[-2:] == [dt.date(2026, 12, 27), END]
    assert len(week_ends(START, END, dt.date(2027, 3, 1))) == 14
    assert week_ends(START, END, dt.date(2026, 9, 30)) == []
    assert week_ends(START, END, START) == [START]


@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    days=st.integers(min_value=0, max_value=400),
    today_after=st.integers(min_value=-30, max_value=500),
)
def test_the_weeks_are_whole_weeks_in_order_EXE_12(start: dt.date, days: int, today_after: int) -> None:
    """EXE-12: ascending, seven days apart but the last, every one a Sunday but the last."""
    end = start + dt.timedelta(days=days)
    today = start + dt.timedelta(days=today_after)
    ends = week_ends(start, end, today)
    if today < start:
        assert ends == []
        return
    assert ends[-1] == min(end, today)
    assert all(start <= e <= ends[-1] for e in ends)
    assert all(e.weekday() == 6 for e in ends[:-1])
    assert all((b - a).days == 7 for a, b in itertools.pairwise(ends[:-1]))
    assert all(0 < (b - a).days <= 7 for a, b in itertools.pairwise(ends))


# --- the values, by hand --------------------------------------------------------------------------------------


def test_each_weeks_value_is_the_roll_up_as_of_its_end_by_hand_EXE_12_MEAS_4_MEAS_5() -> None:
    """EXE-12, MEAS-4, MEAS-5: objective A (weight 1) has a1 (weight 1) and a2 (weight 3, never checked in: it counts
    as it stands, 20 % at 50); objective B (weight 2) has b1, made on 12 October, checked in on the 14th."""
    key_results = [
        _kr(1, 10, "1", "1", "0.5", 60, 1),
        _kr(2, 10, "3", "1", "0.2", 50, 1),
        _kr(3, 20, "1", "2", "0.4", 90, 12),
    ]
    checkins = [
        _ci(1, 3, "0.1", 70, 80),
        _ci(1, 10, "0.3", 60, 70),
        _ci(3, 14, "0.4", 90, 40),
        _ci(1, 19, "0.5", 60, 60),
    ]
    ends = week_ends(START, END, dt.date(2026, 10, 20))
    points = weekly_series(key_results, checkins, ends)
    assert points == [
        # A = (1·0.1 + 3·0.2) / 4 = 0.175; confidence (70 + 3·50) / 4 = 55. B does not exist yet.
        WeekPoint(dt.date(2026, 10, 4), D("0.175"), D("55"), 1),
        # a1 at 0.3: A = (0.3 + 0.6) / 4 = 0.225; (60 + 150) / 4 = 52.5.
        WeekPoint(dt.date(2026, 10, 11), D("0.225"), D("52.5"), 1),
        # B = 0.4 at 90: (1·0.225 + 2·0.4) / 3 = 0.34166… ; (52.5 + 2·90) / 3 = 77.5.
        WeekPoint(dt.date(2026, 10, 18), D("0.3417"), D("77.5"), 1),
        # a1 at 0.5: A = (0.5 + 0.6) / 4 = 0.275; (0.275 + 0.8) / 3 = 0.35833…
        WeekPoint(dt.date(2026, 10, 20), D("0.3583"), D("77.5"), 1),
    ]
    chart = weekly_chart(points, chart_id="c", title="t")
    assert [(r.progress, r.confidence, r.progress_change, r.confidence_change) for r in chart.rows] == [
        (18, 55, None, None),
        (22, 52, 4, -3),  # 22.5 % rounds to 22 (to even), 52.5 to 52
        (34, 78, 12, 26),
        (36, 78, 2, 0),
    ]


def test_before_its_first_check_in_a_key_result_counts_with_nothing_done_and_its_confidence_then_EXE_12() -> None:
    """EXE-12: as the objective page's chart has it, a key result later checked in counts with no progress and the
    confidence it had before its first check-in (that check-in's previous confidence)."""
    points = weekly_series([_kr(1, 10, "1", "1", "0.6", 80, 1)], [_ci(1, 14, "0.6", 80, 40)], [dt.date(2026, 10, 4)])
    assert points == [WeekPoint(dt.date(2026, 10, 4), D("0"), D("40"), 0)]
    assert weekly_series([], [_ci(1, 14, "0.6", 80, 40)], [dt.date(2026, 10, 4)]) == [
        WeekPoint(dt.date(2026, 10, 4), None, None, 0)
    ]


progress_values = st.decimals(min_value=0, max_value=1, places=4)
checkin_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=3),
        st.integers(min_value=1, max_value=31),
        progress_values,
        st.integers(min_value=0, max_value=100),
    ),
    max_size=30,
)


@given(rows=checkin_strategy, today=st.integers(min_value=1, max_value=31))
def test_the_values_stay_in_range_whatever_the_order_of_the_check_ins_EXE_12(
    rows: list[tuple[int, int, Decimal, int]], today: int
) -> None:
    """EXE-12: 0–100 %, a point a week, every check-in up to the last week counted once, whatever order they
    are read in (two of a key result at the same moment are taken as read: the read orders them by id)."""
    key_results = [
        _kr(1, 10, "1", "1", "0.5", 50, 1),
        _kr(2, 10, "2", "1", "0", 30, 1),
        _kr(3, 20, "1", "3", "1", 90, 1),
    ]
    checkins = list({(kr, day): _ci(kr, day, str(p), c) for kr, day, p, c in rows}.values())
    ends = week_ends(START, END, dt.date(2026, 10, today))
    points = weekly_series(key_results, checkins, ends)
    shuffled = list(checkins)
    random.Random(today).shuffle(shuffled)
    assert weekly_series(key_results, shuffled, ends) == points
    assert [p.end for p in points] == ends
    assert sum(p.checkins for p in points) == sum(1 for c in checkins if c.day <= ends[-1])
    for p in points:
        assert p.progress is not None and D(0) <= p.progress <= D(1)
        assert p.confidence is not None and D(0) <= p.confidence <= D(100)


@given(rows=checkin_strategy)
def test_one_key_result_is_its_last_check_in_of_each_week_EXE_12(rows: list[tuple[int, int, Decimal, int]]) -> None:
    """EXE-12: with a single key result, each week shows its last check-in up to the week's end."""
    checkins = [_ci(1, day, str(p), c, 50) for _kr_, day, p, c in rows]
    ends = week_ends(START, END, dt.date(2026, 10, 31))
    for point in weekly_series([_kr(1, 10, "1", "1", "0.5", 50, 1)], checkins, ends):
        before = sorted((c for c in checkins if c.day <= point.end), key=lambda c: c.at)
        if before:
            assert (point.progress, point.confidence) == (before[-1].progress, D(before[-1].confidence))
        else:
            assert (point.progress, point.confidence) == (D(0) if checkins else D("0.5"), D(50))


# --- the pages ------------------------------------------------------------------------------------------------


def _history(company: Company, okrs: Okrs) -> KeyResult:
    """The sales department's key result (target 10), made on 1 October, checked in on 3, 10 and 14 October."""
    kr = okrs["department_kr"]
    KeyResult.objects.filter(pk=kr.pk).update(created_at=dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC))
    zone = company.org.zone
    for day, value, confidence in ((3, 2, 70), (10, 5, 60), (14, 6, 30)):
        at = dt.datetime(2026, 10, day, 15, tzinfo=zone)
        checkin_record(
            actor=company.hank, key_result=KeyResult.objects.get(pk=kr.pk), value=value, confidence=confidence,
            confidence_reason="客户推迟签约" if confidence < 60 else "", at=at,
        )  # fmt: skip
    return kr


def _row(html: str, day: str) -> str:
    start = html.index(f'<time datetime="{day}">')
    return html[start : html.index("</tr>", start)]


def test_the_department_page_charts_its_weeks_from_the_check_ins_EXE_12(
    client: Client, okrs: Okrs, company: Company
) -> None:
    """EXE-12: the sales department's one objective, week by week: 20 % at 70 by 4 October, 50 % at 60 by the 11th,
    60 % at 30 by the 18th (the fall shown against the week before), in the chart and its table."""
    _history(company, okrs)
    client.force_login(company.hank)
    html = client.get(reverse("reports:department", args=[company.sales.pk]), {"cycle": company.quarter.pk})
    page = html.content.decode()
    assert "Week by week" in page and f'id="weekly-department-{company.sales.pk}-title"' in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "<polyline" in page
    assert "20%" in _row(page, "2026-10-04") and "70%" in _row(page, "2026-10-04")
    assert "50%" in _row(page, "2026-10-11") and "(+30)" in _row(page, "2026-10-11")
    row = _row(page, "2026-10-18")
    assert "60%" in row and "30%" in row and "(-30)" in row and "(+10)" in row
    assert "<script" not in page[page.index("Week by week") : page.index("Department objectives")]
    assert "style=" not in page[page.index("Week by week") : page.index("Department objectives")]


def test_the_chart_counts_only_what_the_viewer_may_see_EXE_12(client: Client, okrs: Okrs, company: Company) -> None:
    """EXE-12, PUB-2: a department-only objective is not charted for someone outside the department."""
    _history(company, okrs)
    Objective.objects.filter(pk=okrs["department"].pk).update(visibility=Visibility.DEPARTMENT)
    client.force_login(company.oscar)
    page = client.get(reverse("reports:department", args=[company.sales.pk]), {"cycle": company.quarter.pk})
    html = page.content.decode()
    assert "Nothing to chart yet" in html and '<time datetime="2026-10-04">' not in html


def test_the_company_page_charts_the_company_objectives_week_by_week_EXE_12(
    client: Client, okrs: Okrs, company: Company
) -> None:
    """EXE-12: the company's objectives of the cycle (and of its year), the same way."""
    revenue = okrs["revenue"]
    KeyResult.objects.filter(pk=revenue.pk).update(created_at=dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC))
    checkin_record(
        actor=company.erin, key_result=KeyResult.objects.get(pk=revenue.pk), value=250, confidence=70,
        at=dt.datetime(2026, 10, 5, 15, tzinfo=company.org.zone),
    )  # fmt: skip
    client.force_login(company.mia)
    html = client.get(reverse("reports:company"), {"cycle": company.quarter.pk}).content.decode()
    assert 'id="weekly-company-title"' in html
    assert "25%" in _row(html, "2026-10-11") and "70%" in _row(html, "2026-10-11")
    # An annual company objective runs through the quarter: charted over the quarter too.
    Objective.objects.filter(pk=okrs["company"].pk).update(cycle=company.year)
    html = client.get(reverse("reports:company"), {"cycle": company.quarter.pk}).content.decode()
    assert "25%" in _row(html, "2026-10-11") and "70%" in _row(html, "2026-10-11")


def test_the_chart_speaks_chinese_EXE_12(client: Client, okrs: Okrs, company: Company) -> None:
    """EXE-12: headings, legend and table in the reader's language."""
    _history(company, okrs)
    client.force_login(company.hank)
    client.cookies["qibu_language"] = "zh-hans"
    html = client.get(reverse("reports:department", args=[company.sales.pk]), {"cycle": company.quarter.pk})
    page = html.content.decode()
    assert "逐周数据" in page and "每周数据明细" in page and "截至" in page


def test_the_weekly_series_reads_two_queries_at_two_sizes_EXE_12(
    okrs: Okrs, company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """EXE-12: the key results, then their check-ins, whatever their number and the cycle's length."""
    _history(company, okrs)
    today = timezone.localdate()
    for size in (1, 10):
        for i in range(size):
            kr = key_result_create(
                actor=company.hank, objective=okrs["department"], title=f"KR{size}-{i}", start_value=0, target_value=4
            )
            checkin_record(actor=company.hank, key_result=kr, value=1, confidence=70)
        with django_assert_num_queries(2):
            chart = department_weekly(
                viewer=company.hank, department=company.sales, cycle=company.quarter, organisation=company.org,
                today=today,
            )  # fmt: skip
        assert chart.rows
