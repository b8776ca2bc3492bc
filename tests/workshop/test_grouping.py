"""Qibu's proposals while combining and distilling (WS-4, WS-5): notes grouped by shared key words, never more
than five columns, and a column's key words."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from qibu.workshop.grouping import column_keywords, propose_grouping

NOTES = {
    1: "提升老客户复购率",
    2: "老客户流失太多",
    3: "开拓苏州市场",
    4: "苏州市场份额翻倍",
    5: "提高员工满意度",
    6: "食堂的饭菜要改善",
}


def test_ws_4_notes_that_share_a_key_word_are_proposed_in_one_column() -> None:
    proposed = propose_grouping(NOTES)
    together = [set(p.note_ids) for p in proposed]
    assert {1, 2} in together and {3, 4} in together
    assert all(p.column_id is None for p in proposed)
    assert not any(6 in ids for ids in together)  # fits nowhere: left to the leader


def test_ws_4_existing_columns_take_their_notes_and_the_total_stays_within_five() -> None:
    columns = [(10, "客户", ["老客户满意度"]), (11, "a", []), (12, "b", []), (13, "c", []), (14, "d", [])]
    proposed = propose_grouping(NOTES, columns, max_columns=5)
    assert {p.column_id for p in proposed} <= {10, 11, 12, 13, 14}
    customers = next(p for p in proposed if p.column_id == 10)
    assert {1, 2} <= set(customers.note_ids)


def test_english_notes_group_by_their_words() -> None:
    proposed = propose_grouping(
        {1: "Win back lost customers", 2: "Customers renew every year", 3: "Hire ten engineers"}
    )
    assert [set(p.note_ids) for p in proposed] == [{1, 2}]


def test_ws_5_a_columns_key_words_come_most_frequent_first() -> None:
    assert column_keywords(["提升老客户复购率", "老客户流失太多", "挽回老客户"])[0] == "老客户"


@given(st.dictionaries(st.integers(1, 50), st.sampled_from([*NOTES.values(), "客户", "市场份额"]), max_size=30))
def test_ws_4_a_proposal_places_each_unsorted_note_at_most_once(notes: dict[int, str]) -> None:
    proposed = propose_grouping(notes, max_columns=5)
    placed = [pk for p in proposed for pk in p.note_ids]
    assert len(placed) == len(set(placed)) and set(placed) <= set(notes)
    assert len(proposed) <= 5


def test_jieba_is_not_loaded_by_importing_the_grouping() -> None:
    code = "import django; django.setup(); import qibu.workshop.grouping, sys; sys.exit('jieba' in sys.modules)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qibu.settings"}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0
