"""The search box (issue 6, item 2): people, departments, objectives and key results by name, in characters,
pinyin and its initials, or English, within what the viewer may see, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qibu.core.pinyin import search_key
from qibu.okrs.models import KeyResult, Level, Objective, Visibility
from qibu.okrs.services import key_result_create, key_result_update, objective_create, objective_update
from qibu.org.models import Department, Person
from qibu.org.services import department_create, person_create, person_update
from qibu.search.selectors import SHOWN, SearchResults, search
from tests.conftest import Company


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def titles(results: SearchResults, kind: str) -> list[str]:
    return [hit.title for group in results.groups if group.kind == kind for hit in group.hits]


@pytest.fixture
def zhang(company: Company) -> Person:
    return person_create(actor=None, username="zs01", full_name="张三", department=company.sales)


@pytest.mark.parametrize("query", ["张三", "张", "zhangsan", "zhang san", "ZhangSan", "zs", "zhang"])
def test_it_finds_a_chinese_name_by_characters_pinyin_and_initials(company: Company, zhang: Person, query: str) -> None:
    assert titles(search(viewer=company.mia, query=query), "people") == ["张三"]


def test_it_finds_an_english_name_and_a_department(company: Company) -> None:
    department_create(actor=None, name="Customer Success")
    results = search(viewer=company.mia, query="customer")
    assert titles(results, "departments") == ["Customer Success"]
    assert titles(search(viewer=company.mia, query="Alice"), "people") == ["Alice 管理员"]
    assert titles(search(viewer=company.mia, query="xiaoshou"), "departments") == ["销售部"]
    assert titles(search(viewer=company.mia, query="xsb"), "departments") == ["销售部"]


def test_it_finds_objectives_and_key_results_by_pinyin_and_english(company: Company, okrs: dict[str, Any]) -> None:
    objective = objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="提升 NPS 满意度"
    )
    key_result_create(actor=company.mia, objective=objective, title="回访客户 200 家", start_value=0, target_value=200)
    assert titles(search(viewer=company.oscar, query="nps"), "objectives") == ["提升 NPS 满意度"]
    assert titles(search(viewer=company.oscar, query="tisheng"), "objectives") == ["提升 NPS 满意度"]
    assert titles(search(viewer=company.oscar, query="hfkh"), "key_results") == ["回访客户 200 家"]


def test_it_never_finds_a_private_objective_the_viewer_may_not_see(company: Company) -> None:
    private = objective_create(
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.mia,
        title="私人秘密目标",
        visibility=Visibility.PRIVATE,
    )
    key_result_create(actor=company.mia, objective=private, title="秘密关键结果", start_value=0, target_value=1)
    for query in ("私人秘密", "sirenmimi", "srmm", "秘密关键"):
        for viewer in (company.oscar, company.erin):
            results = search(viewer=viewer, query=query)
            assert titles(results, "objectives") == [] and titles(results, "key_results") == [], (query, viewer)
    html = client_for(company.oscar).get(reverse("search:results"), {"q": "秘密"}).content.decode()
    assert "私人秘密目标" not in html and "秘密关键结果" not in html
    assert titles(search(viewer=company.mia, query="sirenmimi"), "objectives") == ["私人秘密目标"]
    assert titles(search(viewer=company.mia, query="mimi"), "key_results") == ["秘密关键结果"]


def test_it_keeps_the_search_key_current_when_a_name_changes(company: Company, okrs: dict[str, Any]) -> None:
    person_update(actor=company.alice, person=company.oscar, data={"full_name": "李四"})
    assert titles(search(viewer=company.mia, query="lisi"), "people") == ["李四"]
    assert titles(search(viewer=company.mia, query="osika"), "people") == []
    objective = okrs["mine"] if "mine" in okrs else Objective.objects.filter(owner=company.mia).first()
    assert objective is not None
    objective_update(actor=company.mia, objective=objective, data={"title": "拓展西南市场"})
    assert titles(search(viewer=company.mia, query="xinan"), "objectives") == ["拓展西南市场"]
    kr = KeyResult.objects.filter(objective=objective).first()
    assert kr is not None
    key_result_update(actor=company.mia, key_result=kr, data={"title": "签约成都客户"})
    assert titles(search(viewer=company.mia, query="chengdu"), "key_results") == ["签约成都客户"]


def test_it_fills_the_keys_of_rows_written_without_them(company: Company, zhang: Person) -> None:
    Person.objects.update(search_key="")
    Department.objects.update(search_key="")
    assert titles(search(viewer=company.mia, query="zs"), "people") == []
    call_command("search_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert titles(search(viewer=company.mia, query="zs"), "people") == ["张三"]
    assert Department.objects.get(pk=company.sales.pk).search_key == search_key("销售部")


def test_it_shows_at_most_ten_of_a_kind_and_says_there_are_more(company: Company) -> None:
    for n in range(SHOWN + 2):
        person_create(actor=None, username=f"wang{n}", full_name=f"王{n}号")
    results = search(viewer=company.mia, query="wang")
    people = next(group for group in results.groups if group.kind == "people")
    assert len(people.hits) == SHOWN and people.more


def test_it_answers_the_page_and_the_dropdown_grouped_with_links(company: Company, zhang: Person) -> None:
    client = client_for(company.mia)
    page = client.get(reverse("search:results"), {"q": "zs"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a href="{reverse("reports:person", args=[zhang.pk])}">张三</a>' in html
    assert 'id="search-people"' in html
    dropdown = client.get(reverse("search:results"), {"q": "xsb"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in dropdown
    assert f'<a href="{reverse("reports:department", args=[company.sales.pk])}">销售部</a>' in dropdown
    menu = client.get(reverse("reports:company")).content.decode()
    assert 'role="search" action="/search/"' in menu and 'hx-get="/search/"' in menu


def test_it_shows_html_in_a_name_as_text(company: Company) -> None:
    person_create(actor=None, username="evil", full_name="<b>坏人</b>")
    html = client_for(company.mia).get(reverse("search:results"), {"q": "坏人"}).content.decode()
    assert "&lt;b&gt;坏人&lt;/b&gt;" in html and "<b>坏人</b>" not in html


def _grow(company: Company, start: int, n: int) -> None:
    """n more people named 张三…, each with an objective, a key result and a department of the same name."""
    for i in range(start, start + n):
        person = person_create(actor=None, username=f"grow{i}", full_name=f"张三{i}", department=company.sales)
        objective = objective_create(
            actor=person, cycle=company.quarter, level=Level.PERSON, owner=person, title=f"张三的目标{i}"
        )
        key_result_create(actor=person, objective=objective, title=f"张三的关键结果{i}", start_value=0, target_value=1)
        department_create(actor=None, name=f"张三部{i}")


@pytest.mark.parametrize("viewer_name", ["mia", "alice", "hank"])
def test_it_searches_in_the_same_number_of_queries_for_a_small_and_a_larger_company(
    company: Company, client: Client, django_assert_num_queries: Callable[..., Any], viewer_name: str
) -> None:
    client.force_login(getattr(company, viewer_name))
    url = reverse("search:results")
    _grow(company, 0, 2)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url, {"q": "zs"}).content.decode()
    assert "张三的关键结果1" in page
    _grow(company, 2, 20)  # every kind now has more matches than are shown
    with django_assert_num_queries(len(small)):
        page = client.get(url, {"q": "zs"}).content.decode()
    assert page.count("More are found than shown") == 4
