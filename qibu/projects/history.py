"""How the history of a project reads (registered at start-up by `ProjectsConfig.ready`): the project, its members
(by the person's name) and its stages (by name, with their dates in the reader's format). Projects are visible to
everyone (PUB-2), so their names are named for every reader."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import (
    Names,
    Ref,
    ValueFormat,
    register_action,
    register_format,
    register_labels,
    register_namer,
)
from qibu.projects.models import Project, ProjectMember, Stage

PROJECT = "projects.project"
STAGE = "projects.stage"
MEMBER = "projects.projectmember"


def _projects(ids: set[int], viewer: Any) -> dict[int, str]:
    return dict(Project.objects.filter(pk__in=ids).values_list("pk", "name"))


def _stages(ids: set[int], viewer: Any) -> dict[int, str]:
    return dict(Stage.objects.filter(pk__in=ids).values_list("pk", "name"))


def _members(ids: set[int], viewer: Any) -> dict[int, str]:
    rows = ProjectMember.objects.filter(pk__in=ids).values_list("pk", "person__full_name", "person__username")
    return {pk: full_name or username for pk, full_name, username in rows}


def _the_person(before: dict[str, Any], after: dict[str, Any]) -> Ref | None:
    """A member's entry is about the person, who stays named after they left the project."""
    person = (after or {}).get("person", (before or {}).get("person"))
    return ("org.person", person) if isinstance(person, int) else None


def _date(value: Any, names: Names) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def register() -> None:
    register_action("project.create", _("started the project"))
    register_action("project.update", _("changed the project"))
    register_action("project.close", _("closed the project"))
    register_action("project.reopen", _("reopened the project"))
    register_action("project_member.add", _("added a member"), about=_the_person, hidden=("person",))
    register_action("project_member.update", _("changed a member's role"))
    register_action("project_member.remove", _("removed a member"), about=_the_person, hidden=("person",))
    register_action("stage.add", _("added a stage"))
    register_action("stage.update", _("changed a stage"))
    register_action("stage.delete", _("deleted a stage"))
    # A stage's dates are its cycle's, kept in its entries under the cycle's names.
    register_labels({"start": _("start"), "end": _("end")})
    for key in ("start", "end"):
        register_format(STAGE, key, ValueFormat(show=_date))
    register_namer(PROJECT, _projects)
    register_namer(STAGE, _stages)
    register_namer(MEMBER, _members)
