"""Key results first (SET-9; PLAY-LEAD steps 2–3, PLAY-LOKR steps 3–4): a pool of drafted key results per person and
cycle, checked as key results are, gathered under a new objective (the editor opens with them) or added to one the
person may edit, all of them or none; an executive's grouped by strategic goal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.okrs.models import DraftKeyResult, KeyResult, KeyResultKind, Level, Objective
from qibu.okrs.services import (
    draft_key_result_create,
    draft_key_result_delete,
    draft_key_result_update,
    draft_key_results_gather,
    key_result_create,
    objective_create,
)
from qibu.org.models import Person
from qibu.org.services import strategic_goal_create
from tests.conftest import Company, Okrs


def _client(person: Person) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(person)
    return client


def _draft(company: Company, person: Person | None = None, **fields: Any) -> DraftKeyResult:
    person = person or company.mia
    values: dict[str, Any] = {"title": "新签 3 家客户", "start_value": 0, "target_value": 3, "unit": "家", **fields}
    return draft_key_result_create(actor=person, owner=person, cycle=company.quarter, **values)


def _state() -> tuple[Any, ...]:
    return (
        list(Objective.objects.order_by("pk").values_list("pk", "title")),
        list(KeyResult.objects.order_by("pk").values_list("pk", "objective_id", "title")),
        list(DraftKeyResult.objects.order_by("pk").values_list("pk", "title", "owner_id")),
        AuditEntry.objects.count(),
    )


# --- drafting -----------------------------------------------------------------------------------------------------

BAD_KEY_RESULTS: list[dict[str, Any]] = [
    {"title": " ", "target_value": 3},
    {"title": "降", "kind": KeyResultKind.INCREASE, "start_value": 5, "target_value": 2},
    {"title": "降", "kind": KeyResultKind.DECREASE, "start_value": 5, "target_value": 9},
    {"title": "同", "start_value": 5, "target_value": 5},
    {"title": "区间", "kind": KeyResultKind.BAND, "band_low": 40},
    {"title": "区间", "kind": KeyResultKind.BAND, "band_low": 40, "band_high": 30},
    {"title": "里程碑", "kind": KeyResultKind.MILESTONES, "milestones": []},
    {"title": "数", "target_value": "三"},
    {"title": "单位", "target_value": 3, "unit": "很" * 21},
    {"title": "种类", "kind": "guess"},
    {"title": "长" * 201, "target_value": 3},
]


def _problems(make: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        make()
    return refused.value.message_dict


@pytest.mark.parametrize("bad", BAD_KEY_RESULTS, ids=[str(i) for i in range(len(BAD_KEY_RESULTS))])
def test_it_refuses_a_draft_for_what_a_key_result_is_refused_for_SET_9(
    company: Company, okrs: Okrs, bad: dict[str, Any]
) -> None:
    """SET-9: a draft is checked by the key results' own rules, with their words: the same fields, the same
    messages, nothing written."""
    before = _state()
    as_key_result = _problems(lambda: key_result_create(actor=company.mia, objective=okrs["mine"], **bad))
    as_draft = _problems(
        lambda: draft_key_result_create(actor=company.mia, owner=company.mia, cycle=company.quarter, **bad)
    )
    assert as_draft == as_key_result
    assert _state() == before


def test_it_keeps_a_pool_per_person_and_cycle_in_order_SET_9(company: Company, okrs: Okrs) -> None:
    first = _draft(company, title="一")
    second = _draft(company, title="二", kind=KeyResultKind.MILESTONES, milestones=["选址", "开业"])
    _draft(company, company.hank, title="韩的")
    next_quarter = company.year.children.exclude(pk=company.quarter.pk).first()
    assert next_quarter is not None
    draft_key_result_create(actor=company.mia, owner=company.mia, cycle=next_quarter, title="下季度", target_value=1)
    assert (first.position, second.position) == (0, 1)
    assert second.milestones == ["选址", "开业"] and second.target_value == 1
    html = _client(company.mia).get(reverse("okrs:key_results_first"), {"cycle": company.quarter.pk}).content.decode()
    assert html.index(">一<") < html.index(">二<")
    assert "2 milestones: 选址, 开业" in html and "from 0 to 3 家" in html
    assert "韩的" not in html and "下季度" not in html
    entry = AuditEntry.objects.filter(action="draft_key_result.create", target_id=first.pk).get()
    assert (entry.subject_type, entry.subject_id, entry.actor) == ("org.person", company.mia.pk, company.mia)


def test_it_writes_changes_and_deletes_drafts_on_the_page_SET_9(company: Company, okrs: Okrs) -> None:
    client = _client(company.mia)
    url = reverse("okrs:key_results_first") + f"?cycle={company.quarter.pk}"
    data = {"title": "拜访 20 家", "kind": "increase", "start_value": "0", "target_value": "20", "unit": "家"}
    assert client.post(url, {**data, "cycle": company.quarter.pk}).status_code == 302
    draft = DraftKeyResult.objects.get(owner=company.mia)
    refused = client.post(url, {**data, "target_value": "-1", "cycle": company.quarter.pk})
    assert (
        refused.status_code == 400
        and "An increasing key result needs a target above its start." in refused.content.decode()
    )
    edit = reverse("okrs:draft_edit", args=[draft.pk])
    assert "拜访 20 家" in client.get(edit).content.decode()
    assert client.post(edit, {**data, "target_value": "25", "end_date": "2026-11-30"}).status_code == 302
    draft.refresh_from_db()
    assert draft.target_value == 25 and draft.end_date == dt.date(2026, 11, 30)
    backwards = client.post(edit, {**data, "start_date": "2026-12-01", "end_date": "2026-11-30"})
    assert backwards.status_code == 400
    draft.refresh_from_db()
    assert draft.start_date is None
    assert client.post(reverse("okrs:draft_delete", args=[draft.pk])).status_code == 302
    assert not DraftKeyResult.objects.exists()
    actions = list(
        AuditEntry.objects.filter(subject_type="org.person", subject_id=company.mia.pk).values_list("action", flat=True)
    )
    assert {"draft_key_result.create", "draft_key_result.update", "draft_key_result.delete"} <= set(actions)


def test_it_keeps_each_pool_to_its_owner_SET_9(company: Company, okrs: Okrs) -> None:
    """Someone else's draft does not exist for you, administrators included: it is 404 and stays as it was."""
    draft = _draft(company)
    before = _state()
    for person in (company.hank, company.alice, company.oscar):
        client = _client(person)
        assert client.get(reverse("okrs:draft_edit", args=[draft.pk])).status_code == 404
        assert client.post(reverse("okrs:draft_edit", args=[draft.pk]), {"title": "改"}).status_code == 404
        assert client.post(reverse("okrs:draft_delete", args=[draft.pk])).status_code == 404
        # Gathering someone else's draft gathers nothing.
        response = client.post(
            reverse("okrs:drafts_add"), {"draft": [draft.pk], "objective": okrs["mine"].pk, "cycle": company.quarter.pk}
        )
        assert response.status_code in (400, 403)
    assert _state() == before


# --- gathering --------------------------------------------------------------------------------------------------


def _objective_form(company: Company, **fields: Any) -> dict[str, Any]:
    return {
        "title": "打开无锡市场",
        "level": "person",
        "cycle": company.quarter.pk,
        "owner": company.mia.pk,
        "priority": "1",
        "commitment": "aspirational",
        "visibility": "company",
        "status": "active",
        "rollup_mode": "key_results",
        "weight": "1",
        **fields,
    }


def test_it_gathers_drafts_under_a_new_objective_through_the_editor_SET_9(company: Company, okrs: Okrs) -> None:
    """SET-9: the editor opens with the drafts ticked; creating the objective turns each into one of its key
    results, with what the draft said, and takes it out of the pool."""
    clients = _draft(company, title="新签 3 家客户", end_date=dt.date(2026, 11, 30))
    shops = _draft(company, title="门店开业", kind=KeyResultKind.MILESTONES, milestones=["选址", "开业"])
    kept = _draft(company, title="留在池里")
    client = _client(company.mia)
    editor = client.get(reverse("okrs:objective_new"), {"draft": [clients.pk, shops.pk]}).content.decode()
    assert "Key results from your pool" in editor
    assert f'name="draft" value="{clients.pk}" checked' in editor and f'name="draft" value="{kept.pk}"' not in editor
    response = client.post(reverse("okrs:objective_new"), {**_objective_form(company), "draft": [clients.pk, shops.pk]})
    assert response.status_code == 302, response.content.decode()
    created = Objective.objects.get(title="打开无锡市场")
    krs = list(created.key_results.order_by("position"))
    assert [kr.title for kr in krs] == ["新签 3 家客户", "门店开业"]
    assert (krs[0].target_value, krs[0].unit, krs[0].end_date, krs[0].owner) == (
        Decimal(3),
        "家",
        dt.date(2026, 11, 30),
        company.mia,
    )
    assert krs[0].start_date == created.start_date
    assert [m.title for m in krs[1].milestones.order_by("position")] == ["选址", "开业"]
    assert list(DraftKeyResult.objects.values_list("title", flat=True)) == ["留在池里"]
    gathered = AuditEntry.objects.filter(action="draft_key_result.gather")
    assert {(e.after or {})["objective"] for e in gathered} == {created.pk} and gathered.count() == 2
    assert AuditEntry.objects.filter(action="key_result.create", subject_id=created.pk).count() == 2


def test_it_gathers_all_drafts_or_none_SET_9(company: Company, okrs: Okrs) -> None:
    """SET-9: one draft that a key result would refuse (its data changed since: here, behind the service's back)
    and nothing is written: no objective, no key result, every draft still in the pool."""
    good = _draft(company, title="好的")
    bad = _draft(company, title="坏的")
    DraftKeyResult.objects.filter(pk=bad.pk).update(target_value=0)  # equal to its start: nothing to measure
    before = _state()
    client = _client(company.mia)
    response = client.post(reverse("okrs:objective_new"), {**_objective_form(company), "draft": [good.pk, bad.pk]})
    assert response.status_code == 400
    assert "“坏的”: The target equals the start: there is nothing to measure." in response.content.decode()
    assert _state() == before
    with pytest.raises(ValidationError):
        drafts = DraftKeyResult.objects.filter(pk__in=[good.pk, bad.pk]).select_related("cycle")
        draft_key_results_gather(actor=company.mia, drafts=drafts, objective=okrs["mine"])
    assert _state() == before


def test_it_adds_drafts_to_an_objective_the_person_may_edit_SET_9(company: Company, okrs: Okrs) -> None:
    first, second = _draft(company, title="一"), _draft(company, title="二")
    client = _client(company.mia)
    page = client.get(reverse("okrs:key_results_first")).content.decode()
    offered = page[page.index('id="gather-objective"') :]
    offered = offered[: offered.index("</select>")]
    assert f'<option value="{okrs["mine"].pk}">' in offered
    assert f'<option value="{okrs["company"].pk}">' not in offered  # not hers to edit
    response = client.post(
        reverse("okrs:drafts_add"),
        {"draft": [first.pk, second.pk], "objective": okrs["mine"].pk, "cycle": company.quarter.pk},
    )
    assert response.status_code == 302 and response["Location"] == reverse("okrs:objective", args=[okrs["mine"].pk])
    assert list(okrs["mine"].key_results.order_by("position").values_list("title", flat=True)) == [
        "苏州新签 4 家客户",
        "一",
        "二",
    ]
    assert not DraftKeyResult.objects.exists()


def test_it_refuses_adding_drafts_where_the_person_may_not_and_writes_nothing_SET_9(
    company: Company, okrs: Okrs
) -> None:
    draft = _draft(company)
    private = objective_create(
        actor=company.oscar,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.oscar,
        title="私",
        visibility="private",
    )
    before = _state()
    client = _client(company.mia)
    add = reverse("okrs:drafts_add")
    assert client.post(add, {"draft": [draft.pk], "objective": okrs["company"].pk}).status_code == 403
    assert client.post(add, {"draft": [draft.pk], "objective": private.pk}).status_code == 404
    assert client.post(add, {"draft": [draft.pk]}).status_code == 400
    assert client.post(add, {"objective": okrs["mine"].pk}).status_code == 400
    next_quarter = company.year.children.exclude(pk=company.quarter.pk).first()
    assert next_quarter is not None
    elsewhere = objective_create(
        actor=company.mia, cycle=next_quarter, level=Level.PERSON, owner=company.mia, title="下季度"
    )
    before = _state()
    refused = client.post(add, {"draft": [draft.pk], "objective": elsewhere.pk})
    assert refused.status_code == 400 and "is drafted for" in refused.content.decode()
    assert _state() == before


def test_it_refuses_drafting_in_a_closed_cycle_SET_9(company: Company, okrs: Okrs) -> None:
    draft = _draft(company)
    company.quarter.is_closed = True
    company.quarter.save(update_fields=["is_closed"])
    before = _state()
    with pytest.raises(ValidationError, match="is closed"):
        _draft(company, title="晚了")
    with pytest.raises(ValidationError, match="is closed"):
        draft_key_result_update(actor=company.mia, draft=draft, data={"title": "改"})
    assert _state() == before
    draft_key_result_delete(actor=company.mia, draft=draft)  # a closed pool may still be cleared


# --- PLAY-LOKR: the leadership's key results under the strategic goals -----------------------------------------


def test_it_groups_an_executives_drafts_by_strategic_goal_and_sets_the_company_objective_from_them_SET_9(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-LOKR: vision → strategic goals → key results → objectives. The pool groups the drafts by goal (those
    without one last); gathering those of one goal opens a company objective tracing to it."""
    overseas = strategic_goal_create(actor=company.erin, title="出海")
    east = strategic_goal_create(actor=company.erin, title="做强华东")
    revenue = _draft(company, company.erin, title="海外收入 500 万", target_value=500, strategic_goal=overseas)
    partners = _draft(company, company.erin, title="签 3 家海外代理", strategic_goal=overseas)
    _draft(company, company.erin, title="没有战略的")
    html = _client(company.erin).get(reverse("okrs:key_results_first")).content.decode()
    assert html.index("出海") < html.index("海外收入 500 万") < html.index("做强华东")
    assert (
        html.index("No key result drafted for this goal yet.")
        < html.index("Under no strategic goal")
        < html.index("没有战略的")
    )
    editor = (
        _client(company.erin).get(reverse("okrs:objective_new"), {"draft": [revenue.pk, partners.pk]}).content.decode()
    )
    assert '<option value="company" selected>' in editor
    assert f'<option value="{overseas.pk}" selected>' in editor
    form = _objective_form(
        company, title="打开东南亚市场", level="company", owner=company.erin.pk, strategic_goal=overseas.pk
    )
    response = _client(company.erin).post(reverse("okrs:objective_new"), {**form, "draft": [revenue.pk, partners.pk]})
    assert response.status_code == 302, response.content.decode()
    created = Objective.objects.get(title="打开东南亚市场")
    assert created.level == Level.COMPANY and created.strategic_goal == overseas
    assert created.key_results.count() == 2
    assert east.pk  # a goal without drafts is listed, so the leadership sees what is missing


def test_it_leaves_strategic_goals_to_executives_drafts_SET_9(company: Company, okrs: Okrs) -> None:
    goal = strategic_goal_create(actor=company.erin, title="出海")
    with pytest.raises(ValidationError, match="Only executives draft key results under a strategic goal"):
        _draft(company, strategic_goal=goal)
    assert 'name="strategic_goal"' not in _client(company.mia).get(reverse("okrs:key_results_first")).content.decode()
    assert 'name="strategic_goal"' in _client(company.erin).get(reverse("okrs:key_results_first")).content.decode()


def test_it_reads_the_pool_in_a_constant_number_of_queries_SET_9(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    goal = strategic_goal_create(actor=company.erin, title="出海")
    for person in (company.mia, company.erin):
        client = _client(person)
        url = reverse("okrs:key_results_first") + f"?cycle={company.quarter.pk}"
        _draft(company, person)
        client.get(url)
        queries = POOL_QUERIES + 2 * person.is_executive
        with django_assert_num_queries(queries):
            client.get(url)
        for i in range(12):
            _draft(company, person, title=f"草稿{i}", strategic_goal=goal if person.is_executive and i % 2 else None)
            objective_create(actor=person, cycle=company.quarter, level=Level.PERSON, owner=person, title=f"目标{i}")
        with django_assert_num_queries(queries):
            assert "草稿11" in client.get(url).content.decode()


# The session and person, the organisation, the unread inbox, the cycle, the picker's cycles, the pool, the objectives
# to add to; an executive's page reads the goals twice more: to group the pool by, and offered by the form.
POOL_QUERIES = 8
