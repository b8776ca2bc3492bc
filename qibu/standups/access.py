"""Who may see a team's stand-ups and do what in them. One lookup per resource for pages and API alike: `Http404`
when invisible, then the caller answers 403 for a change one may not make.

- See: the team's people and its lead, the heads of its department and the departments above, executives and
  administrators.
- Post: one's own entry only, as one of the stand-up's people (EXE-1).
- Close and run the live mode: the team's lead, the heads above it, administrators, or the facilitator, who is
  whoever started the live mode; only the facilitator moves the speakers on.
"""

from __future__ import annotations

from django.http import Http404

from qibu.org.models import Department, Person, Team
from qibu.standups.models import StandUp


def _heads(person: Person, team: Team) -> bool:
    return Department.objects.filter(head=person, pk__in=team.department.ancestor_ids).exists()


def is_participant(person: Person, team: Team) -> bool:
    return person.is_active and (person.team_id == team.pk or team.lead_id == person.pk)


def can_view_team(person: Person, team: Team) -> bool:
    if person.is_admin or person.is_executive or is_participant(person, team):
        return True
    return _heads(person, team)


def can_lead(person: Person, team: Team) -> bool:
    """May close the stand-up and start its live mode without being a participant."""
    return person.is_admin or team.lead_id == person.pk or _heads(person, team)


def team_for(person: Person, pk: int) -> Team:
    team = Team.objects.select_related("department", "lead").filter(pk=pk).first()
    if team is None or not can_view_team(person, team):
        raise Http404
    return team


def stand_up_for(person: Person, pk: int) -> StandUp:
    stand_up = (
        StandUp.objects.select_related("team", "team__department", "team__lead", "schedule").filter(pk=pk).first()
    )
    if stand_up is None or not can_view_team(person, stand_up.team):
        raise Http404
    return stand_up


def may_close(person: Person, stand_up: StandUp) -> bool:
    return stand_up.facilitator_id == person.pk or can_lead(person, stand_up.team)


def may_facilitate(person: Person, stand_up: StandUp) -> bool:
    """May start the live mode: a participant, the lead or a head above (while nobody runs it)."""
    return is_participant(person, stand_up.team) or can_lead(person, stand_up.team)


def is_facilitator(person: Person, stand_up: StandUp) -> bool:
    return stand_up.facilitator_id == person.pk
