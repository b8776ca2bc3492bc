"""The permission table of the project pages and API (PLAY-PROJ, PUB-2), on the machinery of
`tests/project/test_permissions_matrix.py`: every row for every persona, every refusal leaving the data (the
projects' tables included) exactly as it was, every allowed write changing it.

The world's project: hank leads 新品上市项目 with mia (sales), oscar (marketing) and erin (an adviser with nothing
to carry); its 设计 stage holds mia's objective with her key result, which oscar carries; its 上市 stage is empty.
Everyone sees every project; administrators and executives start one; hank and administrators run it; mia, owning
the objective and key result, changes them and says who carries it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

import pytest

from qibu.okrs.models import KeyResult
from qibu.projects.models import Project, ProjectMember, Stage
from qibu.projects.services import (
    member_add,
    project_create,
    project_key_result_create,
    stage_add,
    stage_objective_create,
)
from tests.conftest import Company
from tests.project.test_permissions_matrix import (  # noqa: F401  (the fixture, used by name)
    PERSONAS,
    WRITES,
    Row,
    World,
    _call,
    _state,
    world,
)

D = dt.date
ALL_OK = dict.fromkeys(PERSONAS[:-1], "ok") | {"anonymous": "login"}
NOBODY = dict.fromkeys(PERSONAS[:-1], 404) | {"anonymous": "login"}
START = {"alice": "ok", "erin": "ok", "hank": 403, "mia": 403, "oscar": 403, "anonymous": "login"}
RUN = {"alice": "ok", "erin": 403, "hank": "ok", "mia": 403, "oscar": 403, "anonymous": "login"}
RUN_OR_OWNER = RUN | {"mia": "ok"}


class ProjectMatrix(World):
    project: Project
    design: Stage
    launch: Stage
    adviser: ProjectMember
    stage_objective: Any
    stage_kr: KeyResult


@pytest.fixture
def project_world(world: World, company: Company) -> ProjectMatrix:  # noqa: F811  (the imported fixture)
    c = company
    project = project_create(
        actor=c.erin,
        name="新品上市项目",
        lead=c.hank,
        start=D(2026, 10, 1),
        end=D(2027, 3, 31),
        vision="愿景",
        mission="使命",
    )
    member_add(actor=c.hank, project=project, person=c.mia, role="产品经理")
    member_add(actor=c.hank, project=project, person=c.oscar, role="市场推广")
    adviser = member_add(actor=c.hank, project=project, person=c.erin, role="顾问")
    design = stage_add(actor=c.hank, project=project, name="设计", start=D(2026, 10, 1), end=D(2026, 12, 31))
    launch = stage_add(actor=c.hank, project=project, name="上市", start=D(2027, 1, 1), end=D(2027, 3, 31))
    objective = stage_objective_create(
        actor=c.hank, stage=design, title="完成新品设计", owner=c.mia, parent_objective_ids=[world["department"].pk]
    )
    kr = project_key_result_create(
        actor=c.hank, objective=objective, carriers=[c.oscar], title="用户测试", start_value=0, target_value=3
    )
    extra = {
        "project": project,
        "design": design,
        "launch": launch,
        "adviser": adviser,
        "stage_objective": objective,
        "stage_kr": kr,
    }
    return cast(ProjectMatrix, {**world, **extra})


def _w(w: World) -> ProjectMatrix:
    return cast(ProjectMatrix, w)


def _p(w: World) -> str:
    return f"/projects/{_w(w)['project'].pk}"


def _projects_state() -> str:
    return json.dumps(
        {
            "projects": list(Project.objects.order_by("pk").values_list("pk", "name", "mission", "lead_id", "status")),
            "members": list(ProjectMember.objects.order_by("pk").values_list("pk", "person_id", "role", "note")),
            "stages": list(Stage.objects.order_by("pk").values_list("pk", "name", "position", "cycle_id")),
            "carriers": list(
                KeyResult.contributors.through.objects.order_by("pk").values_list("keyresult_id", "person_id")
            ),
        }
    )


def _api(w: World, path: str) -> str:
    return f"/api/v1/projects/{_w(w)['project'].pk}{path}"


ROWS = [
    # --- pages
    Row("projects", "get", lambda w, c: "/projects/", ALL_OK),
    Row("projects, searched", "get", lambda w, c: "/projects/?q=xinpin", ALL_OK),
    Row("a project", "get", lambda w, c: f"{_p(w)}/", ALL_OK),
    Row("no such project", "get", lambda w, c: "/projects/999999/", NOBODY),
    Row("a project's history", "get", lambda w, c: f"{_p(w)}/history/", ALL_OK),
    Row("start a project, form", "get", lambda w, c: "/projects/new/", START),
    Row(
        "start a project",
        "post",
        lambda w, c: "/projects/new/",
        START,
        data=lambda w, c: {"name": "会员体系", "lead": c.oscar.pk, "start": "2026-10-01", "end": "2026-12-31"},
    ),
    Row("edit a project, form", "get", lambda w, c: f"{_p(w)}/edit/", RUN),
    Row(
        "edit a project",
        "post",
        lambda w, c: f"{_p(w)}/edit/",
        RUN,
        data=lambda w, c: {
            "name": "新品上市项目",
            "vision": "愿景",
            "mission": "新的使命",
            "lead": c.hank.pk,
            "start": "2026-10-01",
            "end": "2027-03-31",
        },
    ),
    Row("close a project", "post", lambda w, c: f"{_p(w)}/close/", RUN, data=lambda w, c: {"closed": "1"}),
    Row("add a member, form", "get", lambda w, c: f"{_p(w)}/members/new/", RUN),
    Row(
        "add a member",
        "post",
        lambda w, c: f"{_p(w)}/members/new/",
        RUN,
        data=lambda w, c: {"person": c.alice.pk, "role": "观察员"},
    ),
    Row(
        "change a member",
        "post",
        lambda w, c: f"{_p(w)}/members/{_w(w)['adviser'].pk}/edit/",
        RUN,
        data=lambda w, c: {"role": "总顾问"},
    ),
    Row("remove a member", "post", lambda w, c: f"{_p(w)}/members/{_w(w)['adviser'].pk}/remove/", RUN),
    Row("add a stage, form", "get", lambda w, c: f"{_p(w)}/stages/new/", RUN),
    Row(
        "add a stage",
        "post",
        lambda w, c: f"{_p(w)}/stages/new/",
        RUN,
        data=lambda w, c: {"name": "复盘", "start": "2027-03-01", "end": "2027-03-31"},
    ),
    Row(
        "change a stage",
        "post",
        lambda w, c: f"{_p(w)}/stages/{_w(w)['launch'].pk}/edit/",
        RUN,
        data=lambda w, c: {"name": "上市推广", "start": "2027-01-01", "end": "2027-03-31", "position": "1"},
    ),
    Row("delete a stage", "post", lambda w, c: f"{_p(w)}/stages/{_w(w)['launch'].pk}/delete/", RUN),
    Row("new stage objective, form", "get", lambda w, c: f"{_p(w)}/stages/{_w(w)['launch'].pk}/objectives/new/", RUN),
    Row(
        "set a stage objective",
        "post",
        lambda w, c: f"{_p(w)}/stages/{_w(w)['launch'].pk}/objectives/new/",
        RUN,
        data=lambda w, c: {"title": "首月销量", "owner": c.oscar.pk, "parent_objectives": [w["company"].pk]},
    ),
    Row(
        "edit a stage objective, form",
        "get",
        lambda w, c: f"{_p(w)}/objectives/{_w(w)['stage_objective'].pk}/edit/",
        RUN_OR_OWNER,
    ),
    Row(
        "edit a stage objective",
        "post",
        lambda w, c: f"{_p(w)}/objectives/{_w(w)['stage_objective'].pk}/edit/",
        RUN_OR_OWNER,
        data=lambda w, c: {"title": "完成新品设计与测试", "owner": c.mia.pk, "parent_objectives": [w["department"].pk]},
    ),
    Row(
        "delete a stage objective",
        "post",
        lambda w, c: f"{_p(w)}/objectives/{_w(w)['stage_objective'].pk}/delete/",
        RUN_OR_OWNER,
    ),
    Row(
        "add a key result",
        "post",
        lambda w, c: f"{_p(w)}/objectives/{_w(w)['stage_objective'].pk}/key-results/new/",
        RUN_OR_OWNER,
        data=lambda w, c: {"title": "原型评审", "kind": "boolean", "owner": c.mia.pk, "contributors": [c.oscar.pk]},
    ),
    Row(
        "edit a key result, form", "get", lambda w, c: f"{_p(w)}/key-results/{_w(w)['stage_kr'].pk}/edit/", RUN_OR_OWNER
    ),
    Row(
        "edit a key result",
        "post",
        lambda w, c: f"{_p(w)}/key-results/{_w(w)['stage_kr'].pk}/edit/",
        RUN_OR_OWNER,
        data=lambda w, c: {
            "title": "四轮用户测试",
            "kind": "increase",
            "start_value": "0",
            "target_value": "4",
            "owner": c.mia.pk,
            "contributors": [c.oscar.pk],
        },
    ),
    Row(
        "delete a key result", "post", lambda w, c: f"{_p(w)}/key-results/{_w(w)['stage_kr'].pk}/delete/", RUN_OR_OWNER
    ),
    Row(
        "say who carries a key result",
        "post",
        lambda w, c: f"{_p(w)}/key-results/{_w(w)['stage_kr'].pk}/carriers/",
        RUN_OR_OWNER,
        data=lambda w, c: {f"kr{_w(w)['stage_kr'].pk}-contributors": [c.hank.pk]},
    ),
    # --- API
    Row("API projects", "get", lambda w, c: "/api/v1/projects", ALL_OK, api=True),
    Row("API a project", "get", lambda w, c: _api(w, ""), ALL_OK, api=True),
    Row("API a project's roll-up", "get", lambda w, c: _api(w, "/rollup"), ALL_OK, api=True),
    Row(
        "API no such project", "get", lambda w, c: "/api/v1/projects/999999", NOBODY | {"anonymous": "login"}, api=True
    ),
    Row(
        "API start a project",
        "post",
        lambda w, c: "/api/v1/projects",
        START,
        data=lambda w, c: {"name": "会员体系", "lead": c.oscar.pk, "start": "2026-10-01", "end": "2026-12-31"},
        api=True,
    ),
    Row(
        "API change a project", "patch", lambda w, c: _api(w, ""), RUN, data=lambda w, c: {"mission": "更快"}, api=True
    ),
    Row(
        "API close a project", "patch", lambda w, c: _api(w, ""), RUN, data=lambda w, c: {"status": "closed"}, api=True
    ),
    Row(
        "API add a member",
        "post",
        lambda w, c: _api(w, "/members"),
        RUN,
        data=lambda w, c: {"person": c.alice.pk},
        api=True,
    ),
    Row(
        "API change a member",
        "patch",
        lambda w, c: _api(w, f"/members/{_w(w)['adviser'].pk}"),
        RUN,
        data=lambda w, c: {"note": "每周一次"},
        api=True,
    ),
    Row("API remove a member", "delete", lambda w, c: _api(w, f"/members/{_w(w)['adviser'].pk}"), RUN, api=True),
    Row(
        "API add a stage",
        "post",
        lambda w, c: _api(w, "/stages"),
        RUN,
        data=lambda w, c: {"name": "复盘", "start": "2027-03-01", "end": "2027-03-31"},
        api=True,
    ),
    Row(
        "API change a stage",
        "patch",
        lambda w, c: _api(w, f"/stages/{_w(w)['launch'].pk}"),
        RUN,
        data=lambda w, c: {"name": "上市推广"},
        api=True,
    ),
    Row("API delete a stage", "delete", lambda w, c: _api(w, f"/stages/{_w(w)['launch'].pk}"), RUN, api=True),
    Row(
        "API set a stage objective",
        "post",
        lambda w, c: _api(w, f"/stages/{_w(w)['launch'].pk}/objectives"),
        RUN,
        data=lambda w, c: {"title": "首月销量", "owner": c.oscar.pk},
        api=True,
    ),
    Row(
        "API add a key result",
        "post",
        lambda w, c: _api(w, "/key-results"),
        RUN_OR_OWNER,
        data=lambda w, c: {"objective": _w(w)["stage_objective"].pk, "title": "原型评审", "kind": "boolean"},
        api=True,
    ),
    Row(
        "API say who carries a key result",
        "put",
        lambda w, c: _api(w, f"/key-results/{_w(w)['stage_kr'].pk}/carriers"),
        RUN_OR_OWNER,
        data=lambda w, c: {"contributors": [c.hank.pk, c.oscar.pk]},
        api=True,
    ),
]

CASES = [pytest.param(row, persona, id=f"{row.name}-{persona}") for row in ROWS for persona in PERSONAS]


def _everything() -> str:
    return _state() + _projects_state()


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_answers_each_persona_as_the_table_says_PLAY_PROJ(
    row: Row, persona: str, project_world: ProjectMatrix, company: Company
) -> None:
    """PLAY-PROJ, PUB-2: every project is visible to everyone; its lead and administrators run it."""
    expected = row.expect[persona]
    before = _everything()
    response = _call(row, persona, project_world, company)
    status = response.status_code
    if expected == "ok":
        assert status < 400, f"{row.name} as {persona}: {status} {response.content[:300]!r}"
        if status in (301, 302):
            assert "/login/" not in response["Location"]
        if row.method in WRITES:
            assert _everything() != before, f"an allowed {row.name} as {persona} wrote nothing"
        else:
            assert _everything() == before, f"reading {row.name} as {persona} changed data"
        return
    if expected == "login":
        if row.api:
            assert status == 401
        else:
            assert status == 302 and response["Location"].startswith("/login/")
    else:
        assert status == expected, f"{row.name} as {persona}: {status}"
    assert _everything() == before, f"a refused {row.name} as {persona} changed data"
