"""The company, department, person and alignment-tree pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult, Level, Objective, Visibility
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.org.models import Department, Person, Role, StrategicGoal
from qibu.org.services import department_create, person_create, team_create
from tests.conftest import Company, Okrs, present

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class East(TypedDict):
    east: Department
    suzhou: Department


class Hidden(TypedDict):
    limited: Objective
    private: Objective


PERSONAS = ["alice", "erin", "hank", "mia", "oscar"]


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page(person: Person, name: str, *args: int, cycle: Cycle | None = None, **params: str | int) -> tuple[int, str]:
    url = reverse(name, args=args)
    query = {**params}
    if cycle is not None:
        query["cycle"] = cycle.pk
    response = client_for(person).get(url, query)
    return response.status_code, response.content.decode()


def fragment(person: Person, name: str, *args: int, cycle: Cycle | None = None, **params: str | int) -> Response:
    """The answer to an htmx request (`HX-Request` header), as the on-demand parts of the pages make them."""
    query = {**params}
    if cycle is not None:
        query["cycle"] = cycle.pk
    return client_for(person).get(reverse(name, args=args), query, HTTP_HX_REQUEST="true")


def row_of(html: str, name: str) -> str:
    """The table row (`<tr>…</tr>`) that shows `name`."""
    at = html.index(name)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


def urls_for(company: Company, okrs: Okrs) -> list[tuple[str, tuple[int, ...]]]:
    return [
        ("reports:company", ()),
        ("reports:department", (company.sales.pk,)),
        ("reports:person", (company.mia.pk,)),
        ("reports:tree", ()),
        ("reports:tree_children", (okrs["company"].pk,)),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_renders_every_report_page_for_each_persona(company: Company, okrs: Okrs, persona: str) -> None:
    person = getattr(company, persona)
    for name, args in urls_for(company, okrs):
        status, html = page(person, name, *args, cycle=company.quarter)
        assert status == 200, (name, status)
        assert "成为华东市场第一" in html or name in ("reports:department", "reports:person"), name


def test_it_sends_anonymous_visitors_to_sign_in(company: Company, okrs: Okrs) -> None:
    for name, args in urls_for(company, okrs):
        response = Client().get(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_sends_anonymous_visitors_of_the_on_demand_fragments_to_sign_in(company: Company, okrs: Okrs) -> None:
    for url in (reverse("reports:department_rows", args=[company.sales.pk]), reverse("reports:tree_unaligned")):
        plain_and_htmx: list[dict[str, Any]] = [{}, {"HTTP_HX_REQUEST": "true"}]
        for headers in plain_and_htmx:
            response = Client().get(url, {"cycle": company.quarter.pk}, **headers)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login"))


def test_it_answers_404_for_a_missing_department_or_person(company: Company) -> None:
    assert page(company.mia, "reports:department", 999999)[0] == 404
    assert page(company.mia, "reports:person", 999999)[0] == 404
    assert page(company.mia, "reports:tree_children", 999999)[0] == 404
    assert page(company.mia, "reports:department_rows", 999999)[0] == 404
    assert fragment(company.mia, "reports:department_rows", 999999).status_code == 404


# --- company page --------------------------------------------------------------------------------


def test_it_shows_the_vision_mission_and_strategic_goals_on_the_company_page_VIS_1_VIS_2(company: Company) -> None:
    """VIS-1, VIS-2."""
    StrategicGoal.objects.create(title="三年成为行业第一", description="华东先行")
    status, html = page(company.oscar, "reports:company", cycle=company.quarter)
    assert status == 200
    assert "让每个团队都看清方向" in html
    assert "用数据帮助企业成长" in html
    assert "三年成为行业第一" in html
    assert "华东先行" in html


def test_it_shows_company_annual_and_quarterly_objectives_SET_1(company: Company, okrs: Okrs) -> None:
    """SET-1."""
    objective_create(
        actor=company.erin, cycle=company.year, level=Level.COMPANY, title="年度营收翻番", owner=company.erin
    )
    _status, html = page(company.mia, "reports:company", cycle=company.quarter)
    annual_at = html.index("年度营收翻番")
    quarterly_at = html.index("成为华东市场第一")
    assert annual_at < quarterly_at
    assert reverse("okrs:objective", args=[okrs["company"].pk]) in html
    assert company.year.name in html and company.quarter.name in html


def test_it_shows_progress_confidence_and_health_of_company_objectives_MEAS_6(company: Company, okrs: Okrs) -> None:
    """MEAS-6."""
    checkin_record(actor=company.erin, key_result=okrs["revenue"], value=250, confidence=30)
    _status, html = page(company.mia, "reports:company", cycle=company.quarter)
    assert "25%" in html
    assert 'class="card objective off_track"' in html
    assert 'class="health off_track"' in html


def test_it_rolls_up_each_department_and_links_to_its_page(company: Company, okrs: Okrs) -> None:
    checkin_record(actor=company.hank, key_result=okrs["department_kr"], value=5, confidence=45)
    _status, html = page(company.oscar, "reports:company", cycle=company.quarter)
    table = html[html.index('class="departments"') :]
    sales_row = table[table.index("销售部") : table.index("</tr>", table.index("销售部"))]
    assert reverse("reports:department", args=[company.sales.pk]) in table
    assert "50%" in sales_row  # 5 of 10 clients
    assert "45%" in sales_row  # confidence
    assert 'class="health at_risk"' in sales_row


@pytest.fixture
def east(company: Company, okrs: Okrs) -> East:
    """Sales → 华东销售 → 苏州小组, each with a department objective: 华东销售 at 30 % (3 of 10), confidence 60 %."""
    east = department_create(actor=None, name="华东销售", parent=company.sales)
    suzhou = department_create(actor=None, name="苏州小组", parent=east)
    objective = objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=east,
        owner=company.hank,
        title="华东销售季度目标",
    )
    kr = key_result_create(actor=company.hank, objective=objective, title="华东签约 10 家", target_value=10)
    checkin_record(actor=company.hank, key_result=kr, value=3, confidence=60)
    objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=suzhou,
        owner=company.hank,
        title="苏州小组季度目标",
    )
    return {"east": east, "suzhou": suzhou}


def test_it_lists_only_the_top_level_departments_on_the_company_page(company: Company, okrs: Okrs, east: East) -> None:
    _status, html = page(company.oscar, "reports:company", cycle=company.quarter)
    table = html[html.index('class="departments"') :]
    assert "销售部" in table and "市场部" in table
    assert "华东销售" not in table and "苏州小组" not in table  # loaded on demand
    sales = row_of(table, "销售部")
    rows_url = reverse("reports:department_rows", args=[company.sales.pk])
    assert f'hx-get="{rows_url}?cycle={company.quarter.pk}"' in sales
    assert 'hx-target="closest tr"' in sales and 'hx-swap="outerHTML"' in sales
    # without JavaScript the control opens the department's page, which lists its sub-departments
    department_url = reverse("reports:department", args=[company.sales.pk])
    assert f'class="expand small" href="{department_url}?cycle={company.quarter.pk}"' in sales
    assert "Show sub-departments" in sales
    assert 'class="indent-0"' in sales
    assert "expand" not in row_of(table, "市场部")  # no sub-departments, no control


def test_it_loads_the_rows_of_the_sub_departments_on_demand(company: Company, okrs: Okrs, east: East) -> None:
    checkin_record(actor=company.hank, key_result=okrs["department_kr"], value=5, confidence=45)
    response = fragment(company.oscar, "reports:department_rows", company.sales.pk, cycle=company.quarter)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.count("<tr>") == 2  # the department again, then its sub-department
    sales = row_of(html, "销售部")
    assert "50%" in sales and "45%" in sales and 'class="health at_risk"' in sales  # as on the company page
    assert "expand" not in sales  # its sub-departments are shown now
    east_row = row_of(html, "华东销售")
    assert html.index("销售部") < html.index("华东销售")
    assert 'class="indent-1"' in east_row  # one level in
    assert "30%" in east_row and "60%" in east_row and 'class="health at_risk"' in east_row
    assert '<td class="numbers">1</td>' in east_row  # one objective: its sub-department's is not counted here
    assert reverse("reports:department", args=[east["east"].pk]) in east_row
    rows_url = reverse("reports:department_rows", args=[east["east"].pk])
    assert f'hx-get="{rows_url}?cycle={company.quarter.pk}"' in east_row  # the same control, one level down
    assert "苏州小组" not in html

    html = fragment(company.oscar, "reports:department_rows", east["east"].pk, cycle=company.quarter).content.decode()
    suzhou = row_of(html, "苏州小组")
    assert 'class="indent-2"' in suzhou and '<td class="numbers">1</td>' in suzhou
    assert "expand" not in suzhou


def test_it_answers_the_rows_as_rows_only_and_says_it_varies_on_htmx(company: Company, okrs: Okrs, east: East) -> None:
    response = fragment(company.oscar, "reports:department_rows", company.sales.pk, cycle=company.quarter)
    html = response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith("<tr>") and "<table" not in html and "<tbody" not in html
    # a `?base=` deeper than the department is read as the department's own depth: nothing left of the table
    html = fragment(
        company.oscar, "reports:department_rows", east["east"].pk, cycle=company.quarter, table="department", base=9
    ).content.decode()
    assert 'class="indent-0"' in row_of(html, "华东销售") and 'class="indent-1"' in row_of(html, "苏州小组")
    assert "-1 * 1rem" not in html


def test_it_sends_a_request_for_the_rows_without_javascript_to_the_department_page(
    company: Company, okrs: Okrs, east: East
) -> None:
    response = client_for(company.mia).get(
        reverse("reports:department_rows", args=[company.sales.pk]), {"cycle": company.quarter.pk}
    )
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("reports:department", args=[company.sales.pk]) + f"?cycle={company.quarter.pk}"
    )


def test_it_leaves_hidden_objectives_out_of_the_sub_department_rows_PUB_2(
    company: Company, okrs: Okrs, east: East
) -> None:
    """PUB-2."""
    objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=east["east"],
        owner=company.hank,
        title="华东内部目标",
        visibility=Visibility.DEPARTMENT,
    )
    count = '<td class="numbers">{}</td>'
    html = fragment(company.oscar, "reports:department_rows", company.sales.pk, cycle=company.quarter).content.decode()
    assert count.format(1) in row_of(html, "华东销售")
    html = fragment(company.hank, "reports:department_rows", company.sales.pk, cycle=company.quarter).content.decode()
    assert count.format(2) in row_of(html, "华东销售")  # hank heads sales, and so the departments below it


def test_it_counts_off_track_at_risk_and_stale_key_results_per_department_MEAS_8(company: Company, okrs: Okrs) -> None:
    """MEAS-8."""
    second = objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=company.sales,
        owner=company.hank,
        title="回款周期缩短",
    )
    kr = key_result_create(actor=company.hank, objective=second, title="回款 30 天内", target_value=30, confidence=20)
    KeyResult.objects.filter(pk=kr.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    from qibu.okrs.rollup import refresh_objectives

    refresh_objectives([second.pk])
    from qibu.reports.selectors import department_rollups

    rollups = {
        r.department.pk: r
        for r in department_rollups(viewer=company.alice, cycle=company.quarter, organisation=company.org)
    }
    sales = rollups[company.sales.pk]
    assert sales.objectives == 2
    assert sales.off_track == 1  # 20 % confidence
    assert sales.at_risk == 1  # the first one at 50 %
    assert sales.stale_key_results == 1
    assert rollups[company.marketing.pk].objectives == 0


def test_it_shows_the_bottom_up_share_against_the_target_SET_7(company: Company, okrs: Okrs) -> None:
    # erin (executive), hank (head) and mia (member) wrote one objective each: 1 of 3 by employees.
    """SET-7."""
    _status, html = page(company.alice, "reports:company", cycle=company.quarter)
    share = html[html.index('id="bottom-up"') :]
    assert "33%" in share
    assert "1 of 3" in share
    assert "target-missed" in share and "60%" in share

    for title in ("开拓杭州渠道", "提升续约率", "打造市场案例"):
        objective_create(
            actor=company.oscar, cycle=company.quarter, level=Level.PERSON, owner=company.oscar, title=title
        )
    _status, html = page(company.alice, "reports:company", cycle=company.quarter)
    share = html[html.index('id="bottom-up"') :]
    assert "67%" in share  # 4 of 6
    assert "4 of 6" in share
    assert "target-met" in share


def test_it_counts_a_member_who_heads_a_department_as_a_leader_SET_7(company: Company, okrs: Okrs) -> None:
    """SET-7."""
    company.marketing.head = company.oscar
    company.marketing.save(update_fields=["head"])
    objective_create(actor=company.oscar, cycle=company.quarter, level=Level.PERSON, owner=company.oscar, title="市场")
    from qibu.reports.selectors import bottom_up_share

    share = bottom_up_share(cycle=company.quarter, organisation=company.org)
    assert (share.by_employees, share.total) == (1, 4)
    assert not share.met


def test_it_counts_objectives_of_superusers_and_without_author_as_not_by_employees_SET_7(
    company: Company, okrs: Okrs
) -> None:
    """SET-7."""
    from qibu.reports.selectors import bottom_up_share

    root = person_create(actor=None, username="root", full_name="超级用户")  # a member by role
    Person.objects.filter(pk=root.pk).update(is_superuser=True)
    for actor in (root, company.oscar, company.oscar):
        objective_create(actor=actor, cycle=company.quarter, level=Level.PERSON, owner=actor, title="自下而上")
    orphan = objective_create(
        actor=company.oscar, cycle=company.quarter, level=Level.PERSON, owner=company.oscar, title="无作者"
    )
    Objective.objects.filter(pk=orphan.pk).update(author=None)
    draft = objective_create(
        actor=company.oscar, cycle=company.quarter, level=Level.PERSON, owner=company.oscar, title="草稿"
    )
    Objective.objects.filter(pk=draft.pk).update(approval="draft", approved_at=None)  # drafts count too
    objective_create(actor=company.oscar, cycle=company.year, level=Level.PERSON, owner=company.oscar, title="年度")
    share = bottom_up_share(cycle=company.quarter, organisation=company.org)
    # mia, oscar twice and the draft by employees; erin, hank (a head by role and by heading: once), root, none
    assert (share.by_employees, share.total) == (4, 8)
    assert share.share == Decimal("0.5000")


# --- visibility ----------------------------------------------------------------------------------


@pytest.fixture
def hidden(company: Company, okrs: Okrs) -> Hidden:
    """A sales objective limited to the department, and a private one of mia's."""
    limited = objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=company.sales,
        owner=company.hank,
        title="销售部内部价格策略",
        visibility=Visibility.DEPARTMENT,
        parent_objective_ids=[okrs["company"].pk],
    )
    key_result_create(actor=company.hank, objective=limited, title="内部折扣 KR", target_value=5)
    private = objective_create(
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.mia,
        title="米娅的私人目标",
        visibility=Visibility.PRIVATE,
        parent_objective_ids=[okrs["department"].pk],
    )
    return {"limited": limited, "private": private}


def _all_pages(person: Person, company: Company, okrs: Okrs) -> str:
    html = ""
    for name, args in [
        *urls_for(company, okrs),
        ("reports:tree_children", (okrs["department"].pk,)),
        ("reports:tree_unaligned", ()),
    ]:
        status, body = page(person, name, *args, cycle=company.quarter)
        assert status == 200
        html += body
    return html


def test_it_hides_department_limited_and_private_objectives_from_outsiders_PUB_2(
    company: Company, okrs: Okrs, hidden: Hidden
) -> None:
    """PUB-2."""
    html = _all_pages(company.oscar, company, okrs)
    assert "成为华东市场第一" in html  # company-wide objectives stay visible to everyone
    assert "销售部内部价格策略" not in html
    assert "内部折扣 KR" not in html
    assert "米娅的私人目标" not in html


def test_it_shows_department_limited_objectives_inside_the_department_PUB_2(
    company: Company, okrs: Okrs, hidden: Hidden
) -> None:
    """PUB-2."""
    html = _all_pages(company.mia, company, okrs)
    assert "销售部内部价格策略" in html
    assert "内部折扣 KR" in html


def test_it_shows_a_private_objective_to_its_owner_and_manager_only_PUB_2(
    company: Company, okrs: Okrs, hidden: Hidden
) -> None:
    """PUB-2."""
    assert "米娅的私人目标" in _all_pages(company.mia, company, okrs)
    assert "米娅的私人目标" in _all_pages(company.hank, company, okrs)
    assert "米娅的私人目标" not in _all_pages(company.erin, company, okrs)


def test_it_leaves_hidden_objectives_out_of_the_numbers_shown_to_outsiders_PUB_2(
    company: Company, okrs: Okrs, hidden: Hidden
) -> None:
    """PUB-2."""
    from qibu.reports.selectors import alignment_tree, member_rows

    rows = member_rows(viewer=company.oscar, people=[company.mia], cycle=company.quarter, organisation=company.org)
    assert rows[0].objectives == 1
    rows = member_rows(viewer=company.hank, people=[company.mia], cycle=company.quarter, organisation=company.org)
    assert rows[0].objectives == 2
    tree = alignment_tree(viewer=company.oscar, cycle=company.quarter, organisation=company.org)
    assert tree.roots[0].children == 1  # the sales objective, not the limited one
    tree = alignment_tree(viewer=company.mia, cycle=company.quarter, organisation=company.org)
    assert tree.roots[0].children == 2


def test_it_answers_404_for_the_children_of_a_hidden_objective_PUB_2(
    company: Company, okrs: Okrs, hidden: Hidden
) -> None:
    """PUB-2."""
    status, _html = page(company.oscar, "reports:tree_children", hidden["private"].pk, cycle=company.quarter)
    assert status == 404


# --- department and person pages -----------------------------------------------------------------


def test_it_shows_the_department_its_teams_okrs_and_people(company: Company, okrs: Okrs) -> None:
    sub = department_create(actor=None, name="华东销售", parent=company.sales)
    person_create(actor=None, username="sam", full_name="孙华东", department=sub, job_title="销售代表")
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=2, confidence=80)
    _status, html = page(company.oscar, "reports:department", company.sales.pk, cycle=company.quarter)
    assert "韩销售" in html  # the head
    assert "华东大客户组" in html  # the team
    assert "华东销售" in html  # the sub-department
    assert "销售部拿下十家标杆客户" in html and "签约标杆客户 10 家" in html
    members = html[html.index('class="members"') :]
    assert "孙华东" in members  # people of sub-departments are included
    mia_row = members[members.index("米娅") : members.index("</tr>", members.index("米娅"))]
    assert "50%" in mia_row and "80%" in mia_row
    assert 'class="health on_track"' in mia_row


def test_it_lists_the_direct_sub_departments_and_loads_theirs_on_demand(
    company: Company, okrs: Okrs, east: East
) -> None:
    deeper = department_create(actor=None, name="苏州一组", parent=east["suzhou"])
    person_create(actor=None, username="deep", full_name="深层成员", department=deeper)
    _status, html = page(company.oscar, "reports:department", company.sales.pk, cycle=company.quarter)
    east_row = row_of(html, "华东销售")
    assert 'class="indent-0"' in east_row
    assert "30%" in east_row and "60%" in east_row
    assert "苏州小组" not in html  # a sub-department of a sub-department: on demand
    assert "深层成员" in html[html.index('class="members"') :]  # the people of every department below
    rows_url = reverse("reports:department_rows", args=[east["east"].pk])
    query = f"cycle={company.quarter.pk}&amp;table=department&amp;base={company.sales.depth + 1}"
    assert f'hx-get="{rows_url}?{query}"' in east_row

    url = reverse("reports:department_rows", args=[east["east"].pk])
    rows_query: dict[str, str | int] = {
        "cycle": company.quarter.pk,
        "table": "department",
        "base": company.sales.depth + 1,
    }
    response = client_for(company.oscar).get(url, rows_query, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.count("<tr>") == 2
    suzhou = row_of(html, "苏州小组")
    assert suzhou.count("<td") == 6  # the department page's columns
    assert 'class="indent-1"' in suzhou
    assert "table=department" in suzhou  # its control loads rows for the same table
    assert 'class="indent-0"' in row_of(html, "华东销售") and "expand" not in row_of(html, "华东销售")


def test_it_shows_team_objectives_on_the_department_page(company: Company, okrs: Okrs) -> None:
    objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.TEAM,
        team=company.sales_team,
        owner=company.hank,
        title="大客户组季度冲刺",
    )
    _status, html = page(company.mia, "reports:department", company.sales.pk, cycle=company.quarter)
    assert "大客户组季度冲刺" in html


def test_it_pages_through_a_large_department(company: Company, okrs: Okrs) -> None:
    from qibu.reports.selectors import MEMBERS_PER_PAGE

    for i in range(MEMBERS_PER_PAGE + 5):
        person_create(actor=None, username=f"p{i:03}", full_name=f"销售{i:03}", department=company.sales)
    _status, first = page(company.mia, "reports:department", company.sales.pk, cycle=company.quarter)
    _status, second = page(company.mia, "reports:department", company.sales.pk, cycle=company.quarter, page=2)
    assert "销售000" in first and "销售054" not in first
    assert "销售054" in second


def test_it_shows_a_person_with_manager_reports_and_objectives(company: Company, okrs: Okrs) -> None:
    _status, html = page(company.oscar, "reports:person", company.hank.pk, cycle=company.quarter)
    assert "韩销售" in html and "销售部" in html and "Erin 执行官" in html  # manager
    assert "米娅" in html  # a report
    assert "销售部拿下十家标杆客户" in html and "签约标杆客户 10 家" in html
    _status, html = page(company.oscar, "reports:person", company.mia.pk, cycle=company.quarter)
    assert "打开苏州市场" in html and "华东大客户组" in html


def test_it_marks_a_stale_key_result_on_the_person_page_MEAS_8(company: Company, okrs: Okrs) -> None:
    """MEAS-8."""
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    _status, html = page(company.hank, "reports:person", company.mia.pk, cycle=company.quarter)
    assert "tag stale" in html


def test_it_works_on_the_chosen_cycle(company: Company, okrs: Okrs) -> None:
    q3 = present(company.quarter.parent).children.get(name__endswith="Q3")
    objective_create(actor=company.mia, cycle=q3, level=Level.PERSON, owner=company.mia, title="第三季度的目标")
    _status, html = page(company.mia, "reports:person", company.mia.pk, cycle=q3)
    assert "第三季度的目标" in html and "打开苏州市场" not in html
    assert f'<option value="{q3.pk}" selected>' in html
    _status, html = page(company.mia, "reports:person", company.mia.pk, cycle=company.quarter)
    assert "第三季度的目标" not in html and "打开苏州市场" in html


def test_it_shows_each_person_of_the_department_as_a_row(company: Company, okrs: Okrs) -> None:
    """A person without objectives reads as a dash, not as 0 %; stale key results are counted and tagged."""
    person_create(actor=None, username="nora", full_name="诺拉新人", department=company.sales, job_title="实习生")
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    _status, html = page(company.hank, "reports:department", company.sales.pk, cycle=company.quarter)
    members = html[html.index('class="members"') :]
    nora = row_of(members, "诺拉新人")
    assert f'href="{reverse("reports:person", args=[Person.objects.get(username="nora").pk])}?cycle=' in nora
    assert '<span class="muted small">实习生</span>' in nora  # the job title under the name
    assert '<td class="numbers">0</td>' in nora and '<td class="numbers">—</td>' in nora
    assert 'title="No confidence yet"' in nora and 'class="health' not in nora
    mia = row_of(members, "米娅")
    assert '<span class="tag stale">1</span>' in mia and "80%" in mia and 'class="health on_track"' in mia


def test_it_pages_through_people_keeping_the_cycle(company: Company, okrs: Okrs) -> None:
    from qibu.reports.selectors import MEMBERS_PER_PAGE

    for i in range(MEMBERS_PER_PAGE + 1):
        person_create(actor=None, username=f"q{i:03}", full_name=f"同事{i:03}", department=company.sales)
    _status, html = page(company.mia, "reports:department", company.sales.pk, cycle=company.quarter)
    assert f'href="?cycle={company.quarter.pk}&amp;page=2"' in html
    assert html[html.index('class="members"') :].count("<tr>") == MEMBERS_PER_PAGE + 1  # the header row too


# --- alignment tree ------------------------------------------------------------------------------


def test_it_shows_company_objectives_at_the_top_of_the_alignment_tree_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6."""
    _status, html = page(company.mia, "reports:tree", cycle=company.quarter)
    assert "成为华东市场第一" in html
    url = reverse("reports:tree_children", args=[okrs["company"].pk])
    assert f'hx-get="{url}?cycle={company.quarter.pk}"' in html
    assert "<details" in html and f'href="{url}?cycle={company.quarter.pk}"' in html  # works without JavaScript
    assert "销售部拿下十家标杆客户" not in html  # children are loaded on demand


def test_it_loads_the_children_of_a_node_as_a_fragment_with_htmx_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6."""
    url = reverse("reports:tree_children", args=[okrs["company"].pk])
    response = client_for(company.oscar).get(url, {"cycle": company.quarter.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "销售部拿下十家标杆客户" in html
    assert "季度收入达到 1000 万元" in html  # aligned through this key result
    assert "销售部" in html and "韩销售" in html
    assert "1 aligned" in html  # mia's objective sits under it
    assert reverse("okrs:objective", args=[okrs["department"].pk]) in html


def test_it_shows_the_children_as_a_whole_page_without_javascript(company: Company, okrs: Okrs) -> None:
    checkin_record(actor=company.hank, key_result=okrs["department_kr"], value=5, confidence=45)
    status, html = page(company.oscar, "reports:tree_children", okrs["department"].pk, cycle=company.quarter)
    assert status == 200
    assert "<html" in html and "打开苏州市场" in html
    parent = html[html.index('<section class="card tree">') : html.index("<ul>", html.index('class="card tree"'))]
    assert "销售部拿下十家标杆客户" in parent and 'class="health at_risk"' in parent  # the parent's own line
    assert "1 aligned" in parent
    assert "data-autosubmit" in html


def test_it_colours_each_tree_node_by_its_health_MEAS_6(company: Company, okrs: Okrs) -> None:
    """MEAS-6."""
    checkin_record(actor=company.erin, key_result=okrs["revenue"], value=250, confidence=30)
    _status, html = page(company.mia, "reports:tree", cycle=company.quarter)
    at = html.index('<li class="node')
    node = html[at : html.index("</summary>", at)]
    assert node.startswith('<li class="node off_track">')
    assert 'class="health off_track"' in node and "25%" in node


def test_it_loads_the_objectives_that_align_to_nothing_on_demand_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6."""
    objective_create(
        actor=company.oscar, cycle=company.quarter, level=Level.PERSON, owner=company.oscar, title="孤立目标"
    )
    _status, html = page(company.mia, "reports:tree", cycle=company.quarter)
    assert "孤立目标" not in html and "aligns to nothing" not in html  # neither listed nor counted
    url = f"{reverse('reports:tree_unaligned')}?cycle={company.quarter.pk}"
    assert f'hx-get="{url}"' in html and 'hx-trigger="toggle once"' in html
    assert f'href="{url}"' in html  # works without JavaScript
    assert "Objectives that align to nothing" in html

    response = fragment(company.mia, "reports:tree_unaligned", cycle=company.quarter)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "孤立目标" in html
    assert "1 objective aligns to nothing" in html
    assert reverse("okrs:objective", args=[Objective.objects.get(title="孤立目标").pk]) in html

    status, html = page(company.mia, "reports:tree_unaligned", cycle=company.quarter)
    assert status == 200 and "<html" in html and "孤立目标" in html  # the whole page, without JavaScript


def test_it_says_so_when_every_objective_aligns_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6."""
    html = fragment(company.mia, "reports:tree_unaligned", cycle=company.quarter).content.decode()
    assert "aligns to another one" in html and "<li" not in html


def test_it_counts_every_gap_but_lists_only_the_first_SET_6(
    company: Company, okrs: Okrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SET-6."""
    from qibu.reports import selectors

    monkeypatch.setattr(selectors, "UNALIGNED_SHOWN", 2)
    for title in ("孤立目标一", "孤立目标二", "孤立目标三"):
        objective_create(
            actor=company.oscar, cycle=company.quarter, level=Level.PERSON, owner=company.oscar, title=title
        )
    objective_create(
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.mia,
        title="米娅的私人孤立目标",
        visibility=Visibility.PRIVATE,
    )
    html = fragment(company.oscar, "reports:tree_unaligned", cycle=company.quarter).content.decode()
    assert "3 objectives align to nothing" in html  # mia's private one is not counted for oscar
    assert "The first 2 are shown." in html
    assert "孤立目标一" in html and "孤立目标二" in html and "孤立目标三" not in html
    gaps = selectors.unaligned_objectives(viewer=company.mia, cycle=company.quarter, organisation=company.org)
    assert gaps.total == 4
    tree = selectors.alignment_tree(viewer=company.mia, cycle=company.quarter, organisation=company.org)
    assert [node.children for node in tree.roots] == [1]


def test_it_hides_department_limited_and_private_gaps_from_outsiders_PUB_2(company: Company, okrs: Okrs) -> None:
    """PUB-2."""
    for title, visibility in (("销售部内部孤立目标", Visibility.DEPARTMENT), ("公开孤立目标", Visibility.COMPANY)):
        objective_create(
            actor=company.hank,
            cycle=company.quarter,
            level=Level.DEPARTMENT,
            department=company.sales,
            owner=company.hank,
            title=title,
            visibility=visibility,
        )
    objective_create(
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.mia,
        title="米娅的私人孤立目标",
        visibility=Visibility.PRIVATE,
    )
    expected = {
        "oscar": (["公开孤立目标"], ["销售部内部孤立目标", "米娅的私人孤立目标"]),
        "erin": (["公开孤立目标", "销售部内部孤立目标"], ["米娅的私人孤立目标"]),  # executives see departments'
        "mia": (["公开孤立目标", "销售部内部孤立目标", "米娅的私人孤立目标"], []),
        "hank": (["公开孤立目标", "销售部内部孤立目标", "米娅的私人孤立目标"], []),  # her manager
    }
    for persona, (seen, unseen) in expected.items():
        html = fragment(getattr(company, persona), "reports:tree_unaligned", cycle=company.quarter).content.decode()
        assert all(title in html for title in seen), persona
        assert not any(title in html for title in unseen), persona
        n = len(seen)
        assert f"{n} objective{'s' if n > 1 else ''} align{'' if n > 1 else 's'} to nothing" in html, persona


# --- typed page data ------------------------------------------------------------------------------


def test_it_gives_the_pages_typed_cards_and_nodes_not_attributes_on_objectives(company: Company, okrs: Okrs) -> None:
    """The selectors hand the templates typed data (`ObjectiveCard`, `TreeNode`); the objectives and key results
    are left as the database gave them."""
    from qibu.okrs.selectors import KeyResultCard, ObjectiveCard
    from qibu.reports import selectors

    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    report = selectors.person_report(
        viewer=company.hank, person=company.mia, cycle=company.quarter, organisation=company.org
    )
    [card] = report.objectives
    assert isinstance(card, ObjectiveCard) and card.objective.title == "打开苏州市场"
    assert card.status.health == "on_track"  # 80 % confidence
    [line] = card.key_results
    assert isinstance(line, KeyResultCard) and line.status.stale
    tree = selectors.alignment_tree(viewer=company.mia, cycle=company.quarter, organisation=company.org)
    [root] = tree.roots
    assert root.status.health == "at_risk" and root.children == 1  # its key result's 50 % confidence
    branch = selectors.tree_children(
        viewer=company.mia, parent=okrs["company"], cycle=company.quarter, organisation=company.org
    )
    assert branch.parent.objective == okrs["company"] and branch.parent.children == len(branch.nodes) == 1
    assert branch.nodes[0].via_key_result == okrs["revenue"]
    for objective in (card.objective, root.objective, branch.parent.objective, branch.nodes[0].objective):
        assert not hasattr(objective, "health") and not hasattr(objective, "behind_pace")
    assert not hasattr(line.key_result, "stale")


# --- scripts ---------------------------------------------------------------------------------------


def test_it_has_no_inline_script_or_event_handler_in_the_report_templates() -> None:
    """A Content-Security-Policy without inline script must not break these pages: behaviour comes from
    `static/js/qibu.js` through data attributes (`data-autosubmit` on the cycle picker)."""
    import re
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "templates" / "reports"
    for template in sorted(folder.glob("*.html")):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"<script", source, re.IGNORECASE), template.name
        assert not re.search(r"\son[a-z]+\s*=", source, re.IGNORECASE), template.name
        assert "javascript:" not in source, template.name


def test_it_submits_the_cycle_picker_through_a_data_attribute(company: Company, okrs: Okrs) -> None:
    for name, args in urls_for(company, okrs):
        _status, html = page(company.mia, name, *args, cycle=company.quarter)
        picker = html[
            html.index('<form method="get" class="cycle-picker') : html.index("</form>", html.index("cycle-picker"))
        ]
        assert '<select id="cycle-select" name="cycle" data-autosubmit>' in picker, name
        assert "onchange" not in picker, name
        assert "<noscript><button" in picker, name  # without JavaScript, a button


# --- helpers of the tables -------------------------------------------------------------------------


def test_it_reverses_a_path_once_for_a_whole_table() -> None:
    from qibu.reports.templatetags.report_tags import url_pattern, with_pk

    for name in ("reports:person", "reports:department", "reports:department_rows", "okrs:objective"):
        assert with_pk(url_pattern(name), 42) == reverse(name, args=[42]), name


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_it_shows_the_badge_of_each_health_as_the_okr_tag_does(language: str) -> None:
    from django.template import engines
    from django.utils import translation

    engine = engines["django"]
    with translation.override(language):
        for health in ("on_track", "at_risk", "off_track", "no_data", None, "unknown"):
            context = {"health": health}
            by_tag = engine.from_string("{% load okr_tags %}{% health_badge health %}").render(context)
            by_table = engine.from_string("{% load report_tags %}{% health_badges as b %}{{ b|badge:health }}")
            assert by_table.render(context) == by_tag, health


def test_it_writes_a_confidence_as_a_whole_number_rounded_half_up() -> None:
    from qibu.reports.templatetags.report_tags import whole

    assert [whole(Decimal(v)) for v in ("55.5", "54.5", "54.4999", "0", "100")] == ["56", "55", "54", "0", "100"]
    assert whole(80) == "80" and whole(None) == "" and whole("abc") == ""


# --- escaping ------------------------------------------------------------------------------------


def test_it_escapes_html_in_names_and_titles(company: Company, okrs: Okrs) -> None:
    evil = "<script>alert(1)</script>"
    dept = department_create(actor=None, name=f"部门{evil}")
    team_create(actor=None, name=f"组{evil}", department=dept)
    person = person_create(actor=None, username="evil", full_name=f"人{evil}", department=dept, job_title=evil)
    objective = objective_create(
        actor=person,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=person,
        title=f"目标{evil}",
        parent_objective_ids=[okrs["company"].pk],
    )
    key_result_create(actor=person, objective=objective, title=f"KR{evil}", target_value=1, unit="<b>u</b>")
    objective_create(
        actor=person,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=dept,
        owner=person,
        title=f"部门目标{evil}",
    )
    StrategicGoal.objects.create(title=f"战略{evil}", description=evil)
    company.org.vision = f"愿景{evil}"
    company.org.save()
    sub = department_create(actor=None, name=f"子部门{evil}", parent=dept)
    sub.head = person
    sub.save(update_fields=["head"])
    html = _all_pages(company.alice, company, okrs)
    for name, args in [("reports:department", (dept.pk,)), ("reports:person", (person.pk,))]:
        html += page(company.alice, name, *args, cycle=company.quarter)[1]
    all_and_department_table: list[dict[str, str | int]] = [{}, {"table": "department", "base": 1}]
    for params in all_and_department_table:
        html += fragment(
            company.alice, "reports:department_rows", dept.pk, cycle=company.quarter, **params
        ).content.decode()
    html += fragment(company.alice, "reports:tree_unaligned", cycle=company.quarter).content.decode()
    assert "<script>alert" not in html
    assert "<b>u</b>" not in html and "&lt;b&gt;u&lt;/b&gt;" in html
    for text in ("部门", "子部门", "组", "人", "目标", "KR", "战略", "愿景", "部门目标"):
        assert f"{text}&lt;script&gt;alert(1)&lt;/script&gt;" in html, text


def test_it_escapes_html_in_every_cell_of_the_tables_and_their_fragments(company: Company, okrs: Okrs) -> None:
    """The rows of the department and people tables, on the pages and as htmx loads them, escape every text
    they show: department, head and person names, job titles."""
    evil = '<img src=x onerror="alert(1)">'
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    top = department_create(actor=None, name=f"顶层{evil}")
    below = department_create(actor=None, name=f"下层{evil}", parent=top)
    department_create(actor=None, name=f"更下层{evil}", parent=below)
    head = person_create(
        actor=None, username="evilhead", full_name=f"负责人{evil}", department=below, job_title=f"职位{evil}"
    )
    for department in (top, below):
        department.head = head
        department.save(update_fields=["head"])
    pages = {
        "company": page(company.alice, "reports:company", cycle=company.quarter)[1],
        "department": page(company.alice, "reports:department", top.pk, cycle=company.quarter)[1],
        "rows": fragment(company.alice, "reports:department_rows", top.pk, cycle=company.quarter).content.decode(),
        "sub-rows": fragment(
            company.alice, "reports:department_rows", below.pk, cycle=company.quarter, table="department", base=1
        ).content.decode(),
    }
    expected = {
        "company": ["顶层", "负责人"],
        "department": ["顶层", "下层", "负责人", "职位"],  # its sub-department, then its people
        "rows": ["顶层", "下层", "负责人"],
        "sub-rows": ["下层", "更下层", "负责人"],
    }
    for name, html in pages.items():
        assert "<img" not in html, name
        for text in expected[name]:
            assert f"{text}{escaped}" in html, (name, text)


# --- constant queries ----------------------------------------------------------------------------


def _grow_company(company: Company, okrs: Okrs, n: int) -> None:
    """n more departments, each with a head, a team, members with objectives, key results and alignments."""
    for i in range(n):
        dept = department_create(actor=None, name=f"事业部{i}", parent=company.sales if i % 2 else None)
        head = person_create(
            actor=None,
            username=f"head{i}",
            full_name=f"负责人{i}",
            role=Role.DEPARTMENT_HEAD,
            department=dept,
        )
        dept.head = head
        dept.save(update_fields=["head"])
        team = team_create(actor=None, name=f"小组{i}", department=dept, lead=head)
        dept_obj = objective_create(
            actor=head,
            cycle=company.quarter,
            level=Level.DEPARTMENT,
            department=dept,
            owner=head,
            title=f"部门目标{i}",
            parent_key_result_ids=[okrs["revenue"].pk],
        )
        key_result_create(actor=head, objective=dept_obj, title=f"部门 KR{i}", target_value=10, confidence=30 + i)
        objective_create(
            actor=head,
            cycle=company.quarter,
            level=Level.COMPANY,
            owner=head,
            title=f"公司目标{i}",
            visibility=Visibility.DEPARTMENT if i % 2 else Visibility.COMPANY,
        )
        for j in range(3):
            member_dept = company.sales if j == 0 else dept
            member = person_create(
                actor=None,
                username=f"m{i}_{j}",
                full_name=f"成员{i}_{j}",
                department=member_dept,
                team=team if j else None,
                manager=head if j != 2 else company.hank,
            )
            mine = objective_create(
                actor=member,
                cycle=company.quarter,
                level=Level.PERSON,
                owner=member,
                title=f"个人目标{i}_{j}",
                parent_objective_ids=[dept_obj.pk] if j else [okrs["department"].pk],
                visibility=Visibility.PRIVATE if j == 2 else Visibility.COMPANY,
            )
            key_result_create(actor=member, objective=mine, title=f"个人 KR{i}_{j}", target_value=5)
            key_result_create(actor=member, objective=mine, title=f"个人 KR{i}_{j}b", target_value=5)


def _count(fetch: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fetch()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["alice", "hank", "oscar"])
def test_it_makes_the_same_number_of_queries_for_a_bigger_company(
    company: Company, okrs: Okrs, persona: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    viewer = getattr(company, persona)
    # The small company already has one of each kind of thing (an empty list is never queried at all).
    department_create(actor=None, name="华东销售", parent=company.sales)
    gap: dict[str, Any] = {"cycle": company.quarter, "level": Level.PERSON, "owner": company.oscar}
    objective_create(actor=company.oscar, title="孤立目标", **gap)
    client = client_for(viewer)
    requests: dict[str, Callable[[], Response]] = {
        "company": lambda: client.get(reverse("reports:company"), {"cycle": company.quarter.pk}),
        "department": lambda: client.get(
            reverse("reports:department", args=[company.sales.pk]), {"cycle": company.quarter.pk}
        ),
        "person": lambda: client.get(reverse("reports:person", args=[company.hank.pk]), {"cycle": company.quarter.pk}),
        "tree": lambda: client.get(reverse("reports:tree"), {"cycle": company.quarter.pk}),
        "rows": lambda: client.get(
            reverse("reports:department_rows", args=[company.sales.pk]),
            {"cycle": company.quarter.pk},
            HTTP_HX_REQUEST="true",
        ),
        "unaligned": lambda: client.get(
            reverse("reports:tree_unaligned"), {"cycle": company.quarter.pk}, HTTP_HX_REQUEST="true"
        ),
        "children": lambda: client.get(
            reverse("reports:tree_children", args=[okrs["company"].pk]),
            {"cycle": company.quarter.pk},
            HTTP_HX_REQUEST="true",
        ),
    }
    for fetch in requests.values():
        assert fetch().status_code == 200  # warm up: the session, the organisation
    small = {name: _count(fetch) for name, fetch in requests.items()}
    _grow_company(company, okrs, 12)
    for i in range(5):
        objective_create(actor=company.oscar, title=f"孤立目标{i}", **gap)
    assert Objective.objects.count() > 60 and Person.objects.count() > 50
    for name, fetch in requests.items():
        with django_assert_num_queries(small[name]):
            assert fetch().status_code == 200, name
    assert small == EXPECTED_QUERIES[persona]


# Exact counts, so that a change that adds a query to a page is noticed. Every page: session, person,
# organisation, the chosen cycle, the cycle list (not the fragments loaded on demand: children, rows,
# unaligned); then its own reads (the company page's SET-7 by department: two, qibu.planning.selectors.share; the
# company's and the department's page's week-by-week chart, EXE-12: two, the key results and their check-ins;
# the company page's panel of the company objectives' continuity, UPD-3: one, qibu.updates).
# Someone who is not an administrator adds one read of the departments they head (for department-limited
# objectives). The celebration's recognitions panel (qibu/celebrate, CEL-4) adds one query to the person's and the
# department's page, and an administrator's read of the departments they head (who sees a private recognition).
EXPECTED_QUERIES = {
    "alice": {"company": 16, "department": 18, "person": 11, "tree": 6, "children": 6, "rows": 6, "unaligned": 5},
    "hank": {"company": 17, "department": 18, "person": 11, "tree": 7, "children": 7, "rows": 7, "unaligned": 6},
    "oscar": {"company": 17, "department": 18, "person": 11, "tree": 7, "children": 7, "rows": 7, "unaligned": 6},
}
