"""The self-assessment step's facts (PLAY-EXEC, SELF-1) for the quarter's calendar and its reminders: each active
person who owns a key result of the quarter's running, agreed objectives (`selectors.assessed_key_results`) owes a
self-assessment; done once it is submitted — for the quarter, or, when the policy says monthly, for the quarter's
last month. Two queries."""

from __future__ import annotations

from django.db.models import Q

from qibu.assess.models import AssessmentState, SelfAssessment
from qibu.cycles.models import Cycle
from qibu.cycles.phases import PhaseFacts
from qibu.okrs.models import KeyResult, Status, agreed_q
from qibu.org.models import Organisation


def self_assess_facts(cycle: Cycle, organisation: Organisation) -> PhaseFacts:
    expected = set(
        KeyResult.objects.filter(objective__cycle=cycle, objective__status=Status.ACTIVE, owner__is_active=True)
        .filter(agreed_q("objective__"))
        .values_list("owner_id", flat=True)
        .distinct()
    )
    done = set(
        SelfAssessment.objects.filter(Q(cycle=cycle) | Q(cycle__parent=cycle, cycle__end=cycle.end))
        .filter(state=AssessmentState.SUBMITTED, person__is_active=True)
        .values_list("person_id", flat=True)
    )
    return PhaseFacts(people_expected=frozenset(expected), people_done=frozenset(done & expected))
