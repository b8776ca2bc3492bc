"""The coach's rules on what is typed (qibu.okrs.quality, no queries): key results that read as tasks or have no
number (SET-5), no dates (SET-8), objectives that are a number (COACH-1), without a strategic goal (VIS-2) or
alignment (SET-6), without a priority (SET-10); in Chinese and English, with the false positives they avoid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from qibu.okrs.models import Level
from qibu.okrs.quality import Advice, key_result_warnings, objective_number, objective_warnings, task_verb
from qibu.org.models import Organisation

GOOD_KR = {"title": "苏州新签 4 家客户", "kind": "increase", "start_value": "0", "target_value": "4"}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _objective(**overrides: Any) -> list[Advice]:
    arguments: dict[str, Any] = {
        "organisation": Organisation(name="Test"),
        "owner_objective_count": 1,
        "key_results": [GOOD_KR],
        "has_alignment": True,
        "level": Level.PERSON,
        "start_date": dt.date(2026, 10, 1),
        "end_date": dt.date(2026, 12, 31),
        "title": "打开苏州市场",
        "strategic_goal": None,
        "priority_chosen": True,
    }
    return objective_warnings(**{**arguments, **overrides})


def _rules(advice: list[Advice]) -> list[str]:
    return [a.rule for a in advice]


# --- SET-5: an outcome, not a task ---------------------------------------------------------------------------

CHINESE_TASKS = {
    "完成新收银系统上线": "完成",
    "开展 3 次门店培训": "开展",
    "组织客户沙龙": "组织",
    "召开季度复盘会": "召开",
    "参加 2 场行业展会": "参加",
    "举办新品发布会": "举办",
    "推进数字化转型": "推进",
    "落实安全生产责任": "落实",
    "负责华东区销售": "负责",
    "协助市场部做活动": "协助",
    "做好客户服务": "做好",
    "进行用户调研": "进行",
    "跟进 20 家意向客户": "跟进",
    # The main verb after a time or manner phrase, or after the key result's number.
    "按时完成 Y3 量产": "完成",
    "季度内完成 3 次培训": "完成",
    "4月底前完成招聘": "完成",
    "KR1：组织人才盘点": "组织",
    "负责模块按节点完成量产前验证": "负责",  # a role: nothing measured
    "1. 开展培训": "开展",
}
CHINESE_OUTCOMES = [
    "完成率达到 95%",  # a rate: a measure, not a task
    "完成度不低于 90%",
    "组织架构调整到位",
    "组织效能提升 20%",
    "参加人数达到 500 人",
    "参与度提升到 80%",
    "执行力评分 4.5 分",
    "苏州新签 4 家客户",
    "签约标杆客户 10 家",
    "客户满意度提升到 90 分",
    "Y3 智能收银一体机年内完成量产",  # the subject leads; it is done when the machines are
    # 负责 with a number: the service, account or module in one's charge, measured.
    "负责服务可用性保持在99.9%至99.99%之间",
    "负责账号新增关注3000人",
    "负责模块遗留问题从20个清零",
    # A measured change makes an outcome of a title that starts with a task.
    "组织 3 场沙龙,参与人数达到 300 人",
    "完成回款从 200 万提升到 260 万",
]
ENGLISH_TASKS = {
    "Launch the mobile app": "Launch",
    "Hold 3 workshops with store managers": "Hold",
    "Attend 3 trade fairs": "Attend",
    "Organise a partner day": "Organise",
    "Organize a hackathon": "Organize",
    "Run 5 campaigns": "Run",
    "Do user interviews": "Do",
    "Complete the data migration": "Complete",
    "Finish the pricing page": "Finish",
    "Conduct a security audit": "Conduct",
    "Help sales close deals": "Help",
    "Support the sales team": "Support",
    "Work on onboarding": "Work on",
    "Participate in 2 trade fairs": "Participate",
    "By June, launch the app": "launch",
    "Successfully complete the migration": "complete",
    "To hold a kick-off": "hold",
}
ENGLISH_OUTCOMES = [
    "Completion rate above 95%",
    "Completed orders reach 10,000",
    "Hold time below 30 seconds",
    "Support tickets answered within 4 hours",
    "Run rate revenue of $5M",
    "Runway of 18 months",
    "Help desk response under 2 hours",
    "Launches per month reach 4",
    "Write-off below 1%",
    "Sign 4 new customers",
    "Doubling revenue in East China",
    "Setup time under 5 minutes",
]


@pytest.mark.parametrize(("title", "verb"), CHINESE_TASKS.items())
def test_it_finds_a_chinese_task_verb_at_the_start_or_as_the_main_verb_SET_5(title: str, verb: str) -> None:
    """SET-5."""
    assert task_verb(title) == verb


@pytest.mark.parametrize("title", CHINESE_OUTCOMES)
def test_it_does_not_mistake_a_chinese_measure_for_a_task_SET_5(title: str) -> None:
    """SET-5: 完成率, 组织架构, 参加人数 … are measures and things."""
    assert task_verb(title) is None


@pytest.mark.parametrize(("title", "verb"), ENGLISH_TASKS.items())
def test_it_finds_an_english_task_verb_by_whole_words_SET_5(title: str, verb: str) -> None:
    """SET-5."""
    assert task_verb(title) == verb


@pytest.mark.parametrize("title", ENGLISH_OUTCOMES)
def test_it_does_not_mistake_an_english_measure_for_a_task_SET_5(title: str) -> None:
    """SET-5: word boundaries ("completion", "runway", "launches") and nouns after the verb ("support tickets")."""
    assert task_verb(title) is None


def test_it_explains_a_task_like_key_result_and_how_to_fix_it_SET_5() -> None:
    """SET-5."""
    task = {**GOOD_KR, "title": "召开 3 次客户答谢会", "target_value": "3"}
    (advice,) = key_result_warnings(task, 2)
    assert advice.rule == "SET-5"
    assert advice.text.startswith("Key result 2 “召开 3 次客户答谢会” reads as a task (“召开 …”)")
    assert "describe the result the work brings, with a number" in advice.text
    assert "SET" not in advice.text
    with translation.override("zh-hans"):
        (advice,) = key_result_warnings(task, 2)
    assert advice.text.startswith("关键结果 2“召开 3 次客户答谢会”读起来像一项任务(“召开……”)")
    assert "把工作本身放进行动计划" in advice.text


def test_it_tells_a_key_result_without_a_target_to_use_the_number_of_its_title_SET_5() -> None:
    """SET-5: the title says 10, the target is empty."""
    (advice,) = key_result_warnings({**GOOD_KR, "title": "签约标杆客户 10 家", "target_value": ""})
    assert advice.rule == "SET-5"
    assert advice.text.startswith("This key result has no target value. Enter the number its title names (10)")


def test_it_warns_about_a_key_result_with_no_number_at_all_SET_5() -> None:
    """SET-5: neither the title nor a target says how much."""
    (advice,) = key_result_warnings({**GOOD_KR, "title": "Make customers happier", "target_value": ""}, 1)
    assert advice.text.startswith("Key result 1 “Make customers happier” has no number: neither its title nor")
    with translation.override("zh-hans"):
        (advice,) = key_result_warnings({**GOOD_KR, "title": "让客户更满意", "target_value": ""})
    assert advice.text.startswith("这个关键结果没有数字:标题和目标值都没有说明要达到多少。")


def test_it_asks_a_band_for_its_limits_and_milestones_for_steps_SET_5() -> None:
    """SET-5."""
    band = {"title": "毛利率保持在合理区间", "kind": "band", "band_low": "60", "band_high": ""}
    assert _rules(key_result_warnings(band)) == ["SET-5"]
    assert key_result_warnings({**band, "band_high": "66"}) == []
    steps = {"title": "新版收银系统上线", "kind": "milestones", "milestones": []}
    assert "has none: list the steps" in key_result_warnings(steps)[0].text
    assert key_result_warnings({**steps, "milestones": ["试点", "推广"]}) == []
    assert key_result_warnings({**steps, "milestones": None}) == []  # not known: nothing said


def test_it_says_nothing_about_a_measurable_outcome_SET_5() -> None:
    """SET-5."""
    assert key_result_warnings(GOOD_KR) == []
    assert key_result_warnings({"title": "The Suzhou office is open", "kind": "boolean"}) == []


# --- SET-8: dates ------------------------------------------------------------------------------------------


def test_it_warns_about_a_key_result_without_dates_where_the_form_asks_for_them_SET_8() -> None:
    """SET-8: the key result's own form has dates; the objective's editor (no date fields) says nothing."""
    dated = {**GOOD_KR, "start_date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 12, 31)}
    assert key_result_warnings(dated) == []
    (advice,) = key_result_warnings({**dated, "end_date": None})
    assert (advice.rule, advice.text) == ("SET-8", "This key result has no start and end dates; the objective's dates will be used.")  # fmt: skip
    assert key_result_warnings(GOOD_KR) == []


def test_it_warns_about_an_objective_without_dates_SET_8() -> None:
    """SET-8."""
    assert _rules(_objective(start_date=None)) == ["SET-8"]


# --- COACH-1: an objective that is a number ------------------------------------------------------------------

NUMBERS = {
    "营收 5000 万": "5000 万",
    "Revenue 5M": "5M",
    "季度收入达到 1000 万元": "1000 万元",
    "全年营业收入从3200万元提升至5000万元": "5000万元",
    "Grow revenue to $5M": "$5M",
    "Reach $5M ARR": "$5M",
    "NPS ≥ 60": "60",
    "毛利率 > 30%": "30%",
    "签约 20 家新客户": "20 家",
}
WORDS = [
    "打开苏州市场",
    "成为华东市场第一",  # an ordinal, not a quantity
    "销售部拿下十家标杆客户",
    "2026 年打开苏州市场",  # a year
    "Q4 冲刺",  # a label
    "Make 2026 our best year yet",
    "让 80% 的门店用上新收银",  # a number in an ambition said in words
    "Become the leading brand in East China with a 30% share",
    "实现规模化增长,站稳华东连锁零售市场",
]


@pytest.mark.parametrize(("title", "number"), NUMBERS.items())
def test_it_finds_an_objective_that_is_itself_a_number(title: str, number: str) -> None:
    """COACH-1."""
    assert objective_number(title) == number


@pytest.mark.parametrize("title", WORDS)
def test_it_leaves_an_objective_in_words_alone_even_with_a_number_in_it(title: str) -> None:
    """COACH-1."""
    assert objective_number(title) is None


def test_it_explains_why_an_objective_is_not_a_number_and_where_the_number_goes() -> None:
    """COACH-1, in both languages, without the rule's ID in the sentence."""
    (advice,) = _objective(title="营收 5000 万")
    assert advice.rule == "COACH-1"
    assert advice.text.startswith("This objective is a number (“5000 万”). An objective says in words where")
    assert "move “5000 万” into a key result" in advice.text and "COACH" not in advice.text
    with translation.override("zh-hans"):
        (advice,) = _objective(title="Revenue 5M")
    assert advice.text.startswith("这个目标本身是一个数字(“5M”)。")


# --- SET-6, VIS-2: alignment and strategy ----------------------------------------------------------------------


def test_it_asks_a_company_objective_for_its_strategic_goal_VIS_2() -> None:
    """VIS-2: a company objective traces to a strategic goal (it needs no parent: SET-6 is not its)."""
    (advice,) = _objective(level=Level.COMPANY, has_alignment=False, strategic_goal=False)
    assert advice.rule == "VIS-2"
    assert advice.text.startswith("This company objective serves no strategic goal. Choose the strategic goal")
    assert _objective(level=Level.COMPANY, has_alignment=False, strategic_goal=True) == []
    assert _objective(level=Level.COMPANY, has_alignment=False, strategic_goal=None) == []  # not asked
    with translation.override("zh-hans"):
        (advice,) = _objective(level=Level.COMPANY, strategic_goal=False)
    assert advice.text.startswith("这个公司目标没有服务于任何战略目标。")


def test_it_counts_a_strategic_goal_as_the_alignment_of_a_department_objective_SET_6() -> None:
    """SET-6: the company's strategy is one of the things an objective may align with."""
    assert _rules(_objective(level=Level.DEPARTMENT, has_alignment=False, strategic_goal=False)) == ["SET-6"]
    assert _objective(level=Level.DEPARTMENT, has_alignment=False, strategic_goal=True) == []
    assert _objective(level=Level.DEPARTMENT, has_alignment=True, strategic_goal=False) == []


# --- SET-10: priority --------------------------------------------------------------------------------------------


def test_it_warns_when_no_priority_is_chosen_SET_10() -> None:
    """SET-10: left empty, P1 is used; the advice says so and how to choose."""
    (advice,) = _objective(priority_chosen=False)
    assert advice.rule == "SET-10"
    assert advice.text.startswith("No priority is chosen, so it will be P1 — high. The method orders plans")
    assert _objective(priority_chosen=None) == []
    with translation.override("zh-hans"):
        (advice,) = _objective(priority_chosen=False)
    assert advice.text.startswith("还没有选择优先级,将默认为 P1")


def test_it_lists_every_rule_in_order_with_the_key_results_in_theirs() -> None:
    """SET-3, SET-4, COACH-1, SET-5, SET-6, SET-8, SET-10 at once."""
    task = {**GOOD_KR, "title": "Launch the app"}
    advice = _objective(
        owner_objective_count=4,
        key_results=[task] * 4,
        has_alignment=False,
        start_date=None,
        title="Revenue 5M",
        priority_chosen=False,
    )
    assert _rules(advice) == ["SET-3", "SET-4", "COACH-1", "SET-5", "SET-5", "SET-5", "SET-5", "SET-6", "SET-8", "SET-10"]  # fmt: skip
    assert not any(rule in a.text for a in advice for rule in ("SET-", "VIS-", "COACH-"))


def test_it_says_when_the_organisations_policy_departs_from_the_method_SET_4() -> None:
    """SET-4: the policy's numbers, and its departure from the method's, are in the sentence."""
    advice = _objective(organisation=Organisation(name="Test", max_key_results=2), key_results=[GOOD_KR] * 3)
    assert _rules(advice) == ["SET-4"]
    assert "1 to 2 per objective" in advice[0].text and "the method's default is 3" in advice[0].text
