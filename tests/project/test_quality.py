"""The quality coach: drafting warnings (SET-3 … SET-8) and what to push first (EXE-7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from qibu.okrs.models import Level
from qibu.okrs.quality import Advice, objective_warnings, policy_departures
from qibu.org.models import Organisation

GOOD_KR = {"title": "Sign 4 new customers", "kind": "increase", "start_value": "0", "target_value": "4"}
START = dt.date(2026, 10, 1)
END = dt.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _warnings(organisation: Organisation | None = None, **overrides: Any) -> list[Advice]:
    arguments: dict[str, Any] = {
        "organisation": organisation or Organisation(name="Test"),
        "owner_objective_count": 1,
        "key_results": [GOOD_KR],
        "has_alignment": True,
        "level": Level.PERSON,
        "start_date": START,
        "end_date": END,
    }
    arguments.update(overrides)
    return objective_warnings(**arguments)


def _rules(warnings: list[Advice]) -> list[str]:
    return [w.rule for w in warnings]


def test_it_has_nothing_to_say_about_a_well_formed_objective() -> None:
    assert _warnings() == []


def test_it_warns_past_three_objectives_per_owner_SET_3() -> None:
    """SET-3."""
    assert _warnings(owner_objective_count=3) == []
    warnings = _warnings(owner_objective_count=4)
    assert _rules(warnings) == ["SET-3"]
    assert "already has 3 objectives in this cycle; this one would make 4" in warnings[0].text
    assert "at most 3 per owner" in warnings[0].text
    assert "default" not in warnings[0].text


def test_it_names_the_organisations_own_limit_and_the_departure_SET_3() -> None:
    """SET-3."""
    organisation = Organisation(name="Test", max_objectives_per_owner=5)
    assert _warnings(organisation, owner_objective_count=5) == []
    warnings = _warnings(organisation, owner_objective_count=6)
    assert _rules(warnings) == ["SET-3"]
    assert "at most 5" in warnings[0].text
    assert "the method's default is 3" in warnings[0].text


def test_it_warns_when_the_key_results_are_too_few_or_too_many_SET_4() -> None:
    """SET-4."""
    assert _rules(_warnings(key_results=[])) == ["SET-4"]
    assert "has 0 key results" in _warnings(key_results=[])[0].text
    assert _warnings(key_results=[GOOD_KR] * 3) == []
    four = _warnings(key_results=[GOOD_KR] * 4)
    assert _rules(four) == ["SET-4"]
    assert "1 to 3" in four[0].text


def test_it_does_not_count_untitled_draft_rows_SET_4() -> None:
    """SET-4."""
    blank = {"title": "  ", "kind": "increase", "start_value": "0", "target_value": ""}
    assert _warnings(key_results=[GOOD_KR, blank, blank]) == []


def test_it_uses_the_organisations_key_result_range_SET_4() -> None:
    """SET-4."""
    organisation = Organisation(name="Test", min_key_results=2, max_key_results=5)
    warnings = _warnings(organisation, key_results=[GOOD_KR])
    assert _rules(warnings) == ["SET-4"]
    assert "2 to 5" in warnings[0].text
    assert "the method's default is 1" in warnings[0].text


def test_it_warns_about_a_key_result_without_a_target_number_SET_5() -> None:
    """SET-5."""
    no_target = {"title": "Make customers happier", "kind": "increase", "start_value": "0", "target_value": ""}
    not_a_number = {"title": "Grow revenue", "kind": "decrease", "start_value": "10", "target_value": "lots"}
    warnings = _warnings(key_results=[GOOD_KR, no_target, not_a_number])
    assert _rules(warnings) == ["SET-5", "SET-5"]
    assert "Key result 2 “Make customers happier”" in warnings[0].text
    assert "Key result 3 “Grow revenue”" in warnings[1].text


def test_it_warns_when_the_target_equals_the_start_SET_5() -> None:
    """SET-5."""
    flat = {"title": "Keep 10 accounts", "kind": "increase", "start_value": "10", "target_value": "10.0"}
    warnings = _warnings(key_results=[flat])
    assert _rules(warnings) == ["SET-5"]
    assert "nothing to measure" in warnings[0].text


def test_it_accepts_done_or_not_key_results_without_numbers_SET_5() -> None:
    """SET-5."""
    launch = {"title": "The Suzhou office is open", "kind": "boolean", "start_value": "", "target_value": ""}
    assert _warnings(key_results=[launch]) == []


def test_it_warns_about_an_objective_aligned_to_nothing_SET_6() -> None:
    """SET-6."""
    assert _rules(_warnings(has_alignment=False)) == ["SET-6"]
    assert _rules(_warnings(has_alignment=False, level=Level.DEPARTMENT)) == ["SET-6"]


def test_it_does_not_ask_a_company_objective_to_align_upwards_SET_6() -> None:
    """SET-6."""
    assert _warnings(has_alignment=False, level=Level.COMPANY) == []


def test_it_warns_when_dates_are_missing_SET_8() -> None:
    """SET-8."""
    assert _rules(_warnings(start_date=None)) == ["SET-8"]
    assert _rules(_warnings(end_date=None)) == ["SET-8"]
    assert _rules(_warnings(start_date=None, end_date=None)) == ["SET-8"]


def test_it_lists_several_rules_at_once_in_rule_order() -> None:
    warnings = _warnings(owner_objective_count=4, key_results=[], has_alignment=False, start_date=None)
    assert _rules(warnings) == ["SET-3", "SET-4", "SET-6", "SET-8"]


def test_it_lists_the_policy_departures_from_the_method() -> None:
    assert policy_departures(Organisation(name="Test")) == []
    lines = policy_departures(Organisation(name="Test", max_objectives_per_owner=5, checkin_cadence_days=14))
    assert len(lines) == 2
    assert "5 (the method's default: 3)" in lines[0]
    assert "14 (the method's default: 7)" in lines[1]


def test_it_lists_a_reward_tier_set_away_from_the_method_with_its_score_CEL_3() -> None:
    """CEL-3: a reward tier's threshold is a score, its default read from the same `Organisation.policy_default`."""
    organisation = Organisation(name="Test", reward_rich_from=Decimal("0.80"))
    assert organisation.departures_from_method() == ["reward_rich_from"]
    (line,) = policy_departures(organisation)
    assert "0.80 (the method's default: 0.70)" in line
    assert Organisation.policy_default("reward_rich_from") == Decimal("0.70")
    assert Organisation.policy_default("checkin_cadence_days") == 7


def test_it_translates_the_warnings_and_keeps_the_rule_id_apart() -> None:
    with translation.override("zh-hans"):
        warnings = _warnings(owner_objective_count=9)
    assert warnings[0].rule == "SET-3"
    assert "已有 8 个目标" in warnings[0].text
    assert "SET" not in warnings[0].text
