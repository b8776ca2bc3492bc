"""The permission table's rows for the strategy (VIS-1, VIS-2), the key results drafted first (SET-9) and moving a
key result, run through the table's own machinery (`tests/project/test_permissions_matrix.py`): every persona gets
the answer the row says, a refusal leaves everything as it was (the table's state and this one's: the goals, the
vision, each objective's goal, the pools), an allowed write changes something. The pages are then read in Chinese:
no English, no bare rule ID."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qibu.okrs.models import DraftKeyResult, Level, Objective
from qibu.okrs.services import draft_key_result_create, objective_create
from qibu.org.models import Organisation, StrategicGoal
from qibu.org.services import strategic_goal_create
from tests.conftest import Company
from tests.project.test_permissions_matrix import (
    ALL_OK,
    EDIT_COMPANY,
    EDIT_MINE,
    PERSONAS,
    WRITES,
    Row,
    World,
    _call,
    _state,
    world,  # noqa: F401  (the fixture, used by name)
)
from tests.project.test_rule_ids import bare_rule_ids
from tests.project.test_untranslated import _assert_chinese, _chinese_client

# Executives and administrators keep the strategy; everyone reads it.
KEEP = EDIT_COMPANY
# A drafted key result is its owner's alone (mia's here): anyone else is told there is no such draft.
OWN_DRAFT = dict.fromkeys(PERSONAS[:-1], 404) | {"mia": "ok", "anonymous": "login"}
# Adding mia's drafts to her objective: hers to do; those who may edit it have no such drafts to add (400); the others
# may not change it (403).
ADD_MIAS_DRAFTS = {"alice": 400, "erin": 403, "hank": 400, "mia": "ok", "oscar": 403, "anonymous": "login"}


@pytest.fixture
def strategy_world(world: World, company: Company) -> World:  # noqa: F811  (the imported fixture)
    """The table's world with two strategic goals (the company objective tracing to the first), mia's drafted key
    result, erin's under the first goal, and a second objective of mia's to move a key result to."""
    c = company
    first = strategic_goal_create(actor=c.erin, title="出海", description="东南亚")
    strategic_goal_create(actor=c.erin, title="做强华东")
    Objective.objects.filter(pk=world["company"].pk).update(strategic_goal=first)
    draft_key_result_create(actor=c.mia, owner=c.mia, cycle=c.quarter, title="新签 3 家", target_value=3)
    draft_key_result_create(
        actor=c.erin, owner=c.erin, cycle=c.quarter, title="海外收入", target_value=9, strategic_goal=first
    )
    objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="打开无锡市场")
    return world


def _goal() -> int:
    return StrategicGoal.objects.order_by("position", "id").values_list("pk", flat=True)[0]


def _mias_draft() -> int:
    return DraftKeyResult.objects.filter(owner__username="mia").values_list("pk", flat=True)[0]


def _wuxi() -> int:
    return Objective.objects.filter(title="打开无锡市场").values_list("pk", flat=True)[0]


def _objective_form(c: Company, **fields: Any) -> dict[str, Any]:
    return {
        "title": "打开常州市场",
        "level": "person",
        "cycle": c.quarter.pk,
        "owner": c.mia.pk,
        "priority": "1",
        "commitment": "aspirational",
        "visibility": "company",
        "status": "active",
        "rollup_mode": "key_results",
        "weight": "1",
        **fields,
    }


ROWS = [
    # --- the strategy (VIS-1, VIS-2)
    Row("strategy page", "get", lambda w, c: "/strategy/", ALL_OK),
    Row("strategy page, the year", "get", lambda w, c: f"/strategy/?cycle={c.year.pk}", ALL_OK),
    Row("strategy, its old address", "get", lambda w, c: "/settings/strategy/", ALL_OK),
    Row(
        "save the vision and mission",
        "post",
        lambda w, c: "/strategy/vision/",
        KEEP,
        data=lambda w, c: {"vision": "新的愿景", "mission": c.org.mission},
    ),
    Row(
        "add a strategic goal",
        "post",
        lambda w, c: "/strategy/goals/new/",
        KEEP,
        data=lambda w, c: {"title": "降本增效", "description": ""},
    ),
    Row("strategic goal editor", "get", lambda w, c: f"/strategy/goals/{_goal()}/edit/", KEEP),
    Row(
        "save a strategic goal",
        "post",
        lambda w, c: f"/strategy/goals/{_goal()}/edit/",
        KEEP,
        data=lambda w, c: {"title": "出海", "description": "东南亚与中东"},
    ),
    Row(
        "move a strategic goal",
        "post",
        lambda w, c: f"/strategy/goals/{_goal()}/move/",
        KEEP,
        data=lambda w, c: {"direction": "down"},
    ),
    Row("confirm deleting a strategic goal", "get", lambda w, c: f"/strategy/goals/{_goal()}/delete/", KEEP),
    Row("delete a strategic goal", "post", lambda w, c: f"/strategy/goals/{_goal()}/delete/", KEEP),
    Row("strategic goal history", "get", lambda w, c: f"/strategy/goals/{_goal()}/history/", ALL_OK),
    # --- key results first (SET-9)
    Row("key results first", "get", lambda w, c: "/okrs/key-results-first/", ALL_OK),
    Row("key results first, a cycle", "get", lambda w, c: f"/okrs/key-results-first/?cycle={c.quarter.pk}", ALL_OK),
    Row(
        "draft a key result",
        "post",
        lambda w, c: "/okrs/key-results-first/",
        ALL_OK,
        data=lambda w, c: {"title": "拜访 20 家", "kind": "increase", "start_value": "0", "target_value": "20"},
    ),
    Row("drafted key result editor", "get", lambda w, c: f"/okrs/key-results-first/{_mias_draft()}/edit/", OWN_DRAFT),
    Row(
        "save a drafted key result",
        "post",
        lambda w, c: f"/okrs/key-results-first/{_mias_draft()}/edit/",
        OWN_DRAFT,
        data=lambda w, c: {"title": "新签 5 家", "kind": "increase", "start_value": "0", "target_value": "5"},
    ),
    Row(
        "delete a drafted key result",
        "post",
        lambda w, c: f"/okrs/key-results-first/{_mias_draft()}/delete/",
        OWN_DRAFT,
    ),
    Row(
        "add drafted key results to an objective",
        "post",
        lambda w, c: "/okrs/key-results-first/add/",
        ADD_MIAS_DRAFTS,
        data=lambda w, c: {"draft": [_mias_draft()], "objective": w["mine"].pk, "cycle": c.quarter.pk},
    ),
    Row("editor with drafted key results", "get", lambda w, c: f"/objectives/new/?draft={_mias_draft()}", ALL_OK),
    # Only mia's drafts are hers to gather: for the others the objective is made without them, where they may.
    Row(
        "new objective from drafted key results",
        "post",
        lambda w, c: "/objectives/new/",
        EDIT_MINE,
        data=lambda w, c: {**_objective_form(c), "draft": [_mias_draft()]},
    ),
    # --- moving a key result
    Row("move a key result, its form", "get", lambda w, c: f"/key-results/{w['my_kr'].pk}/move/", EDIT_MINE),
    Row(
        "move a key result",
        "post",
        lambda w, c: f"/key-results/{w['my_kr'].pk}/move/",
        EDIT_MINE,
        data=lambda w, c: {"objective": _wuxi()},
    ),
    Row(
        "API move a key result",
        "post",
        lambda w, c: f"/api/v1/key-results/{w['my_kr'].pk}/move",
        EDIT_MINE,
        data=lambda w, c: {"objective": _wuxi()},
        api=True,
    ),
    # --- the API's strategic goals
    Row("API strategic goals", "get", lambda w, c: "/api/v1/strategic-goals", ALL_OK, api=True),
    Row(
        "API create a company objective tracing to a goal",
        "post",
        lambda w, c: "/api/v1/objectives",
        EDIT_COMPANY,
        data=lambda w, c: {"cycle": c.quarter.pk, "level": "company", "title": "利润翻番", "strategic_goal": _goal()},
        api=True,
    ),
    Row(
        "API change a company objective's goal",
        "patch",
        lambda w, c: f"/api/v1/objectives/{w['company'].pk}",
        EDIT_COMPANY,
        data=lambda w, c: {"strategic_goal": None},
        api=True,
    ),
]

CASES = [pytest.param(row, persona, id=f"{row.name}-{persona}") for row in ROWS for persona in PERSONAS]


def _strategy_state() -> str:
    """The table's state and what these rows could change besides."""
    return _state() + json.dumps(
        {
            "goals": list(StrategicGoal.objects.order_by("pk").values_list("pk", "title", "description", "position")),
            "vision": list(Organisation.objects.values_list("vision", "mission")),
            "traces": list(Objective.objects.order_by("pk").values_list("pk", "strategic_goal_id")),
            "drafts": list(
                DraftKeyResult.objects.order_by("pk").values_list("pk", "owner_id", "title", "target_value", "position")
            ),
        },
        default=str,
    )


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_answers_each_persona_as_the_table_says_VIS_2_SET_9(
    row: Row, persona: str, strategy_world: World, company: Company
) -> None:
    """VIS-2, SET-9 (PUB-2 for the reading): the strategy is everyone's to read and the executives' to keep; a pool
    of drafted key results is its owner's; a key result moves only between objectives one may edit."""
    expected = row.expect[persona]
    before = _strategy_state()
    response = _call(row, persona, strategy_world, company)
    status = response.status_code
    if expected == "ok":
        assert status < 400, f"{row.name} as {persona}: {status}"
        if status in (301, 302):
            assert "/login/" not in response["Location"]
        if row.method in WRITES:
            assert _strategy_state() != before, f"an allowed {row.name} as {persona} wrote nothing"
        else:
            assert _strategy_state() == before, f"reading {row.name} as {persona} changed data"
        return
    if expected == "login":
        if row.api:
            assert status == 401
        else:
            assert status == 302 and response["Location"].startswith("/login/")
    else:
        assert status == expected, f"{row.name} as {persona}: {status}"
    assert _strategy_state() == before, f"a refused {row.name} as {persona} changed data"


PAGES = [row for row in ROWS if row.method == "get" and not row.api and row.name != "strategy, its old address"]


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_it_shows_these_pages_in_chinese_without_a_bare_rule_id(
    row: Row, strategy_world: World, company: Company
) -> None:
    """The pages of these rows, as the persona who sees the most of them, in Chinese: every word translated, every
    rule ID a titled label after its sentence (`tests/project/test_untranslated.py`, `test_rule_ids.py`)."""
    persona = "mia" if row.expect.get("mia") == "ok" else "erin"
    response = _chinese_client(getattr(company, persona)).get(row.url(strategy_world, company))
    assert response.status_code == 200, response.status_code
    _assert_chinese(response, row.name, company)
    bare, _labels = bare_rule_ids(response.content.decode())
    assert not bare, f"{row.name}: a rule ID without its explanation:\n" + "\n".join(bare)
    if persona == "mia":  # and as an executive, who sees the forms that keep the strategy
        keeper = _chinese_client(company.erin).get(row.url(strategy_world, company))
        if keeper.status_code == 200:
            _assert_chinese(keeper, row.name, company)
            assert not bare_rule_ids(keeper.content.decode())[0]
