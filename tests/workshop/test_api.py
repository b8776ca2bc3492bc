"""The workshop's API (WS-1 … WS-7): the same rules as the pages, through /api/v1."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.workshop import services
from qibu.workshop.models import Column, GroupPhase, Note
from tests.workshop.conftest import Setup


class Api:
    def __init__(self, person: Person) -> None:
        self.client = Client()
        self.auth = f"Bearer {api_token_create(actor=None, person=person, name='test')[1]}"

    def get(self, path: str) -> Any:
        return self.client.get("/api/v1" + path, HTTP_AUTHORIZATION=self.auth)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            "/api/v1" + path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=self.auth
        )


def test_ws_3_a_note_through_the_api_stays_hidden_until_the_reveal(running: Setup) -> None:
    author, other = running.followers(1)[:2]
    base = f"/workshops/{running.workshop.pk}/groups/{running.group(1).pk}"
    written = Api(author).post(base + "/notes", {"text": "<b>提升老客户复购率到三成</b>"})
    assert written.status_code == 201 and written.json()["text"] == "<b>提升老客户复购率到三成</b>"
    refused = Api(author).post(base + "/notes", {"text": "太短了"})
    assert refused.status_code == 422 and "this one has 3" in refused.content.decode()
    seen = Api(other).get(base).json()
    assert seen["notes"] == [] and seen["hidden"] == 1
    assert {m["notes"] for m in seen["members"] if m["person"] == author.pk} == {1}
    assert Api(other).post(base + "/phase", {"phase": "combine"}).status_code == 403
    leader = Api(running.leader(1))
    assert leader.post(base + "/phase", {"phase": "combine"}).status_code == 200
    assert [n["text"] for n in Api(other).get(base).json()["notes"]] == ["<b>提升老客户复购率到三成</b>"]


def test_ws_4_two_leaders_move_one_note_one_wins_and_the_other_is_told(running: Setup) -> None:
    running.write_all(1)
    running.to_phase(1, GroupPhase.COMBINE)
    group, leader = running.group(1), running.leader(1)
    first = services.column_create(actor=leader, group=group, title="客户")
    second = services.column_create(actor=leader, group=group, title="市场")
    note = Note.objects.filter(group=group).first()
    assert note is not None
    path = f"/workshops/{running.workshop.pk}/groups/{group.pk}/notes/{note.pk}/move"
    assert Api(leader).post(path, {"column": first.pk, "version": note.version}).status_code == 200
    late = Api(running.company.erin).post(path, {"column": second.pk, "version": note.version})
    assert late.status_code == 422 and "客户" in late.json()["detail"][0]["message"]
    assert Note.objects.get(pk=note.pk).column == first


def test_ws_4_votes_and_ws_7_only_the_ceo_decides(setup: Setup) -> None:
    from tests.workshop.test_result import _to_presented

    setup.start()
    setup.to_phase(1, GroupPhase.BRAINSTORM)
    setup.write_all(1)
    setup.to_phase(1, GroupPhase.COMBINE)
    group, leader = setup.group(1), setup.leader(1)
    vote = services.vote_open(actor=leader, group=group, question="先谈哪个?", options=["客户", "市场"])
    option = vote.options.first()
    assert option is not None
    ballot = f"/workshops/{setup.workshop.pk}/groups/{group.pk}/votes/{vote.pk}/ballot"
    assert Api(setup.ceo).post(ballot, {"points": {str(option.pk): 1}}).status_code == 403
    cast = Api(setup.followers(1)[0]).post(ballot, {"points": {str(option.pk): 2}, "reason": "客户先"})
    assert cast.status_code == 200 and cast.json()["votes"][0]["options"][0]["total"] is None
    services.vote_close(actor=leader, vote=vote)
    # The groups finish; the plenary gathers their objectives into one column; then the decision.
    _finish(setup)
    _to_presented(setup, 2)
    plenary = services.plenary_start(actor=setup.company.erin, workshop=setup.workshop)
    column = services.column_create(actor=setup.company.erin, group=plenary, title="全部")
    Note.objects.filter(group=plenary).update(column=column)
    services.group_phase_set(actor=setup.company.erin, group=plenary, phase=GroupPhase.DISTIL)
    services.column_objective_set(actor=setup.company.erin, column=column, objective="成为客户首选的伙伴")
    decision = f"/workshops/{setup.workshop.pk}/decision"
    assert Api(setup.company.erin).post(decision, {"chosen": [column.pk]}).status_code == 403
    decided = Api(setup.ceo).post(decision, {"chosen": [column.pk], "statement": "定了"})
    assert decided.status_code == 200 and decided.json()["state"] == "decided"
    assert Column.objects.get(pk=column.pk).result_id in decided.json()["objectives"]
    record = Api(setup.followers(1)[0]).get(f"/workshops/{setup.workshop.pk}/record")
    assert record.status_code == 200 and record.json()["statement"] == "定了"
    assert record.json()["votes"][0]["reasons"] == ["客户先"]


def _finish(setup: Setup) -> None:
    """Group 1 sorts its notes into one column, distils, ranks and presents."""
    group, leader = setup.group(1), setup.leader(1)
    column = services.column_create(actor=leader, group=group, title="客户")
    Note.objects.filter(group=group).update(column=column)
    setup.to_phase(1, GroupPhase.DISTIL)
    services.column_objective_set(actor=leader, column=column, objective="让老客户离不开我们")
    setup.to_phase(1, GroupPhase.RANK)
    setup.to_phase(1, GroupPhase.PRESENTED)


def test_an_outsider_gets_404(setup: Setup) -> None:
    outsider = Person.objects.create_user(username="zed", full_name="Zed")
    assert Api(outsider).get(f"/workshops/{setup.workshop.pk}").status_code == 404
    assert Api(outsider).get("/workshops").json() == []
