"""The cycle's quality report (/reports/quality/): the coach's advice on every objective the viewer may see, counted
per department and rule, the objectives that need work worst first, a company-wide summary; in a constant number of
queries, on a phone too, in Chinese and English."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.okrs.models import Level, Objective, Visibility
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Person
from qibu.org.services import organisation_set_coach_blocking, person_create
from qibu.reports.quality import quality_report
from tests.conftest import PASSWORD, Company, Okrs
from tests.project.test_rule_ids import bare_rule_ids
from tests.project.test_untranslated import _assert_chinese, _chinese_client

URL = reverse("reports:quality")


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def _flawed(company: Company, okrs: Okrs) -> dict[str, Objective]:
    """Sales objectives that break the rules: a number for an objective (COACH-1) with a task for a key result
    (SET-5), two of hank's that say the same (COACH-2), one aligned to nothing (SET-6)."""
    c = company
    number = objective_create(
        actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="营收 500 万",
        parent_objective_ids=[okrs["department"].pk],
    )  # fmt: skip
    key_result_create(actor=c.mia, objective=number, title="召开 3 次客户答谢会", start_value=0, target_value=3)
    hank_one = objective_create(
        actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.hank, title="提升华东区客户满意度",
        parent_objective_ids=[okrs["department"].pk],
    )  # fmt: skip
    key_result_create(actor=c.hank, objective=hank_one, title="满意度 90 分", start_value=80, target_value=90)
    hank_two = objective_create(
        actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.hank, title="提高华东客户的满意度",
        parent_objective_ids=[okrs["department"].pk],
    )  # fmt: skip
    key_result_create(actor=c.hank, objective=hank_two, title="NPS 达到 45", start_value=30, target_value=45)
    alone = objective_create(actor=c.oscar, cycle=c.quarter, level=Level.PERSON, owner=c.oscar, title="做强品牌")
    key_result_create(actor=c.oscar, objective=alone, title="品牌搜索量增长 30%", start_value=0, target_value=30)
    return {"number": number, "hank_one": hank_one, "hank_two": hank_two, "alone": alone}


def test_it_counts_each_departments_advice_per_rule_and_lists_the_worst_first_SET_5_SET_6(
    okrs: Okrs, company: Company
) -> None:
    """SET-5, SET-6, COACH-1, COACH-2, VIS-2: per department, how many objectives break each rule, and which."""
    flawed = _flawed(company, okrs)
    report = quality_report(viewer=company.alice, cycle=company.quarter, organisation=company.org)
    sections = {d.department.name if d.department else "": d for d in report.departments}
    assert list(sections) == ["", "市场部", "销售部"]  # the company's own first, then the worst share first
    sales = sections["销售部"]
    assert sales.objectives == 5 and sales.with_advice == 3
    assert {c.rule: c.objectives for c in sales.rules} == {"SET-5": 1, "COACH-1": 1, "COACH-2": 2}
    assert sales.problems[0].objective == flawed["number"]  # two pieces of advice: the worst
    assert [a.rule for a in sales.problems[0].advice] == ["COACH-1", "SET-5"]
    assert {p.objective.pk for p in sales.problems[1:]} == {flawed["hank_one"].pk, flawed["hank_two"].pk}
    marketing = sections["市场部"]
    assert [a.rule for a in marketing.problems[0].advice] == ["SET-6"]
    company_own = sections[""]
    assert [a.rule for a in company_own.problems[0].advice] == ["VIS-2"]
    assert report.objectives == 7 and report.with_advice == 5
    assert {c.rule: c.objectives for c in report.rules} == {
        "SET-5": 1, "SET-6": 1, "VIS-2": 1, "COACH-1": 1, "COACH-2": 2,
    }  # fmt: skip


def test_it_shows_the_report_with_the_advice_in_words_and_the_rule_as_a_label(okrs: Okrs, company: Company) -> None:
    _flawed(company, okrs)
    response = _client(company.mia).get(URL, {"cycle": company.quarter.pk})
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert "3 of 7 objectives need work" not in text  # mia sees all seven: 5 need work
    assert "5 of 7 objectives need work" in text
    assert "This objective is a number (“500 万”)" in text
    assert "reads as a task (“召开 …”)" in text
    assert "This objective says nearly the same as “提升华东区客户满意度”, another objective of the same owner" in text
    assert bare_rule_ids(html)[0] == []
    assert 'class="table-wrap"' in html  # the one table scrolls sideways on a phone


def test_it_shows_the_report_in_chinese(okrs: Okrs, company: Company) -> None:
    _flawed(company, okrs)
    response = _chinese_client(company.mia).get(URL, {"cycle": company.quarter.pk})
    assert response.status_code == 200
    _assert_chinese(response, "quality report", company)
    text = _text(response.content.decode())
    assert "这个目标本身是一个数字(“500 万”)" in text


def test_it_leaves_out_what_the_viewer_may_not_see_PUB_2(okrs: Okrs, company: Company) -> None:
    """PUB-2: oscar does not see mia's private objective, nor its name in a near-duplicate's advice."""
    _flawed(company, okrs)
    secret = objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="提升华东区客户满意度",
        visibility=Visibility.PRIVATE, parent_objective_ids=[okrs["department"].pk],
    )  # fmt: skip
    mine = quality_report(viewer=company.mia, cycle=company.quarter, organisation=company.org)
    theirs = quality_report(viewer=company.oscar, cycle=company.quarter, organisation=company.org)
    assert secret.pk in {p.objective.pk for d in mine.departments for p in d.problems}
    assert secret.pk not in {p.objective.pk for d in theirs.departments for p in d.problems}
    assert theirs.objectives == mine.objectives - 1


def test_it_narrows_to_a_department_and_keeps_it_when_the_cycle_changes(okrs: Okrs, company: Company) -> None:
    _flawed(company, okrs)
    html = _client(company.hank).get(URL, {"cycle": company.quarter.pk, "department": company.sales.pk}).content
    text = _text(html.decode())
    assert "销售部 and its sub-departments" in text
    assert "市场部" not in text.split("销售部 and its sub-departments")[1]
    assert f'<input type="hidden" name="department" value="{company.sales.pk}">' in html.decode()


def test_it_marks_the_rules_that_block_submission(okrs: Okrs, company: Company) -> None:
    _flawed(company, okrs)
    organisation_set_coach_blocking(actor=company.alice, organisation=company.org, rules=["COACH-1"])
    report = quality_report(viewer=company.alice, cycle=company.quarter, organisation=company.org)
    assert report.blocking == {"COACH-1"}
    html = _client(company.alice).get(URL, {"cycle": company.quarter.pk}).content.decode()
    assert html.count('class="tag blocks"') == 2  # in the summary and at the objective


def test_it_is_linked_from_the_company_and_department_pages(okrs: Okrs, company: Company) -> None:
    client = _client(company.mia)
    query = f"?cycle={company.quarter.pk}"
    assert (
        f'href="{URL}{query}"' in client.get(reverse("reports:company"), {"cycle": company.quarter.pk}).content.decode()
    )
    department = client.get(reverse("reports:department", args=[company.sales.pk]), {"cycle": company.quarter.pk})
    assert f'href="{URL}{query}&amp;department={company.sales.pk}"' in department.content.decode()


def test_it_says_when_every_objective_follows_the_method(company: Company) -> None:
    html = _client(company.mia).get(URL, {"cycle": company.quarter.pk}).content.decode()
    assert "No objectives in this cycle yet." in html


def _grow(company: Company, okrs: Okrs, people: int) -> None:
    """`people` more people in sales and marketing, each with two objectives and a key result, some flawed."""
    for n in range(people):
        department = company.sales if n % 2 else company.marketing
        person = person_create(
            actor=None, username=f"p{n}", full_name=f"员工{n}", password=PASSWORD, department=department
        )
        for title in (f"开拓第{n}个城市的市场", f"营收 {n + 1}00 万", f"开拓第{n}个城市"):
            objective = objective_create(
                actor=person, cycle=company.quarter, level=Level.PERSON, owner=person, title=title,
                parent_objective_ids=[okrs["department"].pk],
            )  # fmt: skip
            key_result_create(actor=person, objective=objective, title="完成拜访", start_value=0, target_value=5)


# Session, person, organisation, the chosen cycle, the cycle list; the departments; the objectives, their key
# results, the owners' counts, their alignment. The viewer's departments for those who are not administrators.
QUALITY_QUERIES = {"alice": 10, "mia": 11}


@pytest.mark.parametrize("persona", ["alice", "mia"])
def test_it_reads_the_report_in_a_constant_number_of_queries(
    persona: str, okrs: Okrs, company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = _client(getattr(company, persona))
    _flawed(company, okrs)
    client.get(URL, {"cycle": company.quarter.pk})
    with django_assert_num_queries(QUALITY_QUERIES[persona]):
        assert client.get(URL, {"cycle": company.quarter.pk}).status_code == 200
    _grow(company, okrs, 30)
    assert Objective.objects.count() > 60
    with django_assert_num_queries(QUALITY_QUERIES[persona]):
        html = client.get(URL, {"cycle": company.quarter.pk}).content.decode()
    assert "and 38 more objectives that need work" in _text(html)  # sales: 48, ten of them listed
    assert "and 36 more objectives that need work" in _text(html)  # marketing: 46
    with django_assert_num_queries(QUALITY_QUERIES[persona]):
        client.get(URL, {"cycle": company.quarter.pk, "department": company.sales.pk})
