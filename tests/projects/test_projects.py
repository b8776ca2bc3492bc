"""Projects (PLAY-PROJ) and their vision and mission (VIS-3): a project has its lead, members from any department
and stages, each a cycle with its start and end within the project's; the stages' objectives belong to the
project, are owned by its members and align to department or company objectives; every key result has an owner and
the members who carry it. Each refusal names its field, and writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qibu.audit.models import AuditEntry
from qibu.audit.selectors import subject_history
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.services import cycle_close
from qibu.okrs import access as okrs_access
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.services import (
    key_result_contributors_set,
    key_result_create,
    key_result_update,
    objective_create,
    objective_update,
)
from qibu.projects.models import Project, ProjectMember, ProjectStatus, Stage
from qibu.projects.services import (
    member_add,
    member_remove,
    member_update,
    project_close,
    project_create,
    project_key_result_create,
    project_update,
    stage_add,
    stage_delete,
    stage_objective_create,
    stage_update,
)
from qibu.search.services import search_reindex
from tests.conftest import Company, Okrs
from tests.projects.conftest import D, ProjectWorld


def _state() -> str:
    """Everything a refused write must leave as it was."""
    return json.dumps(
        {
            "projects": list(Project.objects.order_by("pk").values_list("pk", "name", "lead_id", "start", "end")),
            "members": list(ProjectMember.objects.order_by("pk").values_list("pk", "person_id", "role")),
            "stages": list(Stage.objects.order_by("pk").values_list("pk", "name", "cycle_id")),
            "cycles": list(Cycle.objects.order_by("pk").values_list("pk", "name", "start", "end", "is_closed")),
            "objectives": list(Objective.objects.order_by("pk").values_list("pk", "title", "owner_id", "cycle_id")),
            "key_results": list(KeyResult.objects.order_by("pk").values_list("pk", "title", "owner_id")),
            "carriers": list(KeyResult.contributors.through.objects.order_by("pk").values_list("pk", "person_id")),
            "history": AuditEntry.objects.count(),
        },
        default=str,
    )


def _refused(write: Any, field: str | None) -> list[str]:
    """Run a write expected to be refused; the messages of `field` ("__all__" for None). Nothing is written."""
    before = _state()
    with pytest.raises(ValidationError) as exc:
        write()
    assert _state() == before, "a refusal wrote something"
    return exc.value.message_dict[field or "__all__"]


# --- the project and its vision and mission ---------------------------------------------------------------------


def test_it_starts_a_project_with_its_vision_and_mission_VIS_3(company: Company) -> None:
    """VIS-3: a project has its own vision and mission; PLAY-PROJ: its lead becomes its first member."""
    c = company
    project = project_create(
        actor=c.erin,
        name="  门店数字化  ",
        lead=c.oscar,
        start=D(2026, 10, 1),
        end=D(2026, 12, 31),
        vision="每家门店都数字化",
        mission="半年内上线收银与会员系统",
    )
    assert (project.name, project.vision, project.mission) == (
        "门店数字化",
        "每家门店都数字化",
        "半年内上线收银与会员系统",
    )
    assert list(project.members.values_list("person_id", flat=True)) == [c.oscar.pk]
    assert "mendianshuzihua" in project.search_key
    actions = [row.action for row in subject_history(project, viewer=c.alice)]
    assert actions == ["added a member", "started the project"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "Give the project a name."),
        ({"lead": None}, "lead", "A project needs a lead."),
        ({"end": D(2026, 9, 30)}, "end", "The end date is before the start date."),
        ({"vision": "远" * 2001}, "vision", "At most 2000 characters (this one has 2001)."),
    ],
)
def test_it_refuses_a_bad_project_VIS_3(company: Company, fields: dict[str, Any], field: str, message: str) -> None:
    """VIS-3."""
    data: dict[str, Any] = {"name": "项目", "lead": company.hank, "start": D(2026, 10, 1), "end": D(2026, 12, 31)}
    data |= fields
    assert _refused(lambda: project_create(actor=company.erin, **data), field) == [message]


def test_it_renames_the_stages_cycles_with_the_project_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ: a stage's cycle is named after the project and the stage, wherever cycles are listed."""
    assert project["design"].cycle.name == "新品上市项目 · 设计"
    project_update(actor=company.hank, project=project["project"], data={"name": "新品 X 上市"})
    assert Cycle.objects.get(pk=project["design"].cycle_id).name == "新品 X 上市 · 设计"


def test_it_hands_the_project_to_a_new_lead_who_joins_it_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ."""
    p = project["project"]
    project_update(actor=company.alice, project=p, data={"lead": company.erin})
    assert p.members.filter(person=company.erin).exists()
    assert p.members.filter(person=company.hank).exists(), "the former lead stays a member"


def test_it_refuses_project_dates_that_leave_a_stage_out_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ 步骤四: the project's time frame holds its stages'."""
    p = project["project"]
    messages = _refused(lambda: project_update(actor=company.hank, project=p, data={"end": D(2027, 2, 28)}), "end")
    assert messages == ["The stage “上市” ends on 03/31/2027: the project cannot end before it."]
    p.refresh_from_db()
    messages = _refused(lambda: project_update(actor=company.hank, project=p, data={"start": D(2026, 11, 1)}), "start")
    assert messages == ["The stage “设计” starts on 10/01/2026: the project cannot start after it."]


def test_it_closes_a_project_with_its_stages_and_refuses_changes_until_reopened(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ: a closed project's stages take no more check-ins or changes."""
    p = project["project"]
    project_close(actor=company.hank, project=p)
    assert p.status == ProjectStatus.CLOSED
    assert not Cycle.objects.filter(project_stage__project=p, is_closed=False).exists()
    assert _refused(lambda: member_add(actor=company.hank, project=p, person=company.erin), None) == [
        "The project “新品上市项目” is closed: reopen it to change it."
    ]
    project_close(actor=company.hank, project=p, closed=False)
    assert not Cycle.objects.filter(project_stage__project=p, is_closed=True).exists()
    member_add(actor=company.hank, project=p, person=company.erin)


# --- members --------------------------------------------------------------------------------------------------


def test_it_takes_members_from_any_department_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ: the members come from sales and marketing, with their role in the project."""
    members = project["project"].members.select_related("person__department").order_by("pk")
    assert [(m.person.department.name if m.person.department else None, m.role) for m in members] == [
        ("销售部", ""),
        ("销售部", "产品经理"),
        ("市场部", "市场推广"),
    ]
    member = members.get(person=company.oscar)
    member.project = project["project"]
    member_update(actor=company.hank, member=member, data={"role": "品牌"})
    assert ProjectMember.objects.get(pk=member.pk).role == "品牌"


def test_it_refuses_a_member_twice(company: Company, project: ProjectWorld) -> None:
    p = project["project"]
    assert _refused(lambda: member_add(actor=company.hank, project=p, person=company.mia), "person") == [
        "米娅 is already a member of the project."
    ]


def test_it_refuses_removing_the_lead_or_a_member_who_owns_or_carries_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤五: what a member owns or carries is handed over before they leave; the lead stays."""
    p = project["project"]
    lead, mia, oscar = (
        p.members.select_related("person", "project").get(person=x) for x in (company.hank, company.mia, company.oscar)
    )
    assert _refused(lambda: member_remove(actor=company.hank, member=lead), "person") == [
        "韩销售 leads the project: name another lead first."
    ]
    assert _refused(lambda: member_remove(actor=company.hank, member=mia), "person") == [
        "米娅 owns 2 of the project's objectives and key results: hand them over first."
    ]
    assert _refused(lambda: member_remove(actor=company.hank, member=oscar), "person") == [
        "欧斯卡 carries 1 of the project's key results: take them off those first."
    ]
    key_result_contributors_set(actor=company.hank, key_result=project["kr"], people=[])
    member_remove(actor=company.hank, member=oscar)
    assert not p.members.filter(person=company.oscar).exists()


# --- stages ---------------------------------------------------------------------------------------------------


def test_it_gives_each_stage_a_cycle_of_its_own_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ 步骤四: each stage has its time frame, a cycle of the kind project stage with the stage's dates."""
    design, launch = project["design"], project["launch"]
    assert (design.cycle.kind, design.cycle.start, design.cycle.end) == (
        CycleKind.PROJECT_STAGE,
        D(2026, 10, 1),
        D(2026, 12, 31),
    )
    assert (launch.position, launch.cycle.start) == (1, D(2027, 1, 1))
    stage_update(actor=company.hank, stage=launch, data={"end": D(2027, 2, 28), "name": "上市与推广"})
    cycle = Cycle.objects.get(pk=launch.cycle_id)
    assert (cycle.name, cycle.end) == ("新品上市项目 · 上市与推广", D(2027, 2, 28))


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (D(2026, 11, 30), D(2026, 11, 1), "end", "The end date is before the start date."),
        (
            D(2026, 9, 1),
            D(2026, 10, 31),
            "start",
            "The stage starts on 09/01/2026, outside the project (10/01/2026 – 03/31/2027).",
        ),
        (
            D(2027, 3, 1),
            D(2027, 4, 30),
            "end",
            "The stage ends on 04/30/2027, outside the project (10/01/2026 – 03/31/2027).",
        ),
        (None, D(2026, 12, 1), "start", "Give the stage its start date."),
    ],
    ids=["ending before it starts", "starting before the project", "ending after the project", "without a start"],
)
def test_it_refuses_a_stage_ending_before_it_starts_or_outside_the_project_PLAY_PROJ(
    company: Company, project: ProjectWorld, start: dt.date | None, end: dt.date, field: str, message: str
) -> None:
    """PLAY-PROJ 步骤四: explicit dates, the end not before the start, both within the project; nothing written."""
    p = project["project"]
    assert message in _refused(
        lambda: stage_add(actor=company.hank, project=p, name="试点", start=start, end=end), field
    )
    stage = project["launch"]
    stage.project = p
    if start is not None:
        data = {"start": start, "end": end}
        assert message in _refused(lambda: stage_update(actor=company.hank, stage=stage, data=data), field)


def test_it_refuses_deleting_a_stage_with_objectives_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ: a stage's objectives are the project's record."""
    design, launch = project["design"], project["launch"]
    assert _refused(lambda: stage_delete(actor=company.hank, stage=design), None) == [
        "The stage “设计” has 1 objectives: delete them first, or keep the stage."
    ]
    cycle_id = launch.cycle_id
    stage_delete(actor=company.hank, stage=launch)
    assert not Stage.objects.filter(pk=launch.pk).exists()
    assert not Cycle.objects.filter(pk=cycle_id).exists()


# --- stage objectives -----------------------------------------------------------------------------------------


def test_it_sets_stage_objectives_of_the_project_aligned_to_department_objectives_PLAY_PROJ(
    company: Company, okrs: Okrs, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤二: a stage objective belongs to the project (its stage's cycle), is owned by a member, and
    aligns to a department or company objective of another cycle (SET-6)."""
    objective = project["objective"]
    assert (objective.level, objective.cycle_id, objective.owner_id) == (
        Level.PROJECT,
        project["design"].cycle_id,
        company.mia.pk,
    )
    assert (objective.department_id, objective.team_id) == (None, None)
    assert list(objective.alignments_up.values_list("rollup_parent_id", flat=True)) == [okrs["department"].pk]
    launch_objective = stage_objective_create(
        actor=company.hank,
        stage=project["launch"],
        title="首月销量破万",
        owner=company.oscar,
        parent_key_result_ids=[okrs["revenue"].pk],
    )
    assert launch_objective.alignments_up.get().parent_key_result_id == okrs["revenue"].pk


def test_it_refuses_a_stage_objective_owned_by_someone_outside_the_project_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤五."""
    stage = project["design"]
    assert _refused(
        lambda: stage_objective_create(actor=company.hank, stage=stage, title="外人", owner=company.erin), "owner"
    ) == ["Erin 执行官 is not a member of the project: add them to its members first."]
    objective = project["objective"]
    assert _refused(
        lambda: objective_update(actor=company.alice, objective=objective, data={"owner": company.erin}), "owner"
    ) == ["Erin 执行官 is not a member of the project: add them to its members first."]


def test_it_refuses_aligning_a_stage_objective_to_an_objective_of_a_closed_cycle_SET_6(
    company: Company, okrs: Okrs, project: ProjectWorld
) -> None:
    """SET-6, PLAY-PROJ: the alignment service refuses a parent of a closed cycle, naming it."""
    cycle_close(actor=company.alice, cycle=company.quarter)
    stage = project["launch"]
    assert _refused(
        lambda: stage_objective_create(
            actor=company.hank,
            stage=stage,
            title="上市",
            owner=company.mia,
            parent_objective_ids=[okrs["company"].pk],
        ),
        "parent_objective_ids",
    ) == ["“成为华东市场第一” belongs to the closed cycle “2026 Q4”: align to an objective of an open cycle."]


def test_it_keeps_project_objectives_to_project_stages(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ: a project objective lives in a stage, and a stage holds only its project's objectives; the
    generic paths may not set one (the project's lead does, on its page)."""
    assert _refused(
        lambda: objective_create(
            actor=company.alice, cycle=company.quarter, level=Level.PROJECT, owner=company.mia, title="x"
        ),
        "cycle",
    ) == ["A project objective is set in a stage of its project."]
    stage_cycle = project["design"].cycle
    assert _refused(
        lambda: objective_create(
            actor=company.mia, cycle=stage_cycle, level=Level.PERSON, owner=company.mia, title="x"
        ),
        "cycle",
    ) == ["The cycle “新品上市项目 · 设计” is a project stage: its objectives are set on the project's page."]
    for person in (company.alice, company.erin, company.hank):
        assert not okrs_access.can_create(person, level=Level.PROJECT, owner=company.mia, department=None)
        assert not okrs_access.creation_allowed(
            person, level=Level.PROJECT, owner=company.mia, department=None, team=None
        )


def test_it_lets_the_owner_and_administrators_edit_a_project_objective_in_okrs(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ: okrs knows no project: its owner and administrators change it there (its lead on the project's
    page, `qibu.projects.access`)."""
    objective = Objective.objects.select_related("owner", "cycle").get(pk=project["objective"].pk)
    editors = {p.username for p in (company.alice, company.erin, company.hank, company.mia, company.oscar)
               if okrs_access.can_edit(p, objective)}  # fmt: skip
    assert editors == {"alice", "mia"}


# --- key results: owners and carriers ----------------------------------------------------------------------------


def test_it_gives_every_key_result_an_owner_and_its_carriers_from_the_members_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤五, decompose and empower: every key result has an owner and the members who carry it."""
    kr = project["kr"]
    assert kr.owner_id == company.mia.pk
    assert list(kr.contributors.values_list("username", flat=True)) == ["oscar"]
    implicit = project_key_result_create(
        actor=company.hank, objective=project["objective"], title="原型评审通过", kind="boolean"
    )
    assert implicit.owner_id == company.mia.pk, "the objective's owner when none is named"
    entry = AuditEntry.objects.filter(action="key_result.update", target_id=kr.pk).get()
    assert (entry.before, entry.after) == ({"contributors": []}, {"contributors": [company.oscar.pk]})


def test_it_refuses_an_owner_or_carrier_outside_the_project_on_every_path_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤五: the project's service, okrs' own services (the objective editor, the API) alike."""
    objective, kr = project["objective"], project["kr"]
    outsider = "Erin 执行官 is not a member of the project: add them to its members first."
    assert _refused(
        lambda: project_key_result_create(
            actor=company.hank, objective=objective, carriers=[company.erin], title="k", start_value=0, target_value=1
        ),
        "contributors",
    ) == [outsider]
    assert _refused(
        lambda: key_result_create(
            actor=company.mia, objective=objective, title="k", start_value=0, target_value=1, owner=company.erin
        ),
        "owner",
    ) == [outsider]
    assert _refused(
        lambda: key_result_update(actor=company.mia, key_result=kr, data={"owner": company.erin}), "owner"
    ) == [outsider]
    assert _refused(lambda: key_result_update(actor=company.mia, key_result=kr, data={"owner": None}), "owner") == [
        "Every key result of a project has an owner: choose a member of the project."
    ]
    assert _refused(
        lambda: key_result_contributors_set(actor=company.mia, key_result=kr, people=[company.oscar, company.erin]),
        "contributors",
    ) == [outsider]


def test_it_reindexes_the_projects_search_keys(company: Company, project: ProjectWorld) -> None:
    Project.objects.update(search_key="")
    assert search_reindex()["projects.Project"] == 1
    assert "xinpinshangshixiangmu" in Project.objects.get().search_key
