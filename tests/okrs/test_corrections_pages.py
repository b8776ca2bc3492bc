"""The correction form and the objective page's corrections (EXE-11): reached from the objective and each key result,
refused to those who may not change the objective (nothing written), listed with their reasons and approvers, shown
in the history, and marked on the chart while the progress before them stays as the check-ins stored it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.okrs import charts
from qibu.okrs.models import CheckIn, Correction, CorrectionKind, KeyResult
from qibu.okrs.services import checkin_record, correction_make
from tests.conftest import Company, Okrs
from tests.okrs.test_pages_okrs import COACH_QUERIES, OBJECTIVE_QUERIES


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    client.cookies["qibu_language"] = "en"


def test_exe11_objective_page_offers_corrections_to_editors_only(client: Client, company: Company, okrs: Okrs) -> None:
    url = reverse("okrs:objective", args=[okrs["mine"].pk])
    client.force_login(company.mia)
    html = client.get(url).content.decode()
    assert reverse("okrs:objective_correct", args=[okrs["mine"].pk]) in html
    assert reverse("okrs:kr_correct", args=[okrs["my_kr"].pk]) in html
    client.force_login(company.oscar)
    html = client.get(url).content.decode()
    assert reverse("okrs:objective_correct", args=[okrs["mine"].pk]) not in html


def test_exe11_form_revises_a_target_and_the_page_lists_it_with_reason_and_approver(
    client: Client, company: Company, okrs: Okrs
) -> None:
    kr = okrs["my_kr"]
    client.force_login(company.hank)
    form_url = reverse("okrs:kr_correct", args=[kr.pk])
    page = client.get(form_url).content.decode()
    assert 'name="target_value"' in page and 'value="4"' in page
    response = client.post(form_url, {"kind": "target", "reason": "市场比预期小", "target_value": "3"})
    correction = Correction.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#correction-{correction.pk}")
    assert KeyResult.objects.get(pk=kr.pk).target_value == Decimal(3)
    html = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    section = html[html.index('id="corrections"') :]
    assert "revise a key result&#x27;s target" in section
    assert "target 4 家 → 3 家" in section
    assert "市场比预期小" in section
    assert f"Agreed by {company.hank}" in section
    history = html[html.index('id="history-title"') :]
    assert "made a correction" in history and "市场比预期小" in history


def test_exe11_form_refuses_without_reason_next_to_the_field_nothing_written(
    client: Client, company: Company, okrs: Okrs
) -> None:
    client.force_login(company.mia)
    before = (Correction.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse("okrs:kr_correct", args=[okrs["my_kr"].pk]), {"kind": "target", "reason": "", "target_value": "3"}
    )
    assert response.status_code == 400
    assert "Say why: a correction is recorded with its reason." in response.content.decode()
    assert (Correction.objects.count(), AuditEntry.objects.count()) == before
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).target_value == Decimal(4)


def test_exe11_form_refused_to_someone_who_may_not_edit_nothing_written(
    client: Client, company: Company, okrs: Okrs
) -> None:
    """EXE-11, bad input: a correction by someone who may not edit the objective: 403, nothing written."""
    client.force_login(company.oscar)
    url = reverse("okrs:objective_correct", args=[okrs["mine"].pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"kind": "strategy", "reason": "r", "strategy": "s"})
    assert response.status_code == 403
    assert not Correction.objects.exists()


def test_exe11_objective_dates_and_strategy_from_the_objective_form(
    client: Client, company: Company, okrs: Okrs
) -> None:
    client.force_login(company.hank)
    url = reverse("okrs:objective_correct", args=[okrs["department"].pk])
    page = client.get(url).content.decode()
    assert 'name="target_value"' not in page  # no key result: no target
    client.post(url, {"kind": "dates", "reason": "推迟", "start_date": "2026-10-01", "end_date": "2026-12-15"})
    client.post(url, {"kind": "strategy", "reason": "渠道失效", "strategy": "改走代理商"})
    kinds = list(Correction.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [CorrectionKind.DATES, CorrectionKind.STRATEGY]
    okrs["department"].refresh_from_db()
    assert okrs["department"].end_date == dt.date(2026, 12, 15)


def test_exe11_chart_keeps_the_progress_before_the_correction(client: Client, company: Company, okrs: Okrs) -> None:
    """EXE-11: a revised target moves progress from the correction on; the check-ins' stored progress is not
    recomputed, the chart's earlier points stay where they were, and the correction is marked."""
    kr = okrs["my_kr"]
    now = timezone.now()
    checkin_record(actor=company.mia, key_result=kr, value=2, confidence=70, at=now - dt.timedelta(days=5))
    correction = correction_make(
        actor=company.hank,
        objective=okrs["mine"],
        key_result=kr,
        kind=CorrectionKind.TARGET,
        reason="市场小",
        changes={"target_value": "2.5"},
    )
    assert CheckIn.objects.get(key_result=kr).progress == Decimal("0.5")
    client.force_login(company.mia)
    html = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert 'class="correction-marker"' in chart
    assert "target 4 家 → 2.5 家" in chart
    assert "1 correction is marked" in chart
    assert correction.progress_after == Decimal("0.8")


def test_exe11_series_steps_at_a_correction_and_keeps_the_points_before() -> None:
    start = dt.date(2026, 10, 1)
    tz = dt.UTC
    krs = [charts.KeyResultState(1, Decimal(1), Decimal("0.8"), 70)]
    rows = [charts.CheckInRow(1, dt.datetime(2026, 10, 5, tzinfo=tz), Decimal("0.5"), 70, 50)]
    steps = [charts.ProgressStep(1, dt.datetime(2026, 10, 9, tzinfo=tz), Decimal("0.5"), Decimal("0.8"))]
    points = charts.objective_series(key_results=krs, checkins=rows, start=start, steps=steps)
    assert points == [
        charts.ChartPoint(start, Decimal(0), Decimal(50)),
        charts.ChartPoint(dt.date(2026, 10, 5), Decimal("0.5"), Decimal(70)),
        charts.ChartPoint(dt.date(2026, 10, 9), Decimal("0.8"), Decimal(70)),
    ]
    # Without check-ins, the line starts where the key result stood before its first correction.
    alone = charts.objective_series(key_results=krs, checkins=[], start=start, steps=steps)
    assert alone[0].progress == Decimal("0.5") and alone[-1].progress == Decimal("0.8")


def test_exe11_objective_page_reads_corrections_in_constant_queries(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """EXE-11: the list and the chart's marks are one query, whatever the number of corrections."""
    url = reverse("okrs:objective", args=[okrs["mine"].pk])
    client.force_login(company.mia)

    def correct(n: int) -> None:
        for i in range(n):
            correction_make(
                actor=company.hank,
                objective=okrs["mine"],
                key_result=okrs["my_kr"],
                kind=CorrectionKind.TARGET,
                reason=f"原因 {i}",
                changes={"target_value": str(KeyResult.objects.get(pk=okrs["my_kr"].pk).target_value + 1)},
            )

    correct(1)
    # mia sees the coach's advice; the history names hank, whom the page does not know otherwise (one query).
    with django_assert_num_queries(OBJECTIVE_QUERIES + COACH_QUERIES + 1) as few:
        client.get(url)
    correct(6)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('class="correction-marker"') == 7
