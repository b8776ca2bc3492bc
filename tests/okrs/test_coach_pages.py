"""The coach where people write and read: the editor and the key result's form as one types (htmx), the objective
page for those who may edit it, and the rules an administrator made block submission."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse

from qibu.okrs.coach import objective_advice, submission_blockers
from qibu.okrs.models import Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Person, StrategicGoal
from qibu.org.services import organisation_set_coach_blocking
from tests.conftest import Company, Okrs
from tests.project.test_rule_ids import bare_rule_ids

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

HX = {"HX-Request": "true"}


def _client(person: Person, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.cookies["qibu_language"] = language
    client.force_login(person)
    return client


def _text(response: Response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode()).replace("&#x27;", "'")
    return " ".join(page.split())


def _typed(company: Company, **fields: Any) -> dict[str, Any]:
    """The new-objective form as mia fills it in: her own, aligned, dated, with a priority."""
    return {
        "title": "开拓无锡市场",
        "level": "person",
        "cycle": company.quarter.pk,
        "owner": company.mia.pk,
        "priority": "1",
        "start_date": "2026-10-01",
        "end_date": "2026-12-31",
        "kr0-title": "苏州新签 4 家客户",
        "kr0-kind": "increase",
        "kr0-start_value": "0",
        "kr0-target_value": "4",
        **fields,
    }


# --- the editor -----------------------------------------------------------------------------------------------


def test_it_shows_the_new_advice_as_the_objective_is_typed_SET_5_SET_10(okrs: Okrs, company: Company) -> None:
    """SET-5, SET-10, COACH-1: the title, the key results and the priority as typed, refreshed by htmx."""
    client = _client(company.mia)
    data = _typed(company, **{"parent_objectives": [okrs["department"].pk]})
    response = client.post(reverse("okrs:editor_warnings"), data, headers=HX)
    assert "No warnings: this objective follows the method." in _text(response)
    data |= {"title": "营收 500 万", "priority": "", "kr0-title": "召开 3 次客户答谢会", "kr0-target_value": "3"}
    response = client.post(reverse("okrs:editor_warnings"), data, headers=HX)
    text = _text(response)
    assert "This objective is a number (“500 万”)." in text
    assert "Key result 1 “召开 3 次客户答谢会” reads as a task (“召开 …”)" in text
    assert "No priority is chosen, so it will be P1 — high." in text
    for rule in ("COACH-1", "SET-5", "SET-10"):
        assert f">{rule}</abbr>" in response.content.decode()
    assert bare_rule_ids(response.content.decode())[0] == []


def test_it_shows_the_advice_in_chinese_as_one_types(okrs: Okrs, company: Company) -> None:
    data = _typed(company, title="营收 500 万", priority="", **{"kr0-title": "完成新系统上线"})
    text = _text(_client(company.mia, "zh-hans").post(reverse("okrs:editor_warnings"), data, headers=HX))
    assert "这个目标本身是一个数字(“500 万”)。" in text
    assert "关键结果 1“完成新系统上线”读起来像一项任务(“完成……”)" in text
    assert "还没有选择优先级,将默认为 P1" in text
    assert "这个目标尚未对齐。" in text


def test_it_starts_a_new_objective_with_no_priority_chosen_SET_10(company: Company) -> None:
    """SET-10: chosen, not assumed; saved without one, it is P1 and the coach said so."""
    response = _client(company.mia).get(reverse("okrs:objective_new"))
    html = response.content.decode()
    assert '<option value="" selected>— choose —</option>' in html
    assert "No priority is chosen, so it will be P1 — high." in _text(response)
    data = _typed(company, title="开拓常州市场", priority="")
    assert _client(company.mia).post(reverse("okrs:objective_new"), data).status_code == 302
    assert Objective.objects.get(title="开拓常州市场").priority == 1


def test_it_asks_a_company_objective_for_its_strategic_goal_while_typed_VIS_2(okrs: Okrs, company: Company) -> None:
    """VIS-2: the editor's strategic goal field (when the form has it), else what is stored."""
    goal = StrategicGoal.objects.create(title="华东第一")
    client = _client(company.erin)
    data = _typed(company, level="company", owner=company.erin.pk, title="成为华东连锁零售的首选")
    assert "This company objective serves no strategic goal." in _text(
        client.post(reverse("okrs:editor_warnings"), data, headers=HX)
    )
    data["strategic_goal"] = goal.pk
    assert "strategic goal" not in _text(client.post(reverse("okrs:editor_warnings"), data, headers=HX))
    edit = {"objective": okrs["company"].pk, "level": "company", "title": okrs["company"].title}
    assert ">VIS-2</abbr>" in client.post(reverse("okrs:editor_warnings"), edit, headers=HX).content.decode()
    Objective.objects.filter(pk=okrs["company"].pk).update(strategic_goal=goal)
    assert ">VIS-2</abbr>" not in client.post(reverse("okrs:editor_warnings"), edit, headers=HX).content.decode()


# --- the key result's form ----------------------------------------------------------------------------------


def test_it_checks_the_key_result_as_it_is_typed_SET_5_SET_8(okrs: Okrs, company: Company) -> None:
    """SET-5, SET-8 on the key result's own form: htmx posts it to okrs:kr_warnings."""
    page = _client(company.mia).get(reverse("okrs:kr_new", args=[okrs["mine"].pk]))
    html = page.content.decode()
    assert f'hx-post="{reverse("okrs:kr_warnings")}"' in html and 'id="kr-warnings"' in html
    assert 'name="start_date" value="2026-10-01"' in html  # SET-8: the objective's dates, explicit
    client = _client(company.mia)
    typed = {"objective": okrs["mine"].pk, "title": "Hold 3 workshops", "kind": "increase", "target_value": "3"}
    typed |= {"start_date": "2026-10-01", "end_date": "2026-12-31"}
    text = _text(client.post(reverse("okrs:kr_warnings"), typed, headers=HX))
    assert "This key result reads as a task (“Hold …”)" in text
    text = _text(
        client.post(reverse("okrs:kr_warnings"), {**typed, "title": "Sign 12 customers", "end_date": ""}, headers=HX)
    )
    assert "This key result has no start and end dates; the objective's dates will be used." in text
    text = _text(client.post(reverse("okrs:kr_warnings"), {**typed, "title": "Sign 12 customers"}, headers=HX))
    assert "No warnings: this key result follows the method." in text


def test_it_checks_a_stored_key_result_on_its_edit_form_SET_5(okrs: Okrs, company: Company) -> None:
    """SET-5: the stored title is checked when the form opens."""
    kr = key_result_create(
        actor=company.mia, objective=okrs["mine"], title="完成 3 次拜访", start_value=0, target_value=3
    )
    text = _text(_client(company.mia).get(reverse("okrs:kr_edit", args=[kr.pk])))
    assert "This key result reads as a task (“完成 …”)" in text
    typed = {"key_result": kr.pk, "title": "苏州新签 3 家", "kind": "increase", "target_value": "3"}
    typed |= {"start_date": "2026-10-01", "end_date": "2026-12-31"}
    assert "follows the method" in _text(_client(company.mia).post(reverse("okrs:kr_warnings"), typed, headers=HX))


def test_it_refuses_the_key_result_advice_of_what_one_may_not_change(okrs: Okrs, company: Company) -> None:
    """As the key result's form: 403 for what one sees but may not change, 404 for what one does not see."""
    url = reverse("okrs:kr_warnings")
    assert _client(company.oscar).post(url, {"objective": okrs["mine"].pk, "title": "x"}).status_code == 403
    assert _client(company.oscar).post(url, {"key_result": okrs["my_kr"].pk, "title": "x"}).status_code == 403
    assert _client(company.mia).post(url, {"objective": 999999, "title": "x"}).status_code == 404


# --- the objective page --------------------------------------------------------------------------------------


def test_it_shows_the_coach_on_the_objective_page_to_those_who_may_edit_it(okrs: Okrs, company: Company) -> None:
    """The coach's advice on the stored objective, for its owner (mia) and her manager (hank), not for oscar."""
    task = key_result_create(
        actor=company.mia, objective=okrs["mine"], title="组织 2 场沙龙", start_value=0, target_value=2
    )
    url = reverse("okrs:objective", args=[okrs["mine"].pk])
    for person in (company.mia, company.hank):
        response = _client(person).get(url)
        assert 'id="coach"' in response.content.decode()
        assert f"Key result 2 “{task.title}” reads as a task (“组织 …”)" in _text(response)
    assert 'id="coach"' not in _client(company.oscar).get(url).content.decode()
    response = _client(company.hank).get(reverse("okrs:objective", args=[okrs["department"].pk]))
    assert "No warnings: this objective follows the method." in _text(response)


# --- blocking submission ---------------------------------------------------------------------------------------


def test_it_blocks_submission_by_the_rules_the_administrator_chose_SET_5(okrs: Okrs, company: Company) -> None:
    """SET-5, SET-6, COACH-1, COACH-2: every new rule flows into `submission_blockers`; only the chosen block."""
    c = company
    number = objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="营收 500 万")
    key_result_create(actor=c.mia, objective=number, title="完成 10 次拜访", start_value=0, target_value=10)
    assert [a.rule for a in objective_advice(organisation=c.org, objective=number)] == ["COACH-1", "SET-5", "SET-6"]
    assert submission_blockers(organisation=c.org, objective=number) == []
    organisation_set_coach_blocking(actor=c.alice, organisation=c.org, rules=["SET-5", "COACH-1", "COACH-2"])
    assert [a.rule for a in submission_blockers(organisation=c.org, objective=number)] == ["COACH-1", "SET-5"]
    twin = objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="开拓苏州市场")
    assert [a.rule for a in submission_blockers(organisation=c.org, objective=twin)] == ["COACH-2"]
    response = _client(c.mia).get(reverse("okrs:objective", args=[number.pk]))
    assert _text(response).count("blocks submission") == 3  # two marks and the sentence that explains them


def test_it_blocks_a_company_objective_without_a_strategic_goal_VIS_2(okrs: Okrs, company: Company) -> None:
    """VIS-2."""
    organisation_set_coach_blocking(actor=company.alice, organisation=company.org, rules=["VIS-2"])
    (blocker,) = submission_blockers(organisation=company.org, objective=okrs["company"])
    assert blocker.rule == "VIS-2"
    okrs["company"].strategic_goal = StrategicGoal.objects.create(title="华东第一")
    okrs["company"].save(update_fields=["strategic_goal"])
    assert submission_blockers(organisation=company.org, objective=okrs["company"]) == []


@pytest.mark.parametrize("rules", [["SET-3"], ["SET-4"]])
def test_it_keeps_blocking_by_the_count_rules_SET_3_SET_4(rules: list[str], okrs: Okrs, company: Company) -> None:
    """SET-3, SET-4 as they were."""
    c = company
    organisation_set_coach_blocking(actor=c.alice, organisation=c.org, rules=rules)
    for n in range(3):
        objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title=f"第{n}个目标")
    fourth = Objective.objects.filter(owner=c.mia).order_by("-pk").first()
    assert fourth is not None
    found = {a.rule for a in submission_blockers(organisation=c.org, objective=fourth)}
    assert found == set(rules)  # the fourth of mia's objectives (SET-3), with no key result (SET-4)
