"""SET-2, taking up: "the company adjusts with reference to the submissions; the company draft shows which department
proposals it took up". A company or department draft records the objective from below or the proposal it built on;
its page says "took up: …", the source's "taken up by …"; what one may not see is neither offered nor named."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.okrs.models import Approval, Level, Objective, Visibility
from qibu.okrs.services import objective_create
from qibu.planning.models import Proposal, ProposalStatus, TakeUp
from qibu.planning.services import proposal_create, take_up_add, take_up_remove
from tests.conftest import Company, Okrs
from tests.planning.conftest import signed_in


def test_the_companys_draft_takes_up_a_departments_and_both_pages_say_so_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2: the company finalises its quarter with reference to the departments' submissions."""
    take_up = take_up_add(
        actor=company.erin, objective=drafts["company"], source_objective=drafts["department"], note="采纳销售部的数字"
    )
    assert AuditEntry.objects.get(action="take_up.add").after == {
        "source_objective": drafts["department"].pk,
        "source_proposal": None,
        "note": "采纳销售部的数字",
    }
    hank = signed_in(company.hank)
    company_page = hank.get(reverse("okrs:objective", args=[drafts["company"].pk])).content.decode()
    took = company_page[company_page.index('id="took-up"') :]
    assert "Took up" in took and "销售部拿下十家标杆客户" in took and "采纳销售部的数字" in took
    source_page = hank.get(reverse("okrs:objective", args=[drafts["department"].pk])).content.decode()
    by = source_page[source_page.index('id="taken-up-by"') :]
    assert "Taken up by" in by and "成为华东市场第一" in by
    # hank is told on his department's objective.
    assert TakeUp.objects.get() == take_up


def test_a_personal_objective_shows_the_department_draft_that_took_it_up_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-2: a department builds its draft on what its people set."""
    take_up_add(actor=company.hank, objective=drafts["department"], source_objective=drafts["mine"])
    html = signed_in(company.mia).get(reverse("okrs:objective", args=[drafts["mine"].pk])).content.decode()
    assert "Taken up by" in html and "销售部拿下十家标杆客户" in html


def test_it_takes_up_only_from_below_in_the_same_cycle_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-1's levels: a submission comes up, never down, and only for its own cycle."""
    cases = [
        (drafts["department"], drafts["company"]),  # from above
        (drafts["company"], drafts["company"]),  # itself
    ]
    for objective, source in cases:
        with pytest.raises(ValidationError) as refused:
            take_up_add(actor=company.alice, objective=objective, source_objective=source)
        assert "source_objective" in refused.value.message_dict
    other_quarter = Cycle.objects.get(kind="quarter", start__month=7, start__year=2026)
    elsewhere = objective_create(
        actor=company.hank, cycle=other_quarter, level=Level.DEPARTMENT, department=company.sales, title="三季度"
    )
    with pytest.raises(ValidationError) as cycle:
        take_up_add(actor=company.erin, objective=drafts["company"], source_objective=elsewhere)
    assert "own cycle" in cycle.value.message_dict["source_objective"][0]
    # A personal objective takes nothing up; naming neither or both sources is refused.
    with pytest.raises(ValidationError) as personal:
        take_up_add(actor=company.mia, objective=drafts["mine"], source_objective=drafts["department"])
    assert "objective" in personal.value.message_dict
    proposal = proposal_create(actor=company.mia, objective=drafts["department"], text="建议")
    with pytest.raises(ValidationError):
        take_up_add(actor=company.erin, objective=drafts["company"])
    with pytest.raises(ValidationError):
        take_up_add(
            actor=company.erin,
            objective=drafts["company"],
            source_objective=drafts["department"],
            source_proposal=proposal,
        )
    take_up_add(actor=company.erin, objective=drafts["company"], source_objective=drafts["department"])
    with pytest.raises(ValidationError) as twice:
        take_up_add(actor=company.erin, objective=drafts["company"], source_objective=drafts["department"])
    assert "already" in twice.value.message_dict["source_objective"][0]
    assert TakeUp.objects.count() == 1


def test_a_source_one_may_not_see_does_not_exist_and_is_not_named_SET_2(company: Company, drafts: Okrs) -> None:
    """An objective limited to sales cannot be taken up by someone outside it, and its title is not shown to them."""
    limited = objective_create(
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.mia,
        title="米娅的私人草稿",
        visibility=Visibility.PRIVATE,
    )
    with pytest.raises(ValidationError) as invisible:
        take_up_add(actor=company.erin, objective=drafts["company"], source_objective=limited)
    assert invisible.value.message_dict["source_objective"] == [f"There is no objective #{limited.pk}."]
    take_up_add(actor=company.hank, objective=drafts["department"], source_objective=limited)
    html = signed_in(company.oscar).get(reverse("okrs:objective", args=[drafts["department"].pk])).content.decode()
    assert "米娅的私人草稿" not in html and "an objective you may not see" in html


def test_only_who_may_change_the_draft_records_a_take_up_SET_2(company: Company, drafts: Okrs) -> None:
    with pytest.raises(PermissionDenied):
        take_up_add(actor=company.hank, objective=drafts["company"], source_objective=drafts["department"])
    url = reverse("planning:take_up_add", args=[drafts["company"].pk])
    assert signed_in(company.hank).post(url, {"source_objective": drafts["department"].pk}).status_code == 403
    assert not TakeUp.objects.exists()
    response = signed_in(company.erin).post(url, {"source_objective": drafts["department"].pk, "note": "好"})
    assert response.status_code == 302 and TakeUp.objects.get().note == "好"
    take_up = TakeUp.objects.get()
    assert signed_in(company.hank).post(reverse("planning:take_up_remove", args=[take_up.pk])).status_code == 403
    assert signed_in(company.erin).post(reverse("planning:take_up_remove", args=[take_up.pk])).status_code == 302
    assert not TakeUp.objects.exists()


def test_the_form_offers_the_departments_drafts_to_the_company_SET_2(company: Company, drafts: Okrs) -> None:
    html = signed_in(company.erin).get(reverse("okrs:objective", args=[drafts["company"].pk])).content.decode()
    form = html[html.index('class="take-up-form"') :]
    assert f'<option value="{drafts["department"].pk}">销售部: 销售部拿下十家标杆客户</option>' in form
    assert "打开苏州市场" not in form[: form.index("</select>")]  # personal objectives are the departments' to take up
    bad = signed_in(company.erin).post(
        reverse("planning:take_up_add", args=[drafts["company"].pk]), {"source_objective": "999999"}
    )
    assert bad.status_code == 400 and "There is no objective #999999." in bad.content.decode()


def test_taking_up_a_proposal_answers_it_and_removing_the_last_opens_it_again_SET_2(
    company: Company, drafts: Okrs
) -> None:
    """SET-2: the company's draft takes up a proposal made on a department's."""
    proposal = proposal_create(actor=company.mia, objective=drafts["department"], text="公司层面也要看续约")
    take_up = take_up_add(actor=company.erin, objective=drafts["company"], source_proposal=proposal)
    assert Proposal.objects.get().status == ProposalStatus.TAKEN_UP
    html = signed_in(company.mia).get(reverse("okrs:objective", args=[drafts["department"].pk])).content.decode()
    line = html[html.index(f'id="proposal-{proposal.pk}"') :]
    assert "Taken up in" in line[:2000] and "成为华东市场第一" in line[:2000]
    company_page = signed_in(company.mia).get(reverse("okrs:objective", args=[drafts["company"].pk])).content.decode()
    assert "the proposal of 米娅" in company_page and "公司层面也要看续约" in company_page
    take_up_remove(actor=company.erin, take_up=take_up)
    assert Proposal.objects.get().status == ProposalStatus.OPEN


def test_a_take_up_needs_an_open_cycle(company: Company, drafts: Okrs) -> None:
    take_up = take_up_add(actor=company.erin, objective=drafts["company"], source_objective=drafts["department"])
    Cycle.objects.filter(pk=company.quarter.pk).update(is_closed=True)
    objective = Objective.objects.select_related("cycle").get(pk=drafts["company"].pk)
    take_up.objective = objective
    with pytest.raises(ValidationError):
        take_up_remove(actor=company.erin, take_up=take_up)
    with pytest.raises(ValidationError):
        take_up_add(actor=company.erin, objective=objective, source_objective=drafts["mine"])
    assert TakeUp.objects.count() == 1
    assert Objective.objects.get(pk=objective.pk).approval == Approval.DRAFT
