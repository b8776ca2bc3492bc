"""SET-1, SET-2: the planning board shows, for a cycle, where the company, every department and every person stand,
in the method's order — the top-down pass, then the bottom-up one — each phase done, in progress or not started
from the data; what the signed-in person waits for and who waits for them; and the approver's queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_list
from qibu.cycles.services import cycles_generate_year
from qibu.okrs.models import Approval, ApprovalAction, ApprovalDecision, Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Person
from qibu.org.services import department_create, person_create
from qibu.planning.selectors.board import Board, planning_board, planning_cycle
from qibu.planning.services import proposal_create, take_up_add
from tests.conftest import Company, Okrs
from tests.planning.conftest import drafted, signed_in
from tests.planning.test_proposals import CaptureCount
from tests.project.test_untranslated import PRODUCT_WORDS, _user_data, english_words, visible_text


def _board(company: Company, viewer: Person | None = None, **kwargs: Any) -> Board:
    company.org.refresh_from_db()
    return planning_board(viewer=viewer or company.alice, cycle=company.quarter, organisation=company.org, **kwargs)


def _states(board: Board) -> dict[str, str]:
    return {phase.key: phase.state for phase in [*board.top_down, *board.bottom_up]}


def _approve(*objectives: Objective) -> None:
    Objective.objects.filter(pk__in=[o.pk for o in objectives]).update(approval=Approval.APPROVED)


def _submit(*objectives: Objective) -> None:
    Objective.objects.filter(pk__in=[o.pk for o in objectives]).update(
        approval=Approval.SUBMITTED, submitted_at=timezone.now()
    )


def test_it_shows_each_phase_in_the_methods_order_from_the_data_SET_1_SET_2(company: Company, drafts: Okrs) -> None:
    """SET-1: company annual → company quarterly → department quarterly → personal quarterly; SET-2: the voice →
    departments submit → the company adjusts → departments adjust → people finalise."""
    c = company
    board = _board(c)
    assert [p.key for p in board.top_down] == [
        "company_annual", "company_quarterly", "department_quarterly", "personal_quarterly",
    ]  # fmt: skip
    assert [p.key for p in board.bottom_up] == [
        "voice", "departments_submitted", "company_adjusted", "departments_adjusted", "people_finalised",
    ]  # fmt: skip
    # No annual objectives yet; the company's quarter drafted; sales (of two departments) and mia (of mia and
    # oscar; hank heads sales) have drafts.
    assert _states(board) == {
        "company_annual": "not_started",
        "company_quarterly": "done",
        "department_quarterly": "in_progress",
        "personal_quarterly": "in_progress",
        "voice": "not_started",
        "departments_submitted": "not_started",
        "company_adjusted": "not_started",
        "departments_adjusted": "not_started",
        "people_finalised": "not_started",
    }
    department = next(p for p in board.top_down if p.key == "department_quarterly")
    assert (department.done, department.of) == (1, 2)

    annual = objective_create(actor=c.erin, cycle=c.year, level=Level.COMPANY, owner=c.erin, title="年度目标")
    marketing = objective_create(
        actor=c.oscar, cycle=c.quarter, level=Level.DEPARTMENT, department=c.marketing, title="市场部目标"
    )
    oscars = objective_create(actor=c.oscar, cycle=c.quarter, level=Level.PERSON, owner=c.oscar, title="欧斯卡的目标")
    Objective.objects.filter(pk__in=[marketing.pk, oscars.pk]).update(approval=Approval.DRAFT)
    proposal_create(actor=c.mia, objective=drafts["department"], text="建议")
    states = _states(_board(c))
    assert states["company_annual"] == "done"  # approved (the default of an objective written before approval)
    assert (states["department_quarterly"], states["personal_quarterly"]) == ("done", "done")
    assert states["voice"] == "in_progress"

    _submit(drafts["department"])
    assert _states(_board(c))["departments_submitted"] == "in_progress"
    _submit(marketing)
    take_up_add(actor=c.erin, objective=drafts["company"], source_objective=drafts["department"])
    states = _states(_board(c))
    assert (states["departments_submitted"], states["voice"], states["company_adjusted"]) == (
        "done", "done", "in_progress",
    )  # fmt: skip
    _approve(drafts["company"])
    assert _states(_board(c))["company_adjusted"] == "done"
    _approve(drafts["department"])
    assert _states(_board(c))["departments_adjusted"] == "in_progress"
    _approve(marketing, drafts["mine"])
    states = _states(_board(c))
    assert (states["departments_adjusted"], states["people_finalised"]) == ("done", "in_progress")
    _approve(oscars)
    assert set(_states(_board(c)).values()) == {"done"}
    assert annual.pk


def test_it_counts_where_each_department_and_person_stands(company: Company, drafts: Okrs) -> None:
    c = company
    drafted(drafts, "mine", approval=Approval.RETURNED)
    proposal_create(actor=c.mia, objective=drafts["department"], text="建议")
    board = _board(c)
    sales = next(s for s in board.stands if s.department == c.sales)
    assert (sales.objectives.draft, sales.people, sales.people_with_okrs, sales.personal.returned) == (1, 1, 1, 1)
    assert (sales.proposals, board.company.draft) == (1, 1)
    rows = {row.person.username: row.stand for row in board.person_rows}
    assert rows == {"mia": "returned", "oscar": "none"}

    html = signed_in(c.alice).get(reverse("planning:board"), {"cycle": c.quarter.pk}).content.decode()
    stands = html[html.index('id="stands"') : html.index('id="people"')]
    assert "销售部" in stands and "no OKRs yet" in stands  # marketing
    people = html[html.index('id="people"') :]
    assert "米娅" in people and "returned" in people and "欧斯卡" in people


def test_it_tells_each_person_what_they_wait_for_and_who_waits_for_them_SET_1(company: Company, drafts: Okrs) -> None:
    """SET-1: the first pass runs top-down, so a personal objective waits for its department's, which waits for the
    company's; each submitted one waits for its approver."""
    c = company
    _submit(drafts["mine"])
    mia = _board(c, c.mia).you
    (line,) = mia.objectives
    assert (line.objective.pk, line.approver, line.waits_for_above) == (drafts["mine"].pk, "韩销售", "department")
    html = signed_in(c.mia).get(reverse("planning:board")).content.decode()
    you = html[html.index('id="you"') : html.index('id="top-down-title"')]
    assert "Waits for the decision of 韩销售." in you and "once the department's objectives are" in you
    assert f'href="/objectives/{drafts["mine"].pk}/#approval"' in you

    hank = _board(c, c.hank).you
    assert hank.queue is not None and (hank.queue.total, hank.people_waiting) == (1, 1)
    (his,) = hank.objectives
    assert (his.objective.pk, his.waits_for_above) == (drafts["department"].pk, "company")
    html = signed_in(c.hank).get(reverse("planning:board")).content.decode()
    assert "1 objective waits for your decision" in html
    assert "1 person's objectives wait for your department's objectives to be approved." in html

    erin = _board(c, c.erin).you
    assert erin.departments_waiting == 1 and erin.objectives[0].approver_kind == "executive"

    # Returned: the approver's comment shows; oscar has no objectives yet.
    drafted(drafts, "department", approval=Approval.RETURNED)
    ApprovalDecision.objects.create(
        objective=drafts["department"], actor=c.erin, action=ApprovalAction.RETURN, comment="请更聚焦"
    )
    html = signed_in(c.hank).get(reverse("planning:board")).content.decode()
    assert "Returned to you: revise it and submit it again." in html and "请更聚焦" in html
    html = signed_in(c.oscar).get(reverse("planning:board")).content.decode()
    assert "You have no objectives in this cycle yet." in html and "Nobody waits for you." in html


def test_it_names_the_ceo_as_the_approver_of_the_companys_objectives_SET_1(company: Company, drafts: Okrs) -> None:
    c = company
    ceo = person_create(actor=None, username="ceo", full_name="王总", role="executive")
    c.org.ceo = ceo
    c.org.save(update_fields=["ceo"])
    _submit(drafts["company"])
    (line,) = _board(c, c.erin).you.objectives
    assert (line.approver, line.approver_kind) == ("王总", "ceo")
    assert _board(c, ceo).you.queue.total == 1  # type: ignore[union-attr]


def test_it_opens_on_the_cycle_in_planning(company: Company, okrs: Okrs) -> None:
    """The next quarter while it has drafts, else the current one with drafts, else the next one if it has any."""
    today = dt.date(2026, 12, 1)
    cycles_generate_year(actor=None, fiscal_year=2027)
    next_quarter = Cycle.objects.get(kind="quarter", start=dt.date(2027, 1, 1))
    assert planning_cycle(list(cycle_list()), today) == company.quarter  # nothing drafted yet next quarter
    drafted_next = objective_create(actor=company.erin, cycle=next_quarter, level=Level.COMPANY, title="明年一季度")
    assert planning_cycle(list(cycle_list()), today) == next_quarter  # it holds an objective
    drafted(okrs, "mine")
    assert planning_cycle(list(cycle_list()), today) == company.quarter  # a draft this quarter comes first …
    Objective.objects.filter(pk=drafted_next.pk).update(approval=Approval.DRAFT)
    assert planning_cycle(list(cycle_list()), today) == next_quarter  # … unless the next one has drafts too
    assert signed_in(company.alice).get(reverse("planning:board"), {"cycle": "nonsense"}).status_code == 200


def test_it_narrows_to_a_department_and_pages_the_people(company: Company, drafts: Okrs) -> None:
    c = company
    east = department_create(actor=None, name="华东销售", parent=c.sales)
    for i in range(55):
        person_create(actor=None, username=f"east{i:02}", full_name=f"华东{i:02}", department=east)
    board = _board(c, department_id=c.sales.pk)
    assert [s.department.name for s in board.stands] == ["销售部", "华东销售"]
    assert board.people.paginator.count == 56 and len(board.person_rows) == 50
    assert _board(c, department_id=c.marketing.pk).people.paginator.count == 1
    assert _board(c, stand="none").people.paginator.count == 56  # oscar and east's 55
    assert [r.person.username for r in _board(c, stand="draft").person_rows] == ["mia"]
    client = signed_in(c.hank)
    second = client.get(reverse("planning:board"), {"cycle": c.quarter.pk, "department": c.sales.pk, "page": 2})
    html = second.content.decode()
    assert "Page 2 of 2" in html and html.count("华东") >= 6
    assert f"?cycle={c.quarter.pk}&amp;department={c.sales.pk}&amp;page=1" in html


def _grow(company: Company, okrs: Okrs, n: int) -> None:
    """`n` more departments, each with a head, a department draft with a proposal, and three members (one with a
    submitted objective, one returned, one without)."""
    for i in range(n):
        head = person_create(actor=None, username=f"head{n}_{i}", full_name=f"负责人{n}_{i}", role="department_head")
        department = department_create(actor=None, name=f"部门{n}_{i}", head=head)
        dept = objective_create(
            actor=head,
            cycle=company.quarter,
            level=Level.DEPARTMENT,
            department=department,
            owner=head,
            title=f"部门目标{i}",
        )
        key_result_create(actor=head, objective=dept, title=f"部门 KR{i}", target_value=10)
        Objective.objects.filter(pk=dept.pk).update(approval=Approval.DRAFT)
        dept.approval = Approval.DRAFT
        for j in range(3):
            member = person_create(
                actor=None, username=f"m{n}_{i}_{j}", full_name=f"成员{n}_{i}_{j}", department=department, manager=head
            )
            if j == 2:
                continue
            mine = objective_create(actor=member, cycle=company.quarter, level=Level.PERSON, owner=member, title="个人")
            key_result_create(actor=head, objective=mine, title="个人 KR", target_value=3)
            Objective.objects.filter(pk=mine.pk).update(
                approval=Approval.SUBMITTED if j == 0 else Approval.RETURNED, submitted_at=timezone.now()
            )
            if j == 0:
                proposal_create(actor=member, objective=dept, text="建议")
        take_up_add(actor=company.erin, objective=okrs["company"], source_objective=dept)


# Session, the signed-in person, the organisation, the cycle picker; the departments, the people per department,
# the company's and departments' objectives by state, the people's, the proposals, the take-ups; the people list (its
# count, its page, their objectives); you (your objectives, the approval queue, the departments you head); SET-7's two.
@pytest.mark.parametrize("persona", ["alice", "hank", "mia"])
def test_it_reads_the_board_in_a_constant_number_of_queries_SET_1(
    company: Company, drafts: Okrs, persona: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """SET-1, SET-2: the same number of queries for a company of 5 people and of 60."""
    client = signed_in(getattr(company, persona))
    url = reverse("planning:board")
    _submit(drafts["mine"])
    _grow(company, drafts, 2)
    counts: dict[str, int] = {}
    for query in ({"cycle": company.quarter.pk}, {"cycle": company.quarter.pk, "department": company.sales.pk}):
        client.get(url, query)
        with CaptureCount() as small:
            assert client.get(url, query).status_code == 200
        counts[str(query)] = small.count
    assert len(set(counts.values())) == 1  # narrowing to a department costs nothing more
    _grow(company, drafts, 15)
    assert Person.objects.count() > 60
    cases: list[tuple[dict[str, int], int]] = [
        ({"cycle": company.quarter.pk}, 60),  # every department, a page of people
        ({"cycle": company.quarter.pk, "department": company.sales.pk}, 3),
    ]
    for query, rows in cases:
        with django_assert_num_queries(counts[str(query)]):
            html = client.get(url, query).content.decode()
        assert html.count("<tr") > rows
    with django_assert_num_queries(counts[str({"cycle": company.quarter.pk})]):
        html = client.get(url, {"cycle": company.quarter.pk, "page": 2}).content.decode()
    assert "Page 2 of 2" in html
    with django_assert_num_queries(counts[str({"cycle": company.quarter.pk})]):
        html = client.get(url, {"cycle": str(company.quarter.pk), "stand": "returned"}).content.decode()
    assert html.count('class="tag stand-returned"') == 17


def test_it_reads_the_queue_in_a_constant_number_of_queries_SET_1(
    company: Company, drafts: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(company.erin)
    url = reverse("planning:queue")
    _grow(company, drafts, 1)
    _submit(drafts["department"])
    client.get(url)
    with CaptureCount() as small:
        client.get(url)
    _grow(company, drafts, 8)
    Objective.objects.filter(level=Level.DEPARTMENT).update(approval=Approval.SUBMITTED, submitted_at=timezone.now())
    with django_assert_num_queries(small.count):
        html = client.get(url).content.decode()
    assert html.count('id="queued-') == 10


def test_the_queue_lists_what_waits_for_my_decision_longest_first_SET_1(company: Company, drafts: Okrs) -> None:
    """SET-1: who approves what is `okrs.access.approvable_q`; nobody approves what they own or wrote."""
    c = company
    earlier = timezone.now() - dt.timedelta(days=3)
    Objective.objects.filter(pk=drafts["mine"].pk).update(approval=Approval.SUBMITTED, submitted_at=earlier)
    Objective.objects.filter(pk=drafts["department"].pk).update(
        approval=Approval.SUBMITTED, submitted_at=timezone.now()
    )
    Objective.objects.filter(pk=drafts["company"].pk).update(approval=Approval.SUBMITTED, submitted_at=earlier)
    hank = signed_in(c.hank).get(reverse("planning:queue")).content.decode()
    assert hank.count('id="queued-') == 1 and f'href="/objectives/{drafts["mine"].pk}/#approval"' in hank
    assert "3\xa0days" in hank and '<span class="count">1</span>' in hank
    alice = signed_in(c.alice).get(reverse("planning:queue")).content.decode()  # an executive, owning none of them
    assert alice.index(f'id="queued-{drafts["company"].pk}"') < alice.index(f'id="queued-{drafts["department"].pk}"')
    erin = signed_in(c.erin).get(reverse("planning:queue")).content.decode()  # owns the company's
    assert f'id="queued-{drafts["company"].pk}"' not in erin and f'id="queued-{drafts["department"].pk}"' in erin
    mia = signed_in(c.mia).get(reverse("planning:queue")).content.decode()
    assert "Nothing waits for your approval." in mia


@pytest.mark.parametrize("name", ["planning:board", "planning:queue"])
def test_it_speaks_chinese_on_the_planning_pages(company: Company, drafts: Okrs, name: str) -> None:
    c = company
    _submit(drafts["mine"])
    proposal_create(actor=c.mia, objective=drafts["department"], text="建议")
    take_up_add(actor=c.erin, objective=drafts["company"], source_objective=drafts["department"])
    for persona in (c.alice, c.hank, c.mia):
        html = signed_in(persona, language="zh-hans").get(reverse(name)).content.decode()
        assert not english_words(visible_text(html), PRODUCT_WORDS | _user_data(c)), persona


def test_it_works_on_a_phone(company: Company, drafts: Okrs) -> None:
    """Wide tables scroll inside their card; the columns a phone does without are marked to hide."""
    html = signed_in(company.alice).get(reverse("planning:board")).content.decode()
    assert html.count('<div class="table-wrap">') == 3 and "hide-narrow" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
