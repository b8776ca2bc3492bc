"""EXE-7: the daily focus puts first things first, whichever app an item comes from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from qibu.okrs import focus
from qibu.okrs.focus import FocusItem, Rank, daily_focus, register_focus_source

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def only_these_sources() -> Iterator[None]:
    saved = dict(focus._SOURCES)
    focus._SOURCES.clear()
    yield
    focus._SOURCES.clear()
    focus._SOURCES.update(saved)


def _item(title: str, rank: Rank, when: dt.datetime | None = None) -> FocusItem:
    return FocusItem(source="test", rank=rank, title=title, reason="", url="/", when=when)


def test_it_orders_by_rank_then_time_across_sources_EXE_7(only_these_sources: None) -> None:
    later = NOW + dt.timedelta(hours=3)
    register_focus_source("a", lambda *_: [_item("meeting", Rank.MEETING, NOW), _item("slipping", Rank.OFF_TRACK)])
    register_focus_source("b", lambda *_: [_item("due late", Rank.DUE_TODAY, later), _item("due", Rank.DUE_TODAY, NOW)])
    person: Any = object()
    titles = [item.title for item in daily_focus(person, person, NOW)]
    assert titles == ["slipping", "due", "due late", "meeting"]
