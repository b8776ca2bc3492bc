"""The permission table of approval (SET-1, SET-2): every page and API call of it for every persona, with the
machinery of tests/project/test_permissions_matrix.py. A refusal leaves the data as it was (the table's state and
the approval's); an allowed step changes it.

The world is the table's, with approval switched on and, beside it, mia's draft, her objective submitted for
approval (hank, her manager and head, approves it), and erin's company objective submitted (approved by the other
executives: alice, while no CEO is named).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qibu.okrs.models import ApprovalDecision, Level, Objective
from qibu.okrs.services import key_result_create, objective_create, objective_submit
from qibu.org.models import Organisation
from tests.conftest import Company
from tests.project.test_permissions_matrix import (  # noqa: F401  (world: the fixture, used by name)
    PERSONAS,
    WRITES,
    Row,
    World,
    _call,
    _state,
    world,
)


class ApprovalWorld(World):
    draft: Objective
    submitted: Objective
    company_submitted: Objective


@pytest.fixture
def approval_world(world: World, company: Company) -> ApprovalWorld:  # noqa: F811  (the imported fixture)
    c = company
    Organisation.objects.filter(pk=c.org.pk).update(approval_required=True)

    def made(actor: Any, title: str, **scope: Any) -> Objective:
        objective = objective_create(actor=actor, cycle=c.quarter, title=title, **scope)
        key_result_create(actor=actor, objective=objective, title=f"{title}的关键结果", start_value=0, target_value=5)
        return objective

    draft = made(c.mia, "米娅的草稿", level=Level.PERSON, owner=c.mia)
    submitted = made(c.mia, "米娅待审批", level=Level.PERSON, owner=c.mia)
    objective_submit(actor=c.mia, objective=submitted)
    company_submitted = made(c.erin, "公司待审批", level=Level.COMPANY, owner=c.erin)
    objective_submit(actor=c.erin, objective=company_submitted)
    return {**world, "draft": draft, "submitted": submitted, "company_submitted": company_submitted}


def _approval_state() -> str:
    """The table's state, and where every objective stands in approval with its decisions."""
    return _state() + json.dumps(
        {
            "approval": list(
                Objective.objects.order_by("pk").values_list("pk", "approval", "submitted_at", "approved_at")
            ),
            "decisions": list(ApprovalDecision.objects.order_by("pk").values_list("pk", "action", "comment")),
        },
        default=str,
    )


def _pk(made: Any, name: str) -> int:
    objective: Objective = made[name]
    return objective.pk


def _url(name: str, step: str, api: bool = False) -> Any:
    if api:
        return lambda w, c: f"/api/v1/objectives/{w[name].pk}/{step}"
    return lambda w, c: f"/objectives/{w[name].pk}/{step}/"


# mia's draft and her submitted objective: seen by her, her manager hank and administrators; erin, an executive
# who is not her manager, and oscar, of another department, are outside its circle (404).
MIAS_DRAFT = {"alice": "ok", "erin": 404, "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
# Approving or returning hers: hank only; not she (her own) nor alice (an administrator approves as the rules
# name her: not here).
DECIDE_MIAS = {"alice": 403, "erin": 404, "hank": "ok", "mia": 403, "oscar": 404, "anonymous": "login"}
# A company objective in draft: executives and department heads see it; its approver is another executive.
DECIDE_COMPANY = {"alice": "ok", "erin": 403, "hank": 403, "mia": 404, "oscar": 404, "anonymous": "login"}
COMMENT = lambda w, c: {"comment": "请补充目标值"}  # noqa: E731

ROWS = [
    Row("approval page of a draft", "get", _url("draft", "approval"), MIAS_DRAFT),
    Row("objective page of a draft", "get", lambda w, c: f"/objectives/{_pk(w, 'draft')}/", MIAS_DRAFT),
    Row("submit a draft", "post", _url("draft", "submit"), MIAS_DRAFT, data=COMMENT),
    # Already submitted: refused for where it stands, and nothing written (400, the approval page with the reason).
    Row("submit again", "post", _url("submitted", "submit"), MIAS_DRAFT | {"alice": 400, "hank": 400, "mia": 400}),
    Row("take a submission back", "post", _url("submitted", "reopen"), MIAS_DRAFT),
    Row("approve", "post", _url("submitted", "approve"), DECIDE_MIAS, data=COMMENT),
    Row("return with comments", "post", _url("submitted", "return"), DECIDE_MIAS, data=COMMENT),
    Row("return without comments", "post", _url("submitted", "return"), DECIDE_MIAS | {"hank": 400}),
    Row("approve a company objective", "post", _url("company_submitted", "approve"), DECIDE_COMPANY),
    Row("API approval of a draft", "get", _url("draft", "approval", api=True), MIAS_DRAFT, api=True),
    Row(
        "API approval of a company objective",
        "get",
        _url("company_submitted", "approval", api=True),
        {"alice": "ok", "erin": "ok", "hank": "ok", "mia": 404, "oscar": 404, "anonymous": "login"},
        api=True,
    ),
    Row("API submit a draft", "post", _url("draft", "submit", api=True), MIAS_DRAFT, data=COMMENT, api=True),
    Row(
        "API submit again",
        "post",
        _url("submitted", "submit", api=True),
        MIAS_DRAFT | {"alice": 422, "hank": 422, "mia": 422},
        api=True,
    ),
    Row("API take a submission back", "post", _url("submitted", "reopen", api=True), MIAS_DRAFT, api=True),
    Row("API approve", "post", _url("submitted", "approve", api=True), DECIDE_MIAS, data=COMMENT, api=True),
    Row("API return", "post", _url("submitted", "return", api=True), DECIDE_MIAS, data=COMMENT, api=True),
    Row(
        "API return without comments",
        "post",
        _url("submitted", "return", api=True),
        DECIDE_MIAS | {"hank": 422},
        data=lambda w, c: {},
        api=True,
    ),
    Row(
        "API approve a company objective",
        "post",
        _url("company_submitted", "approve", api=True),
        DECIDE_COMPANY,
        api=True,
    ),
]
CASES = [pytest.param(row, persona, id=f"{row.name}-{persona}") for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_answers_each_persona_as_the_table_says_SET_1_SET_2(
    row: Row, persona: str, approval_world: ApprovalWorld, company: Company
) -> None:
    """SET-1, SET-2 (and PUB-2: a draft is its circle's)."""
    expected = row.expect[persona]
    before = _approval_state()
    response = _call(row, persona, approval_world, company)
    status = response.status_code
    if expected == "ok":
        assert status < 400, f"{row.name} as {persona}: {status}"
        if status in (301, 302):
            assert "/login/" not in response["Location"]
        if row.method in WRITES:
            assert _approval_state() != before, f"an allowed {row.name} as {persona} wrote nothing"
        else:
            assert _approval_state() == before, f"reading {row.name} as {persona} changed data"
        return
    if expected == "login":
        assert status == (401 if row.api else 302)
        if not row.api:
            assert response["Location"].startswith("/login/")
    else:
        assert status == expected, f"{row.name} as {persona}: {status}"
    assert _approval_state() == before, f"a refused {row.name} as {persona} changed data"
