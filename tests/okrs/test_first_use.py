"""What new users tripped over on the OKR pages (issue 6, item 2), each as the person would notice it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qibu.okrs import charts
from qibu.okrs.models import CheckIn, KeyResult, KeyResultKind, Level, Milestone, Objective
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs, present


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    client.cookies["qibu_language"] = "en"


# --- my OKRs for someone whose objectives are annual ------------------------------------------------


def test_it_shows_the_years_objectives_to_someone_with_none_this_quarter(client: Client, company: Company) -> None:
    """The CEO sets annual objectives only: the landing page shows them under the year's name instead of
    saying there are none in the quarter."""
    annual = objective_create(
        actor=company.erin, cycle=company.year, level=Level.COMPANY, owner=company.erin, title="全年收入翻一番"
    )
    key_result_create(actor=company.erin, objective=annual, title="收入达到 2 亿元", start_value=1, target_value=2)
    client.force_login(company.erin)
    html = client.get(reverse("okrs:my")).content.decode()
    assert "全年收入翻一番" in html
    assert "收入达到 2 亿元" in html
    assert f"My objectives in {company.year.name}<" in html
    assert "You have no objectives in" not in html


def test_it_lists_the_quarter_before_the_year_each_under_its_name(client: Client, company: Company) -> None:
    objective_create(
        actor=company.erin, cycle=company.year, level=Level.PERSON, owner=company.erin, title="年度个人目标"
    )
    objective_create(
        actor=company.erin, cycle=company.quarter, level=Level.PERSON, owner=company.erin, title="季度个人目标"
    )
    client.force_login(company.erin)
    html = client.get(reverse("okrs:my")).content.decode()
    quarter_head = html.index(f"My objectives in {company.quarter.name}<")
    year_head = html.index(f"My objectives in {company.year.name}<")
    assert quarter_head < html.index("季度个人目标") < year_head < html.index("年度个人目标")


def test_it_shows_only_the_cycle_picked(client: Client, company: Company) -> None:
    objective_create(
        actor=company.erin, cycle=company.year, level=Level.PERSON, owner=company.erin, title="年度个人目标"
    )
    client.force_login(company.erin)
    html = client.get(reverse("okrs:my") + f"?cycle={company.quarter.pk}").content.decode()
    assert "年度个人目标" not in html
    assert f"You have no objectives in {company.quarter.name}." in html


# --- the key-result form by kind ------------------------------------------------------------------


def test_it_marks_each_key_result_field_with_the_kinds_that_use_it(client: Client, okrs: Okrs) -> None:
    """`qibu.js` shows only the chosen kind's fields by these marks; without it every field is there."""
    client.force_login(present(okrs["mine"].owner))
    html = client.get(reverse("okrs:kr_new", args=[okrs["mine"].pk])).content.decode()
    assert "data-kind-switch" in html and "data-kind-scope" in html
    assert 'data-kinds="increase decrease"' in html  # start and target
    assert 'data-kinds="band"' in html
    assert 'data-kinds="milestones"' in html
    assert 'data-kinds="increase decrease band"' in html  # the unit
    assert 'name="start_value"' in html and 'name="milestones"' in html and 'name="band_low"' in html


def test_it_ignores_the_fields_a_milestone_key_result_does_not_use(client: Client, okrs: Okrs) -> None:
    """Sent without JavaScript the form carries every field; what the kind does not use is not refused."""
    mine = okrs["mine"]
    client.force_login(present(mine.owner))
    response = client.post(
        reverse("okrs:kr_new", args=[mine.pk]),
        {"title": "办事处开业", "kind": "milestones", "milestones": "选址\n开业", "start_value": "很多",
         "target_value": "5", "band_low": "x", "band_high": "1", "current_value": "?"},
    )  # fmt: skip
    assert response.status_code == 302
    kr = KeyResult.objects.get(title="办事处开业")
    assert (kr.start_value, kr.target_value, kr.band_low, kr.band_high) == (Decimal(0), Decimal(1), None, None)
    assert list(kr.milestones.values_list("title", flat=True)) == ["选址", "开业"]


def test_it_ignores_a_band_a_numeric_key_result_does_not_use(client: Client, okrs: Okrs) -> None:
    mine = okrs["mine"]
    client.force_login(present(mine.owner))
    response = client.post(
        reverse("okrs:kr_new", args=[mine.pk]),
        {"title": "回款 100 万", "kind": "increase", "start_value": "0", "target_value": "100", "band_low": "20",
         "band_high": "10", "milestones": "一\n二"},
    )  # fmt: skip
    assert response.status_code == 302
    kr = KeyResult.objects.get(title="回款 100 万")
    assert (kr.band_low, kr.band_high, kr.milestones.count()) == (None, None, 0)


def test_it_offers_every_kind_in_the_key_results_written_with_the_objective_SET_9(
    client: Client, company: Company
) -> None:
    """SET-9: the quick rows of the objective editor take a band and milestones too."""
    client.force_login(company.mia)
    html = client.get(reverse("okrs:objective_new") + f"?cycle={company.quarter.pk}").content.decode()
    for kind in KeyResultKind.values:
        assert f'<option value="{kind}"' in html[html.index('name="kr0-kind"') :]
    response = client.post(
        reverse("okrs:objective_new"),
        {"title": "苏州办事处", "level": "person", "cycle": company.quarter.pk, "owner": company.mia.pk,
         "kr0-title": "办事处开业", "kr0-kind": "milestones", "kr0-milestones": "选址\n装修\n开业",
         "kr1-title": "客户满意度", "kr1-kind": "band", "kr1-band_low": "80", "kr1-band_high": "100",
         "kr1-unit": "分"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    milestones = KeyResult.objects.get(title="办事处开业")
    assert list(milestones.milestones.values_list("title", flat=True)) == ["选址", "装修", "开业"]
    band = KeyResult.objects.get(title="客户满意度")
    assert (band.kind, band.band_low, band.band_high) == ("band", Decimal(80), Decimal(100))


# --- what a check-in and the history say ------------------------------------------------------------


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_it_says_which_milestones_a_check_in_marked_done_in_the_feed_and_history_MEAS_3(
    client: Client, company: Company, okrs: Okrs
) -> None:
    """MEAS-3: a milestone key result moves by its milestones, and its check-in says which were done."""
    kr = key_result_create(
        actor=company.mia, objective=okrs["mine"], title="办事处", kind=KeyResultKind.MILESTONES,
        milestones=["Launch beta", "Sign 3 partners", "Open"],
    )  # fmt: skip
    first, second, _third = kr.milestones.values_list("pk", flat=True)
    checkin_record(actor=company.mia, key_result=kr, confidence=70, milestones_done=[first, second])
    client.force_login(company.mia)
    html = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    feed = _section(html, "checkins-title")
    assert "Done: Launch beta, Sign 3 partners" in feed
    assert "Value <strong>0</strong>" not in feed
    history = _section(html, "history-title")
    assert "milestones done: <del>—</del> → <ins>Launch beta, Sign 3 partners</ins>" in history
    assert "value:" not in history[: history.index("added a key result")]  # its share is not a value one typed
    added = history[history.index("added a key result “办事处”") :]
    added = added[: added.index("</ul>")]
    assert "target value" not in added and "start value" not in added  # internal to a milestone key result
    assert "milestones: <ins>Launch beta, Sign 3 partners, Open</ins>" in added


def test_it_says_done_or_not_in_the_feed_and_history_MEAS_3(client: Client, company: Company, okrs: Okrs) -> None:
    kr = key_result_create(actor=company.mia, objective=okrs["mine"], title="上线", kind=KeyResultKind.BOOLEAN)
    checkin_record(actor=company.mia, key_result=kr, confidence=90, value=1)
    client.force_login(company.mia)
    html = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert "<strong>done</strong>" in _section(html, "checkins-title")
    assert "done: <del>no</del> → <ins>yes</ins>" in _section(html, "history-title")


def test_it_names_a_deleted_milestone_rather_than_its_number(client: Client, company: Company, okrs: Okrs) -> None:
    kr = key_result_create(
        actor=company.mia, objective=okrs["mine"], title="办事处", kind=KeyResultKind.MILESTONES,
        milestones=["选址", "开业"],
    )  # fmt: skip
    first, second = kr.milestones.values_list("pk", flat=True)
    checkin_record(actor=company.mia, key_result=kr, confidence=70, milestones_done=[first, second])
    Milestone.objects.filter(pk=second).delete()
    client.force_login(company.mia)
    history = _section(client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode(), "history-title")
    assert "<ins>选址, a deleted milestone</ins>" in history
    assert f"#{second}" not in history


# --- a value far outside the range --------------------------------------------------------------------


def _days_kr(company: Company, okrs: Okrs) -> KeyResult:
    return key_result_create(
        actor=company.mia, objective=okrs["mine"], title="交付周期缩短到 2 天", kind=KeyResultKind.DECREASE,
        start_value=5, target_value=2, unit="天", confidence=70,
    )  # fmt: skip


def test_it_asks_to_confirm_a_value_far_outside_the_range_and_explains(
    client: Client, company: Company, okrs: Okrs
) -> None:
    """A decrease from 5 to 2 days given 55: the form comes back saying why, with a box to confirm it."""
    kr = _days_kr(company, okrs)
    client.force_login(company.mia)
    url = reverse("okrs:checkin", args=[kr.pk])
    response = client.post(url, {"value": "55", "confidence": "70"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "55 天 is far outside this key result&#x27;s range (it goes from 5 to 2 天)" in html
    assert "below -4 or above 11" in html
    assert 'name="confirm"' in html and "Yes, 55 is right" in html
    assert not CheckIn.objects.filter(key_result=kr).exists()
    # A value inside the widened range needs no confirmation; a confirmed one is kept.
    assert client.post(url, {"value": "11", "confidence": "70"}).status_code == 302
    assert client.post(url, {"value": "55", "confidence": "70", "confirm": "1"}).status_code == 302
    kr.refresh_from_db()
    assert kr.current_value == 55


def test_it_asks_to_confirm_in_the_card_for_htmx_too(client: Client, company: Company, okrs: Okrs) -> None:
    kr = _days_kr(company, okrs)
    client.force_login(company.mia)
    html = client.post(
        reverse("okrs:checkin", args=[kr.pk]), {"value": "-30", "confidence": "70"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "is far outside this key result" in html and 'name="confirm"' in html


def test_it_keeps_the_confirmation_while_another_problem_is_fixed_EXE_4(
    client: Client, company: Company, okrs: Okrs
) -> None:
    """EXE-4: confirmed but confidence fell without a reason; the box stays ticked while the reason is asked."""
    kr = _days_kr(company, okrs)
    client.force_login(company.mia)
    html = client.post(
        reverse("okrs:checkin", args=[kr.pk]), {"value": "55", "confidence": "10", "confirm": "1"}
    ).content.decode()
    assert 'name="confidence_reason"' in html
    assert 'name="confirm" value="1" checked' in html


def test_it_refuses_the_value_through_the_api_naming_it_unless_confirmed(company: Company, okrs: Okrs) -> None:
    kr = _days_kr(company, okrs)
    _token, secret = api_token_create(actor=None, person=company.mia, name="t")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    body = {"key_result": kr.pk, "value": "55", "confidence": 70}
    response = api.post("/api/v1/check-ins", body, content_type="application/json")
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["value"]
    response = api.post("/api/v1/check-ins", {**body, "confirm": True}, content_type="application/json")
    assert response.status_code == 201


# --- the progress chart ---------------------------------------------------------------------------------


def _first_x(polyline_points: str) -> float:
    return float(polyline_points.split()[0].split(",")[0])


def test_it_starts_the_chart_when_the_objective_was_created_not_at_the_cycles_start(
    client: Client, company: Company, okrs: Okrs
) -> None:
    """An objective written a month into the quarter has no history before: its lines start at its creation."""
    objective = okrs["mine"]
    created = timezone.make_aware(dt.datetime(2026, 11, 1, 10))
    Objective.objects.filter(pk=objective.pk).update(created_at=created)
    checkin_record(
        actor=company.mia, key_result=okrs["my_kr"], value=2, confidence=70, at=created + dt.timedelta(days=7)
    )
    client.force_login(company.mia)
    html = client.get(reverse("okrs:objective", args=[objective.pk])).content.decode()
    chart = html[html.index("<svg") : html.index("</svg>")]
    lines = [part.split('"')[0] for part in chart.split(' points="')[1:]]
    assert len(lines) == 2  # confidence, progress
    frame = charts._Frame(objective.start_date, (objective.end_date - objective.start_date).days)
    created_x = frame.x(dt.date(2026, 11, 1))
    for line in lines:
        assert _first_x(line) == pytest.approx(created_x, abs=0.1)
        assert _first_x(line) > charts.LEFT  # nothing drawn from 1 October


def test_it_starts_the_chart_at_the_objectives_start_when_written_ahead_of_it(
    client: Client, company: Company, okrs: Okrs
) -> None:
    objective = okrs["mine"]
    Objective.objects.filter(pk=objective.pk).update(created_at=timezone.make_aware(dt.datetime(2026, 9, 20)))
    client.force_login(company.mia)
    html = client.get(reverse("okrs:objective", args=[objective.pk])).content.decode()
    progress = html[html.index("<svg") : html.index("</svg>")].split(' points="')[-1].split('"')[0]
    assert _first_x(progress) == charts.LEFT
