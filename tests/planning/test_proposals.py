"""SET-2, the employees' voice: anyone who may see a department's or the company's draft proposes on it or objects to
it; the draft's owner is told and answers (takes it up, declines it with the reason); its author edits or withdraws it
while unanswered; a draft one may not see does not exist; an approved draft or a closed cycle takes no proposals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.core.validation import COMMENT_MAX
from qibu.cycles.services import cycle_close
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.models import Approval, KeyResult, Level, Objective, Visibility
from qibu.okrs.services import objective_create
from qibu.org.models import Person
from qibu.org.services import person_create
from qibu.planning.models import Proposal, ProposalKind, ProposalStatus, TakeUp
from qibu.planning.services import proposal_create, proposal_edit, proposal_respond, proposal_withdraw
from tests.conftest import Company, Okrs
from tests.planning.conftest import drafted, signed_in


def _told(person: Person) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("kind", "text"))


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_it_takes_an_employees_proposal_on_the_departments_draft_and_tells_its_owner_SET_2(
    company: Company, drafts: Okrs
) -> None:
    """SET-2: departments collect their people's voices."""
    proposal = proposal_create(
        actor=company.mia,
        objective=drafts["department"],
        text="  建议把续约也算进来  ",
        key_result=drafts["department_kr"],
    )
    assert (proposal.kind, proposal.status, proposal.text) == (
        ProposalKind.PROPOSAL,
        ProposalStatus.OPEN,
        "建议把续约也算进来",
    )
    assert _told(company.hank) == [
        (NotificationKind.COMMENT, "米娅 proposes on your draft “销售部拿下十家标杆客户”: 建议把续约也算进来")
    ]
    entry = AuditEntry.objects.get(action="proposal.create")
    assert (entry.subject_type, entry.subject_id, entry.actor_id) == (
        "okrs.objective",
        drafts["department"].pk,
        company.mia.pk,
    )

    objection = proposal_create(
        actor=company.oscar, objective=drafts["company"], text="市场部人手不够", kind=ProposalKind.OBJECTION
    )
    assert objection.kind == ProposalKind.OBJECTION
    assert _told(company.erin) == [
        (NotificationKind.COMMENT, "欧斯卡 objects to your draft “成为华东市场第一”: 市场部人手不够")
    ]


def test_it_refuses_a_draft_one_cannot_see_as_not_found_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2: a draft limited to sales does not exist for marketing's oscar, on the page as in the service."""
    limited = objective_create(
        actor=company.hank,
        cycle=company.quarter,
        level=Level.DEPARTMENT,
        department=company.sales,
        owner=company.hank,
        title="销售部内部目标",
        visibility=Visibility.DEPARTMENT,
    )
    Objective.objects.filter(pk=limited.pk).update(approval=Approval.DRAFT)
    limited.approval = Approval.DRAFT
    with pytest.raises(Http404):
        proposal_create(actor=company.oscar, objective=limited, text="我也想说")
    response = signed_in(company.oscar).post(reverse("planning:proposals", args=[limited.pk]), {"text": "我也想说"})
    assert response.status_code == 404
    assert not Proposal.objects.exists()
    # mia, of sales, may see it and speak.
    assert proposal_create(actor=company.mia, objective=limited, text="我来说").pk


def test_it_refuses_proposals_once_the_draft_is_approved_or_the_cycle_closed_SET_2(
    company: Company, okrs: Okrs
) -> None:
    """SET-2: the voice is for the drafting; an approved objective or a closed cycle takes none, naming why."""
    with pytest.raises(ValidationError) as approved:
        proposal_create(actor=company.mia, objective=okrs["department"], text="太晚了")
    assert "approved" in _problems(approved)["objective"][0]
    drafted(okrs, "department")
    cycle_close(actor=company.alice, cycle=company.quarter)
    okrs["department"].cycle.refresh_from_db()
    with pytest.raises(ValidationError) as closed:
        proposal_create(actor=company.mia, objective=okrs["department"], text="太晚了")
    assert "closed" in _problems(closed)["objective"][0]
    assert not Proposal.objects.exists()


def test_it_takes_proposals_only_on_department_and_company_objectives_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2: employees speak on their department's and the company's drafts; a person sets their own."""
    with pytest.raises(ValidationError) as personal:
        proposal_create(actor=company.hank, objective=drafts["mine"], text="再多签一家")
    assert "department or of the company" in _problems(personal)["objective"][0]


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "Write what you propose."), ("长" * (COMMENT_MAX + 1), "At most 2000")]
)
def test_it_checks_the_text_naming_the_field_and_writes_nothing(
    company: Company, drafts: Okrs, text: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        proposal_create(actor=company.mia, objective=drafts["department"], text=text)
    assert message in _problems(refused)["text"][0]
    with pytest.raises(ValidationError) as kind:
        proposal_create(actor=company.mia, objective=drafts["department"], text="好", kind="praise")
    assert "kind" in _problems(kind)
    with pytest.raises(ValidationError) as elsewhere:
        proposal_create(actor=company.mia, objective=drafts["department"], text="好", key_result=drafts["revenue"])
    assert "key_result" in _problems(elsewhere)
    assert not Proposal.objects.exists() and not AuditEntry.objects.filter(action__startswith="proposal").exists()


def test_its_author_edits_and_withdraws_it_while_unanswered_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2."""
    proposal = proposal_create(actor=company.mia, objective=drafts["department"], text="初稿")
    with pytest.raises(PermissionDenied):
        proposal_edit(actor=company.hank, proposal=proposal, text="改一下")
    proposal_edit(actor=company.mia, proposal=proposal, text="改过的", kind=ProposalKind.OBJECTION)
    proposal.refresh_from_db()
    assert (proposal.text, proposal.kind) == ("改过的", ProposalKind.OBJECTION) and proposal.edited_at is not None
    entry = AuditEntry.objects.get(action="proposal.update")
    assert (entry.before, entry.after) == (
        {"kind": "proposal", "text": "初稿"},
        {"kind": "objection", "text": "改过的"},
    )

    proposal_respond(actor=company.hank, proposal=proposal, status=ProposalStatus.DECLINED, note="目标已定")
    with pytest.raises(ValidationError) as answered:
        proposal_edit(actor=company.mia, proposal=proposal, text="再改")
    assert "answered" in _problems(answered)["status"][0]
    with pytest.raises(ValidationError):
        proposal_withdraw(actor=company.mia, proposal=proposal)

    other = proposal_create(actor=company.mia, objective=drafts["department"], text="撤回我")
    with pytest.raises(PermissionDenied):
        proposal_withdraw(actor=company.hank, proposal=other)
    proposal_withdraw(actor=company.mia, proposal=other)
    assert not Proposal.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.get(action="proposal.withdraw").before == {
        "kind": "proposal",
        "key_result": None,
        "text": "撤回我",
    }


def test_the_drafts_owner_takes_a_proposal_up_or_declines_it_with_the_reason_SET_2(
    company: Company, drafts: Okrs
) -> None:
    """SET-2: the department adjusts its draft to its people's voices, and says why it does not."""
    proposal = proposal_create(actor=company.mia, objective=drafts["department"], text="加上续约")
    with pytest.raises(PermissionDenied):
        proposal_respond(actor=company.mia, proposal=proposal, status=ProposalStatus.TAKEN_UP)
    with pytest.raises(ValidationError) as why:
        proposal_respond(actor=company.hank, proposal=proposal, status=ProposalStatus.DECLINED)
    assert "Say why" in _problems(why)["note"][0]
    assert Proposal.objects.get().status == ProposalStatus.OPEN

    proposal_respond(actor=company.hank, proposal=proposal, status=ProposalStatus.TAKEN_UP, note="已加上")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.response, proposal.responded_by) == (
        ProposalStatus.TAKEN_UP,
        "已加上",
        company.hank,
    )
    take_up = TakeUp.objects.get()
    assert (take_up.objective_id, take_up.source_proposal_id) == (drafts["department"].pk, proposal.pk)
    assert ("comment", "韩销售 took up your proposal on “销售部拿下十家标杆客户”.") in _told(company.mia)

    proposal_respond(actor=company.hank, proposal=proposal, status=ProposalStatus.DECLINED, note="还是不加")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and not TakeUp.objects.exists()
    assert ("comment", "韩销售 declined your proposal on “销售部拿下十家标杆客户”: 还是不加") in _told(company.mia)
    assert list(AuditEntry.objects.filter(action__in=["take_up.add", "take_up.remove"]).order_by("pk").values_list(
        "action", flat=True)) == ["take_up.add", "take_up.remove"]  # fmt: skip


def test_a_proposal_may_be_taken_up_into_the_companys_draft_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2: the company finalises with reference to what departments' people said. An objective that took it up
    elsewhere must let it go there first before the draft's owner declines it."""
    proposal = proposal_create(actor=company.mia, objective=drafts["department"], text="公司也该看续约")
    proposal_respond(actor=company.erin, proposal=proposal, status=ProposalStatus.TAKEN_UP, into=drafts["company"])
    assert TakeUp.objects.get().objective_id == drafts["company"].pk
    with pytest.raises(ValidationError) as elsewhere:
        proposal_respond(actor=company.hank, proposal=proposal, status=ProposalStatus.DECLINED, note="不要")
    assert "成为华东市场第一" in _problems(elsewhere)["status"][0]
    # Into an objective one may not change: refused, naming it.
    with pytest.raises(ValidationError) as not_yours:
        proposal_respond(actor=company.hank, proposal=proposal, status=ProposalStatus.TAKEN_UP, into=drafts["company"])
    assert "objective" in _problems(not_yours)


# --- the objective page's section --------------------------------------------------------------------------


def test_the_objective_page_lists_the_proposals_and_takes_a_new_one_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2: a section of the objective page (qibu.okrs.panels), working without JavaScript and with htmx."""
    url = reverse("okrs:objective", args=[drafts["department"].pk])
    mia = signed_in(company.mia)
    html = mia.get(url).content.decode()
    assert 'id="proposals"' in html and "No proposals or objections yet." in html
    post = reverse("planning:proposals", args=[drafts["department"].pk])
    response = mia.post(
        post, {"kind": "objection", "text": "十家太多了", "key_result": str(drafts["department_kr"].pk)}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{url}#proposal-{proposal.pk}"
    assert (proposal.kind, proposal.key_result_id) == ("objection", drafts["department_kr"].pk)
    fragment = mia.post(post, {"text": "<b>再加一条</b>"}, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('\n<section class="card planning" id="proposals"') or 'id="proposals"' in fragment[:200]
    assert "&lt;b&gt;再加一条&lt;/b&gt;" in fragment and "<b>再加一条" not in fragment
    # Empty: the form comes back with the error by its field.
    bad = mia.post(post, {"text": " "})
    assert bad.status_code == 400 and "Write what you propose." in bad.content.decode()

    hank = signed_in(company.hank)
    html = hank.get(url).content.decode()
    assert f'action="{reverse("planning:proposal_respond", args=[proposal.pk])}"' in html
    assert "on 签约标杆客户 10 家" in html
    answered = hank.post(reverse("planning:proposal_respond", args=[proposal.pk]), {"status": "declined", "note": ""})
    assert answered.status_code == 400 and "Say why it is declined" in answered.content.decode()
    hank.post(reverse("planning:proposal_respond", args=[proposal.pk]), {"status": "declined", "note": "客户已经谈好"})
    assert Proposal.objects.get(pk=proposal.pk).status == "declined"
    html = mia.get(url).content.decode()
    assert "客户已经谈好" in html and "made a proposal" in html and "answered a proposal" in html


def test_its_author_edits_and_withdraws_on_the_pages_and_others_are_refused_SET_2(
    company: Company, drafts: Okrs
) -> None:
    """SET-2."""
    proposal = proposal_create(actor=company.mia, objective=drafts["department"], text="初稿")
    edit, withdraw = (reverse(f"planning:proposal_{n}", args=[proposal.pk]) for n in ("edit", "withdraw"))
    assert signed_in(company.hank).post(edit, {"text": "改"}).status_code == 403
    assert signed_in(company.hank).post(withdraw).status_code == 403
    mia = signed_in(company.mia)
    assert "初稿" in mia.get(edit).content.decode()
    assert mia.post(edit, {"text": "", "kind": "proposal"}).status_code == 400
    assert mia.post(edit, {"text": "二稿", "kind": "proposal"}).status_code == 302
    assert Proposal.objects.get().text == "二稿"
    assert mia.post(withdraw).status_code == 302
    assert not Proposal.objects.exists()


def test_the_section_shows_no_form_on_an_approved_objective_SET_2(company: Company, okrs: Okrs) -> None:
    html = signed_in(company.mia).get(reverse("okrs:objective", args=[okrs["department"].pk])).content.decode()
    assert (
        "This objective is approved: its drafting is over" in html and 'class="comment-form proposal-form"' not in html
    )


def _grow(company: Company, drafts: Okrs, count: int) -> None:
    for i in range(count):
        person = person_create(
            actor=None, username=f"p{count}_{i}", full_name=f"员工{count}_{i}", department=company.sales
        )
        proposal = proposal_create(
            actor=person,
            objective=drafts["department"],
            text=f"建议{i}",
            key_result=drafts["department_kr"] if i % 2 else None,
        )
        if i % 3 == 0:
            proposal_respond(actor=company.hank, proposal=proposal, status=ProposalStatus.TAKEN_UP)


# The objective page's own queries (tests/okrs/test_pages_okrs.py) with this section: the proposals with their authors,
# key results and answerers, then every take-up the page names (none of them for a personal objective, which takes no
# proposals); the names in the history of the new entries' authors take one more.
@pytest.mark.parametrize("persona", ["hank", "mia"])
def test_it_reads_the_objective_page_with_its_proposals_in_a_constant_number_of_queries_SET_2(
    company: Company, drafts: Okrs, persona: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(getattr(company, persona))
    url = reverse("okrs:objective", args=[drafts["department"].pk])
    _grow(company, drafts, 3)
    client.get(url)
    with CaptureCount() as small:
        assert client.get(url).status_code == 200
    _grow(company, drafts, 30)
    KeyResult.objects.filter(pk=drafts["department_kr"].pk).update(title="签约标杆客户 12 家")
    with django_assert_num_queries(small.count):
        html = client.get(url).content.decode()
    assert html.count('class="proposal ') == 33


class CaptureCount(CaptureQueriesContext):
    """The number of queries of the block (`count`), to compare another size with."""

    def __init__(self) -> None:
        super().__init__(connection)

    @property
    def count(self) -> int:
        return len(self.captured_queries)


def test_it_limits_the_answers_note_naming_the_field(company: Company, drafts: Okrs) -> None:
    from qibu.core.validation import NOTE_MAX

    proposal = proposal_create(actor=company.mia, objective=drafts["department"], text="建议")
    with pytest.raises(ValidationError) as long:
        proposal_respond(
            actor=company.hank, proposal=proposal, status=ProposalStatus.DECLINED, note="长" * (NOTE_MAX + 1)
        )
    assert "At most 2000" in long.value.message_dict["note"][0]
    assert Proposal.objects.get().status == ProposalStatus.OPEN
