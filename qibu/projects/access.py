"""Who may see and who may change a project (PUB-2: every project is visible to everyone in the company).

Administrators and executives start projects and name their lead; the lead and administrators run a project: its
vision and mission, members, stages, the stages' objectives and key results and who carries them. An objective's
owner changes their own objective (as `qibu.okrs.access.can_edit` says), and a key result's owner says who carries
it with them. Executives see every project and the stages' alignment to their objectives, but run only those they
lead: the project is the lead's to decompose and empower (PLAY-PROJ 步骤五).

One lookup per resource for pages and API alike: `project_for(person, pk)` answers 404 for no such project (or
nobody signed in), and whether the person may change it (the caller answers 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qibu.okrs.access import can_edit, can_view, objective_queryset
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.projects.models import Project, ProjectMember, Stage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qibu.org.models import Person

CREATE_REFUSED = _("Administrators and executives start projects.")
CHANGE_REFUSED = _("Only the project's lead and administrators change the project.")
CARRIERS_REFUSED = _(
    "The project's lead, the objective's owner and the key result's owner say who carries a key result."
)


def _signed_in(person: Person | AnonymousUser) -> bool:
    return bool(person.is_authenticated and person.is_active)


def can_create_project(person: Person | AnonymousUser) -> bool:
    return person.is_authenticated and person.is_active and person.is_executive


def can_manage(person: Person | AnonymousUser, project: Project) -> bool:
    """The lead and administrators run the project."""
    if not person.is_authenticated or not person.is_active:
        return False
    return person.is_admin or person.pk == project.lead_id


def project_queryset() -> QuerySet[Project]:
    return Project.objects.select_related("lead", "lead__department")


def project_for(person: Person, pk: int) -> tuple[Project, bool]:
    """The project (with its lead), else Http404; and whether `person` may change it."""
    if not _signed_in(person):
        raise Http404
    try:
        project = project_queryset().get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return project, can_manage(person, project)


def stage_for(project: Project, pk: int) -> Stage:
    """A stage of this project (with its cycle), else Http404."""
    try:
        return Stage.objects.select_related("cycle").get(pk=pk, project=project)
    except (Stage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def member_for(project: Project, pk: int) -> ProjectMember:
    """A member of this project (with the person), else Http404."""
    try:
        return ProjectMember.objects.select_related("person", "person__department").get(pk=pk, project=project)
    except (ProjectMember.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def stage_objective_for(person: Person, project: Project, pk: int) -> tuple[Objective, Stage, bool]:
    """An objective of one of the project's stages that `person` may see (else Http404), its stage, and whether
    they may change it: the lead and administrators, or the objective's owner."""
    try:
        objective = objective_queryset().get(pk=pk, level=Level.PROJECT)
    except (Objective.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    stage = Stage.objects.filter(project=project, cycle_id=objective.cycle_id).select_related("cycle").first()
    if stage is None or not can_view(person, objective):
        raise Http404
    objective.cycle = stage.cycle
    return objective, stage, can_manage(person, project) or can_edit(person, objective)


def project_key_result_for(person: Person, project: Project, pk: int) -> tuple[KeyResult, Objective, Stage, bool]:
    """A key result of a stage objective of the project (else Http404), with whether `person` may change it."""
    objective_id = KeyResult.objects.filter(pk=pk).values_list("objective_id", flat=True).first() if pk else None
    if objective_id is None:
        raise Http404
    objective, stage, editable = stage_objective_for(person, project, objective_id)
    key_result = KeyResult.objects.select_related("owner").get(pk=pk)
    key_result.objective = objective
    return key_result, objective, stage, editable


def can_set_carriers(person: Person, key_result: KeyResult, *, editable: bool) -> bool:
    """Who says who carries a key result: those who may change its objective (`editable`), and its owner."""
    return editable or (_signed_in(person) and key_result.owner_id == person.pk)
