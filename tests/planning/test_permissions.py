"""The planning pages and API calls in the permission table (PUB-2, SET-2), with the machinery of
tests/project/test_permissions_matrix.py: every persona, every refusal checked to leave the data (the planning
tables included) exactly as it was, every allowed write to have changed it.

The world: the company's, sales' and the sales-limited objectives are drafts; oscar proposed on the company's draft,
mia on the limited one; the company's draft took up sales'."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

import pytest

from qibu.okrs.models import Approval, Objective
from qibu.planning.models import Proposal, TakeUp
from qibu.planning.services import proposal_create, take_up_add
from tests.conftest import Company
from tests.project.test_permissions_matrix import (
    ALL_OK,
    EDIT_COMPANY,
    EDIT_LIMITED,
    PERSONAS,
    SEE_LIMITED,
    WRITES,
    Row,
    World,
    _call,
    _state,
    world,  # noqa: F401  (the fixture, used by name)
)
from tests.project.test_rule_ids import bare_rule_ids

# oscar's proposal: only its author changes or withdraws it.
OSCARS_PROPOSAL = {"alice": 403, "erin": 403, "hank": 403, "mia": 403, "oscar": "ok", "anonymous": "login"}
# mia's on the objective limited to sales: oscar may not see it at all.
MIAS_LIMITED_PROPOSAL = {"alice": 403, "erin": 403, "hank": 403, "mia": "ok", "oscar": 404, "anonymous": "login"}


class PlanningWorld(World):
    proposal: Proposal
    limited_proposal: Proposal
    take_up: TakeUp


@pytest.fixture
def planning(world: World, company: Company) -> PlanningWorld:  # noqa: F811  (the imported fixture)
    c = company
    drafts = [world["company"], world["department"], world["limited"]]
    Objective.objects.filter(pk__in=[o.pk for o in drafts]).update(approval=Approval.DRAFT)
    for objective in drafts:
        objective.approval = Approval.DRAFT
    proposal = proposal_create(actor=c.oscar, objective=world["company"], text="市场部可以配合")
    limited_proposal = proposal_create(actor=c.mia, objective=world["limited"], text="内部建议")
    take_up = take_up_add(actor=c.erin, objective=world["company"], source_objective=world["department"])
    return {**world, "proposal": proposal, "limited_proposal": limited_proposal, "take_up": take_up}


def _planning_state() -> str:
    """`_state` with the planning tables."""
    return _state() + json.dumps(
        {
            "proposals": list(
                Proposal.objects.order_by("pk").values_list("pk", "kind", "text", "status", "response", "edited_at")
            ),
            "take_ups": list(
                TakeUp.objects.order_by("pk").values_list(
                    "pk", "objective_id", "source_objective_id", "source_proposal_id"
                )
            ),
        },
        default=str,
    )


def _at(w: World, name: str) -> Any:
    """A row of the planning world by name (the table's rows are typed for the matrix's world)."""
    return cast("dict[str, Any]", w)[name]


def _proposal_url(action: str, name: str = "proposal") -> Callable[[World, Company], str]:
    return lambda w, c: f"/proposals/{_at(w, name).pk}/{action}/"


ROWS = [
    Row("planning board", "get", lambda w, c: f"/planning/?cycle={c.quarter.pk}", ALL_OK),
    Row("planning board of a department", "get", lambda w, c: f"/planning/?department={c.sales.pk}&stand=none", ALL_OK),
    Row("approval queue", "get", lambda w, c: "/planning/queue/", ALL_OK),
    Row("proposals of a draft", "get", lambda w, c: f"/objectives/{w['company'].pk}/proposals/", ALL_OK),
    Row("proposals of a limited draft", "get", lambda w, c: f"/objectives/{w['limited'].pk}/proposals/", SEE_LIMITED),
    Row(
        "propose on the company's draft",
        "post",
        lambda w, c: f"/objectives/{w['company'].pk}/proposals/",
        ALL_OK,
        data=lambda w, c: {"kind": "objection", "text": "太难了"},
    ),
    Row(
        "propose on a limited draft",
        "post",
        lambda w, c: f"/objectives/{w['limited'].pk}/proposals/",
        SEE_LIMITED,
        data=lambda w, c: {"text": "我的建议"},
    ),
    Row("edit a proposal form", "get", _proposal_url("edit"), OSCARS_PROPOSAL),
    Row("edit a proposal", "post", _proposal_url("edit"), OSCARS_PROPOSAL, data=lambda w, c: {"text": "改过"}),
    Row("withdraw a proposal form", "get", _proposal_url("withdraw"), OSCARS_PROPOSAL),
    Row("withdraw a proposal", "post", _proposal_url("withdraw"), OSCARS_PROPOSAL),
    Row("withdraw a limited proposal", "post", _proposal_url("withdraw", "limited_proposal"), MIAS_LIMITED_PROPOSAL),
    Row(
        "answer a proposal",
        "post",
        _proposal_url("respond"),
        EDIT_COMPANY,
        data=lambda w, c: {"status": "declined", "note": "人手已够"},
    ),
    Row(
        "answer a limited proposal",
        "post",
        _proposal_url("respond", "limited_proposal"),
        EDIT_LIMITED,
        data=lambda w, c: {"status": "taken_up"},
    ),
    Row(
        "record a take-up",
        "post",
        lambda w, c: f"/objectives/{w['company'].pk}/take-ups/",
        EDIT_COMPANY,
        data=lambda w, c: {"source_objective": w["mine"].pk, "note": "参考个人目标"},
    ),
    Row("remove a take-up", "post", lambda w, c: f"/take-ups/{_at(w, 'take_up').pk}/remove/", EDIT_COMPANY),
    # The API.
    Row("API planning board", "get", lambda w, c: "/api/v1/planning/board", ALL_OK, api=True),
    Row("API approval queue", "get", lambda w, c: "/api/v1/planning/queue", ALL_OK, api=True),
    Row("API proposals", "get", lambda w, c: f"/api/v1/proposals?objective={w['company'].pk}", ALL_OK, api=True),
    Row(
        "API proposals of a limited draft",
        "get",
        lambda w, c: f"/api/v1/proposals?objective={w['limited'].pk}",
        SEE_LIMITED,
        api=True,
    ),
    Row(
        "API propose",
        "post",
        lambda w, c: "/api/v1/proposals",
        ALL_OK,
        data=lambda w, c: {"objective": w["company"].pk, "text": "建议"},
        api=True,
    ),
    Row(
        "API propose on a limited draft",
        "post",
        lambda w, c: "/api/v1/proposals",
        SEE_LIMITED,
        data=lambda w, c: {"objective": w["limited"].pk, "kind": "objection", "text": "反对"},
        api=True,
    ),
    Row(
        "API change a proposal",
        "patch",
        lambda w, c: f"/api/v1/proposals/{_at(w, 'proposal').pk}",
        OSCARS_PROPOSAL,
        data=lambda w, c: {"text": "改过"},
        api=True,
    ),
    Row(
        "API withdraw a proposal",
        "delete",
        lambda w, c: f"/api/v1/proposals/{_at(w, 'proposal').pk}",
        OSCARS_PROPOSAL,
        api=True,
    ),
    Row(
        "API answer a proposal",
        "post",
        lambda w, c: f"/api/v1/proposals/{_at(w, 'proposal').pk}/answer",
        EDIT_COMPANY,
        data=lambda w, c: {"status": "taken_up"},
        api=True,
    ),
    Row("API take-ups", "get", lambda w, c: f"/api/v1/take-ups?objective={w['company'].pk}", ALL_OK, api=True),
    Row(
        "API record a take-up",
        "post",
        lambda w, c: "/api/v1/take-ups",
        EDIT_COMPANY,
        data=lambda w, c: {"objective": w["company"].pk, "source_proposal": _at(w, "proposal").pk},
        api=True,
    ),
    Row(
        "API remove a take-up",
        "delete",
        lambda w, c: f"/api/v1/take-ups/{_at(w, 'take_up').pk}",
        EDIT_COMPANY,
        api=True,
    ),
]
CASES = [pytest.param(row, persona, id=f"{row.name}-{persona}") for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_answers_each_persona_as_the_table_says_PUB_2_SET_2(
    row: Row, persona: str, planning: PlanningWorld, company: Company
) -> None:
    """PUB-2, SET-2."""
    expected = row.expect[persona]
    before = _planning_state()
    response = _call(row, persona, planning, company)
    status = response.status_code
    if expected == "ok":
        assert status < 400, f"{row.name} as {persona}: {status} {response.content[:300]!r}"
        if status in (301, 302):
            assert "/login/" not in response["Location"]
        if row.method in WRITES:
            assert _planning_state() != before, f"an allowed {row.name} as {persona} wrote nothing"
        else:
            assert _planning_state() == before, f"reading {row.name} as {persona} changed data"
        return
    if expected == "login":
        assert status == 401 if row.api else (status == 302 and response["Location"].startswith("/login/"))
    else:
        assert status == expected, f"{row.name} as {persona}: {status}"
    assert _planning_state() == before, f"a refused {row.name} as {persona} changed data"


PAGES = [row for row in ROWS if row.method == "get" and not row.api]


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_it_shows_no_bare_rule_id_and_no_english_in_chinese(
    row: Row, planning: PlanningWorld, company: Company
) -> None:
    from tests.project.test_untranslated import PRODUCT_WORDS, _chinese_client, _user_data, english_words, visible_text

    persona = next(p for p in ("alice", "erin", "hank", "mia", "oscar") if row.expect.get(p) == "ok")
    response = _chinese_client(getattr(company, persona)).get(row.url(planning, company))
    assert response.status_code == 200
    page = response.content.decode()
    assert not bare_rule_ids(page)[0]
    assert not english_words(visible_text(page), PRODUCT_WORDS | _user_data(company)), row.name
    # And the objective page with the planning section, as the draft's owner.
    objective = _chinese_client(company.erin).get(f"/objectives/{planning['company'].pk}/").content.decode()
    assert not bare_rule_ids(objective)[0]
    assert not english_words(visible_text(objective), PRODUCT_WORDS | _user_data(company))
