"""The permission table of the action plans (EXE-8; PUB-2 transparency): every page and API call for every persona,
with the machinery of `tests/project/test_permissions_matrix.py`. A step is as visible as its objective; those who
may edit the objective (and the key result's owner) plan its steps; a step's owner sets its status. Every refusal
leaves the data exactly as it was (the table's state, and the steps with their resource people); every allowed
write changes it; every read changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qibu.okrs.services import key_result_create
from qibu.plans.models import ActionStep
from tests.conftest import Company
from tests.plans.helpers import make_step
from tests.project.test_permissions_matrix import (  # noqa: F401  (world: the fixture, used by name)
    ALL_OK,
    EDIT_LIMITED,
    EDIT_MINE,
    EDIT_PRIVATE,
    PERSONAS,
    SEE_LIMITED,
    SEE_MINE,
    SEE_PRIVATE,
    WRITES,
    Row,
    World,
    _call,
    _state,
    world,
)

# A step's owner sets its status: oscar does a step of mia's objective (erin may only read it).
STATUS_OF_OSCARS = EDIT_MINE | {"oscar": "ok"}
# A key result of the company's objective that hank owns: he plans its steps without editing the objective.
PLAN_HANKS_KEY_RESULT = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": 403, "oscar": 403, "anonymous": "login"}

# The steps of the world below, by title.
STEP, OSCARS, PRIVATE, LIMITED, HANKS = "拜访客户", "市场部配合", "买书", "内部回款", "开拓渠道"


@pytest.fixture
def plans_world(world: World, company: Company) -> World:  # noqa: F811  (the imported fixture)
    """The table's world with steps: mia's (helped by hank), one oscar does for her, one on her private objective,
    one on sales' department-only objective, and one on a key result of the company's objective that hank owns."""
    c = company
    make_step(c.mia, world["my_kr"], STEP, owner=c.mia, resource_people=[c.hank])
    make_step(c.mia, world["my_kr"], OSCARS, owner=c.oscar)
    make_step(c.mia, world["private_kr"], PRIVATE)
    make_step(c.hank, world["limited_kr"], LIMITED)
    channels = key_result_create(
        actor=c.erin, objective=world["company"], title="华东渠道", start_value=0, target_value=3, owner=c.hank
    )
    make_step(c.hank, channels, HANKS, owner=c.hank)
    return world


def _step(title: str) -> ActionStep:
    return ActionStep.objects.select_related("key_result").get(title=title)


def _pk(title: str) -> int:
    return _step(title).pk


def _step_url(title: str, action: str = "") -> Any:
    return lambda w, c: f"/plans/steps/{_pk(title)}/" + (f"{action}/" if action else "")


def _api_step(title: str, action: str = "") -> Any:
    return lambda w, c: f"/api/v1/action-steps/{_pk(title)}" + (f"/{action}" if action else "")


def _new_step_form(owner: str, **changes: str) -> dict[str, str]:
    data = {
        "title": "新的一步",
        "description": "",
        "owner": owner,
        "responsible": "",
        "decider": "",
        "start": "2026-10-05",
        "deadline": "2026-11-30",
        "priority": "2",
        "resource_people": "",
        "budget": "",
        "currency": "CNY",
        "resources_note": "",
    }
    data.update(changes)
    return data


def _hanks_key_result() -> int:
    return _step(HANKS).key_result_id


ROWS = [
    # --- pages
    Row("a step's page", "get", _step_url(STEP), SEE_MINE),
    Row("a step's page, private", "get", _step_url(PRIVATE), SEE_PRIVATE),
    Row("a step's page, department only", "get", _step_url(LIMITED), SEE_LIMITED),
    Row("new step form", "get", lambda w, c: f"/plans/key-results/{w['my_kr'].pk}/steps/new/", EDIT_MINE),
    Row(
        "plan a step",
        "post",
        lambda w, c: f"/plans/key-results/{w['my_kr'].pk}/steps/new/",
        EDIT_MINE,
        data=lambda w, c: _new_step_form("mia"),
    ),
    Row(
        "plan a step, private",
        "post",
        lambda w, c: f"/plans/key-results/{w['private_kr'].pk}/steps/new/",
        EDIT_PRIVATE,
        data=lambda w, c: _new_step_form("mia"),
    ),
    Row(
        "plan a step of a key result hank owns",
        "post",
        lambda w, c: f"/plans/key-results/{_hanks_key_result()}/steps/new/",
        PLAN_HANKS_KEY_RESULT,
        data=lambda w, c: _new_step_form("hank"),
    ),
    Row("step editor", "get", _step_url(STEP, "edit"), EDIT_MINE),
    Row(
        "save a step",
        "post",
        _step_url(STEP, "edit"),
        EDIT_MINE,
        data=lambda w, c: _new_step_form("mia", title="改过的一步", resource_people="hank oscar"),
    ),
    Row(
        "status of oscar's step",
        "post",
        _step_url(OSCARS, "status"),
        STATUS_OF_OSCARS,
        data=lambda w, c: {"status": "doing"},
    ),
    Row(
        "status, department only",
        "post",
        _step_url(LIMITED, "status"),
        EDIT_LIMITED,
        data=lambda w, c: {"status": "done"},
    ),
    Row("reassign form", "get", _step_url(STEP, "reassign"), EDIT_MINE),
    Row(
        "reassign a step",
        "post",
        _step_url(STEP, "reassign"),
        EDIT_MINE,
        data=lambda w, c: {"owner": "hank", "responsible": "mia", "decider": "hank"},
    ),
    Row("move form", "get", _step_url(STEP, "move"), EDIT_MINE),
    Row(
        "move a step",
        "post",
        _step_url(STEP, "move"),
        EDIT_MINE,
        data=lambda w, c: {"key_result": w["my_kr"].pk, "position": "2"},
    ),
    Row("split form", "get", _step_url(STEP, "split"), EDIT_MINE),
    Row("split a step", "post", _step_url(STEP, "split"), EDIT_MINE, data=lambda w, c: {"title": "第二部分"}),
    Row("delete a step, confirm", "get", _step_url(STEP, "delete"), EDIT_MINE),
    Row("delete a step", "post", _step_url(STEP, "delete"), EDIT_MINE, data=lambda w, c: {}),
    Row("delete a step, private", "post", _step_url(PRIVATE, "delete"), EDIT_PRIVATE, data=lambda w, c: {}),
    Row("my timetable", "get", lambda w, c: "/plans/timetable/", ALL_OK),
    Row("a department's timetable", "get", lambda w, c: f"/plans/timetable/?department={c.sales.pk}", ALL_OK),
    Row("a team's timetable", "get", lambda w, c: f"/plans/timetable/?team={c.sales_team.pk}", ALL_OK),
    Row("a person's timetable", "get", lambda w, c: f"/plans/timetable/?person={c.mia.pk}", ALL_OK),
    Row("an objective's timetable", "get", lambda w, c: f"/plans/timetable/?objective={w['mine'].pk}", SEE_MINE),
    Row(
        "a private objective's timetable",
        "get",
        lambda w, c: f"/plans/timetable/?objective={w['private'].pk}",
        SEE_PRIVATE,
    ),
    # --- API
    Row("API list action steps", "get", lambda w, c: "/api/v1/action-steps", ALL_OK, api=True),
    Row(
        "API list a private objective's steps",
        "get",
        lambda w, c: f"/api/v1/action-steps?objective={w['private'].pk}",
        SEE_PRIVATE,
        api=True,
    ),
    Row("API a step", "get", _api_step(STEP), SEE_MINE, api=True),
    Row("API a step, department only", "get", _api_step(LIMITED), SEE_LIMITED, api=True),
    Row(
        "API plan a step",
        "post",
        lambda w, c: "/api/v1/action-steps",
        EDIT_MINE,
        api=True,
        data=lambda w, c: {"key_result": w["my_kr"].pk, "title": "接口里的一步", "owner": c.mia.pk},
    ),
    Row(
        "API plan a step of a key result hank owns",
        "post",
        lambda w, c: "/api/v1/action-steps",
        PLAN_HANKS_KEY_RESULT,
        api=True,
        data=lambda w, c: {"key_result": _hanks_key_result(), "title": "渠道拜访", "owner": c.hank.pk},
    ),
    Row("API change a step", "patch", _api_step(STEP), EDIT_MINE, api=True, data=lambda w, c: {"budget": "99"}),
    Row(
        "API change a private step",
        "patch",
        _api_step(PRIVATE),
        EDIT_PRIVATE,
        api=True,
        data=lambda w, c: {"title": "改"},
    ),
    Row(
        "API reassign a step",
        "post",
        _api_step(STEP, "reassign"),
        EDIT_MINE,
        api=True,
        data=lambda w, c: {"owner": c.hank.pk, "decider": None},
    ),
    Row(
        "API move a step",
        "post",
        _api_step(STEP, "move"),
        EDIT_MINE,
        api=True,
        data=lambda w, c: {"key_result": w["my_kr"].pk, "position": 1},
    ),
    Row("API split a step", "post", _api_step(STEP, "split"), EDIT_MINE, api=True, data=lambda w, c: {}),
    Row(
        "API status of oscar's step",
        "post",
        _api_step(OSCARS, "status"),
        STATUS_OF_OSCARS,
        api=True,
        data=lambda w, c: {"status": "blocked"},
    ),
    Row("API delete a step", "delete", _api_step(STEP), EDIT_MINE, api=True),
    Row("API timetable", "get", lambda w, c: f"/api/v1/timetable?department={c.sales.pk}", ALL_OK, api=True),
    Row(
        "API a private objective's timetable",
        "get",
        lambda w, c: f"/api/v1/timetable?objective={w['private'].pk}",
        SEE_PRIVATE,
        api=True,
    ),
]
CASES = [pytest.param(row, persona, id=f"{row.name}-{persona}") for row in ROWS for persona in PERSONAS]


def _plans_state() -> str:
    """The table's state and the action steps, with their people."""
    steps = ActionStep.objects.order_by("pk").values_list(
        "pk", "key_result_id", "title", "owner_id", "responsible_id", "decider_id", "budget", "start", "deadline",
        "status", "priority", "position", "split_from_id",
    )  # fmt: skip
    helpers = ActionStep.resource_people.through.objects.order_by("pk").values_list("actionstep_id", "person_id")
    return json.dumps({"table": _state(), "steps": list(steps), "helpers": list(helpers)}, default=str)


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_answers_each_persona_as_the_table_says_EXE_8(
    row: Row, persona: str, plans_world: World, company: Company
) -> None:
    """EXE-8, PUB-2."""
    expected = row.expect[persona]
    before = _plans_state()
    response = _call(row, persona, plans_world, company)
    status = response.status_code
    if expected == "ok":
        assert status < 400, f"{row.name} as {persona}: {status}"
        if status in (301, 302):
            assert "/login/" not in response["Location"]
        if row.method in WRITES:
            assert _plans_state() != before, f"an allowed {row.name} as {persona} wrote nothing"
        else:
            assert _plans_state() == before, f"reading {row.name} as {persona} changed data"
        return
    if expected == "login":
        if row.api:
            assert status == 401
        else:
            assert status == 302 and response["Location"].startswith("/login/")
    else:
        assert status == expected, f"{row.name} as {persona}: {status}"
    assert _plans_state() == before, f"a refused {row.name} as {persona} changed data"
