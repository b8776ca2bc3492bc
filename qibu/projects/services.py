"""Writes on projects (PLAY-PROJ): the project with its vision and mission (VIS-3), its members, its stages (each
a cycle of its own, within the project's dates), the stages' objectives and key results and who carries them.

Every function is one transaction taking its `actor`: it validates with one `FieldErrors` (every problem by field,
in the user's language, nothing written while any remains), writes, and records history in the project's history.
Who may call which is `qibu.projects.access`'s to decide, by the caller (page or API). The objectives and key
results themselves are written by `qibu.okrs.services`, which keep their own rules (SET-6 alignment, MEAS-1 …),
and the people rule this app registers there: owners and carriers are members of the project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.audit.services import changed_fields, history_record, snapshot
from qibu.core.pinyin import search_key
from qibu.core.validation import (
    NAME_MAX,
    NOTE_MAX,
    SHORT_NAME_MAX,
    STATEMENT_MAX,
    FieldErrors,
    clean_date_range,
    clean_text,
)
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.services import cycle_close, cycle_create, cycle_update
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.people_rules import check_people
from qibu.okrs.services import key_result_contributors_set, key_result_create, objective_create
from qibu.org.models import Person
from qibu.projects.models import Project, ProjectMember, ProjectStatus, Stage

PROJECT_FIELDS = ("name", "vision", "mission", "description", "lead", "start", "end")
MEMBER_FIELDS = ("person", "role", "note")
STAGE_FIELDS = ("name", "position")


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _require_open(errors: FieldErrors, project: Project) -> None:
    if project.is_closed:
        errors.add(None, _("The project “%(name)s” is closed: reopen it to change it.") % {"name": project.name})


def _clean_lead(errors: FieldErrors, lead: Person | None) -> Person | None:
    if lead is None:
        errors.add("lead", _("A project needs a lead."))
    elif not lead.is_active:
        errors.add("lead", _("%(name)s is deactivated: choose someone active.") % {"name": lead})
    return lead


def _clean_statements(errors: FieldErrors, data: dict[str, Any], project: Project) -> None:
    """VIS-3: the project's vision and mission, and its description."""
    if "vision" in data:
        project.vision = clean_text(errors, "vision", data["vision"], max_length=STATEMENT_MAX)
    if "mission" in data:
        project.mission = clean_text(errors, "mission", data["mission"], max_length=STATEMENT_MAX)
    if "description" in data:
        project.description = clean_text(errors, "description", data["description"])


def _stage_cycle_name(project_name: str, stage_name: str) -> str:
    """The name of a stage's cycle as cycle pickers show it: the project's name and the stage's."""
    return f"{project_name} · {stage_name}"[:SHORT_NAME_MAX]


def _member_add(actor: Person | None, project: Project, person: Person, role: str = "", note: str = "") -> None:
    member = ProjectMember.objects.create(project=project, person=person, role=role, note=note)
    history_record(
        actor=actor,
        action="project_member.add",
        subject=project,
        target=member,
        after=snapshot(member, MEMBER_FIELDS),
    )


@transaction.atomic
def project_create(
    *,
    actor: Person | None,
    name: str,
    lead: Person | None,
    start: dt.date,
    end: dt.date,
    vision: str = "",
    mission: str = "",
    description: str = "",
) -> Project:
    """A project with its vision and mission (VIS-3) and its lead, who becomes its first member."""
    errors = FieldErrors()
    project = Project(
        name=clean_text(errors, "name", name, max_length=NAME_MAX, missing=_("Give the project a name.")),
        lead=_clean_lead(errors, lead),
        start=start,
        end=end,
    )
    _clean_statements(errors, {"vision": vision, "mission": mission, "description": description}, project)
    clean_date_range(errors, start, end, field="end")
    errors.raise_if_any()
    project.search_key = search_key(project.name)
    project.save()
    history_record(actor=actor, action="project.create", subject=project, after=snapshot(project, PROJECT_FIELDS))
    _member_add(actor, project, project.lead)
    return project


def _stage_span(project: Project) -> tuple[Cycle | None, Cycle | None]:
    """The cycle of the stage that starts first and of the one that ends last (None without stages)."""
    cycles = Cycle.objects.filter(project_stage__project=project)
    return cycles.order_by("start", "pk").first(), cycles.order_by("-end", "pk").first()


def _check_dates_hold_stages(errors: FieldErrors, project: Project) -> None:
    """The project's dates hold every stage (PLAY-PROJ 步骤四: each stage's time frame is the project's)."""
    clean_date_range(errors, project.start, project.end, field="end")
    first, last = _stage_span(project)
    if first is not None and first.start < project.start:
        errors.add(
            "start",
            _("The stage “%(stage)s” starts on %(date)s: the project cannot start after it.")
            % {"stage": first.project_stage.name, "date": _day(first.start)},
        )
    if last is not None and last.end > project.end:
        errors.add(
            "end",
            _("The stage “%(stage)s” ends on %(date)s: the project cannot end before it.")
            % {"stage": last.project_stage.name, "date": _day(last.end)},
        )


@transaction.atomic
def project_update(*, actor: Person, project: Project, data: dict[str, Any]) -> Project:
    """Change the fields given (any of PROJECT_FIELDS). A new lead becomes a member; the stages' cycles follow a
    new name; the dates must still hold every stage."""
    errors = FieldErrors()
    Project.objects.select_for_update().filter(pk=project.pk).first()
    _require_open(errors, project)
    before = snapshot(project, PROJECT_FIELDS)
    if "name" in data:
        project.name = clean_text(
            errors, "name", data["name"], max_length=NAME_MAX, missing=_("Give the project a name.")
        )
    if "lead" in data and data["lead"] != project.lead:
        project.lead = _clean_lead(errors, data["lead"])  # type: ignore[assignment]  # refused when None
    _clean_statements(errors, data, project)
    project.start = data.get("start") or project.start
    project.end = data.get("end") or project.end
    if "start" in data or "end" in data:
        _check_dates_hold_stages(errors, project)
    errors.raise_if_any()
    after = snapshot(project, PROJECT_FIELDS)
    changed = changed_fields(before, after)
    if not changed:
        return project
    project.search_key = search_key(project.name)
    project.save(update_fields=[*changed, "search_key", "updated_at"])
    history_record(
        actor=actor,
        action="project.update",
        subject=project,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    if "lead" in changed and not ProjectMember.objects.filter(project=project, person=project.lead).exists():
        _member_add(actor, project, project.lead)
    if "name" in changed:
        for stage in Stage.objects.filter(project=project).select_related("cycle"):
            cycle = stage.cycle
            cycle_update(
                actor=actor,
                cycle=cycle,
                name=_stage_cycle_name(project.name, stage.name),
                start=cycle.start,
                end=cycle.end,
            )
    return project


@transaction.atomic
def project_close(*, actor: Person, project: Project, closed: bool = True) -> Project:
    """Close a project (its stages' cycles close with it: no more check-ins or changes) or open it again, with
    its stages."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    status = ProjectStatus.CLOSED if closed else ProjectStatus.ACTIVE
    if project.status == status:
        return project
    before = snapshot(project, ("status",))
    project.status = status
    project.save(update_fields=["status", "updated_at"])
    history_record(
        actor=actor,
        action="project.close" if closed else "project.reopen",
        subject=project,
        before=before,
        after=snapshot(project, ("status",)),
    )
    for stage in Stage.objects.filter(project=project).select_related("cycle"):
        cycle_close(actor=actor, cycle=stage.cycle, closed=closed)
    return project


# --- members --------------------------------------------------------------------------------------------------


def _clean_member_texts(errors: FieldErrors, role: Any, note: Any) -> tuple[str, str]:
    return (
        clean_text(errors, "role", role, max_length=SHORT_NAME_MAX),
        clean_text(errors, "note", note, max_length=NOTE_MAX),
    )


@transaction.atomic
def member_add(
    *, actor: Person, project: Project, person: Person | None, role: str = "", note: str = ""
) -> ProjectMember:
    """Someone from any department joins the project, with their role in it."""
    errors = FieldErrors()
    _require_open(errors, project)
    if person is None:
        errors.add("person", _("Choose who joins the project."))
    elif not person.is_active:
        errors.add("person", _("%(name)s is deactivated: choose someone active.") % {"name": person})
    elif ProjectMember.objects.filter(project=project, person=person).exists():
        errors.add("person", _("%(name)s is already a member of the project.") % {"name": person})
    role, note = _clean_member_texts(errors, role, note)
    errors.raise_if_any()
    assert person is not None  # noqa: S101  (for the type checker: refused above)
    _member_add(actor, project, person, role, note)
    return ProjectMember.objects.select_related("person").get(project=project, person=person)


@transaction.atomic
def member_update(*, actor: Person, member: ProjectMember, data: dict[str, Any]) -> ProjectMember:
    """A member's role in the project and the note about it."""
    errors = FieldErrors()
    _require_open(errors, member.project)
    before = snapshot(member, MEMBER_FIELDS)
    member.role, member.note = _clean_member_texts(errors, data.get("role", member.role), data.get("note", member.note))
    errors.raise_if_any()
    after = snapshot(member, MEMBER_FIELDS)
    changed = changed_fields(before, after)
    if changed:
        member.save(update_fields=changed)
        history_record(
            actor=actor,
            action="project_member.update",
            subject=member.project,
            target=member,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return member


def _project_objectives(project: Project) -> Q:
    return Q(level=Level.PROJECT, cycle__project_stage__project=project)


@transaction.atomic
def member_remove(*, actor: Person, member: ProjectMember) -> None:
    """A member leaves the project, unless they lead it, own one of its objectives or key results, or carry one:
    those are handed over first, so that nothing of the project is left to someone outside it."""
    errors = FieldErrors()
    project, person = member.project, member.person
    _require_open(errors, project)
    if person.pk == project.lead_id:
        errors.add("person", _("%(name)s leads the project: name another lead first.") % {"name": person})
    objectives = Objective.objects.filter(_project_objectives(project))
    owned = (
        objectives.filter(owner=person).count()
        + KeyResult.objects.filter(objective__in=objectives, owner=person).count()
    )
    carried = KeyResult.objects.filter(objective__in=objectives, contributors=person).count()
    if owned:
        errors.add(
            "person",
            _("%(name)s owns %(count)d of the project's objectives and key results: hand them over first.")
            % {"name": person, "count": owned},
        )
    if carried:
        errors.add(
            "person",
            _("%(name)s carries %(count)d of the project's key results: take them off those first.")
            % {"name": person, "count": carried},
        )
    errors.raise_if_any()
    history_record(
        actor=actor,
        action="project_member.remove",
        subject=project,
        target=member,
        before=snapshot(member, MEMBER_FIELDS),
    )
    member.delete()


# --- stages ---------------------------------------------------------------------------------------------------


def _check_stage(errors: FieldErrors, project: Project, start: dt.date | None, end: dt.date | None) -> None:
    """A stage's time frame: explicit dates, the end not before the start, both within the project's dates."""
    if start is None:
        errors.add("start", _("Give the stage its start date."))
    if end is None:
        errors.add("end", _("Give the stage its end date."))
    if start is None or end is None:
        return
    clean_date_range(errors, start, end, field="end")
    if start < project.start or start > project.end:
        errors.add(
            "start",
            _("The stage starts on %(date)s, outside the project (%(start)s – %(end)s).")
            % {"date": _day(start), "start": _day(project.start), "end": _day(project.end)},
        )
    if end > project.end or end < project.start:
        errors.add(
            "end",
            _("The stage ends on %(date)s, outside the project (%(start)s – %(end)s).")
            % {"date": _day(end), "start": _day(project.start), "end": _day(project.end)},
        )


def _clean_stage_name(errors: FieldErrors, name: Any) -> str:
    return clean_text(errors, "name", name, max_length=SHORT_NAME_MAX, missing=_("Give the stage a name."))


@transaction.atomic
def stage_add(*, actor: Person, project: Project, name: str, start: dt.date | None, end: dt.date | None) -> Stage:
    """A stage with its time frame (PLAY-PROJ 步骤四): a cycle of its own, of the kind project stage."""
    errors = FieldErrors()
    Project.objects.select_for_update().filter(pk=project.pk).first()
    _require_open(errors, project)
    name = _clean_stage_name(errors, name)
    _check_stage(errors, project, start, end)
    errors.raise_if_any()
    assert start is not None and end is not None  # noqa: S101  (for the type checker: refused above)
    cycle = cycle_create(
        actor=actor, name=_stage_cycle_name(project.name, name), start=start, end=end, kind=CycleKind.PROJECT_STAGE
    )
    stage = Stage.objects.create(project=project, name=name, position=project.stages.count(), cycle=cycle)
    history_record(
        actor=actor,
        action="stage.add",
        subject=project,
        target=stage,
        after={**snapshot(stage, STAGE_FIELDS), "start": start, "end": end},
    )
    return stage


@transaction.atomic
def stage_update(*, actor: Person, stage: Stage, data: dict[str, Any]) -> Stage:
    """The stage's name, dates (its cycle's, within the project's) or place in the list."""
    errors = FieldErrors()
    project, cycle = stage.project, stage.cycle
    _require_open(errors, project)
    before = {**snapshot(stage, STAGE_FIELDS), "start": cycle.start, "end": cycle.end}
    if "name" in data:
        stage.name = _clean_stage_name(errors, data["name"])
    if "position" in data:
        try:
            stage.position = max(0, int(data["position"]))
        except (TypeError, ValueError):
            errors.add("position", _("A position is a whole number."))
    start, end = data.get("start") or cycle.start, data.get("end") or cycle.end
    _check_stage(errors, project, start, end)
    errors.raise_if_any()
    after = {**snapshot(stage, STAGE_FIELDS), "start": start, "end": end}
    changed = [key for key in after if str(after[key]) != str(before[key])]
    if not changed:
        return stage
    own = [k for k in changed if k in STAGE_FIELDS]
    if own:
        stage.save(update_fields=own)
    cycle_update(actor=actor, cycle=cycle, name=_stage_cycle_name(project.name, stage.name), start=start, end=end)
    history_record(
        actor=actor,
        action="stage.update",
        subject=project,
        target=stage,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return stage


@transaction.atomic
def stage_delete(*, actor: Person, stage: Stage) -> None:
    """A stage without objectives goes with its cycle; one with objectives is kept (they are the project's
    record: move or delete them first)."""
    errors = FieldErrors()
    project = stage.project
    _require_open(errors, project)
    count = Objective.objects.filter(cycle_id=stage.cycle_id).count()
    if count:
        errors.add(
            None,
            _("The stage “%(stage)s” has %(count)d objectives: delete them first, or keep the stage.")
            % {"stage": stage.name, "count": count},
        )
    errors.raise_if_any()
    history_record(
        actor=actor,
        action="stage.delete",
        subject=project,
        target=stage,
        before={**snapshot(stage, STAGE_FIELDS), "start": stage.cycle.start, "end": stage.cycle.end},
    )
    cycle = stage.cycle
    stage.delete()
    cycle.delete()


# --- the stages' objectives and key results --------------------------------------------------------------------


@transaction.atomic
def stage_objective_create(
    *,
    actor: Person,
    stage: Stage,
    title: str,
    owner: Person | None,
    description: str = "",
    priority: int | None = None,
    weight: Any = None,
    commitment: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    parent_objective_ids: Sequence[int] = (),
    parent_key_result_ids: Sequence[int] = (),
) -> Objective:
    """A stage objective (PLAY-PROJ 步骤二): a project objective in the stage's cycle, owned by a member, aligned
    to department or company objectives (SET-6; not to one of a closed cycle)."""
    errors = FieldErrors()
    _require_open(errors, stage.project)
    errors.raise_if_any()
    return objective_create(
        actor=actor,
        cycle=stage.cycle,
        level=Level.PROJECT,
        title=title,
        description=description,
        owner=owner,
        priority=priority,
        weight=weight,
        commitment=commitment,
        start_date=start_date,
        end_date=end_date,
        parent_objective_ids=parent_objective_ids,
        parent_key_result_ids=parent_key_result_ids,
    )


@transaction.atomic
def project_key_result_create(
    *, actor: Person, objective: Objective, carriers: Iterable[Person] = (), **fields: Any
) -> KeyResult:
    """A key result of a stage objective (PLAY-PROJ 步骤三), owned by a member and carried by members (步骤五);
    `fields` are `okrs.services.key_result_create`'s. Every problem of both is answered at once."""
    errors = FieldErrors()
    carried = list(carriers)
    check_people(errors, objective, "contributors", carried)
    key_result: KeyResult | None = None
    try:
        key_result = key_result_create(actor=actor, objective=objective, **fields)
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    assert key_result is not None  # noqa: S101  (for the type checker: created, or refused above)
    key_result_contributors_set(actor=actor, key_result=key_result, people=carried)
    return key_result
