"""The publish step's facts (PLAY-EXEC, PUB-1) for the quarter's calendar: the company owes a publication of the
cycle, done once one was compiled and sent. One query."""

from __future__ import annotations

from qibu.cycles.models import Cycle
from qibu.cycles.phases import PhaseFacts
from qibu.org.models import Organisation
from qibu.publish.models import Publication, State


def publish_facts(cycle: Cycle, organisation: Organisation) -> PhaseFacts:
    sent = Publication.objects.filter(cycle=cycle, state=State.PUBLISHED).exists()
    return PhaseFacts(company_expected=True, company_done=sent)
