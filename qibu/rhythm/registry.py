"""What an app above the rhythm adds to a kind of schedule's reminders, without the rhythm importing it: where the
reminder's link opens, and who has not done what the late reminder chases (the stand-up: who has not posted).
Filled from the apps' `AppConfig.ready()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qibu.org.models import Person
    from qibu.rhythm.models import Schedule


@dataclass(frozen=True)
class KindHooks:
    # The page a reminder of this schedule's occurrence at `due` opens.
    link: Callable[[Schedule, dt.datetime], str]
    # Of `people`, those who have not done it yet for the occurrence at `due` (a fixed number of queries).
    pending: Callable[[Schedule, dt.datetime, list[Person]], list[Person]] | None = None


_HOOKS: dict[str, KindHooks] = {}


def register_kind_hooks(kind: str, hooks: KindHooks) -> None:
    _HOOKS[kind] = hooks


def hooks_for(kind: str) -> KindHooks | None:
    return _HOOKS.get(kind)
