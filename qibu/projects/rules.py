"""The project's rule for okrs (registered with `qibu.okrs.people_rules` at start-up): the objectives of a project
stage, their key results and the people who carry those belong to members of the project (PLAY-PROJ)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from qibu.projects.models import ProjectMember

if TYPE_CHECKING:
    from qibu.okrs.models import Objective
    from qibu.org.models import Person


def member_ids_of(objective: Objective) -> set[int]:
    """The members of the project whose stage the objective is set in (none when no project has that stage)."""
    members = ProjectMember.objects.filter(project__stages__cycle_id=objective.cycle_id)
    return set(members.values_list("person_id", flat=True))


def not_a_member(person: Person) -> str:
    return _("%(name)s is not a member of the project: add them to its members first.") % {"name": person}


def owner_missing() -> str:
    return _("Every key result of a project has an owner: choose a member of the project.")
