"""When the update of a cycle may happen (UPD-1, UPD-5), read by the services, the pages and the daily job alike.

The update of a cycle opens on the day after it ends (the next cycle's first week, `cycles.phases`) once the
self-assessments and reflections are behind it: every person who owns key results in the cycle has submitted
their self-assessment and every reflection of the cycle is closed — or, whichever comes first, the reflection's
window is over (the method's rhythm wins over a late reflection, UPD-5). It stays open until the end of the
policy's `update_days`; then the cycle is closed (locked) by the daily job, or earlier by an executive closing the
update. After that only the policy's late updaters still record decisions, and what they do is flagged late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from qibu.assess.models import AssessmentState, SelfAssessment
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.phases import Phase, phase_window
from qibu.okrs.models import KeyResult
from qibu.org.models import Organisation, Person
from qibu.reflect.models import Reflection, ReflectionState


def update_kinds(organisation: Organisation) -> list[str]:
    """The cycles that are updated: quarters, and months where the policy updates monthly (UPD-1)."""
    return [CycleKind.QUARTER, CycleKind.MONTH] if organisation.update_every_months == 1 else [CycleKind.QUARTER]


def next_cycle_of(cycle: Cycle) -> Cycle | None:
    """The cycle of the same kind that follows it (the one its objectives are carried into). One query."""
    return Cycle.objects.filter(kind=cycle.kind, start__gt=cycle.end).order_by("start", "id").first()


def previous_cycle_of(cycle: Cycle) -> Cycle | None:
    return Cycle.objects.filter(kind=cycle.kind, end__lt=cycle.start).order_by("-end", "-id").first()


@dataclass(frozen=True)
class Window:
    cycle: Cycle
    next_cycle: Cycle | None
    start: dt.date
    end: dt.date
    # What still stands before the update (UPD-1), in the user's language; empty once it may begin.
    missing: list[str] = field(default_factory=list)
    is_open: bool = False  # decisions may be recorded by anyone allowed
    is_locked: bool = False  # the cycle is closed or its window over: late updaters only (UPD-5)

    @property
    def has_begun(self) -> bool:
        return not self.missing


def update_window(cycle: Cycle, organisation: Organisation, today: dt.date) -> Window:
    """The update window of `cycle` on `today`, with what is still missing (UPD-1). Four queries."""
    window = phase_window(cycle, organisation, Phase.UPDATE)
    reflect = phase_window(cycle, organisation, Phase.REFLECT)
    next_cycle = next_cycle_of(cycle)
    missing: list[str] = []
    if next_cycle is None:
        missing.append(_("There is no next cycle to carry the objectives into: create it first."))
    if today < window.start:
        missing.append(_("The update opens on %(day)s, after the cycle ends.") % {"day": window.start.isoformat()})
    elif not reflect.is_over(today) and not cycle.is_closed:
        owners = KeyResult.objects.filter(objective__cycle=cycle, owner__isnull=False, owner__is_active=True)
        unsubmitted = (
            owners.exclude(
                Exists(
                    SelfAssessment.objects.filter(
                        person_id=OuterRef("owner_id"), cycle=cycle, state=AssessmentState.SUBMITTED
                    )
                )
            )
            .values_list("owner_id", flat=True)
            .distinct()
            .count()
        )
        if unsubmitted:
            missing.append(_("%(n)s people have not submitted their self-assessment yet.") % {"n": unsubmitted})
        open_reflections = Reflection.objects.filter(cycle=cycle).exclude(state=ReflectionState.CLOSED).count()
        if open_reflections:
            missing.append(_("%(n)s reflections are still open.") % {"n": open_reflections})
        if missing:
            missing.append(
                _("Or wait until the reflection's window is over on %(day)s.") % {"day": reflect.end.isoformat()}
            )
    locked = cycle.is_closed or window.is_over(today)
    return Window(
        cycle=cycle,
        next_cycle=next_cycle,
        start=window.start,
        end=window.end,
        missing=missing,
        is_open=not missing and not locked,
        is_locked=locked,
    )


def is_late_updater(organisation: Organisation, person: Person) -> bool:
    return organisation.late_updaters.filter(pk=person.pk).exists()
