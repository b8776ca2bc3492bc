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

from django.utils.translation import gettext_lazy as _

from qibu.okrs.panels import HomePanel

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
    order: int = 0  # within a rank and time, lower first (e.g. an objective's priority, a deadline's day)


FocusSource = Callable[["Person", "Organisation", dt.datetime], list[FocusItem]]

_SOURCES: dict[str, FocusSource] = {}


def register_focus_source(name: str, source: FocusSource) -> None:
    """Add (or replace) the source `name`."""
    _SOURCES[name] = source


def daily_focus(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """Every source's items for `person` at `now`, first things first."""
    items = [item for source in _SOURCES.values() for item in source(person, organisation, now)]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(items, key=lambda item: (item.rank, item.when or far, item.order, item.title))


# --- the home page's panel and the API ----------------------------------------------------------------

# How many items the home page shows; the others are counted ("and 4 more"). Enough for a day, few enough to read
# at a glance: the point of a focus is that it is short.
FOCUS_LIMIT = 8


def rank_label(rank: Rank) -> str:
    """The heading of a rank's group, in the person's language."""
    labels = {
        Rank.OFF_TRACK: _("Off track"),
        Rank.BEHIND_PACE: _("Behind pace"),
        Rank.OVERDUE: _("Overdue"),
        Rank.DUE_TODAY: _("Due today"),
        Rank.BLOCKER: _("Blockers you own"),
        Rank.MEETING: _("Meetings today"),
        Rank.WAITING_ON_YOU: _("Waiting on you"),
    }
    return str(labels[rank])


@dataclass(frozen=True)
class FocusGroup:
    rank: Rank
    label: str
    items: list[FocusItem]


@dataclass(frozen=True)
class Focus:
    """The day's focus as the home page shows it: the first `FOCUS_LIMIT` items grouped by rank, and how many more
    there are."""

    groups: list[FocusGroup]
    more: int
    total: int


def focus_groups(items: list[FocusItem], limit: int = FOCUS_LIMIT) -> Focus:
    """The first `limit` of `items` (already in order) under their ranks, and the count of the rest."""
    groups: list[FocusGroup] = []
    for item in items[:limit]:
        if not groups or groups[-1].rank != item.rank:
            groups.append(FocusGroup(item.rank, rank_label(item.rank), []))
        groups[-1].items.append(item)
    return Focus(groups=groups, more=max(0, len(items) - limit), total=len(items))


def home_panel(person: Person, organisation: Organisation, now: dt.datetime) -> HomePanel:
    """EXE-7: the home page opens with the day's focus (registered first, in `OkrsConfig`), also when it is empty:
    then it says there is nothing urgent."""
    return HomePanel("okrs/_focus.html", {"focus": focus_groups(daily_focus(person, organisation, now))}, main=True)
