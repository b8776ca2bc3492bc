"""The approval of objectives (SET-1, SET-2): draft → submitted → approved or returned with comments, back to draft;
the method's order; the coach's blocking advice; who approves; who sees a draft; check-ins and re-approval.

Every refusal is checked to leave the data as it was. The company of tests/conftest.py sets OKRs live; these tests
switch approval on (`approving`).
"""

from __future__ import annotations

import json
from typing import TypedDict

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs import access
from qibu.okrs.approval import approvers_of, waits_for, waits_for_many
from qibu.okrs.coach import objective_advice
from qibu.okrs.models import Approval, ApprovalDecision, KeyResult, Level, Objective, Visibility
from qibu.okrs.services import (
    checkin_record,
    key_result_create,
    key_result_delete,
    key_result_update,
    objective_approve,
    objective_create,
    objective_reopen,
    objective_return,
    objective_submit,
    objective_update,
)
from qibu.org.models import Organisation, Person, Role
from qibu.org.services import person_create
from tests.conftest import Company, present


class Drafts(TypedDict):
    """One draft at every level of the quarter, each with a key result (oscar's has none)."""

    top: Objective
    top_kr: KeyResult
    dept: Objective
    team: Objective
    mine: Objective
    my_kr: KeyResult
    oscars: Objective


PERSONAS = ("alice", "erin", "hank", "mia", "oscar")


@pytest.fixture
def approving(company: Company) -> Company:
    """The company with approval switched on (SET-1, SET-2), in the method's order."""
    Organisation.objects.filter(pk=company.org.pk).update(approval_required=True)
    company.org.refresh_from_db()
    return company


def _kr(actor: Person, objective: Objective, title: str) -> KeyResult:
    return key_result_create(actor=actor, objective=objective, title=title, start_value=0, target_value=10)


@pytest.fixture
def drafts(approving: Company) -> Drafts:
    c = approving
    top = objective_create(actor=c.erin, cycle=c.quarter, level=Level.COMPANY, owner=c.erin, title="公司季度目标")
    dept = objective_create(
        actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, owner=c.hank, title="销售部目标"
    )
    team = objective_create(actor=c.hank, cycle=c.quarter, level=Level.TEAM, team=c.sales_team, title="华东组目标")
    mine = objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="米娅的目标")
    oscars = objective_create(actor=c.oscar, cycle=c.quarter, level=Level.PERSON, owner=c.oscar, title="欧斯卡的目标")
    return {
        "top": top,
        "top_kr": _kr(c.erin, top, "公司关键结果"),
        "dept": dept,
        "team": team,
        "mine": mine,
        "my_kr": _kr(c.mia, mine, "米娅的关键结果"),
        "oscars": oscars,
    }


def fresh(objective: Objective) -> Objective:
    """The objective as the pages look it up (owner, team and its lead, cycle)."""
    return access.objective_queryset().get(pk=objective.pk)


def data_state() -> str:
    """Everything a refused step must leave alone."""
    return json.dumps(
        {
            "objectives": list(
                Objective.objects.order_by("pk").values_list(
                    "pk", "title", "approval", "submitted_at", "approved_at", "approved_by", "progress"
                )
            ),
            "decisions": list(ApprovalDecision.objects.order_by("pk").values_list("pk", "action", "comment")),
            "history": AuditEntry.objects.count(),
            "inbox": Notification.objects.count(),
        },
        default=str,
    )


def _submit_all(c: Company, d: Drafts) -> None:
    objective_submit(actor=c.erin, objective=fresh(d["top"]))
    objective_submit(actor=c.hank, objective=fresh(d["dept"]))
    objective_submit(actor=c.hank, objective=fresh(d["team"]))
    objective_submit(actor=c.mia, objective=fresh(d["mine"]))


def told(person: Person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind=NotificationKind.APPROVAL).order_by("pk"))


# --- creation -----------------------------------------------------------------------------------------------


def test_it_creates_a_draft_when_approval_is_required_SET_1(drafts: Drafts) -> None:
    """SET-1: a new objective is a draft, never approved yet, until its approver approves it."""
    mine = Objective.objects.get(pk=drafts["mine"].pk)
    assert (mine.approval, mine.approved_at, mine.submitted_at, mine.is_agreed) == (Approval.DRAFT, None, None, False)
    assert not ApprovalDecision.objects.exists()


def test_it_approves_at_once_without_approval(company: Company) -> None:
    """An organisation that does not ask for approval has its OKRs live the moment they are written."""
    objective = objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="直接生效"
    )
    objective.refresh_from_db()
    assert objective.approval == Approval.APPROVED and objective.approved_at is not None and objective.is_agreed
    assert objective.approved_by is None and not ApprovalDecision.objects.exists()


# --- the steps ----------------------------------------------------------------------------------------------


def test_it_submits_and_tells_the_approvers_SET_2(approving: Company, drafts: Drafts) -> None:
    """SET-2: an employee submits their OKRs; their approver is asked, with a link to the objective."""
    c = approving
    since = AuditEntry.objects.count()
    decision = objective_submit(actor=c.mia, objective=fresh(drafts["mine"]), comment="请看看")
    mine = Objective.objects.get(pk=drafts["mine"].pk)
    assert mine.approval == Approval.SUBMITTED and mine.submitted_at is not None and mine.approved_at is None
    assert (decision.action, decision.actor, decision.comment) == ("submit", c.mia, "请看看")
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry is not None and AuditEntry.objects.count() == since + 1
    assert (entry.action, entry.before, entry.after) == (
        "approval.submit",
        {"approval": "draft"},
        {"approval": "submitted", "comment": "请看看"},
    )
    (note,) = told(c.hank)
    assert note.text == "米娅 asks you to approve “米娅的目标”: 请看看"
    assert note.url == f"/objectives/{mine.pk}/#approval"
    assert not told(c.erin) and not told(c.oscar) and not told(c.mia)


def test_it_approves_and_tells_the_owner_with_the_comment_SET_1(approving: Company, drafts: Drafts) -> None:
    """SET-1: approved, the objective counts; its owner hears it with the approver's comment."""
    c = approving
    _submit_all(c, drafts)
    objective_approve(actor=c.alice, objective=fresh(drafts["top"]))
    objective_approve(actor=c.erin, objective=fresh(drafts["dept"]))
    objective_approve(actor=c.erin, objective=fresh(drafts["team"]))
    decision = objective_approve(actor=c.hank, objective=fresh(drafts["mine"]), comment="很好")
    mine = Objective.objects.get(pk=drafts["mine"].pk)
    assert (mine.approval, mine.approved_by, mine.is_agreed) == (Approval.APPROVED, c.hank, True)
    assert mine.approved_at is not None and decision.comment == "很好"
    assert [n.text for n in told(c.mia)] == ["韩销售 approved “米娅的目标”: 很好"]
    assert AuditEntry.objects.filter(action="approval.approve", subject_id=mine.pk).exists()
    assert access.can_view(c.oscar, fresh(mine))  # agreed: its visibility alone decides now (PUB-2)


def test_it_returns_with_comments_and_the_owner_reworks_it_SET_2(approving: Company, drafts: Drafts) -> None:
    """SET-2: the approver returns it with what to change; the owner takes it back, changes it, submits again."""
    c = approving
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    objective_return(actor=c.hank, objective=fresh(drafts["mine"]), comment="关键结果要可衡量")
    assert Objective.objects.get(pk=drafts["mine"].pk).approval == Approval.RETURNED
    assert [n.text for n in told(c.mia)] == ["韩销售 returned “米娅的目标” with comments: 关键结果要可衡量"]
    objective_reopen(actor=c.mia, objective=fresh(drafts["mine"]))
    assert Objective.objects.get(pk=drafts["mine"].pk).approval == Approval.DRAFT
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    objective_reopen(actor=c.mia, objective=fresh(drafts["mine"]))  # a submission taken back
    assert Objective.objects.get(pk=drafts["mine"].pk).approval == Approval.DRAFT
    actions = list(
        ApprovalDecision.objects.filter(objective=drafts["mine"]).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["submit", "return", "reopen", "submit", "reopen"]


def test_it_submits_a_returned_objective_again(approving: Company, drafts: Drafts) -> None:
    c = approving
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    objective_return(actor=c.hank, objective=fresh(drafts["mine"]), comment="再想想")
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    assert Objective.objects.get(pk=drafts["mine"].pk).approval == Approval.SUBMITTED


# --- refusals, each leaving everything as it was --------------------------------------------------------------


def test_it_refuses_approving_ones_own_SET_1(approving: Company, drafts: Drafts) -> None:
    """SET-1: nobody approves their own objective, as its owner or as its author."""
    c = approving
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    written = objective_create(actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="韩替米娅写的")
    objective_submit(actor=c.hank, objective=fresh(written))
    before = data_state()
    with pytest.raises(PermissionDenied) as own:
        objective_approve(actor=c.mia, objective=fresh(drafts["mine"]))
    assert str(own.value) == str(access.APPROVE_OWN_REFUSED)
    with pytest.raises(PermissionDenied):
        objective_approve(actor=c.hank, objective=fresh(written))  # he wrote it
    with pytest.raises(PermissionDenied):
        objective_return(actor=c.mia, objective=fresh(drafts["mine"]), comment="我自己退回")
    assert data_state() == before
    # Her manager wrote it: an executive approves it, so that it is not left without an approver.
    assert [p.username for p in approvers_of(fresh(written), ceo_id=None)] == ["alice", "erin"]


def test_it_refuses_who_is_not_the_approver_and_anonymous_SET_1(approving: Company, drafts: Drafts) -> None:
    """SET-1: only its approvers decide; nobody signed out does anything."""
    c = approving
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    before = data_state()
    for person in (c.oscar, c.erin, c.alice):  # another department, an executive, an administrator
        with pytest.raises(PermissionDenied) as refused:
            objective_approve(actor=person, objective=fresh(drafts["mine"]))
        assert str(refused.value) == str(access.APPROVE_REFUSED)
    anonymous = AnonymousUser()
    with pytest.raises(PermissionDenied):
        objective_approve(actor=anonymous, objective=fresh(drafts["mine"]))  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        objective_submit(actor=anonymous, objective=fresh(drafts["oscars"]))  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied) as refused:
        objective_submit(actor=c.oscar, objective=fresh(drafts["mine"]))
    assert str(refused.value) == str(access.SUBMIT_REFUSED)
    with pytest.raises(PermissionDenied):
        objective_reopen(actor=c.oscar, objective=fresh(drafts["mine"]))
    assert data_state() == before


def test_it_refuses_a_return_without_comments_SET_2(approving: Company, drafts: Drafts) -> None:
    """SET-2: "returned with comments": the approver says what to change."""
    c = approving
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        objective_return(actor=c.hank, objective=fresh(drafts["mine"]), comment="   ")
    assert refused.value.message_dict == {"comment": ["Say what to change: an objective is returned with comments."]}
    assert data_state() == before


def test_it_refuses_steps_out_of_place(approving: Company, drafts: Drafts) -> None:
    """A draft is not approved before it is submitted, nor submitted twice, nor taken back once approved."""
    c = approving
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        objective_approve(actor=c.hank, objective=fresh(drafts["mine"]))
    assert refused.value.message_dict["approval"] == [
        "The objective is a draft: it has not been submitted for approval."
    ]
    with pytest.raises(ValidationError):
        objective_return(actor=c.hank, objective=fresh(drafts["mine"]), comment="还没提交")
    with pytest.raises(ValidationError):
        objective_reopen(actor=c.mia, objective=fresh(drafts["mine"]))
    assert data_state() == before
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    assert "already submitted" in refused.value.message_dict["approval"][0]
    assert data_state() == before


def test_it_refuses_a_closed_cycle(approving: Company, drafts: Drafts) -> None:
    c = approving
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    type(c.quarter).objects.filter(pk=c.quarter.pk).update(is_closed=True)
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        objective_approve(actor=c.hank, objective=fresh(drafts["mine"]))
    assert "cycle" in refused.value.message_dict
    assert data_state() == before


def test_it_refuses_a_submission_the_coach_blocks_listing_each_advice_SET_4(approving: Company, drafts: Drafts) -> None:
    """SET-4 made blocking by the administrator: an objective without key results is not submitted; the message
    says each blocking advice. Advice on rules left as warnings does not block."""
    c = approving
    Organisation.objects.filter(pk=c.org.pk).update(coach_blocking_rules=["SET-4", "SET-6"])
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        objective_submit(actor=c.oscar, objective=fresh(drafts["oscars"]))
    messages = refused.value.message_dict["approval"]
    assert messages[0] == "The coach's advice stops the submission until it is followed:"
    advice = objective_advice(organisation=Organisation.objects.get(), objective=fresh(drafts["oscars"]))
    assert messages[1:] == [a.text for a in advice if a.rule in ("SET-4", "SET-6")] and len(messages) == 3
    assert data_state() == before
    Organisation.objects.filter(pk=c.org.pk).update(coach_blocking_rules=["SET-3"])
    objective_submit(actor=c.oscar, objective=fresh(drafts["oscars"]))  # SET-4 only warns now


# --- the method's order (SET-1) ---------------------------------------------------------------------------------


def test_it_refuses_approving_out_of_order_naming_what_it_waits_for_SET_1(approving: Company, drafts: Drafts) -> None:
    """SET-1: top-down: the company's quarter before departments, a department before its teams and people."""
    c = approving
    _submit_all(c, drafts)
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        objective_approve(actor=c.hank, objective=fresh(drafts["mine"]))
    message = refused.value.message_dict["approval"][0]
    assert message.startswith("Approving out of order")
    assert "“销售部目标”" in message and "“华东组目标”" in message
    with pytest.raises(ValidationError) as refused:
        objective_approve(actor=c.erin, objective=fresh(drafts["dept"]))
    assert "“公司季度目标”" in refused.value.message_dict["approval"][0]
    with pytest.raises(ValidationError):
        objective_approve(actor=c.erin, objective=fresh(drafts["team"]))
    assert data_state() == before
    assert [o.title for o in waits_for(fresh(drafts["mine"]))] == ["销售部目标", "华东组目标"]
    objective_approve(actor=c.alice, objective=fresh(drafts["top"]))
    assert [o.title for o in waits_for(fresh(drafts["dept"]))] == []
    objective_approve(actor=c.erin, objective=fresh(drafts["dept"]))
    assert [o.title for o in waits_for(fresh(drafts["mine"]))] == ["华东组目标"]
    objective_approve(actor=c.erin, objective=fresh(drafts["team"]))
    objective_approve(actor=c.hank, objective=fresh(drafts["mine"]))


def test_it_waits_for_the_year_before_the_quarter_SET_1(approving: Company, drafts: Drafts) -> None:
    """SET-1: company annual → company quarterly."""
    c = approving
    annual = objective_create(actor=c.erin, cycle=c.year, level=Level.COMPANY, owner=c.erin, title="年度目标")
    objective_submit(actor=c.erin, objective=fresh(drafts["top"]))
    with pytest.raises(ValidationError) as refused:
        objective_approve(actor=c.alice, objective=fresh(drafts["top"]))
    assert "“年度目标”" in refused.value.message_dict["approval"][0]
    assert waits_for(fresh(annual)) == []
    objective_submit(actor=c.erin, objective=fresh(annual))
    objective_approve(actor=c.alice, objective=fresh(annual))
    objective_approve(actor=c.alice, objective=fresh(drafts["top"]))


def test_it_names_only_what_the_approver_may_see_SET_1(approving: Company, drafts: Drafts) -> None:
    c = approving
    _submit_all(c, drafts)
    Objective.objects.filter(pk=drafts["team"].pk).update(visibility=Visibility.PRIVATE, author=c.erin)
    with pytest.raises(ValidationError) as refused:
        objective_approve(actor=c.hank, objective=fresh(drafts["mine"]))
    message = refused.value.message_dict["approval"][0]
    assert "“销售部目标” and 1 more" in message and "华东组目标" not in message


def test_it_approves_in_any_order_when_the_order_is_not_enforced(approving: Company, drafts: Drafts) -> None:
    c = approving
    Organisation.objects.filter(pk=c.org.pk).update(approval_order_enforced=False)
    _submit_all(c, drafts)
    objective_approve(actor=c.hank, objective=fresh(drafts["mine"]))
    assert Objective.objects.get(pk=drafts["mine"].pk).approval == Approval.APPROVED


def test_it_reads_what_many_objectives_wait_for_in_one_query_SET_1(
    approving: Company, drafts: Drafts, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """SET-1: the planning board asks it of a whole cycle: one query whatever their number."""
    c = approving
    for i in range(12):
        objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title=f"更多 {i}")
    everything = list(access.objective_queryset().filter(cycle=c.quarter))
    with django_assert_num_queries(1):
        found = waits_for_many(everything)
    assert {o.title for o in found[drafts["mine"].pk]} == {"销售部目标", "华东组目标"}
    assert found[drafts["top"].pk] == [] and [o.title for o in found[drafts["dept"].pk]] == ["公司季度目标"]
    assert [o.title for o in found[drafts["oscars"].pk]] == []  # marketing has no department objective
    bare = list(Objective.objects.filter(cycle=c.quarter))  # neither cycles nor owners loaded
    with django_assert_num_queries(3):
        assert waits_for_many(bare) == found


# --- who approves ---------------------------------------------------------------------------------------------


def test_it_names_the_same_approvers_as_can_approve_and_approvable_q_SET_1(approving: Company, drafts: Drafts) -> None:
    """`approvers_of`, `can_approve` and `approvable_q` agree for every persona and objective, with and without a
    CEO."""
    c = approving
    people = [getattr(c, p) for p in PERSONAS]
    objectives = [fresh(drafts[name]) for name in ("top", "dept", "team", "mine", "oscars")]
    for ceo in (None, c.erin, c.alice):
        ceo_id = ceo.pk if ceo else None
        for objective in objectives:
            approvers = {p.username for p in approvers_of(objective, ceo_id=ceo_id)}
            expected = {p.username for p in people if access.can_approve(p, objective, ceo_id=ceo_id)}
            assert approvers == expected, (objective.title, ceo)
        for person in people:
            queue = set(
                Objective.objects.filter(access.approvable_q(person, ceo_id=ceo_id)).values_list("pk", flat=True)
            )
            assert queue == {o.pk for o in objectives if access.can_approve(person, o, ceo_id=ceo_id)}, person


@pytest.mark.usefixtures("approving")
def test_it_names_who_approves_each_level_SET_1(drafts: Drafts) -> None:
    """SET-1: a person's by their manager or head; a team's by its lead's manager or its department's head; a
    department's by an executive; the company's by the CEO, or any executive while none is named."""

    def names(name: str, ceo_id: int | None = None) -> list[str]:
        return [p.username for p in approvers_of(fresh(drafts[name]), ceo_id=ceo_id)]  # type: ignore[literal-required]

    assert names("mine") == ["hank"]
    assert names("team") == ["erin"]  # hank leads it and wrote it; his manager approves
    assert names("dept") == ["alice", "erin"]
    assert names("top") == ["alice"]  # erin owns it
    assert names("oscars") == ["alice", "erin"]  # oscar reports to no one: an executive approves
    ceo = person_create(actor=None, username="ceo", full_name="Chen 总", role=Role.EXECUTIVE)
    assert names("top", ceo.pk) == ["ceo"]


def test_it_lets_other_executives_approve_what_the_ceo_wrote_SET_1(approving: Company) -> None:
    """A company objective the CEO wrote for someone else: the CEO may not approve it, so the other executives do
    (before the fix nobody could)."""
    c = approving
    Organisation.objects.filter(pk=c.org.pk).update(ceo=c.alice)
    written = objective_create(actor=c.alice, cycle=c.quarter, level=Level.COMPANY, owner=c.erin, title="CEO 写的")
    objective_submit(actor=c.alice, objective=fresh(written))
    third = person_create(actor=None, username="vp", full_name="Victor 副总", role=Role.EXECUTIVE)
    assert not access.can_approve(c.alice, fresh(written), ceo_id=c.alice.pk)
    assert access.can_approve(third, fresh(written), ceo_id=c.alice.pk)
    objective_approve(actor=third, objective=fresh(written))


# --- who sees a draft (SET-1, SET-2) ---------------------------------------------------------------------------


def test_it_shows_a_draft_to_its_circle_only_SET_1_SET_2(approving: Company, drafts: Drafts) -> None:
    """SET-1 top-down: a company draft is read by executives and department heads; SET-2 the voice of the
    employees: a department's draft by its people, a team's by its members; a person's by those who set it with
    them and approve it. Administrators see every draft."""
    c = approving
    seen = {
        name: {p for p in PERSONAS if access.can_view(getattr(c, p), fresh(drafts[name]))}
        for name in ("top", "dept", "team", "mine", "oscars")
    }
    assert seen == {
        "top": {"alice", "erin", "hank"},
        "dept": {"alice", "erin", "hank", "mia"},
        "team": {"alice", "erin", "hank", "mia"},
        "mine": {"alice", "hank", "mia"},
        "oscars": {"alice", "erin", "oscar"},
    }
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    assert not access.can_view(c.oscar, fresh(drafts["mine"]))  # submitted is not agreed


def test_it_keeps_a_drafts_visibility_on_top_SET_1(approving: Company, drafts: Drafts) -> None:
    """A private draft: its circle, within who its visibility lets see it."""
    c = approving
    private = objective_create(
        actor=c.oscar,
        cycle=c.quarter,
        level=Level.PERSON,
        owner=c.oscar,
        title="私密草稿",
        visibility=Visibility.PRIVATE,
    )
    assert {p for p in PERSONAS if access.can_view(getattr(c, p), fresh(private))} == {"alice", "oscar"}


def test_it_shows_a_company_draft_to_the_ceo_SET_1(approving: Company, drafts: Drafts) -> None:
    c = approving
    Organisation.objects.filter(pk=c.org.pk).update(ceo=c.oscar)
    oscar = Person.objects.get(pk=c.oscar.pk)
    assert access.can_view(oscar, fresh(drafts["top"]))
    assert Objective.objects.filter(access.visible_objectives_q(oscar), pk=drafts["top"].pk).exists()


def test_it_agrees_between_can_view_and_the_list_filter_for_every_draft_SET_1(
    approving: Company, drafts: Drafts
) -> None:
    """`can_view` and `visible_objectives_q` decide alike, for every persona and every state and visibility."""
    c = approving
    objective_submit(actor=c.mia, objective=fresh(drafts["mine"]))
    ceo = person_create(actor=None, username="ceo", full_name="Chen 总", role=Role.MEMBER)
    Organisation.objects.filter(pk=c.org.pk).update(ceo=ceo)
    lead = person_create(actor=None, username="lead", full_name="Lee 组长", department=c.marketing)
    from qibu.org.services import team_create

    team = team_create(actor=None, name="市场组", department=c.marketing, lead=lead)
    for visibility in Visibility.values:
        for who, level, extra in (
            (c.oscar, Level.TEAM, {"team": team}),
            (c.hank, Level.DEPARTMENT, {"department": c.sales, "owner": c.hank}),
            (c.mia, Level.PERSON, {"owner": c.mia}),
            (c.erin, Level.COMPANY, {"owner": c.erin}),
        ):
            objective_create(
                actor=who, cycle=c.quarter, level=level, title=f"{level} {visibility}", visibility=visibility, **extra
            )
    Objective.objects.filter(title__startswith="person").update(approval=Approval.RETURNED)
    Objective.objects.filter(title="team private").update(approved_at="2026-10-02T00:00:00Z")  # agreed once
    objectives = list(access.objective_queryset())
    people = list(Person.objects.select_related("department"))
    for person in people:
        listed = set(Objective.objects.filter(access.visible_objectives_q(person)).values_list("pk", flat=True))
        viewer = Person.objects.select_related("department").get(pk=person.pk)
        assert listed == {o.pk for o in objectives if access.can_view(viewer, o)}, person.username


# --- check-ins and changes ------------------------------------------------------------------------------------


def test_it_refuses_a_check_in_on_a_draft_never_approved_SET_1(approving: Company, drafts: Drafts) -> None:
    """SET-1: what was never agreed is not executed yet."""
    c = approving
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=drafts["my_kr"].pk)
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        checkin_record(actor=c.mia, key_result=kr, value=2, confidence=60)
    assert refused.value.message_dict["key_result"] == [
        "The objective is not approved yet: check-ins start once its approver has approved it."
    ]
    assert data_state() == before
    assert not fresh(drafts["mine"]).takes_check_ins


def _agreed_mine(c: Company, d: Drafts) -> Objective:
    Organisation.objects.filter(pk=c.org.pk).update(approval_order_enforced=False)
    objective_submit(actor=c.mia, objective=fresh(d["mine"]))
    objective_approve(actor=c.hank, objective=fresh(d["mine"]))
    Notification.objects.all().delete()
    return fresh(d["mine"])


def test_it_sends_a_changed_objective_back_for_approval_SET_2(approving: Company, drafts: Drafts) -> None:
    """An approved objective whose title changes goes back to its approver, who is told what changed; it stays
    agreed meanwhile: seen, counted and checked in on."""
    c = approving
    mine = _agreed_mine(c, drafts)
    approved_at = mine.approved_at
    objective_update(actor=c.mia, objective=mine, data={"title": "米娅的新目标"})
    mine = fresh(mine)
    assert (mine.approval, mine.approved_at, mine.is_agreed) == (Approval.SUBMITTED, approved_at, True)
    decision = present(ApprovalDecision.objects.filter(objective=mine).first())
    assert (decision.action, decision.actor, decision.comment) == (
        "submit",
        c.mia,
        "Changed after approval: its title.",
    )
    assert [n.text for n in told(c.hank)] == [
        "米娅 asks you to approve “米娅的新目标”: Changed after approval: its title."
    ]
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=drafts["my_kr"].pk)
    checkin_record(actor=c.mia, key_result=kr, value=3, confidence=70)  # still takes check-ins
    assert access.can_view(c.oscar, mine)
    objective_approve(actor=c.hank, objective=mine)
    assert fresh(mine).approval == Approval.APPROVED


def test_it_sends_a_changed_key_result_back_for_approval_but_not_a_check_in_SET_2(
    approving: Company, drafts: Drafts
) -> None:
    c = approving
    mine = _agreed_mine(c, drafts)
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=drafts["my_kr"].pk)
    kr.objective = mine
    checkin_record(actor=c.mia, key_result=kr, value=4, confidence=90)
    key_result_update(actor=c.mia, key_result=kr, data={"confidence": 85})  # her own confidence: no definition
    key_result_update(actor=c.mia, key_result=kr, data={"current_value": 5})
    assert (
        fresh(mine).approval == Approval.APPROVED
        and not ApprovalDecision.objects.filter(action="submit", created_at__gt=mine.approved_at).exists()
    )
    key_result_update(actor=c.mia, key_result=kr, data={"target_value": 20, "weight": 2})
    decision = present(ApprovalDecision.objects.filter(objective=mine).first())
    assert decision.comment == "Changed after approval: key result “米娅的关键结果”: target value, weight."
    assert fresh(mine).approval == Approval.SUBMITTED


@pytest.mark.parametrize("change", ["added", "deleted"])
def test_it_sends_an_added_or_deleted_key_result_back_for_approval_SET_2(
    approving: Company, drafts: Drafts, change: str
) -> None:
    c = approving
    mine = _agreed_mine(c, drafts)
    if change == "added":
        _kr(c.mia, mine, "新的关键结果")
    else:
        kr = KeyResult.objects.select_related("objective__cycle").get(pk=drafts["my_kr"].pk)
        kr.objective = mine
        key_result_delete(actor=c.mia, key_result=kr)
    decision = present(ApprovalDecision.objects.filter(objective=mine).first())
    title = "新的关键结果" if change == "added" else "米娅的关键结果"
    assert decision.comment == f"Changed after approval: key result “{title}” {change}."
    assert [n.recipient.username for n in Notification.objects.filter(kind=NotificationKind.APPROVAL)] == ["hank"]


def test_it_keeps_it_approved_when_its_approver_changes_it_or_the_policy_says_so(
    approving: Company, drafts: Drafts
) -> None:
    """A change its approver makes is agreed by making it; without `approval_on_change` changes need nothing."""
    c = approving
    mine = _agreed_mine(c, drafts)
    objective_update(actor=c.hank, objective=mine, data={"title": "韩改的标题"})
    assert fresh(mine).approval == Approval.APPROVED
    Organisation.objects.filter(pk=c.org.pk).update(approval_on_change=False)
    objective_update(actor=c.mia, objective=fresh(mine), data={"description": "新的说明"})
    objective_update(actor=c.mia, objective=fresh(mine), data={"priority": 0})
    assert fresh(mine).approval == Approval.APPROVED
    assert not ApprovalDecision.objects.filter(action="submit", comment__startswith="Changed").exists()


def test_it_moves_the_old_status_draft_to_the_approval_draft(company: Company, drafts: Drafts) -> None:
    """Migration 0007: an objective whose status was "draft" becomes an active draft never approved."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("qibu.okrs.migrations.0007_status_draft_is_approval")
    mine = drafts["mine"]
    Objective.objects.filter(pk=mine.pk).update(status="draft", approval=Approval.APPROVED, approved_at=None)
    migration.status_draft_to_approval(apps, None)
    assert Objective.objects.filter(pk=mine.pk).values_list("status", "approval").get() == ("active", "draft")
