"""The strategy (VIS-1, VIS-2): the vision, the mission and the strategic goals, kept by executives and
administrators on the strategy page that everyone reads, each goal with the company objectives tracing to it and
its own history; the company objectives tracing to none flagged; a company objective's strategic goal in the
editor and the API; the strategy beside every draft."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.okrs.models import Level, Objective
from qibu.okrs.services import objective_create, objective_update
from qibu.org.models import Organisation, Person, StrategicGoal
from qibu.org.services import (
    api_token_create,
    strategic_goal_create,
    strategic_goal_delete,
    strategic_goal_move,
    strategic_goal_update,
)
from tests.conftest import Company, Okrs


def _client(person: Person | None) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if person is not None:
        client.force_login(person)
    return client


def _goals(company: Company) -> list[StrategicGoal]:
    return [
        strategic_goal_create(actor=company.erin, title=title, description=f"{title}的说明")
        for title in ("出海", "做强华东", "降本增效")
    ]


def _titles() -> list[str]:
    return list(StrategicGoal.objects.order_by("position", "id").values_list("title", flat=True))


# --- the strategy page ------------------------------------------------------------------------------------------


def test_it_shows_everyone_the_vision_the_goals_in_order_and_the_company_objectives_tracing_to_each_VIS_2(
    company: Company, okrs: Okrs
) -> None:
    """VIS-1, VIS-2: read-only for a member: no form to change anything."""
    overseas, east, _costs = _goals(company)
    objective_update(actor=company.erin, objective=okrs["company"], data={"strategic_goal": east})
    html = _client(company.mia).get(reverse("okrs:strategy")).content.decode()
    assert "让每个团队都看清方向" in html and "用数据帮助企业成长" in html
    assert html.index("出海") < html.index("做强华东") < html.index("降本增效")
    goal_section = html[html.index('id="goal-' + str(east.pk)) :]
    assert "成为华东市场第一" in goal_section[: goal_section.index("</li>")]
    assert "No company objective serves this goal in this cycle yet." in html  # 出海 and 降本增效
    assert "Every company objective of this cycle serves a strategic goal." in html
    for keeper_only in (
        reverse("okrs:goal_new"),
        reverse("okrs:strategy_vision"),
        reverse("okrs:goal_edit", args=[overseas.pk]),
    ):
        assert keeper_only not in html
    assert reverse("okrs:goal_history", args=[overseas.pk]) in html


def test_it_flags_the_company_objectives_tracing_to_no_strategic_goal_VIS_2(company: Company, okrs: Okrs) -> None:
    """VIS-2: each company objective traces to a goal; one that does not is flagged, with the way to fix it."""
    _goals(company)
    html = _client(company.erin).get(reverse("okrs:strategy")).content.decode()
    untraced = html[html.index('id="untraced-title"') :]
    assert "成为华东市场第一" in untraced and "No strategic goal" in untraced
    assert reverse("okrs:objective_edit", args=[okrs["company"].pk]) in untraced
    # Other levels trace through alignment: the department's objective is not flagged.
    assert "销售部拿下十家标杆客户" not in untraced


def test_it_shows_the_company_objectives_of_the_cycle_and_its_year_only_as_the_viewer_may_see_them_VIS_2(
    company: Company, okrs: Okrs
) -> None:
    goal = _goals(company)[0]
    annual = objective_create(
        actor=company.erin, cycle=company.year, level=Level.COMPANY, title="年度出海", strategic_goal=goal
    )
    other_quarter = company.year.children.exclude(pk=company.quarter.pk).first()
    assert other_quarter is not None
    objective_create(
        actor=company.erin, cycle=other_quarter, level=Level.COMPANY, title="别的季度", strategic_goal=goal
    )
    objective_create(
        actor=company.erin,
        cycle=company.quarter,
        level=Level.COMPANY,
        title="保密的公司目标",
        strategic_goal=goal,
        visibility="private",
    )
    html = _client(company.oscar).get(reverse("okrs:strategy"), {"cycle": company.quarter.pk}).content.decode()
    assert annual.title in html
    assert "别的季度" not in html and "保密的公司目标" not in html
    assert "保密的公司目标" in _client(company.alice).get(reverse("okrs:strategy")).content.decode()


def test_it_reads_the_strategy_page_in_a_constant_number_of_queries_VIS_2(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = _client(company.erin)
    goal = _goals(company)[0]
    client.get(reverse("okrs:strategy"))
    with django_assert_num_queries(STRATEGY_QUERIES):
        client.get(reverse("okrs:strategy"))
    for i in range(12):
        strategic_goal_create(actor=company.erin, title=f"目标{i}")
        objective_create(
            actor=company.erin,
            cycle=company.quarter,
            level=Level.COMPANY,
            title=f"公司目标{i}",
            owner=company.erin,
            strategic_goal=goal if i % 2 else None,
        )
    with django_assert_num_queries(STRATEGY_QUERIES):
        html = client.get(reverse("okrs:strategy")).content.decode()
    assert html.count("公司目标1") >= 1 and "目标11" in html


# The session and person, the organisation, the cycle asked for and its year, the cycles of the picker, the goals,
# the company objectives with their owners and cycles.
# 9 since approval: the departments the viewer heads, for the drafts they may see (okrs.access).
STRATEGY_QUERIES = 9


# --- keeping the strategy ---------------------------------------------------------------------------------------


def test_it_lets_executives_keep_the_vision_and_mission_VIS_1(company: Company) -> None:
    """VIS-1: executives word the vision and mission (administrators too, on the settings page as well)."""
    response = _client(company.erin).post(reverse("okrs:strategy_vision"), {"vision": "新愿景", "mission": "新使命"})
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.vision, organisation.mission) == ("新愿景", "新使命")
    entry = AuditEntry.objects.filter(action="organisation.update").latest("id")
    assert entry.actor == company.erin and entry.after == {"vision": "新愿景", "mission": "新使命"}
    too_long = _client(company.erin).post(reverse("okrs:strategy_vision"), {"vision": "长" * 2001, "mission": ""})
    assert too_long.status_code == 400 and "At most 2000 characters" in too_long.content.decode()
    assert Organisation.objects.get().vision == "新愿景"


def test_it_adds_edits_and_reorders_goals_up_down_and_by_dragging_VIS_2(company: Company) -> None:
    """VIS-2: in order; the arrows move a goal one place (without JavaScript), dragging sends its new place."""
    client = _client(company.erin)
    for title in ("出海", "做强华东", "降本增效"):
        assert client.post(reverse("okrs:goal_new"), {"title": title, "description": ""}).status_code == 302
    overseas, east, costs = StrategicGoal.objects.order_by("position")
    assert client.post(reverse("okrs:goal_move", args=[costs.pk]), {"direction": "up"}).status_code == 302
    assert _titles() == ["出海", "降本增效", "做强华东"]
    client.post(reverse("okrs:goal_move", args=[overseas.pk]), {"direction": "down"})
    assert _titles() == ["降本增效", "出海", "做强华东"]
    client.post(reverse("okrs:goal_move", args=[east.pk]), {"place": "1"})
    assert _titles() == ["做强华东", "降本增效", "出海"]
    client.post(reverse("okrs:goal_move", args=[east.pk]), {"direction": "up"})  # already first: nothing happens
    assert _titles() == ["做强华东", "降本增效", "出海"]
    assert list(StrategicGoal.objects.order_by("position").values_list("position", flat=True)) == [0, 1, 2]
    assert client.post(reverse("okrs:goal_move", args=[east.pk]), {}).status_code == 400
    response = client.post(reverse("okrs:goal_edit", args=[east.pk]), {"title": "华东第一", "description": "三年"})
    assert response.status_code == 302
    east.refresh_from_db()
    assert (east.title, east.description) == ("华东第一", "三年")
    refused = client.post(reverse("okrs:goal_edit", args=[east.pk]), {"title": " ", "description": "改了"})
    assert refused.status_code == 400
    east.refresh_from_db()
    assert east.description == "三年"


def test_it_keeps_each_goals_history_on_its_own_page_VIS_2(company: Company, okrs: Okrs) -> None:
    """Every change of a goal is in the organisation's history, and the goal's page lists its own."""
    overseas, east, _costs = _goals(company)
    strategic_goal_update(actor=company.alice, goal=east, data={"title": "华东第一"})
    strategic_goal_move(actor=company.erin, goal=east, position=0)
    text = _client(company.mia).get(reverse("okrs:goal_history", args=[east.pk])).content.decode()
    assert "History of the strategic goal “华东第一”" in text
    assert "added a strategic goal" in text and "changed a strategic goal" in text and "moved a strategic goal" in text
    assert "做强华东" in text and "place in the list" in text
    assert "出海" not in text  # another goal's history
    organisation = {e.action for e in AuditEntry.objects.filter(subject_type="org.organisation")}
    assert {"strategic_goal.create", "strategic_goal.update", "strategic_goal.move"} <= organisation
    assert _client(company.mia).get(reverse("okrs:goal_history", args=[overseas.pk + 999])).status_code == 404


def test_it_reads_a_goals_history_in_a_constant_number_of_queries(
    company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    goal = _goals(company)[0]
    client = _client(company.mia)
    url = reverse("okrs:goal_history", args=[goal.pk])
    client.get(url)
    with django_assert_num_queries(GOAL_HISTORY_QUERIES):
        client.get(url)
    for i in range(15):
        strategic_goal_update(actor=company.erin if i % 2 else company.alice, goal=goal, data={"title": f"出海{i}"})
    with django_assert_num_queries(GOAL_HISTORY_QUERIES):
        client.get(url)


# The session and person, the organisation (the middleware), the unread inbox, the goal, its entries, their actors.
GOAL_HISTORY_QUERIES = 6


def test_it_deletes_a_goal_unlinking_the_objectives_tracing_to_it_and_says_so_VIS_2(
    company: Company, okrs: Okrs
) -> None:
    """VIS-2: a goal's deletion keeps its objectives, which trace to none afterwards: the confirmation says how many,
    each objective's history says so, and the strategy page flags them."""
    overseas = _goals(company)[0]
    objective_update(actor=company.erin, objective=okrs["company"], data={"strategic_goal": overseas})
    annual = objective_create(
        actor=company.erin, cycle=company.year, level=Level.COMPANY, title="年度出海", strategic_goal=overseas
    )
    client = _client(company.erin)
    confirm = client.get(reverse("okrs:goal_delete", args=[overseas.pk])).content.decode()
    assert "2 objectives trace to it. They stay, and trace to no strategic goal afterwards" in confirm
    assert "成为华东市场第一" in confirm and "年度出海" in confirm
    response = client.post(reverse("okrs:goal_delete", args=[overseas.pk]), follow=True)
    html = response.content.decode()
    assert "2 objectives traced to it and now trace to no strategic goal" in html
    assert not StrategicGoal.objects.filter(pk=overseas.pk).exists()
    assert Objective.objects.filter(pk__in=[okrs["company"].pk, annual.pk], strategic_goal__isnull=True).count() == 2
    untraced = html[html.index('id="untraced-title"') :]
    assert "成为华东市场第一" in untraced and "年度出海" in untraced
    deletion = AuditEntry.objects.get(action="strategic_goal.delete")
    assert deletion.after == {"objectives_unlinked": 2} and (deletion.before or {})["title"] == "出海"
    page = client.get(reverse("okrs:objective", args=[okrs["company"].pk])).content.decode()
    assert "lost its strategic goal, which was deleted" in page
    assert "strategic goal: <del>出海</del> → <ins>—</ins>" in page


def test_it_reads_the_deletion_confirmation_in_a_constant_number_of_queries(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    goal = _goals(company)[0]
    client = _client(company.erin)
    url = reverse("okrs:goal_delete", args=[goal.pk])
    client.get(url)
    with django_assert_num_queries(GOAL_DELETE_QUERIES):
        client.get(url)
    for i in range(10):
        objective_create(
            actor=company.erin, cycle=company.quarter, level=Level.COMPANY, title=f"目标{i}", strategic_goal=goal
        )
    with django_assert_num_queries(GOAL_DELETE_QUERIES):
        assert "10 objectives trace to it" in client.get(url).content.decode()


GOAL_DELETE_QUERIES = 7  # with the departments the viewer heads, for the drafts they may see


def test_it_refuses_the_strategy_to_those_who_do_not_keep_it_and_changes_nothing_VIS_2(
    company: Company, okrs: Okrs
) -> None:
    goal = _goals(company)[0]
    before = (_titles(), Organisation.objects.values_list("vision", "mission").get(), AuditEntry.objects.count())
    posts = [
        (reverse("okrs:strategy_vision"), {"vision": "改", "mission": "改"}),
        (reverse("okrs:goal_new"), {"title": "新"}),
        (reverse("okrs:goal_edit", args=[goal.pk]), {"title": "改"}),
        (reverse("okrs:goal_move", args=[goal.pk]), {"direction": "down"}),
        (reverse("okrs:goal_delete", args=[goal.pk]), {}),
    ]
    for person in (company.hank, company.mia, company.oscar):
        for url, data in posts:
            assert _client(person).post(url, data).status_code == 403, url
    after = (_titles(), Organisation.objects.values_list("vision", "mission").get(), AuditEntry.objects.count())
    assert after == before


def test_it_sends_the_old_settings_address_to_the_strategy_page(company: Company) -> None:
    response = _client(company.mia).get("/settings/strategy/")
    assert response.status_code == 302 and response["Location"] == reverse("okrs:strategy")


def test_it_links_the_strategy_from_the_menu_for_everyone(company: Company) -> None:
    assert f'href="{reverse("okrs:strategy")}"' in _client(company.oscar).get("/").content.decode()


# --- a company objective's strategic goal -----------------------------------------------------------------------


def _editor_form(company: Company, **fields: Any) -> dict[str, Any]:
    return {
        "title": "拓展东南亚",
        "level": "company",
        "cycle": company.quarter.pk,
        "owner": company.erin.pk,
        "priority": "1",
        "commitment": "aspirational",
        "visibility": "company",
        "status": "active",
        "rollup_mode": "key_results",
        "weight": "1",
        **fields,
    }


def test_it_traces_a_company_objective_to_its_strategic_goal_in_the_editor_with_history_VIS_2(
    company: Company, okrs: Okrs
) -> None:
    """VIS-2: the editor of a company objective offers the goals; its history keeps the choice."""
    overseas, east, _costs = _goals(company)
    client = _client(company.erin)
    html = client.get(reverse("okrs:objective_new"), {"level": "company"}).content.decode()
    assert 'name="strategic_goal"' in html and 'data-levels="company"' in html
    response = client.post(reverse("okrs:objective_new"), _editor_form(company, strategic_goal=overseas.pk))
    assert response.status_code == 302, response.content.decode()
    created = Objective.objects.get(title="拓展东南亚")
    assert created.strategic_goal == overseas
    edit = reverse("okrs:objective_edit", args=[created.pk])
    assert client.post(edit, _editor_form(company, strategic_goal=east.pk)).status_code == 302
    created.refresh_from_db()
    assert created.strategic_goal == east
    change = AuditEntry.objects.filter(action="objective.update", subject_id=created.pk).latest("id")
    assert change.before == {"strategic_goal": overseas.pk} and change.after == {"strategic_goal": east.pk}
    page = client.get(reverse("okrs:objective", args=[created.pk])).content.decode()
    assert "strategic goal: <del>出海</del> → <ins>做强华东</ins>" in page
    assert f"{reverse('okrs:strategy')}#goal-{east.pk}" in page


def test_it_leaves_the_strategic_goal_to_company_objectives_VIS_2(company: Company, okrs: Okrs) -> None:
    """Other levels trace to the strategy through their alignment (SET-6): their editor has no goal, a form sent
    without JavaScript with one is saved without it, and the service refuses it by name."""
    goal = _goals(company)[0]
    client = _client(company.mia)
    assert (
        'name="strategic_goal"'
        not in client.get(reverse("okrs:objective_edit", args=[okrs["mine"].pk])).content.decode()
    )
    form = _editor_form(company, level="person", owner=company.mia.pk, title="个人目标", strategic_goal=goal.pk)
    assert client.post(reverse("okrs:objective_new"), form).status_code == 302
    assert Objective.objects.get(title="个人目标").strategic_goal is None
    # The page just read leaves mia's language (Chinese) active in this thread; the message is asserted in English.
    with (
        translation.override("en"),
        pytest.raises(Exception, match="Only a company objective traces to a strategic goal") as refused,
    ):
        objective_update(actor=company.mia, objective=okrs["mine"], data={"strategic_goal": goal})
    assert "strategic_goal" in refused.value.message_dict  # type: ignore[attr-defined]
    assert Objective.objects.get(pk=okrs["mine"].pk).strategic_goal is None


def test_it_shows_the_vision_mission_and_goals_beside_the_draft_VIS_1(company: Company, okrs: Okrs) -> None:
    """VIS-1: beside the editor, folded on a phone (data-fold-narrow), open on a wide screen and without JavaScript."""
    _goals(company)
    for url in (reverse("okrs:objective_new"), reverse("okrs:objective_edit", args=[okrs["mine"].pk])):
        html = _client(company.mia).get(url).content.decode()
        aside = html[html.index('class="editor-aside"') :]
        assert '<details class="card vision strategy-aside" open data-fold-narrow>' in aside
        assert "让每个团队都看清方向" in aside and "用数据帮助企业成长" in aside
        assert aside.index("出海") < aside.index("做强华东") < aside.index("降本增效")
        assert "js/strategy.js" in html


# --- the API ----------------------------------------------------------------------------------------------------


def _api(person: Person) -> Client:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})


def test_the_api_reads_and_writes_a_company_objectives_strategic_goal_VIS_2(company: Company, okrs: Okrs) -> None:
    overseas, east, _costs = _goals(company)
    api = _api(company.erin)
    goals = api.get("/api/v1/strategic-goals").json()
    assert [(g["title"], g["place"]) for g in goals] == [("出海", 1), ("做强华东", 2), ("降本增效", 3)]
    body = {"cycle": company.quarter.pk, "level": "company", "title": "接口目标", "strategic_goal": overseas.pk}
    created = api.post("/api/v1/objectives", json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["strategic_goal"] == overseas.pk
    pk = created.json()["id"]
    patch = api.patch(
        f"/api/v1/objectives/{pk}", json.dumps({"strategic_goal": east.pk}), content_type="application/json"
    )
    assert patch.json()["strategic_goal"] == east.pk
    cleared = api.patch(
        f"/api/v1/objectives/{pk}", json.dumps({"strategic_goal": None}), content_type="application/json"
    )
    assert cleared.json()["strategic_goal"] is None
    unknown = api.patch(
        f"/api/v1/objectives/{pk}", json.dumps({"strategic_goal": 999999}), content_type="application/json"
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == [{"field": "strategic_goal", "message": "There is no strategic goal #999999."}]
    mine = _api(company.mia).patch(
        f"/api/v1/objectives/{okrs['mine'].pk}",
        json.dumps({"strategic_goal": east.pk}),
        content_type="application/json",
    )
    assert mine.status_code == 422 and mine.json()["detail"][0]["field"] == "strategic_goal"
    assert Objective.objects.get(pk=okrs["mine"].pk).strategic_goal is None


def test_the_services_order_goals_and_refuse_a_title_missing_or_too_long_VIS_2(company: Company) -> None:
    first = strategic_goal_create(actor=None, title="一")
    strategic_goal_create(actor=None, title="二")
    strategic_goal_delete(actor=None, goal=first)
    third = strategic_goal_create(actor=None, title="三")
    assert _titles() == ["二", "三"] and third.position == 2
    strategic_goal_move(actor=None, goal=third, position=-5)
    assert _titles() == ["三", "二"]
    with pytest.raises(Exception, match="At most 200 characters"):
        strategic_goal_update(actor=None, goal=third, data={"title": "长" * 201})
    third.refresh_from_db()
    assert third.title == "三"
