"""The daily focus's source `assess.due` (SELF-1): while the self-assessment window of the current period is open
and the person's is not submitted."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.assess.models import AssessmentState, SelfAssessment
from qibu.assess.selectors import assessed_key_results
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.phases import Phase, phase_window
from qibu.okrs.focus import FocusItem, Rank
from qibu.org.models import Organisation, Person


def assessment_due(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """Three queries at most: the period of today, the person's submitted one, whether they own a key result."""
    today = timezone.localdate(now)
    kind = CycleKind.MONTH if organisation.self_assessment_every_months == 1 else CycleKind.QUARTER
    cycle = Cycle.objects.select_related("parent").filter(kind=kind, start__lte=today, end__gte=today).first()
    if cycle is None or not phase_window(cycle, organisation, Phase.SELF_ASSESS).contains(today):
        return []
    if SelfAssessment.objects.filter(person=person, cycle=cycle, state=AssessmentState.SUBMITTED).exists():
        return []
    if not assessed_key_results(person, cycle).exists():
        return []
    return [
        FocusItem(
            source="assess.due",
            rank=Rank.DUE_TODAY,
            title=_("Your self-assessment of %(period)s") % {"period": cycle.name},
            reason=_("The self-assessment is open until %(day)s: score your key results and submit.")
            % {"day": cycle.end.isoformat()},
            url=reverse("assess:mine", args=[cycle.pk]),
        )
    ]
