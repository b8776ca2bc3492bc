"""The approval of objectives through the API (SET-1, SET-2): the same services and answers as the pages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from qibu.notify.models import Notification
from qibu.okrs.models import Approval, ApprovalDecision, Level, Objective
from qibu.okrs.services import objective_create
from qibu.org.models import Organisation, Person
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

API = "/api/v1"


def call(method: str, path: str, person: Person, body: Any = None) -> Response:
    secret = api_token_create(actor=None, person=person, name="tests")[1]
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {secret}"}, "content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    response: Response = getattr(Client(), method)(API + path, **kwargs)
    return response


@pytest.fixture
def draft(company: Company, okrs: Okrs) -> Objective:
    """Mia's draft, approval switched on; the department and company above are agreed (written before)."""
    Organisation.objects.filter(pk=company.org.pk).update(approval_required=True)
    return objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="新草稿"
    )


def _state() -> list[Any]:
    return [
        list(Objective.objects.order_by("pk").values_list("approval", "approved_at")),
        ApprovalDecision.objects.count(),
        Notification.objects.count(),
    ]


def test_it_walks_an_objective_through_approval_SET_1_SET_2(company: Company, draft: Objective) -> None:
    """SET-2 submitted by its owner, SET-1 returned and approved by her manager, all through the API."""
    c, url = company, f"/objectives/{draft.pk}"
    got = call("get", f"{url}/approval", c.mia)
    assert got.status_code == 200
    body = got.json()
    assert (body["approval"], body["agreed"], body["required"]) == ("draft", False, True)
    assert [p["username"] for p in body["approvers"]] == ["hank"]
    assert (body["can_submit"], body["can_decide"], body["can_reopen"]) == (True, False, False)
    assert body["waits_for"] == [] and body["decisions"] == []
    assert call("get", url, c.mia).json()["approval"] == "draft"
    assert call("get", url, c.oscar).status_code == 404  # a draft is its circle's

    submitted = call("post", f"{url}/submit", c.mia, {"comment": "请批准"})
    assert submitted.status_code == 200 and submitted.json()["approval"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    assert call("get", f"{url}/approval", c.hank).json()["can_decide"] is True

    refused = call("post", f"{url}/return", c.hank, {})
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [{"field": "comment", "message": "Say what to change: an objective is returned with comments."}]
    }
    returned = call("post", f"{url}/return", c.hank, {"comment": "写清楚目标值"})
    assert returned.status_code == 200 and returned.json()["approval"] == "returned"
    assert call("post", f"{url}/reopen", c.mia).json()["approval"] == "draft"
    assert call("post", f"{url}/submit", c.mia).json()["approval"] == "submitted"  # no body: no note
    approved = call("post", f"{url}/approve", c.hank, {"comment": "好"})
    body = approved.json()
    assert approved.status_code == 200 and (body["approval"], body["agreed"]) == ("approved", True)
    assert [d["action"] for d in body["decisions"]] == ["approve", "submit", "reopen", "return", "submit"]
    assert body["decisions"][0]["comment"] == "好" and body["decisions"][0]["actor_name"] == "韩销售"
    out = call("get", url, c.oscar).json()
    assert out["approval"] == "approved" and out["approved_at"] is not None


def test_it_refuses_ones_own_approval_and_out_of_order_changing_nothing_SET_1(
    company: Company, draft: Objective
) -> None:
    """SET-1: 403 for her own approval, with the reason; 422 out of order, naming what it waits for."""
    c, url = company, f"/objectives/{draft.pk}"
    call("post", f"{url}/submit", c.mia)
    department = objective_create(
        actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, owner=c.hank, title="新部门目标"
    )
    before = _state()
    own = call("post", f"{url}/approve", c.mia)
    assert own.status_code == 403
    assert own.json()["detail"][0]["message"].startswith("Nobody approves their own objective")
    assert call("post", f"{url}/approve", c.erin).status_code == 404  # not in the circle of mia's draft
    out_of_order = call("post", f"{url}/approve", c.hank)
    assert out_of_order.status_code == 422
    (problem,) = out_of_order.json()["detail"]
    assert problem["field"] == "approval" and "“新部门目标”" in problem["message"]
    assert call("post", f"{url}/submit", c.mia).status_code == 422  # already submitted
    assert call("post", f"{url}/submit", c.oscar).status_code == 404
    assert _state() == before
    waiting = call("get", f"{url}/approval", c.hank).json()["waits_for"]
    assert waiting == [{"id": department.pk, "title": "新部门目标", "level": "department", "approval": "draft"}]


def test_it_lists_objectives_by_their_approval(company: Company, draft: Objective) -> None:
    listed = call("get", "/objectives?approval=draft", company.mia).json()
    assert [o["id"] for o in listed["items"]] == [draft.pk]
    assert call("get", "/objectives?approval=draft", company.oscar).json()["items"] == []
    assert Objective.objects.get(pk=draft.pk).approval == Approval.DRAFT
