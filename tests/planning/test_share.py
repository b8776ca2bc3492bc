"""SET-7: about 60 % of the OKRs' content comes from employees. By department and for the company: the share of
objectives and key results written by the people they belong to rather than by their managers, and the share of
department objectives that took up what employees submitted — against the organisation's target."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from qibu.audit.models import AuditEntry
from qibu.okrs.models import Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.planning.models import ProposalStatus
from qibu.planning.selectors.share import AuthorshipShare, ShareRow, authorship_share
from qibu.planning.services import proposal_create, proposal_respond, take_up_add
from qibu.reports.selectors import top_departments
from tests.conftest import Company, Okrs
from tests.planning.conftest import drafted, signed_in


def _share(company: Company) -> AuthorshipShare:
    company.org.refresh_from_db()
    return authorship_share(cycle=company.quarter, organisation=company.org, departments=top_departments())


def _row(share: AuthorshipShare, name: str) -> ShareRow:
    return next(r for r in share.departments if r.department is not None and r.department.name == name)


def test_it_counts_objectives_and_key_results_written_by_their_owners_SET_7(company: Company, okrs: Okrs) -> None:
    """SET-7: erin, hank and mia wrote their own objectives and key results; what hank writes for mia is not hers."""
    c = company
    share = _share(c)
    assert (share.company.content, share.company.by_owner, share.company.owner_share) == (6, 6, Decimal(1))
    assert share.target == 60 and share.company.owner_met

    for_mia = objective_create(actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="韩总替米娅写的")
    key_result_create(actor=c.hank, objective=okrs["mine"], title="韩总加的 KR", target_value=3)  # owner: mia
    key_result_create(actor=c.mia, objective=for_mia, title="米娅自己加的 KR", target_value=3)
    share = _share(c)
    assert (share.company.content, share.company.by_owner) == (9, 7)
    sales = _row(share, "销售部")
    assert (sales.objectives, sales.objectives_by_owner, sales.key_results, sales.key_results_by_owner) == (3, 2, 4, 3)
    assert sales.owner_share == Decimal("0.7143") and sales.owner_met
    assert _row(share, "市场部").owner_share is None


def test_a_key_result_without_history_counts_as_written_by_its_objectives_author_SET_7(
    company: Company, okrs: Okrs
) -> None:
    """SET-7: a key result has no author column; its history says who wrote it, else its objective's author."""
    c = company
    key_result_create(actor=c.hank, objective=okrs["mine"], title="韩总加的 KR", target_value=3)
    assert _share(c).company.by_owner == 6
    AuditEntry.objects.filter(action="key_result.create").delete()  # imported, or written with the objective
    assert _share(c).company.by_owner == 7  # now mia's, the objective's author


def test_a_department_objective_without_an_owner_belongs_to_its_head_SET_7(company: Company, okrs: Okrs) -> None:
    c = company
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, title="无负责人")
    objective_create(actor=c.alice, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, title="管理员写的")
    sales = _row(_share(c), "销售部")
    assert (sales.objectives, sales.objectives_by_owner) == (4, 3)


def test_it_counts_department_objectives_built_on_what_employees_submitted_SET_7(company: Company, okrs: Okrs) -> None:
    """SET-7 with SET-2: a department objective that took up an employee's proposal or personal objective."""
    c = company
    drafted(okrs, "department", "company")
    share = _share(c)
    assert (share.company.department_objectives, share.company.from_employees, share.company.employee_met) == (
        1,
        0,
        False,
    )
    proposal = proposal_create(actor=c.mia, objective=okrs["department"], text="把续约加上")
    proposal_respond(actor=c.hank, proposal=proposal, status=ProposalStatus.TAKEN_UP)
    second = objective_create(actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, title="第二个")
    share = _share(c)
    assert (_row(share, "销售部").department_objectives, _row(share, "销售部").from_employees) == (2, 1)
    assert _row(share, "销售部").employee_share == Decimal("0.5000") and not _row(share, "销售部").employee_met
    Objective.objects.filter(pk=second.pk).update(approval="draft")
    second.approval = "draft"
    take_up_add(actor=c.hank, objective=second, source_objective=okrs["mine"])
    assert _row(_share(c), "销售部").employee_met
    # A company objective taking up a department's is the company adjusting (SET-2), not a department's share.
    take_up_add(actor=c.erin, objective=okrs["company"], source_objective=okrs["department"])
    assert _share(c).company.from_employees == 2


def test_it_measures_against_the_organisations_target_SET_7(company: Company, okrs: Okrs) -> None:
    c = company
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="替写一")
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="替写二")
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="替写三")
    assert _share(c).company.owner_share == Decimal("0.6667") and _share(c).company.owner_met
    c.org.bottom_up_target = 70
    c.org.save(update_fields=["bottom_up_target"])
    assert not _share(c).company.owner_met


def test_the_company_page_and_the_board_show_it_by_department_SET_7(company: Company, okrs: Okrs) -> None:
    """SET-7: the company page's section gains the table by department, with the rule in plain words."""
    c = company
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="替写")
    html = signed_in(c.oscar).get(reverse("reports:company"), {"cycle": c.quarter.pk}).content.decode()
    section = html[html.index('id="bottom-up"') :]
    section = section[: section.index("</section>")]
    assert "By department" in section and "The whole company" in section and "销售部" in section
    assert "Written by their owners" in section and "From employees' submissions" in section
    assert "86%" in section and "(6 of 7)" in section  # the company: mia's written by hank is not hers
    assert "rather than their manager" in section
    board = signed_in(c.oscar).get(reverse("planning:board"), {"cycle": c.quarter.pk}).content.decode()
    assert 'id="authorship"' in board and "(6 of 7)" in board
