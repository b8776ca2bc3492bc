"""The daily focus (EXE-7): what each person should push first today, gathered from every app without okrs knowing
them. An app registers a source from its `AppConfig.ready()`; the home page asks every source for the signed-in
person's items and shows them in the order of `Rank`, then by time.

A source answers in a fixed number of queries whatever the size of the company (the home page's query count is
asserted), with texts already in the person's language, and only what the person may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qibu.org.models import Organisation, Person


class Rank(IntEnum):
    """What comes first: results slipping, then what falls due today, then what stands in the way, then the day's
    meetings, then what others wait for."""

    OFF_TRACK = 0
    BEHIND_PACE = 10
    OVERDUE = 20
    DUE_TODAY = 30
    BLOCKER = 40
    MEETING = 50
    WAITING_ON_YOU = 60


@dataclass(frozen=True)
class FocusItem:
    source: str  # the registered source's name, e.g. "plans.steps"
    rank: Rank
    title: str  # what: a key result's, step's or blocker's title, a meeting's name
    reason: str  # why it is on the list today, in a short sentence
    url: str
    when: dt.datetime | None = None  # a due time or a meeting's start, for the order within a rank


FocusSource = Callable[["Person", "Organisation", dt.datetime], list[FocusItem]]

_SOURCES: dict[str, FocusSource] = {}


def register_focus_source(name: str, source: FocusSource) -> None:
    """Add (or replace) the source `name`."""
    _SOURCES[name] = source


def daily_focus(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """Every source's items for `person` at `now`, first things first."""
    items = [item for source in _SOURCES.values() for item in source(person, organisation, now)]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(items, key=lambda item: (item.rank, item.when or far, item.title))
