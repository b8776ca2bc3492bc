"""The history pages of the settings (administrators only): the organisation with its policy and strategy, each
department, team, cycle and person. Each reads as a person reads it: names, labels and dates, never ids."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.cycles.services import cycle_close, cycle_create
from qibu.org.importer import people_import
from qibu.org.models import Person
from qibu.org.services import (
    api_token_create,
    department_create,
    department_move,
    department_set_head,
    organisation_update,
    person_set_language,
    strategic_goal_create,
    strategic_goal_delete,
    team_create,
)
from tests.conftest import Company

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def client_for(person: Person | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def history_text(response: Response) -> str:
    """The visible text of the page's history list, each entry starting with "¶"."""
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('<section class="card">') : html.index("</section>")]
    section = section.replace('<li><span class="muted small numbers">', "¶")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def entry(text: str, start: str, *changes: str) -> None:
    """The one entry of the list that says `start` ("Alice changed …") shows each of these changes (in any
    order: PostgreSQL keeps a JSON object's keys in an order of its own)."""
    rows = [row for row in text.split("¶") if start in row]
    assert len(rows) == 1, (start, text)
    for change in changes:
        assert change in rows[0], (change, rows[0])


def test_it_shows_the_organisations_policy_and_strategy_in_names_and_labels(company: Company) -> None:
    organisation_update(
        actor=company.alice,
        organisation=company.org,
        data={"fiscal_year_start_month": 4, "default_language": "zh-hans", "max_key_results": 4},
    )
    goal = strategic_goal_create(actor=company.erin, title="出海")
    strategic_goal_delete(actor=company.alice, goal=goal)
    text = history_text(client_for(company.alice).get(reverse("org:history"), headers={"Accept-Language": "en"}))
    entry(
        text.replace("&#x27;", "'"),
        "Alice 管理员 changed the organisation's settings",
        "fiscal year start month: January → April",
        "default language: English → 简体中文",
        "most key results per objective: 3 → 4",
    )
    assert "Erin 执行官 added a strategic goal “出海”" in text
    assert "Alice 管理员 deleted a strategic goal “出海” title: 出海 → —" in text
    # An empty description deleted with its goal is no change worth a line ("— → —").
    assert "description" not in text


def test_it_shows_a_departments_history_with_the_names_of_departments_and_people(company: Company) -> None:
    east = department_create(actor=company.alice, name="华东销售", parent=company.sales, head=company.mia)
    department_move(actor=company.alice, department=east, parent=company.marketing)
    department_set_head(actor=company.erin, department=east, head=company.oscar)
    text = history_text(client_for(company.alice).get(reverse("org:department_history", args=[east.pk])))
    assert "History of the department “华东销售”" in text
    entry(text, "Alice 管理员 created the department", "name: 华东销售", "parent: 销售部", "head: 米娅")
    assert "moved the department parent: 销售部 → 市场部" in text
    assert "Erin 执行官 set the head of the department head: 米娅 → 欧斯卡" in text
    for pk in (company.sales.pk, company.marketing.pk, company.mia.pk, company.oscar.pk):
        assert f"#{pk}" not in text


def test_it_shows_a_teams_history(company: Company) -> None:
    team = team_create(actor=company.alice, name="华南组", department=company.sales, lead=company.mia)
    text = history_text(client_for(company.alice).get(reverse("org:team_history", args=[team.pk])))
    assert "History of the team “华南组” (销售部)" in text
    entry(text, "Alice 管理员 created the team", "name: 华南组", "department: 销售部", "lead: 米娅")


def test_it_shows_a_cycles_history_with_its_kind_and_dates_in_the_readers_language(company: Company) -> None:
    stage = cycle_create(
        actor=company.alice,
        name="新品上市",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 5, 31),
        kind="project_stage",
        parent=company.year,
    )
    cycle_close(actor=company.erin, cycle=stage)
    client = client_for(company.alice)
    text = history_text(client.get(reverse("cycles:history", args=[stage.pk])))
    entry(
        text,
        "Alice 管理员 created the cycle",
        "name: 新品上市",
        "kind: project stage",
        "start: March 1, 2026",
        "end: May 31, 2026",
        "parent: 2026",
    )
    assert "Erin 执行官 closed the cycle closed: no → yes" in text
    chinese = history_text(
        client.get(reverse("cycles:history", args=[stage.pk]), headers={"Accept-Language": "zh-hans"})
    )
    entry(chinese, "创建了周期", "类型: 项目阶段", "开始: 2026年3月1日", "结束: 2026年5月31日")
    assert "新品上市" in chinese and "project stage" not in chinese


def test_it_shows_a_persons_history_with_role_language_department_and_tokens(company: Company) -> None:
    person_set_language(actor=company.mia, person=company.mia, language="zh-hans")
    token, secret = api_token_create(actor=company.mia, person=company.mia, name="脚本")
    content = "username,full_name,department,manager,role\nmia,米娅,市场部,oscar,executive\n".encode()
    assert people_import(actor=company.alice, filename="p.csv", content=content).ok
    response = client_for(company.alice).get(reverse("org:person_history", args=[company.mia.pk]))
    text = history_text(response)
    assert "History of 米娅" in text
    assert "米娅 changed the language language: — → 简体中文" in text
    assert f"米娅 created an API token name: 脚本 starts with: {token.prefix}" in text
    entry(
        text,
        "Alice 管理员 changed the person by import",
        "department: 销售部 → 市场部",
        "manager: 韩销售 → 欧斯卡",
        "role: member → executive",
        # Moved to another department, she leaves her team there.
        "team: 华东大客户组 → —",
    )
    # Created by the test's fixture, without a signed-in person.
    entry(text, "someone added the person", "username: mia", "full name: 米娅", "role: member", "department: 销售部")
    assert secret not in response.content.decode() and token.key_hash not in response.content.decode()


def test_it_shows_a_person_imported_in_their_own_history(company: Company) -> None:
    content = "username,full_name,department,team\nnina,妮娜,销售部,华东大客户组\n".encode()
    assert people_import(actor=company.alice, filename="p.csv", content=content).ok
    nina = Person.objects.get(username="nina")
    text = history_text(client_for(company.alice).get(reverse("org:person_history", args=[nina.pk])))
    entry(
        text,
        "Alice 管理员 added the person by import",
        "username: nina",
        "full name: 妮娜",
        "department: 销售部",
        "team: 华东大客户组",
    )


def test_it_reads_a_history_page_in_the_same_number_of_queries_for_any_number_of_entries(
    company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(company.alice)
    url = reverse("org:department_history", args=[company.sales.pk])
    people = [company.mia, company.oscar, company.hank, company.erin]

    def change(times: int) -> None:
        for i in range(times):
            department_set_head(actor=people[i % 4], department=company.sales, head=people[(i + 1) % 4])
            department_move(actor=company.alice, department=company.sales, parent=company.marketing if i % 2 else None)

    change(2)
    # The session, the person, the organisation, the department, its entries, then one query per kind named
    # in them (people, departments).
    with django_assert_num_queries(7):
        client.get(url)
    change(18)
    with django_assert_num_queries(7):
        text = history_text(client.get(url))
    assert text.count("set the head of the department") == 20


def test_it_answers_404_for_a_subject_that_does_not_exist(company: Company) -> None:
    client = client_for(company.alice)
    for name in ("org:department_history", "org:team_history", "cycles:history", "org:person_history"):
        assert client.get(reverse(name, args=[999_999])).status_code == 404, name


@pytest.mark.parametrize("persona", ["erin", "hank", "mia", "oscar"])
def test_it_shows_history_to_administrators_only(company: Company, persona: str) -> None:
    person = getattr(company, persona)
    urls = [
        reverse("org:history"),
        reverse("org:department_history", args=[company.sales.pk]),
        reverse("org:team_history", args=[company.sales_team.pk]),
        reverse("cycles:history", args=[company.quarter.pk]),
        reverse("org:person_history", args=[person.pk]),
    ]
    for url in urls:
        assert client_for(person).get(url).status_code == 403, url
        response = client_for(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_it_links_every_settings_page_to_its_history(company: Company) -> None:
    client = client_for(company.alice)
    assert f'href="{reverse("org:history")}"' in client.get(reverse("org:settings")).content.decode()
    # Each strategic goal links to its own history (tests/okrs/test_strategy.py).
    departments = client.get(reverse("org:departments")).content.decode()
    for department in (company.sales, company.marketing):
        assert reverse("org:department_history", args=[department.pk]) in departments
    assert reverse("org:team_history", args=[company.sales_team.pk]) in departments
    cycles = client.get(reverse("cycles:list")).content.decode()
    assert reverse("cycles:history", args=[company.quarter.pk]) in cycles
    assert reverse("cycles:history", args=[company.year.pk]) in cycles
    people = client.get(reverse("org:people")).content.decode()
    for person in (company.alice, company.mia, company.oscar):
        assert reverse("org:person_history", args=[person.pk]) in people
