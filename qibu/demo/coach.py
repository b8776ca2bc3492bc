"""The OKR coach in the demo company: the two rules of number that block a submission there (SET-3: at most three
objectives per owner; SET-4: one to three key results), so that the Coach settings page shows the choice made and
an objective page marks such advice "blocks submission". The demo's OKRs keep both rules; the coach's other advice
on them (key results worded as tasks, company objectives not tied to a strategic goal) stays advice, and the
cycle's quality report shows it."""

from __future__ import annotations

from qibu.org.models import Organisation
from qibu.org.services import organisation_set_coach_blocking

BLOCKING = ("SET-3", "SET-4")


def build_coach(organisation: Organisation) -> None:
    """Choose the demo company's blocking rules, as its administrator would (through the service, in history)."""
    organisation_set_coach_blocking(actor=None, organisation=organisation, rules=list(BLOCKING))
