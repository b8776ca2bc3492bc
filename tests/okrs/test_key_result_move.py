"""Moving a key result to another objective (SET-9: a key result written under one objective turns out to serve
another): it keeps its check-ins, milestones and history, both roll-ups are computed again, the objectives aligned
to it follow it; refused when the person may not edit both objectives, for a closed cycle, or for an alignment that
could not follow, writing nothing; its dates outside the new objective's are a warning."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.okrs.models import Alignment, CheckIn, KeyResult, KeyResultKind, Level, Milestone, Objective
from qibu.okrs.services import alignment_set, checkin_record, key_result_create, key_result_move, objective_create
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs


def _client(person: Person) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(person)
    return client


def _second(company: Company, title: str = "打开无锡市场", **fields: Any) -> Objective:
    return objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title=title, **fields
    )


def _state() -> str:
    return json.dumps(
        {
            "key_results": list(KeyResult.objects.order_by("pk").values_list("pk", "objective_id", "position")),
            "objectives": list(Objective.objects.order_by("pk").values_list("pk", "progress", "confidence")),
            "alignments": list(Alignment.objects.order_by("pk").values_list("pk", "rollup_parent_id")),
            "history": AuditEntry.objects.count(),
        },
        default=str,
    )


def test_it_moves_a_key_result_with_its_check_ins_milestones_and_history_SET_9(company: Company, okrs: Okrs) -> None:
    """SET-9: what the key result carries goes with it; both objectives' progress is computed again; both
    objectives' history says where it went, about the key result."""
    mine, kr = okrs["mine"], okrs["my_kr"]
    shops = key_result_create(
        actor=company.mia, objective=mine, title="门店开业", kind=KeyResultKind.MILESTONES, milestones=["选址", "开业"]
    )
    checkin_record(actor=company.mia, key_result=kr, value=2, confidence=70)
    checkin_record(actor=company.mia, key_result=kr, value=3, confidence=75)
    target = _second(company)
    key_result_create(actor=company.mia, objective=target, title="无锡 KR", start_value=0, target_value=10)
    checkins = list(CheckIn.objects.filter(key_result=kr).values_list("pk", flat=True))
    entries_about_kr = AuditEntry.objects.filter(target_type="okrs.keyresult", target_id=kr.pk).count()
    warnings = key_result_move(actor=company.hank, key_result=kr, objective=target)
    assert warnings == []
    kr.refresh_from_db()
    assert kr.objective_id == target.pk and kr.position == 1 and kr.current_value == 3
    assert list(CheckIn.objects.filter(key_result=kr).values_list("pk", flat=True)) == checkins
    mine.refresh_from_db()
    target.refresh_from_db()
    assert mine.progress == Decimal(0)  # only the milestones left, none done
    assert target.progress == Decimal("0.375")  # (0.75 + 0) / 2
    key_result_move(actor=company.mia, key_result=shops, objective=target)
    assert list(Milestone.objects.filter(key_result=shops).values_list("title", flat=True)) == ["选址", "开业"]
    moves = AuditEntry.objects.filter(action__startswith="key_result.move", target_id=kr.pk)
    assert {(e.action, e.subject_id) for e in moves} == {
        ("key_result.move_out", mine.pk),
        ("key_result.move_in", target.pk),
    }
    assert all(e.before == {"objective": mine.pk} and e.after == {"objective": target.pk} for e in moves)
    assert all(e.actor == company.hank for e in moves)
    # The key result's own history (its entries, in whichever objective's history they are) is all there.
    assert AuditEntry.objects.filter(target_type="okrs.keyresult", target_id=kr.pk).count() == entries_about_kr + 2
    source_page = _client(company.mia).get(reverse("okrs:objective", args=[mine.pk])).content.decode()
    assert "moved a key result to another objective “苏州新签 4 家客户”" in source_page
    assert "objective: <del>打开苏州市场</del> → <ins>打开无锡市场</ins>" in source_page
    target_page = _client(company.mia).get(reverse("okrs:objective", args=[target.pk])).content.decode()
    assert "moved a key result here from another objective" in target_page
    assert target_page.count('class="checkin-list"') == 1 and "苏州新签 4 家客户" in target_page


def test_it_moves_the_objectives_aligned_to_the_key_result_with_it_and_refuses_a_loop(
    company: Company, okrs: Okrs
) -> None:
    """The sales objective is aligned to the company's revenue key result: moving that key result to another company
    objective moves the sales objective's roll-up there; moving it under the sales objective itself would make a
    loop, refused with nothing written."""
    revenue, department = okrs["revenue"], okrs["department"]
    other = objective_create(actor=company.erin, cycle=company.quarter, level=Level.COMPANY, title="利润翻番")
    key_result_move(actor=company.erin, key_result=revenue, objective=other)
    link = Alignment.objects.get(child=department)
    assert (link.parent_key_result_id, link.rollup_parent_id) == (revenue.pk, other.pk)
    before = _state()
    with pytest.raises(ValidationError, match="the move would make a loop"):
        key_result_move(actor=company.erin, key_result=revenue, objective=okrs["mine"])
    assert _state() == before


def test_it_refuses_two_links_to_one_parent(company: Company, okrs: Okrs) -> None:
    other = objective_create(actor=company.erin, cycle=company.quarter, level=Level.COMPANY, title="利润翻番")
    second = key_result_create(actor=company.erin, objective=other, title="利润 200 万", target_value=200)
    alignment_set(actor=company.mia, objective=okrs["mine"], parent_key_result_ids=[second.pk])
    third = key_result_create(actor=company.erin, objective=okrs["company"], title="第三个", target_value=3)
    alignment_set(actor=company.hank, objective=okrs["department"], parent_key_result_ids=[third.pk])
    key_result_create(actor=company.erin, objective=okrs["company"], title="留下", target_value=3)
    alignment_set(
        actor=company.hank,
        objective=okrs["department"],
        parent_objective_ids=[other.pk],
        parent_key_result_ids=[third.pk],
    )
    before = _state()
    with pytest.raises(ValidationError, match="already aligns to"):
        key_result_move(actor=company.erin, key_result=third, objective=other)
    assert _state() == before


def test_it_refuses_a_closed_cycle_or_the_same_objective_and_writes_nothing(company: Company, okrs: Okrs) -> None:
    kr = okrs["my_kr"]
    before = _state()
    with pytest.raises(ValidationError, match="already on"):
        key_result_move(actor=company.mia, key_result=kr, objective=okrs["mine"])
    last_year = objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="旧季度"
    )
    company.quarter.is_closed = True
    company.quarter.save(update_fields=["is_closed"])
    before = _state()
    for target in (last_year,):
        with pytest.raises(ValidationError) as refused:
            key_result_move(actor=company.mia, key_result=KeyResult.objects.get(pk=kr.pk), objective=target)
        assert "is closed" in " ".join(refused.value.messages)
    assert _state() == before


def test_it_warns_when_the_key_results_dates_fall_outside_the_objectives_SET_8(company: Company, okrs: Okrs) -> None:
    """SET-8: a move to a shorter objective keeps the key result's dates and says they fall outside."""
    november = _second(company, title="十一月冲刺", start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 30))
    warnings = key_result_move(actor=company.mia, key_result=okrs["my_kr"], objective=november)
    assert len(warnings) == 1 and "outside “十一月冲刺”" in warnings[0]
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).objective_id == november.pk


def test_it_moves_on_the_page_to_an_objective_offered_and_refuses_others(company: Company, okrs: Okrs) -> None:
    kr = okrs["my_kr"]
    target = _second(company)
    page = _client(company.mia).get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert reverse("okrs:kr_move", args=[kr.pk]) in page
    form = _client(company.mia).get(reverse("okrs:kr_move", args=[kr.pk])).content.decode()
    assert f'<option value="{target.pk}">' in form
    assert f'<option value="{okrs["department"].pk}">' not in form and f'<option value="{okrs["mine"].pk}">' not in form
    before = _state()
    url = reverse("okrs:kr_move", args=[kr.pk])
    assert _client(company.mia).post(url, {"objective": okrs["department"].pk}).status_code == 403
    assert _client(company.oscar).post(url, {"objective": target.pk}).status_code == 403
    assert _client(company.mia).post(url, {"objective": "nine"}).status_code == 400
    assert _client(company.mia).post(url, {"objective": 999999}).status_code == 404
    assert _state() == before
    november = _second(company, title="十一月冲刺", start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 30))
    response = _client(company.hank).post(url, {"objective": november.pk}, follow=True)
    html = response.content.decode()
    assert "“苏州新签 4 家客户” moved to “十一月冲刺”." in html and "outside “十一月冲刺”" in html
    assert KeyResult.objects.get(pk=kr.pk).objective_id == november.pk


def test_it_reads_the_move_page_in_a_constant_number_of_queries(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = _client(company.hank)
    url = reverse("okrs:kr_move", args=[okrs["my_kr"].pk])
    client.get(url)
    with django_assert_num_queries(MOVE_PAGE_QUERIES):
        client.get(url)
    for i in range(12):
        _second(company, title=f"目标{i}")
    with django_assert_num_queries(MOVE_PAGE_QUERIES):
        assert "目标11" in client.get(url).content.decode()


# The session and person, the organisation, the unread inbox, the key result and its objective (with what `can_edit`
# reads), the departments hank heads, the objectives offered.
MOVE_PAGE_QUERIES = 7


def test_the_api_moves_a_key_result_with_the_pages_rules(company: Company, okrs: Okrs) -> None:
    kr = okrs["my_kr"]
    target = _second(company)

    clients = {}
    for person in (company.mia, company.oscar):
        _token, secret = api_token_create(actor=None, person=person, name="t")
        clients[person.pk] = Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})

    def move(person: Person, objective: Any) -> Any:
        return clients[person.pk].post(
            f"/api/v1/key-results/{kr.pk}/move", json.dumps({"objective": objective}), content_type="application/json"
        )

    before = _state()
    assert move(company.oscar, target.pk).status_code == 403
    assert move(company.mia, okrs["department"].pk).status_code == 403
    assert move(company.mia, 999999).status_code == 404
    assert move(company.mia, okrs["mine"].pk).status_code == 422
    assert _state() == before
    november = _second(company, title="十一月冲刺", start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 30))
    answer = move(company.mia, november.pk)
    assert answer.status_code == 200
    body = answer.json()
    assert body["objective"] == november.pk and Decimal(body["current_value"]) == 0
    assert [w["rule"] for w in body["warnings"]] == ["SET-8"]
