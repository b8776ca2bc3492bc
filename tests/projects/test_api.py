"""The projects API (PLAY-PROJ, VIS-3): what the pages do, through /api/v1/projects, with the same rules, the same
messages naming the same fields, and nothing written on a refusal."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from qibu.audit.models import AuditEntry
from qibu.cycles.services import cycle_close
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.projects.models import Project, ProjectMember, ProjectStatus, Stage
from tests.conftest import Company, Okrs
from tests.projects.conftest import ProjectWorld


def _call(person: Person, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    secret = api_token_create(actor=None, person=person, name="test")[1]
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    response = getattr(Client(), method)(
        f"/api/v1{path}",
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers=headers,
    )
    return response.status_code, (response.json() if response.content else None)


def _counts() -> tuple[int, ...]:
    return (
        Project.objects.count(),
        ProjectMember.objects.count(),
        Stage.objects.count(),
        Objective.objects.count(),
        KeyResult.objects.count(),
        KeyResult.contributors.through.objects.count(),
        AuditEntry.objects.exclude(action="api_token.create").count(),
    )


def test_it_starts_a_project_with_its_vision_and_mission_VIS_3(company: Company) -> None:
    """VIS-3."""
    status, body = _call(
        company.erin,
        "post",
        "/projects",
        {"name": "会员体系", "lead": company.oscar.pk, "start": "2026-10-01", "end": "2027-03-31",
         "vision": "让老顾客常回来", "mission": "会员复购翻倍"},
    )  # fmt: skip
    assert status == 201, body
    assert (body["vision"], body["mission"], body["lead_name"], body["status"]) == (
        "让老顾客常回来",
        "会员复购翻倍",
        "欧斯卡",
        "active",
    )
    assert [m["person"] for m in body["members"]] == [company.oscar.pk]
    assert _call(company.mia, "post", "/projects", {"name": "x", "lead": company.mia.pk, "start": "2026-10-01",
                                                   "end": "2026-10-02"})[0] == 403  # fmt: skip


def test_it_refuses_a_stage_ending_before_it_starts_or_outside_the_project_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤四, as the pages refuse it: 422 naming the field, nothing written."""
    pk = project["project"].pk
    before = _counts()
    status, body = _call(company.hank, "post", f"/projects/{pk}/stages", {"name": "复盘", "start": "2027-03-01",
                                                                          "end": "2027-04-30"})  # fmt: skip
    assert (status, body["detail"]) == (
        422,
        [{"field": "end", "message": "The stage ends on 04/30/2027, outside the project (10/01/2026 – 03/31/2027)."}],
    )
    status, body = _call(
        company.hank,
        "patch",
        f"/projects/{pk}/stages/{project['launch'].pk}",
        {"start": "2027-03-31", "end": "2027-01-31"},
    )
    assert (status, body["detail"][0]["field"]) == (422, "end")
    assert _counts() == before


def test_it_sets_a_stage_objective_and_refuses_aligning_it_to_a_closed_cycle_SET_6(
    company: Company, okrs: Okrs, project: ProjectWorld
) -> None:
    """SET-6, PLAY-PROJ 步骤二."""
    p, launch = project["project"], project["launch"]
    status, body = _call(
        company.hank,
        "post",
        f"/projects/{p.pk}/stages/{launch.pk}/objectives",
        {"title": "首月销量破万", "owner": company.oscar.pk, "parent_key_result_ids": [okrs["revenue"].pk]},
    )
    assert status == 201, body
    assert (body["level"], body["cycle"], body["parent_key_result_ids"]) == (
        Level.PROJECT,
        launch.cycle_id,
        [okrs["revenue"].pk],
    )
    cycle_close(actor=company.alice, cycle=company.quarter)
    before = _counts()
    status, body = _call(
        company.hank,
        "post",
        f"/projects/{p.pk}/stages/{launch.pk}/objectives",
        {"title": "渠道铺货", "owner": company.mia.pk, "parent_objective_ids": [okrs["company"].pk]},
    )
    assert (status, body["detail"]) == (
        422,
        [
            {
                "field": "parent_objective_ids",
                "message": "“成为华东市场第一” belongs to the closed cycle “2026 Q4”: align to an objective of an open cycle.",
            }
        ],
    )
    assert _counts() == before


def test_it_refuses_setting_a_project_objective_through_the_objectives_api(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ: a project's objectives are set through their project."""
    before = _counts()
    status, body = _call(
        company.alice,
        "post",
        "/objectives",
        {"title": "绕过项目", "level": "project", "cycle": project["design"].cycle_id, "owner": company.mia.pk},
    )
    assert status == 403
    assert body["detail"][0]["message"] == (
        "A project objective is set and handed over on its project's page, by the project's lead."
    )
    status, body = _call(company.mia, "patch", f"/objectives/{project['objective'].pk}", {"owner": company.oscar.pk})
    assert status == 403
    assert _counts() == before


def test_it_adds_a_key_result_with_its_carriers_and_refuses_an_outsider_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤三, 五: the objective's owner adds it; an outsider is refused by field."""
    p, objective = project["project"], project["objective"]
    status, body = _call(
        company.mia,
        "post",
        f"/projects/{p.pk}/key-results",
        {"objective": objective.pk, "title": "原型评审", "kind": "boolean", "contributors": [company.oscar.pk]},
    )
    assert status == 201, body
    assert body["owner"] == company.mia.pk
    assert list(KeyResult.objects.get(pk=body["id"]).contributors.values_list("pk", flat=True)) == [company.oscar.pk]
    before = _counts()
    status, body = _call(
        company.mia,
        "post",
        f"/projects/{p.pk}/key-results",
        {"objective": objective.pk, "title": "外援", "kind": "boolean", "owner": company.erin.pk,
         "contributors": [company.erin.pk]},
    )  # fmt: skip
    outsider = "Erin 执行官 is not a member of the project: add them to its members first."
    assert status == 422
    assert {(d["field"], d["message"]) for d in body["detail"]} == {("owner", outsider), ("contributors", outsider)}
    assert _counts() == before
    assert (
        _call(company.oscar, "post", f"/projects/{p.pk}/key-results", {"objective": objective.pk, "title": "x"})[0]
        == 403
    )


def test_it_says_who_carries_a_key_result_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ 步骤五: the key result's owner (mia) says it; a carrier (oscar) does not."""
    p, kr = project["project"], project["kr"]
    path = f"/projects/{p.pk}/key-results/{kr.pk}/carriers"
    assert _call(company.mia, "put", path, {"contributors": [company.hank.pk, company.oscar.pk]}) == (
        200,
        {"key_result": kr.pk, "contributors": sorted([company.hank.pk, company.oscar.pk])},
    )
    before = _counts()
    status, body = _call(company.mia, "put", path, {"contributors": [company.erin.pk]})
    assert (status, body["detail"][0]["field"]) == (422, "contributors")
    assert _call(company.oscar, "put", path, {"contributors": []})[0] == 403
    assert _counts() == before


def test_it_answers_the_projects_roll_up_PLAY_PROJ(company: Company, okrs: Okrs, project: ProjectWorld) -> None:
    """PLAY-PROJ 步骤六: the stages, their objectives, key results, owners, carriers, alignment and numbers."""
    status, body = _call(company.oscar, "get", f"/projects/{project['project'].pk}/rollup")
    assert status == 200
    design, launch = body["stages"]
    (objective,) = design["objectives"]
    (kr,) = objective["key_results"]
    assert (design["name"], launch["objectives"], launch["progress"]) == ("设计", [], None)
    assert objective["owner_name"] == "米娅"
    assert objective["aligned_to"] == [
        {
            "objective": okrs["department"].pk,
            "title": "销售部拿下十家标杆客户",
            "key_result": None,
            "cycle": company.quarter.pk,
        }
    ]
    assert (kr["owner"], kr["contributors"], kr["confidence"], kr["progress"]) == (
        company.mia.pk,
        [company.oscar.pk],
        50,
        "0.0000",
    )
    assert (body["progress"], body["confidence"]) == ("0.0000", 50)


def test_it_lists_projects_mine_first_and_by_search(company: Company, project: ProjectWorld) -> None:
    status, body = _call(company.oscar, "get", "/projects?mine=true")
    assert status == 200 and [p["name"] for p in body["items"]] == ["新品上市项目"]
    assert body["items"][0]["is_member"] is True and body["items"][0]["member_count"] == 3
    assert _call(company.alice, "get", "/projects?mine=true")[1]["items"] == []
    assert _call(company.alice, "get", "/projects?q=xpss")[1]["count"] == 1


def test_it_changes_and_closes_a_project_and_its_members(company: Company, project: ProjectWorld) -> None:
    p = project["project"]
    assert _call(company.mia, "patch", f"/projects/{p.pk}", {"name": "改名"})[0] == 403
    status, body = _call(company.hank, "patch", f"/projects/{p.pk}", {"mission": "更快上市", "status": "closed"})
    assert status == 200 and (body["mission"], body["status"]) == ("更快上市", ProjectStatus.CLOSED)
    assert all(stage["closed"] for stage in body["stages"])
    status, body = _call(company.hank, "post", f"/projects/{p.pk}/members", {"person": company.erin.pk})
    assert (
        status == 422
        and body["detail"][0]["message"] == "The project “新品上市项目” is closed: reopen it to change it."
    )
    assert _call(company.hank, "patch", f"/projects/{p.pk}", {"status": "active"})[0] == 200
    status, member = _call(
        company.hank, "post", f"/projects/{p.pk}/members", {"person": company.erin.pk, "role": "顾问"}
    )
    assert status == 201 and (member["role"], member["department"]) == ("顾问", None)
    assert (
        _call(company.hank, "patch", f"/projects/{p.pk}/members/{member['id']}", {"role": "总顾问"})[1]["role"]
        == "总顾问"
    )
    assert _call(company.hank, "delete", f"/projects/{p.pk}/members/{member['id']}")[0] == 204
    lead = ProjectMember.objects.get(project=p, person=company.hank)
    status, body = _call(company.hank, "delete", f"/projects/{p.pk}/members/{lead.pk}")
    assert (status, body["detail"][0]["field"]) == (422, "person")
    status, body = _call(company.hank, "delete", f"/projects/{p.pk}/stages/{project['design'].pk}")
    assert status == 422
    assert _call(company.hank, "delete", f"/projects/{p.pk}/stages/{project['launch'].pk}")[0] == 204


def test_it_reopens_and_changes_a_project_all_or_nothing(company: Company, project: ProjectWorld) -> None:
    """A PATCH that reopens and changes a project writes nothing when the change is refused."""
    p = project["project"]
    assert _call(company.hank, "patch", f"/projects/{p.pk}", {"status": "closed"})[0] == 200
    before = (_counts(), list(Project.objects.values_list("status", "end")))
    status, body = _call(company.hank, "patch", f"/projects/{p.pk}", {"status": "active", "end": "2026-11-30"})
    assert (status, body["detail"][0]["field"]) == (422, "end")
    assert (_counts(), list(Project.objects.values_list("status", "end"))) == before
