"""The approval on the objective page (SET-1, SET-2): the panel, its steps without JavaScript, the labels of drafts in
lists, the page's query count, and the panel in Chinese."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.okrs.models import Approval, ApprovalDecision, Level, Objective
from qibu.okrs.services import (
    key_result_create,
    objective_approve,
    objective_create,
    objective_return,
    objective_submit,
)
from qibu.org.models import Organisation, Person, Role
from qibu.org.services import person_create
from tests.conftest import Company, Okrs
from tests.okrs.test_approval import data_state, fresh
from tests.project.test_rule_ids import bare_rule_ids
from tests.project.test_untranslated import _assert_chinese, _chinese_client


def _login(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def draft(company: Company, okrs: Okrs) -> Objective:
    """Mia's new objective, approval switched on (what is above it was agreed before)."""
    Organisation.objects.filter(pk=company.org.pk).update(approval_required=True)
    objective = objective_create(
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.mia,
        title="新的个人目标",
        parent_objective_ids=[okrs["department"].pk],
    )
    key_result_create(actor=company.mia, objective=objective, title="拜访 20 家客户", start_value=0, target_value=20)
    return objective


def _page(client: Client, objective: Objective) -> str:
    response = client.get(reverse("okrs:objective", args=[objective.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_owner_a_draft_to_submit_SET_2(company: Company, draft: Objective) -> None:
    html = _page(_login(company.mia), draft)
    assert 'id="approval"' in html and "Not approved yet" in html
    assert reverse("okrs:objective_submit", args=[draft.pk]) in html
    assert reverse("okrs:objective_approve", args=[draft.pk]) not in html
    assert "韩销售" in html[html.index('id="approval"') :]  # who approves it
    assert "Check-ins start once the objective is approved." in html
    assert 'class="checkin-open"' not in html  # no check-in on a draft


def test_it_walks_the_steps_through_the_page_without_javascript_SET_1_SET_2(company: Company, draft: Objective) -> None:
    """SET-2 submitted by its owner, SET-1 returned with comments, taken back, submitted again, approved."""
    mia, hank = _login(company.mia), _login(company.hank)
    submitted = mia.post(reverse("okrs:objective_submit", args=[draft.pk]), {"comment": "请看"})
    assert submitted.status_code == 302 and submitted["Location"].endswith(f"/objectives/{draft.pk}/#approval")
    assert fresh(draft).approval == Approval.SUBMITTED
    html = _page(hank, draft)
    assert reverse("okrs:objective_approve", args=[draft.pk]) in html
    assert reverse("okrs:objective_return", args=[draft.pk]) in html
    before = data_state()
    refused = hank.post(reverse("okrs:objective_return", args=[draft.pk]), {"comment": ""})
    assert refused.status_code == 400
    assert "Say what to change: an objective is returned with comments." in refused.content.decode()
    assert data_state() == before
    returned = hank.post(reverse("okrs:objective_return", args=[draft.pk]), {"comment": "目标值再高一点"})
    assert returned.status_code == 302 and fresh(draft).approval == Approval.RETURNED
    html = _page(mia, draft)
    assert "目标值再高一点" in html and reverse("okrs:objective_reopen", args=[draft.pk]) in html
    assert mia.post(reverse("okrs:objective_reopen", args=[draft.pk])).status_code == 302
    assert fresh(draft).approval == Approval.DRAFT
    mia.post(reverse("okrs:objective_submit", args=[draft.pk]))
    approved = hank.post(reverse("okrs:objective_approve", args=[draft.pk]), {"comment": "同意"}, follow=True)
    assert "Approved: its owner is told." in approved.content.decode()
    assert fresh(draft).approval == Approval.APPROVED
    html = _page(mia, draft)
    assert "Approved by 韩销售" in html and 'class="checkin-open"' in html


def test_it_refuses_a_step_to_who_may_not_take_it(company: Company, draft: Objective) -> None:
    objective_submit(actor=company.mia, objective=fresh(draft))
    before = data_state()
    assert _login(company.mia).post(reverse("okrs:objective_approve", args=[draft.pk])).status_code == 403
    assert _login(company.oscar).post(reverse("okrs:objective_approve", args=[draft.pk])).status_code == 404
    assert _login(company.hank).post(reverse("okrs:objective_reopen", args=[draft.pk])).status_code == 302
    assert fresh(draft).approval == Approval.DRAFT  # her manager may take it back too
    assert Client().post(reverse("okrs:objective_submit", args=[draft.pk])).status_code == 302  # to sign in
    assert data_state() != before  # only hank's step wrote
    assert ApprovalDecision.objects.filter(action="reopen", actor=company.hank).count() == 1


def test_it_shows_the_order_on_the_page_SET_1(company: Company, draft: Objective) -> None:
    """SET-1: the page names what the objective waits for, and the refusal says it again."""
    objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=company.sales,
        owner=company.hank,
        title="销售部新目标",
    )
    objective_submit(actor=company.mia, objective=fresh(draft))
    hank = _login(company.hank)
    html = _page(hank, draft)
    panel = html[html.index('id="approval"') :]
    assert "Waits for" in panel and "销售部新目标" in panel
    refused = hank.post(reverse("okrs:objective_approve", args=[draft.pk]))
    assert refused.status_code == 400 and "Approving out of order" in refused.content.decode()


def test_it_labels_drafts_in_lists(company: Company, draft: Objective) -> None:
    """My OKRs, the department and person pages, the alignment tree and the objectives aligned under one show a
    small label on what is not approved; those outside a draft's circle do not see it at all."""
    c = company
    label = '<span class="tag approval-draft">draft</span>'
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.TEAM, team=c.sales_team, title="华东组草稿")
    objective_create(actor=c.erin, cycle=c.quarter, level=Level.COMPANY, owner=c.erin, title="公司草稿")
    hank, quarter = _login(c.hank), f"?cycle={c.quarter.pk}"
    assert label in _login(c.mia).get(reverse("okrs:my")).content.decode()
    department = hank.get(reverse("reports:department", args=[c.sales.pk]) + quarter).content.decode()
    assert "华东组草稿" in department and label in department
    person = hank.get(reverse("reports:person", args=[c.mia.pk]) + quarter).content.decode()
    assert "新的个人目标" in person and label in person
    tree = hank.get(reverse("reports:tree") + quarter).content.decode()
    assert "公司草稿" in tree and label in tree
    parent = Objective.objects.get(title="销售部拿下十家标杆客户")
    under = _page(hank, parent)
    assert "新的个人目标" in under and label in under
    assert "新的个人目标" not in _page(_login(c.oscar), parent)
    assert "公司草稿" not in _login(c.oscar).get(reverse("reports:tree") + quarter).content.decode()


# The objective page without the panel (tests/okrs/test_pages_okrs.py: OBJECTIVE_QUERIES); with it, for a draft: the
# decision log, the approvers and the departments they head, and what it waits for.
# With the open blockers on its key results (qibu.blockers): one query.
OBJECTIVE_QUERIES = 15
# The coach's advice shown to those who may change the objective (qibu.okrs.coach): the owner's objectives in the
# cycle, its alignments, and the department's objectives for near-duplicates.
COACH_QUERIES = 3
DRAFT_QUERIES = OBJECTIVE_QUERIES + 4 + COACH_QUERIES
# An approved objective of an organisation with approval: the decision log alone.
APPROVED_QUERIES = OBJECTIVE_QUERIES + 1 + COACH_QUERIES


def test_it_reads_the_page_of_a_draft_in_a_constant_number_of_queries(
    company: Company, draft: Objective, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The same count for one decision and approver as for many."""
    hank = _login(company.hank)
    url = reverse("okrs:objective", args=[draft.pk])
    objective_submit(actor=company.mia, objective=fresh(draft))
    with django_assert_num_queries(DRAFT_QUERIES):
        assert hank.get(url).status_code == 200
    for i in range(6):
        person_create(actor=None, username=f"vp{i}", full_name=f"副总{i}", role=Role.EXECUTIVE)
        objective_return(actor=company.hank, objective=fresh(draft), comment=f"第 {i} 次意见")
        objective_submit(actor=company.mia, objective=fresh(draft))
    Person.objects.filter(pk=company.mia.pk).update(manager=None)  # now every executive approves it too
    with django_assert_num_queries(DRAFT_QUERIES):
        html = hank.get(url).content.decode()
    decisions = html[html.index('class="history decisions"') :]
    assert decisions[: decisions.index("</ol>")].count("第 ") == 6 and "副总5" in html
    objective_approve(actor=company.hank, objective=fresh(draft))
    with django_assert_num_queries(APPROVED_QUERIES):
        assert hank.get(url).status_code == 200


def test_it_reads_the_page_of_an_objective_approved_on_writing_as_before(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Without approval, an objective approved on writing shows no panel and costs nothing more."""
    mia = _login(company.mia)
    # mia may change her objective: the coach's advice is on her page.
    with django_assert_num_queries(OBJECTIVE_QUERIES + COACH_QUERIES):
        html = mia.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert 'id="approval"' not in html


def test_it_shows_the_approval_in_chinese_with_its_rule_ids_explained(company: Company, draft: Objective) -> None:
    objective_submit(actor=company.mia, objective=fresh(draft), comment="请审批")
    objective_return(actor=company.hank, objective=fresh(draft), comment="再具体些")
    hank = _chinese_client(company.hank)
    pages = {
        "the objective page": hank.get(reverse("okrs:objective", args=[draft.pk])),
        "the approval page": hank.get(reverse("okrs:objective_approval", args=[draft.pk])),
    }
    objective_submit(actor=company.mia, objective=fresh(draft))
    pages["a refused return"] = hank.post(reverse("okrs:objective_return", args=[draft.pk]), {"comment": ""})
    objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=company.sales,
        owner=company.hank,
        title="销售部新目标",
    )
    pages["approving out of order"] = hank.post(reverse("okrs:objective_approve", args=[draft.pk]))
    for what, response in pages.items():
        _assert_chinese(response, what, company)
        bare, labels = bare_rule_ids(response.content.decode())
        assert not bare and labels >= 1, what


def test_it_lets_an_administrator_set_the_approval_policy_and_name_the_ceo_SET_1(company: Company) -> None:
    """SET-1, SET-2: approval on or off, the method's order, changes back through approval, the CEO; kept in
    history. The CEO is chosen among the executives."""
    from qibu.audit.models import AuditEntry
    from tests.org.test_pages_settings import policy_data

    alice = _login(company.alice)
    html = alice.get(reverse("org:settings")).content.decode()
    assert 'name="approval_required"' in html and 'name="ceo"' in html
    ceo = html[html.index('name="ceo"') :]
    ceo = ceo[: ceo.index("</select>")]
    assert f'<option value="{company.erin.pk}">' in ceo and f'<option value="{company.mia.pk}">' not in ceo
    data = policy_data(company.org, approval_required="on", approval_order_enforced="on", ceo=company.erin.pk)
    assert alice.post(reverse("org:settings"), data).status_code == 302
    org = Organisation.objects.get()
    assert (org.approval_required, org.approval_order_enforced, org.approval_on_change, org.ceo) == (
        True,
        True,
        False,
        company.erin,
    )
    entry = AuditEntry.objects.get(action="organisation.update")
    assert (
        entry.after is not None and entry.after["approval_required"] is True and entry.after["ceo"] == company.erin.pk
    )
    refused = alice.post(reverse("org:settings"), policy_data(company.org, ceo=company.mia.pk))
    assert refused.status_code == 400 and Organisation.objects.get().ceo == company.erin
    assert _login(company.erin).post(reverse("org:settings"), data).status_code == 403
