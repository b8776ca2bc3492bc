"""The filters of the company and department pages: health (MEAS-6), owner, level and staleness (MEAS-8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.okrs import progress as meas
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.selectors import objective_status
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Organisation, Person
from qibu.org.services import department_create, person_create
from qibu.reports.filters import filters_from, health_q
from tests.conftest import Company, Okrs
from tests.reports.test_pages_reports import _count, _grow_company, client_for

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

COMPANY_OBJECTIVE = "成为华东市场第一"  # erin's, 50 %: at risk
DEPARTMENT_OBJECTIVE = "销售部拿下十家标杆客户"  # hank's, sales, 50 %: at risk
MY_OBJECTIVE = "打开苏州市场"  # mia's, person level, 80 %: on track


def company_page(person: Person, company: Company, **params: str) -> str:
    response = client_for(person).get(reverse("reports:company"), {"cycle": str(company.quarter.pk), **params})
    assert response.status_code == 200
    return response.content.decode()


def department_page(person: Person, company: Company, **params: str) -> str:
    url = reverse("reports:department", args=[company.sales.pk])
    response = client_for(person).get(url, {"cycle": str(company.quarter.pk), **params})
    assert response.status_code == 200
    return response.content.decode()


def objectives_part(html: str) -> str:
    """The company page's filtered objective lists, without the form and the department table."""
    start = html.index('id="filtered-objectives"')
    return html[start : html.index("</div>\n\n<h2>", start)]


def members_part(html: str) -> str:
    start = html.index('class="members"')
    return html[start : html.index("</table>", start)]


def make_stale(objective: Objective) -> None:
    KeyResult.objects.filter(objective=objective).update(created_at=timezone.now() - dt.timedelta(days=30))


# --- health ----------------------------------------------------------------------------------------


def test_it_shows_only_the_objectives_of_the_chosen_health_MEAS_6(company: Company, okrs: Okrs) -> None:
    """MEAS-6."""
    at_risk = objectives_part(company_page(company.alice, company, health="at_risk"))
    assert COMPANY_OBJECTIVE in at_risk
    on_track = objectives_part(company_page(company.alice, company, health="on_track"))
    assert COMPANY_OBJECTIVE not in on_track
    assert "No objectives pass these filters." in on_track


def test_it_decides_health_from_the_organisations_thresholds_as_the_badge_does_MEAS_6(
    company: Company, okrs: Okrs
) -> None:
    """MEAS-6: the filter's ranges of stored confidence give each objective the health its badge shows, at the
    edges of the thresholds and after an administrator moves them."""
    objective = okrs["company"]
    for on_track, at_risk in ((70, 40), (90, 60)):
        Organisation.objects.filter(pk=company.org.pk).update(on_track_confidence=on_track, at_risk_confidence=at_risk)
        org = Organisation.objects.get(pk=company.org.pk)
        for confidence in (0, 39, 40, 59, 60, 69, 70, 89, 90, 100):
            Objective.objects.filter(pk=objective.pk).update(confidence=confidence)
            objective.refresh_from_db()
            health = objective_status(objective, org).health
            found = {
                h
                for h in (meas.Health.ON_TRACK, meas.Health.AT_RISK, meas.Health.OFF_TRACK)
                if Objective.objects.filter(health_q(org, h), pk=objective.pk).exists()
            }
            assert found == {health}, (on_track, at_risk, confidence)
    Objective.objects.filter(pk=objective.pk).update(confidence=None)
    org = Organisation.objects.get(pk=company.org.pk)
    assert not any(
        Objective.objects.filter(health_q(org, h), pk=objective.pk).exists()
        for h in (meas.Health.ON_TRACK, meas.Health.AT_RISK, meas.Health.OFF_TRACK)
    )  # no confidence yet: no health to filter on


def test_it_lists_the_people_whose_worst_health_is_the_chosen_one_MEAS_6(company: Company, okrs: Okrs) -> None:
    """MEAS-6: the people table filters on the health it shows, the worst of each person's objectives."""
    on_track = members_part(department_page(company.alice, company, health="on_track"))
    assert "米娅" in on_track and "韩销售" not in on_track
    at_risk = members_part(department_page(company.alice, company, health="at_risk"))
    assert "韩销售" in at_risk and "米娅" not in at_risk
    # A second objective of mia's, off track, makes her worst health off track: no longer "on track".
    low = objective_create(actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="低")
    key_result_create(actor=company.mia, objective=low, title="低 KR", target_value=1, confidence=10)
    html = department_page(company.alice, company, health="on_track")
    assert "Nobody passes these filters." in html
    assert "米娅" in members_part(department_page(company.alice, company, health="off_track"))


# --- owner -----------------------------------------------------------------------------------------


def test_it_shows_only_the_objectives_of_the_owner_typed(company: Company, okrs: Okrs) -> None:
    assert COMPANY_OBJECTIVE in objectives_part(company_page(company.mia, company, owner="Erin"))
    assert COMPANY_OBJECTIVE not in objectives_part(company_page(company.mia, company, owner="hank"))
    # by pinyin, as the search box finds people
    department = department_page(company.mia, company, owner="hanxiao")
    assert DEPARTMENT_OBJECTIVE in department
    assert "韩销售" in members_part(department) and "米娅" not in members_part(department)


# --- level -----------------------------------------------------------------------------------------


def test_it_shows_the_objectives_of_the_chosen_level_on_the_company_page(company: Company, okrs: Okrs) -> None:
    default = objectives_part(company_page(company.oscar, company))
    assert COMPANY_OBJECTIVE in default and DEPARTMENT_OBJECTIVE not in default
    department = objectives_part(company_page(company.oscar, company, level="department"))
    assert DEPARTMENT_OBJECTIVE in department and COMPANY_OBJECTIVE not in department
    assert "Objectives of the department level" in department
    person = objectives_part(company_page(company.oscar, company, level="person", health="on_track"))
    assert MY_OBJECTIVE in person and DEPARTMENT_OBJECTIVE not in person


def test_it_shows_the_team_objectives_alone_when_asked_on_the_department_page(company: Company, okrs: Okrs) -> None:
    objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.TEAM,
        department=company.sales,
        team=company.sales_team,
        owner=company.hank,
        title="大客户组季度冲刺",
    )
    html = department_page(company.mia, company, level="team")
    assert "大客户组季度冲刺" in html and DEPARTMENT_OBJECTIVE not in html
    html = department_page(company.mia, company, level="department")
    assert DEPARTMENT_OBJECTIVE in html and "大客户组季度冲刺" not in html


# --- staleness -------------------------------------------------------------------------------------


def test_it_shows_only_objectives_and_people_with_stale_key_results_MEAS_8(company: Company, okrs: Okrs) -> None:
    """MEAS-8: no check-in within the cadence, counted from the key result's creation before the first."""
    stale = objectives_part(company_page(company.alice, company, stale="1"))
    assert COMPANY_OBJECTIVE not in stale  # created today
    make_stale(okrs["company"])
    make_stale(okrs["department"])
    assert COMPANY_OBJECTIVE in objectives_part(company_page(company.alice, company, stale="1"))
    html = department_page(company.alice, company, stale="1")
    assert DEPARTMENT_OBJECTIVE in html
    assert "韩销售" in members_part(html) and "米娅" not in members_part(html)


def test_it_leaves_draft_objectives_out_of_the_stale_filter_MEAS_8(company: Company, okrs: Okrs) -> None:
    """MEAS-8: a draft awaits no check-in, as in the table's count of stale key results."""
    make_stale(okrs["department"])
    Objective.objects.filter(pk=okrs["department"].pk).update(approval="draft", approved_at=None)
    html = department_page(company.alice, company, stale="1")
    assert DEPARTMENT_OBJECTIVE not in html
    assert "Nobody passes these filters." in html


# --- the form --------------------------------------------------------------------------------------


def test_it_names_the_filters_applied_and_links_to_clear_them(company: Company, okrs: Okrs) -> None:
    html = company_page(company.alice, company, health="at_risk", owner="erin", stale="1")
    assert "Filtered by:" in html
    assert "Health: At risk" in html and "Owner: erin" in html
    assert f'href="?cycle={company.quarter.pk}">Clear filters' in html
    assert 'name="health" data-autosubmit' in html and '<option value="at_risk" selected>' in html
    # the cycle picker keeps them
    assert '<input type="hidden" name="health" value="at_risk">' in html
    assert "Clear filters" not in company_page(company.alice, company)


def test_it_keeps_the_filters_on_the_other_pages_of_people(company: Company, okrs: Okrs) -> None:
    from qibu.reports.selectors import MEMBERS_PER_PAGE

    for i in range(MEMBERS_PER_PAGE + 2):
        person_create_quick(f"p{i:03}", company)
    html = department_page(company.alice, company, owner="xiaoshou")
    assert f"?cycle={company.quarter.pk}&amp;owner=xiaoshou&amp;page=2" in html


def person_create_quick(username: str, company: Company) -> None:
    person_create(actor=None, username=username, full_name=f"销售{username}", department=company.sales)


@pytest.mark.parametrize(
    "params",
    [
        {"health": "bogus"},
        {"level": "galaxy"},
        {"stale": "maybe"},
        {"owner": "x" * 101},
        {"health": "<b>bold</b>"},
    ],
)
def test_it_ignores_a_value_that_is_not_a_choice_and_says_so(
    company: Company, okrs: Okrs, params: dict[str, str]
) -> None:
    html = company_page(company.alice, company, **params)
    assert COMPANY_OBJECTIVE in objectives_part(html)  # nothing filtered
    assert "Not applied, not one of the choices:" in html
    assert "<b>bold</b>" not in html
    assert "Filtered by:" not in html
    assert department_page(company.alice, company, **params)  # 200 there too


def test_it_ignores_a_level_the_department_page_does_not_list(company: Company, okrs: Okrs) -> None:
    html = department_page(company.alice, company, level="company")
    assert DEPARTMENT_OBJECTIVE in html and "Not applied, not one of the choices:" in html


def test_it_names_the_filters_in_chinese(company: Company, okrs: Okrs) -> None:
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(company.mia)
    response = client.get(reverse("reports:company"), {"cycle": str(company.quarter.pk), "health": "at_risk"})
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "健康度: 有风险" in html
    assert "清除筛选" in html and "Clear filters" not in html
    assert COMPANY_OBJECTIVE in objectives_part(html)


def test_it_reads_the_filters_from_the_query_string() -> None:
    filters = filters_from(
        {"health": "off_track", "owner": "  zhang   san ", "level": "team", "stale": "1"}, levels=["team"]
    )
    assert (filters.health, filters.owner, filters.level, filters.stale) == ("off_track", "zhang san", "team", True)
    assert filters.query({"cycle": 3}) == "cycle=3&health=off_track&owner=zhang+san&level=team&stale=1"
    assert not filters_from({}, levels=["team"]).active


# --- constant queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "hank"])
def test_it_makes_the_same_number_of_queries_filtered_for_a_bigger_company(
    company: Company, okrs: Okrs, persona: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    viewer = getattr(company, persona)
    client = client_for(viewer)
    q = {"cycle": str(company.quarter.pk)}
    every = {"health": "at_risk", "owner": "hanxiao", "stale": "1", "level": "department"}
    requests: dict[str, Callable[[], Response]] = {
        "company": lambda: client.get(reverse("reports:company"), q),
        "company filtered": lambda: client.get(reverse("reports:company"), {**q, **every}),
        "department": lambda: client.get(reverse("reports:department", args=[company.sales.pk]), q),
        "department filtered": lambda: client.get(
            reverse("reports:department", args=[company.sales.pk]), {**q, **every}
        ),
    }
    make_stale(okrs["department"])
    department_create(actor=None, name="华东销售", parent=company.sales)  # one of each thing already
    for fetch in requests.values():
        assert fetch().status_code == 200
    small = {name: _count(fetch) for name, fetch in requests.items()}
    # Filtering adds no query: the filters are conditions of the queries the page makes anyway.
    assert small["company filtered"] == small["company"]
    assert small["department filtered"] == small["department"]
    _grow_company(company, okrs, 12)
    for objective in Objective.objects.all():
        make_stale(objective)
    for name, fetch in requests.items():
        with django_assert_num_queries(small[name]):
            response = fetch()
            assert response.status_code == 200, name
    # and what the filters find at the bigger size is what they should
    html = requests["company filtered"]().content.decode()
    assert DEPARTMENT_OBJECTIVE in html and "部门目标" not in html
    members = members_part(requests["department filtered"]().content.decode())
    assert "韩销售" in members and "成员" not in members
