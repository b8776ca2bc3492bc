"""Self-assessment (SELF-1 … SELF-3, MEAS-7): a person scores their key results, saves a draft, submits, reopens; bad
input is refused by row and nothing is written; the department's presentation; the daily focus; the API."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from qibu.assess.focus import assessment_due
from qibu.assess.models import KeyResultScore, SelfAssessment
from qibu.assess.services import assessment_submit
from qibu.audit.models import AuditEntry
from qibu.okrs.focus import daily_focus
from qibu.okrs.models import Commitment, KeyResult, Objective
from qibu.okrs.services import key_result_create
from qibu.org.models import Person
from qibu.org.services import api_token_create, person_create
from tests.conftest import PASSWORD, Company, Okrs


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _api(client: Client, method: str, person: Person, url: str, body: dict[str, Any] | None = None) -> Any:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return client.generic(
        method,
        f"/api/v1{url}",
        json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def half(okrs: Okrs) -> KeyResult:
    """mia's key result half done."""
    kr = okrs["my_kr"]
    KeyResult.objects.filter(pk=kr.pk).update(progress=Decimal("0.5"))
    kr.refresh_from_db()
    return kr


def _url(company: Company) -> str:
    return f"/self-assessment/{company.quarter.pk}/"


def _state() -> tuple[Any, ...]:
    return (
        list(SelfAssessment.objects.values_list("pk", "state")),
        list(KeyResultScore.objects.values_list("pk", "score", "root_cause")),
        list(KeyResult.objects.values_list("pk", "score")),
        AuditEntry.objects.filter(action__startswith="self_assessment").count(),
    )


def test_the_page_lists_my_key_results_with_the_progress_as_score_MEAS_7(company: Company, half: KeyResult) -> None:
    page = _client(company.mia).get(_url(company)).content.decode()
    assert half.title in page
    assert 'value="0.50"' in page
    assert "aspirational: 0.7 is a good score" in page
    assert not SelfAssessment.objects.exists()  # opening it writes nothing


def test_a_committed_objective_expects_1_0_MEAS_7(company: Company, half: KeyResult) -> None:
    Objective.objects.filter(pk=half.objective_id).update(commitment=Commitment.COMMITTED)
    assert "committed: 1.0 expected" in _client(company.mia).get(_url(company)).content.decode()


def test_the_page_says_it_is_not_a_performance_appraisal_in_both_languages_SELF_2(
    company: Company, half: KeyResult
) -> None:
    client = _client(company.mia)
    assert "This is not a performance appraisal." in client.get(_url(company)).content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "这不是绩效考核" in client.get(_url(company), headers={"accept-language": "zh-hans"}).content.decode()


def test_save_submit_reopen_with_history_and_end_scores_MEAS_7_SELF_1(
    company: Company, okrs: Okrs, half: KeyResult
) -> None:
    c, kr = company, half
    second = key_result_create(actor=c.mia, objective=okrs["mine"], title="拜访 20 家", target_value=20, weight=3)
    KeyResult.objects.filter(pk=second.pk).update(progress=Decimal("1"))
    client = _client(c.mia)
    draft = {f"score_{kr.pk}": "0.6", f"score_reason_{kr.pk}": "两家已口头确认", f"score_{second.pk}": "1.0"}
    assert client.post(_url(c), {**draft, "action": "save"}).status_code == 302
    assessment = SelfAssessment.objects.get(person=c.mia, cycle=c.quarter)
    assert assessment.state == "draft"
    assert KeyResult.objects.get(pk=kr.pk).score is None  # a draft sets no end score
    response = client.post(_url(c), {**draft, f"root_cause_{kr.pk}": "线索太少", "action": "submit"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    assert KeyResult.objects.get(pk=kr.pk).score == Decimal("0.60")
    # weighted by KR weight: (0.6·1 + 1.0·3) / 4
    assert Objective.objects.get(pk=okrs["mine"].pk).score == Decimal("0.90")
    page = client.get(_url(c)).content.decode()
    assert "Reopen to change it" in page and f'name="score_{kr.pk}"' not in page
    assert client.post(f"{_url(c)}reopen/").status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "draft"
    actions = list(
        AuditEntry.objects.filter(action__startswith="self_assessment").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["self_assessment.save", "self_assessment.submit", "self_assessment.reopen"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "1.5"}, "from 0.0 to 1.0"),
        ({"score": "-0.1"}, "from 0.0 to 1.0"),
        ({"score": "abc"}, "is not a number"),
        ({"score": "0.3"}, "Say why"),
    ],
)
def test_bad_scores_are_refused_naming_the_row_and_nothing_is_written_MEAS_7(
    company: Company, half: KeyResult, data: dict[str, str], message: str
) -> None:
    before = _state()
    form = {f"{k}_{half.pk}": v for k, v in data.items()}
    response = _client(company.mia).post(_url(company), {**form, "action": "save"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state() == before


def test_submit_below_1_needs_the_root_cause_SELF_2(company: Company, half: KeyResult) -> None:
    before = _state()
    response = _client(company.mia).post(_url(company), {f"score_{half.pk}": "0.50", "action": "submit"})
    assert response.status_code == 400
    assert "name the root cause" in response.content.decode()
    assert _state() == before


def test_a_key_result_that_is_not_mine_is_refused_SELF_1(company: Company, okrs: Okrs, half: KeyResult) -> None:
    before = _state()
    other = okrs["department_kr"]  # hank's
    response = _client(company.mia).post(_url(company), {f"score_{other.pk}": "1", "action": "save"})
    assert response.status_code == 400
    assert "not one of yours" in response.content.decode()
    assert _state() == before
    answer = _api(
        Client(),
        "PUT",
        company.mia,
        f"/self-assessments/{company.quarter.pk}/mine",
        {"scores": [{"key_result": other.pk, "score": 1}]},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == f"score_{other.pk}"
    assert _state() == before


def test_a_submitted_one_is_read_only_until_reopened_SELF_1(company: Company, half: KeyResult) -> None:
    assessment_submit(
        actor=company.mia, person=company.mia, cycle=company.quarter, entries={half.pk: {"root_cause": "线索少"}}
    )
    before = _state()
    response = _client(company.mia).post(_url(company), {f"score_{half.pk}": "0.5", "action": "save"})
    assert response.status_code == 400
    assert "reopen it to change it" in response.content.decode()
    answer = _api(Client(), "PUT", company.mia, f"/self-assessments/{company.quarter.pk}/mine", {"scores": []})
    assert answer.status_code == 422
    assert _state() == before


def test_the_api_saves_submits_and_reopens_MEAS_7(company: Company, half: KeyResult) -> None:
    base = f"/self-assessments/{company.quarter.pk}/mine"
    client = Client()
    got = _api(client, "GET", company.mia, base).json()
    assert got["state"] == "draft"
    assert got["scores"][0]["score"] == "0.50" and got["scores"][0]["committed"] is False
    bad = _api(client, "PUT", company.mia, base, {"scores": [{"key_result": half.pk, "score": 2}]})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == f"score_{half.pk}"
    body = {"scores": [{"key_result": half.pk, "score": "0.5", "root_cause": "线索少", "change": "多参展"}]}
    assert _api(client, "PUT", company.mia, base, body).json()["scores"][0]["saved"] is True
    submitted = _api(client, "POST", company.mia, f"{base}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert KeyResult.objects.get(pk=half.pk).score == Decimal("0.50")
    assert _api(client, "POST", company.mia, f"{base}/reopen").json()["state"] == "draft"


def test_who_sees_a_persons_self_assessment_SELF_3(company: Company, half: KeyResult) -> None:
    c = company
    url = f"/self-assessment/{c.quarter.pk}/people/{c.mia.pk}/"
    for person in (c.mia, c.hank, c.erin, c.alice):
        assert _client(person).get(url).status_code == 200
    assert _client(c.oscar).get(url).status_code == 404
    api = f"/self-assessments/{c.quarter.pk}/people/{c.mia.pk}"
    assert _api(Client(), "GET", c.oscar, api).status_code == 404
    assert _api(Client(), "GET", c.hank, api).status_code == 200


def test_the_department_presentation_in_order_with_numbers_and_who_is_missing_SELF_3(
    company: Company, half: KeyResult
) -> None:
    c = company
    assessment_submit(actor=c.mia, person=c.mia, cycle=c.quarter, entries={half.pk: {"root_cause": "线索太少"}})
    url = f"/self-assessment/{c.quarter.pk}/departments/{c.sales.pk}/"
    page = _client(c.hank).get(url).content.decode()
    assert "米娅" in page and "0.50" in page and "80%" in page and "线索太少" in page
    missing = page.split("Not submitted yet")[1]
    assert "韩销售" in missing and "米娅" not in missing
    assert _client(c.oscar).get(url).status_code == 404
    assert _client(c.erin).get(url).status_code == 200
    api = _api(Client(), "GET", c.mia, f"/self-assessments/{c.quarter.pk}/departments/{c.sales.pk}").json()
    assert [p["name"] for p in api["submitted"]] == ["米娅"]
    assert api["submitted"][0]["scores"][0]["score"] == "0.50"
    assert [p["name"] for p in api["missing"]] == ["韩销售"]


def test_the_presentation_s_title_is_its_name_and_not_markup_SELF_3(company: Company, half: KeyResult) -> None:
    """The browser's tab showed the link to the reflection as markup: it had slipped into the title block."""
    page = _client(company.hank).get(f"/self-assessment/{company.quarter.pk}/departments/{company.sales.pk}/")
    title = page.content.decode().split("<title>")[1].split("</title>")[0]
    assert "<" not in title and "Self-assessments of 销售部" in title
    assert page.content.decode().count('href="/reflections/"') >= 1  # the link stays, at the foot of the page


def test_the_people_export_holds_no_scores_SELF_2(company: Company, half: KeyResult) -> None:
    assessment_submit(
        actor=company.mia, person=company.mia, cycle=company.quarter, entries={half.pk: {"root_cause": "独特原因甲"}}
    )
    client = _client(company.alice)
    csv = client.get("/settings/people/export.csv")
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()  # type: ignore[attr-defined]
    assert "米娅" in text
    assert "0.50" not in text and "独特原因甲" not in text and "score" not in text.lower()
    xlsx = client.get("/settings/people/export.xlsx")
    raw = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content  # type: ignore[attr-defined]
    cells = [str(v) for row in load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True) for v in row]
    assert not any("score" in v.lower() or "独特原因甲" in v or v == "0.5" for v in cells)


def test_the_daily_focus_asks_until_submitted_SELF_1(company: Company, half: KeyResult) -> None:
    inside = dt.datetime(2026, 12, 28, 3, tzinfo=dt.UTC)
    before = dt.datetime(2026, 12, 2, 3, tzinfo=dt.UTC)
    assert [i.source for i in daily_focus(company.mia, company.org, before) if i.source == "assess.due"] == []
    items = [i for i in daily_focus(company.mia, company.org, inside) if i.source == "assess.due"]
    assert len(items) == 1 and items[0].url == _url(company)
    assert not [i for i in daily_focus(company.oscar, company.org, inside) if i.source == "assess.due"]
    assessment_submit(
        actor=company.mia, person=company.mia, cycle=company.quarter, entries={half.pk: {"root_cause": "x"}}
    )
    assert not [i for i in daily_focus(company.mia, company.org, inside) if i.source == "assess.due"]


def _queries(client: Client, url: str, django_assert_num_queries: DjangoAssertNumQueries, count: int) -> None:
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


PAGE_QUERIES = 13
PRESENTATION_QUERIES = 9


def test_my_page_makes_the_same_queries_for_one_or_many_key_results_MEAS_7(
    company: Company, okrs: Okrs, half: KeyResult, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = _client(company.mia)
    assessment_submit(
        actor=company.mia, person=company.mia, cycle=company.quarter, entries={half.pk: {"root_cause": "x"}}
    )
    _queries(client, _url(company), django_assert_num_queries, PAGE_QUERIES)
    client.post(f"{_url(company)}reopen/")
    for n in range(3):
        key_result_create(actor=company.mia, objective=okrs["mine"], title=f"kr {n}", target_value=1)
    assessment_submit(
        actor=company.mia,
        person=company.mia,
        cycle=company.quarter,
        entries={kr.pk: {"root_cause": "x"} for kr in KeyResult.objects.filter(owner=company.mia)},
    )
    _queries(client, _url(company), django_assert_num_queries, PAGE_QUERIES)


def test_the_presentation_makes_the_same_queries_for_one_or_many_people_SELF_3(
    company: Company, half: KeyResult, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    url = f"/self-assessment/{c.quarter.pk}/departments/{c.sales.pk}/"
    assessment_submit(actor=c.mia, person=c.mia, cycle=c.quarter, entries={half.pk: {"root_cause": "x"}})
    client = _client(c.hank)
    _queries(client, url, django_assert_num_queries, PRESENTATION_QUERIES)
    for n in range(3):
        someone = person_create(
            actor=None, username=f"p{n}", full_name=f"人{n}", password=PASSWORD, department=c.sales, manager=c.hank
        )
        kr = key_result_create(actor=c.hank, objective=half.objective, title=f"k{n}", target_value=1, owner=someone)
        assessment_submit(actor=someone, person=someone, cycle=c.quarter, entries={kr.pk: {"root_cause": "y"}})
    _queries(client, url, django_assert_num_queries, PRESENTATION_QUERIES)


def test_a_monthly_policy_scores_the_key_results_of_the_months_quarter_SELF_1(
    company: Company, half: KeyResult
) -> None:
    month = company.quarter.children.order_by("start").first()
    assert month is not None
    client = _client(company.mia)
    assert client.get(f"/self-assessment/{month.pk}/").status_code == 404  # quarterly: no month to assess
    company.org.self_assessment_every_months = 1
    company.org.save(update_fields=["self_assessment_every_months"])
    page = client.get(f"/self-assessment/{month.pk}/").content.decode()
    assert half.title in page and company.quarter.name in page
    assessment_submit(actor=company.mia, person=company.mia, cycle=month, entries={half.pk: {"root_cause": "x"}})
    assert SelfAssessment.objects.get(cycle=month).is_submitted


def test_what_people_write_is_shown_escaped_SELF_3(company: Company, half: KeyResult) -> None:
    assessment_submit(
        actor=company.mia, person=company.mia, cycle=company.quarter, entries={half.pk: {"root_cause": "<b>x</b>"}}
    )
    page = _client(company.hank).get(f"/self-assessment/{company.quarter.pk}/departments/{company.sales.pk}/")
    assert "&lt;b&gt;x&lt;/b&gt;" in page.content.decode() and "<b>x</b>" not in page.content.decode()


def test_the_api_names_a_score_that_is_not_a_number_MEAS_7(company: Company, half: KeyResult) -> None:
    before = _state()
    body = {"scores": [{"key_result": half.pk, "score": "很好"}]}
    answer = _api(Client(), "PUT", company.mia, f"/self-assessments/{company.quarter.pk}/mine", body)
    assert answer.status_code == 422
    assert [p["field"] for p in answer.json()["detail"]] == ["scores.0.score"]
    assert "decimal" in answer.json()["detail"][0]["message"]
    assert _state() == before


def test_the_focus_source_makes_a_fixed_number_of_queries_SELF_1(
    company: Company, half: KeyResult, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    inside = dt.datetime(2026, 12, 28, 3, tzinfo=dt.UTC)
    with django_assert_num_queries(3):
        assert len(assessment_due(company.mia, company.org, inside)) == 1
