"""The seven phases of a cycle (PLAY-EXEC: set → publish → execute → self-assess → reflect → update → celebrate) and
their dates, from the organisation's policy. One pure function, so that the quarter's calendar, the reminders and
the windows that open and close the self-assessment, the reflection and the update all read the same dates.

Around a cycle that runs from `start` to `end` (both days included):

    set           start − set_lead_days … start + update_days − 1   (the update of the cycle before is its setting)
    publish       start … start + publish_within_days − 1
    execute       start … end
    self-assess   end − self_assessment_days + 1 … end
    reflect       end + 1 … end + reflection_days
    update        end + 1 … end + update_days                      (the next cycle's first week, UPD-1)
    celebrate     end + 1 … end + celebration_days
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from qibu.cycles.models import Cycle
    from qibu.org.models import Organisation


class Phase(models.TextChoices):
    """The steps of the method, in their order."""

    SET = "set", _("set")
    PUBLISH = "publish", _("publish")
    EXECUTE = "execute", _("execute")
    SELF_ASSESS = "self_assess", _("self-assess")
    REFLECT = "reflect", _("reflect")
    UPDATE = "update", _("update")
    CELEBRATE = "celebrate", _("celebrate")


@dataclass(frozen=True)
class PhaseWindow:
    phase: Phase
    start: dt.date
    end: dt.date  # included

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_over(self, day: dt.date) -> bool:
        return day > self.end

    def has_begun(self, day: dt.date) -> bool:
        return day >= self.start


def phase_windows(cycle: Cycle, organisation: Organisation) -> list[PhaseWindow]:
    """The cycle's seven phases with their dates, in the method's order."""
    day = dt.timedelta(days=1)
    start, end = cycle.start, cycle.end
    o = organisation
    self_assess_start = max(start, end - (o.self_assessment_days - 1) * day)
    return [
        PhaseWindow(Phase.SET, start - o.set_lead_days * day, start + (o.update_days - 1) * day),
        PhaseWindow(Phase.PUBLISH, start, min(end, start + (o.publish_within_days - 1) * day)),
        PhaseWindow(Phase.EXECUTE, start, end),
        PhaseWindow(Phase.SELF_ASSESS, self_assess_start, end),
        PhaseWindow(Phase.REFLECT, end + day, end + o.reflection_days * day),
        PhaseWindow(Phase.UPDATE, end + day, end + o.update_days * day),
        PhaseWindow(Phase.CELEBRATE, end + day, end + o.celebration_days * day),
    ]


def phase_window(cycle: Cycle, organisation: Organisation, phase: Phase) -> PhaseWindow:
    """One of the cycle's phases."""
    return next(w for w in phase_windows(cycle, organisation) if w.phase == phase)


@dataclass(frozen=True)
class PhaseFacts:
    """Who owes one phase of a cycle and who has done it, as ids (people are `org.Person` ids). The quarter's
    calendar turns them into done and missing for the company, each department and each person, and the reminders
    into whom to remind. An empty set means nobody owes the phase at that level."""

    people_expected: frozenset[int] = field(default_factory=frozenset)
    people_done: frozenset[int] = field(default_factory=frozenset)
    departments_expected: frozenset[int] = field(default_factory=frozenset)
    departments_done: frozenset[int] = field(default_factory=frozenset)
    company_expected: bool = False
    company_done: bool = False

    @property
    def people_missing(self) -> frozenset[int]:
        return self.people_expected - self.people_done

    @property
    def departments_missing(self) -> frozenset[int]:
        return self.departments_expected - self.departments_done


PhaseFactsFn = Callable[["Cycle", "Organisation"], PhaseFacts]
_FACTS: dict[Phase, PhaseFactsFn] = {}


def register_phase_facts(phase: Phase, facts: PhaseFactsFn) -> None:
    """Called from an app's `AppConfig.ready()`: the app that owns a phase says who owes it and who has done it,
    in a fixed number of queries whatever the company's size. One app per phase."""
    if phase in _FACTS and _FACTS[phase] is not facts:
        raise ValueError(f"phase {phase} already has its facts")
    _FACTS[phase] = facts


def phase_facts(cycle: Cycle, organisation: Organisation, phase: Phase) -> PhaseFacts | None:
    """The registered facts of one phase, or None when no app has registered them."""
    facts = _FACTS.get(phase)
    return None if facts is None else facts(cycle, organisation)
