"""The planning API (SET-1, SET-2, SET-7): the same rules as the pages (qibu.planning.access and services), errors in
the API's one shape, nothing written when refused."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.utils import timezone

from qibu.okrs.models import Approval, Objective
from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.planning.models import Proposal, ProposalStatus, TakeUp
from qibu.planning.services import proposal_create
from tests.conftest import Company, Okrs


def _api(person: Person, method: str, path: str, body: Any = None, **query: Any) -> tuple[int, Any]:
    secret = api_token_create(actor=None, person=person, name="planning")[1]
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    client = getattr(Client(), method)
    if method == "get":
        response = client(f"/api/v1{path}", query, headers=headers)
    else:
        response = client(
            f"/api/v1{path}", data=json.dumps(body) if body is not None else None, content_type="application/json",
            headers=headers,
        )  # fmt: skip
    return response.status_code, response.json() if response.content else None


def test_it_proposes_lists_changes_answers_and_withdraws_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2 through the API."""
    c = company
    status, made = _api(
        c.mia, "post", "/proposals", {"objective": drafts["department"].pk, "kind": "objection", "text": "太多了"}
    )
    assert status == 201
    assert (made["kind"], made["status"], made["author"], made["may_change"], made["may_respond"]) == (
        "objection", "open", c.mia.pk, True, False,
    )  # fmt: skip
    status, listed = _api(c.hank, "get", "/proposals", objective=drafts["department"].pk)
    assert status == 200 and listed["count"] == 1 and listed["items"][0]["may_respond"] is True
    assert _api(c.hank, "patch", f"/proposals/{made['id']}", {"text": "改"})[0] == 403
    status, changed = _api(c.mia, "patch", f"/proposals/{made['id']}", {"text": "八家就够"})
    assert status == 200 and changed["text"] == "八家就够" and changed["edited_at"]
    status, problem = _api(c.hank, "post", f"/proposals/{made['id']}/answer", {"status": "declined"})
    assert status == 422 and problem["detail"][0]["field"] == "note"
    status, answered = _api(c.hank, "post", f"/proposals/{made['id']}/answer", {"status": "taken_up", "note": "好"})
    assert status == 200 and answered["status"] == "taken_up" and answered["taken_up_by"] == [drafts["department"].pk]
    status, problem = _api(c.mia, "delete", f"/proposals/{made['id']}")
    assert status == 422 and problem["detail"][0]["field"] == "status"
    other = proposal_create(actor=c.mia, objective=drafts["department"], text="撤回")
    assert _api(c.mia, "delete", f"/proposals/{other.pk}")[0] == 204
    assert list(Proposal.objects.values_list("status", flat=True)) == [ProposalStatus.TAKEN_UP]


def test_it_refuses_what_the_pages_refuse_in_the_apis_shape(company: Company, okrs: Okrs) -> None:
    c = company
    status, problem = _api(c.mia, "post", "/proposals", {"objective": okrs["department"].pk, "text": "晚了"})
    assert status == 422 and problem["detail"][0]["field"] == "objective"  # approved
    assert _api(c.mia, "post", "/proposals", {"objective": 999999, "text": "无"})[0] == 404
    status, problem = _api(c.mia, "post", "/proposals", {"objective": okrs["department"].pk, "text": "无", "tone": 1})
    assert status == 422 and problem["detail"][0]["field"] == "tone"
    assert _api(c.mia, "get", "/proposals", objective=999999)[0] == 404
    assert not Proposal.objects.exists()


def test_it_records_and_removes_take_ups_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2: the company's draft takes up the department's and a proposal."""
    c = company
    body = {"objective": drafts["company"].pk, "source_objective": drafts["department"].pk, "note": "采纳"}
    assert _api(c.hank, "post", "/take-ups", body)[0] == 403
    status, made = _api(c.erin, "post", "/take-ups", body)
    assert status == 201 and (made["source_objective"], made["note"]) == (drafts["department"].pk, "采纳")
    status, problem = _api(c.erin, "post", "/take-ups", body)
    assert status == 422 and problem["detail"][0]["field"] == "source_objective"
    proposal = proposal_create(actor=c.mia, objective=drafts["department"], text="建议")
    status, problem = _api(c.erin, "post", "/take-ups", {"objective": drafts["company"].pk, "source_proposal": 999999})
    assert status == 422 and problem["detail"][0]["field"] == "source_proposal"
    assert (
        _api(c.erin, "post", "/take-ups", {"objective": drafts["company"].pk, "source_proposal": proposal.pk})[0] == 201
    )
    status, listed = _api(c.mia, "get", "/take-ups", objective=drafts["department"].pk)
    assert status == 200 and listed["count"] == 2
    assert _api(c.erin, "delete", f"/take-ups/{made['id']}")[0] == 204
    assert TakeUp.objects.count() == 1


def test_it_answers_the_board_and_the_queue_SET_1_SET_7(company: Company, drafts: Okrs) -> None:
    """SET-1, SET-2, SET-7: the board's summary and the caller's queue."""
    c = company
    Objective.objects.filter(pk=drafts["mine"].pk).update(approval=Approval.SUBMITTED, submitted_at=timezone.now())
    status, board = _api(c.hank, "get", "/planning/board")
    assert status == 200 and board["cycle"] == c.quarter.pk and board["annual_cycle"] == c.year.pk
    assert board["top_down"][0]["key"] == "company_annual"
    assert board["company"] == {"draft": 1, "submitted": 0, "returned": 0, "approved": 0}
    sales = next(d for d in board["departments"] if d["department"] == c.sales.pk)
    assert sales["personal"]["submitted"] == 1 and sales["people"] == 1
    assert board["you"]["queue"] == 1 and board["you"]["people_waiting"] == 1
    assert board["shares"][0]["department"] is None and board["shares"][0]["owner_share"] == "1.0000"
    assert board["target"] == 60
    assert _api(c.hank, "get", "/planning/board", cycle=999999)[0] == 404
    narrowed = _api(c.hank, "get", "/planning/board", department=c.sales.pk)[1]
    assert [d["department"] for d in narrowed["departments"]] == [c.sales.pk]
    status, queue = _api(c.hank, "get", "/planning/queue")
    assert status == 200 and queue["count"] == 1
    item = queue["items"][0]
    assert (item["objective"], item["level"], item["owner"], item["waiting_hours"]) == (
        drafts["mine"].pk,
        "person",
        c.mia.pk,
        0,
    )
    assert _api(c.mia, "get", "/planning/queue")[1]["count"] == 0
