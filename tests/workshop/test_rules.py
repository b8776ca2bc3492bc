"""The workshop's plain rules: a note's length (WS-3) and the random groups of 5–7 (WS-1)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qibu.workshop.rules import draw_groups, group_count, group_size_problem, note_problem, note_size, pick_leaders


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("提升老客户复购率到三成", ("han", 11)),
        ("NPS 提升到 50 分以上", ("han", 8)),  # "NPS" and "50" are one each
        ("Win back the customers we lost", ("latin", 6)),
        ("Don't lose well-known clients", ("latin", 4)),
    ],
)
def test_ws_3_a_note_is_counted_by_chinese_characters_or_by_words(text: str, size: tuple[str, int]) -> None:
    assert note_size(text) == size


def test_ws_3_the_length_rule_says_what_it_wants_and_what_it_got() -> None:
    assert note_problem("提升老客户复购率到三成") is None
    assert note_problem("太短了") == "A note in Chinese has 8 to 20 characters; this one has 3."
    assert note_problem("一" * 21) == "A note in Chinese has 8 to 20 characters; this one has 21."
    assert note_problem("Too short") == "A note has 3 to 12 words; this one has 2."
    assert note_problem("   ") == "Write the note."
    assert note_problem("第一个观点写在这里\n第二个观点写在这里") is not None


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=10_000))
def test_ws_1_everyone_is_drawn_once_into_groups_of_five_to_seven(people: int, seed: int) -> None:
    groups = draw_groups(list(range(people)), random.Random(seed))
    assert sorted(p for g in groups for p in g) == list(range(people))
    sizes = [len(g) for g in groups]
    assert max(sizes) - min(sizes) <= 1
    if people >= 10 or 5 <= people <= 7:
        assert all(5 <= s <= 7 for s in sizes)
        assert group_size_problem(people) is None
    else:
        assert group_size_problem(people) is not None
    leaders = pick_leaders(groups, random.Random(seed))
    assert all(leader in group for leader, group in zip(leaders, groups, strict=True))


@pytest.mark.parametrize(("people", "groups"), [(6, 1), (10, 2), (12, 2), (13, 2), (20, 3), (60, 10)])
def test_ws_1_group_sizes_are_nearest_six(people: int, groups: int) -> None:
    assert group_count(people) == groups
