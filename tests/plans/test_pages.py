"""The action plan pages (EXE-8, PLAY-MKT steps 3–5): the objective page's panel of steps per key result, "my
action steps" on the home page with overdue ones flagged (and a manager's reports' overdue steps), a step's page
with its history, the forms that plan, change, give, move and split a step (without JavaScript; the status also by
htmx), and the timetable drawn on the server. Each page reads the same number of queries for few steps and many."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.okrs.models import KeyResult
from qibu.okrs.services import key_result_create
from qibu.org.models import Person
from qibu.org.services import person_create
from qibu.plans import selectors
from qibu.plans.models import ActionStep, StepStatus
from qibu.plans.services import step_set_status, step_split
from tests.conftest import Company, Okrs
from tests.plans.helpers import END, login, make_step


def _today() -> dt.date:
    return timezone.localdate()


def _overdue(actor: Person, kr: KeyResult, title: str = "逾期的一步", **fields: object) -> ActionStep:
    """A step whose deadline passed three days ago (whatever day the tests run)."""
    deadline = _today() - dt.timedelta(days=3)
    return make_step(actor, kr, title, start=deadline - dt.timedelta(days=5), deadline=deadline, **fields)


# --- the objective page ----------------------------------------------------------------------------------------


def test_it_shows_each_key_results_steps_on_the_objective_page_EXE_8(
    client: Client, company: Company, okrs: Okrs
) -> None:
    c = company
    make_step(c.mia, okrs["my_kr"], "拜访客户", owner=c.mia)
    _overdue(c.mia, okrs["my_kr"], owner=c.mia)
    make_step(c.mia, okrs["my_kr"], "年后回访", start=END, deadline=END + dt.timedelta(days=5))
    page = login(client, c.oscar).get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    section = page[page.index('id="plans"') :]
    assert "Action plans" in section and "拜访客户" in section and "逾期的一步" in section
    assert "overdue" in section and "due after its key result ends" in section
    assert "One step is overdue." in section
    assert "Plan a step" not in section and 'name="status"' not in section, "oscar may only read mia's plan"
    mine = login(Client(), c.mia).get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert "Plan a step" in mine and mine.count('name="status"') == 3


def _steps(company: Company, okrs: Okrs, count: int) -> None:
    people = [company.mia, company.hank]
    for i in range(count):
        make_step(company.hank, okrs["my_kr"] if i % 2 else okrs["department_kr"], f"第{i}步", owner=people[i % 2],
                  resource_people=[company.oscar])  # fmt: skip


def test_it_reads_the_objective_page_with_its_plans_in_a_constant_number_of_queries(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    login(client, company.hank)
    url = reverse("okrs:objective", args=[okrs["department"].pk])
    _steps(company, okrs, 4)
    with django_assert_num_queries(OBJECTIVE_PAGE_QUERIES) as few:
        client.get(url)
    _steps(company, okrs, 60)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('class="status-form') == 32


# The objective page's own with its comments and corrections (tests/okrs, tests/discuss: 12), and the steps of its
# key results.
# With the planning section (qibu.planning), and for one who may change it the coach's advice (3) and the approval's
# decision log and approvers (2); the open blockers on its key results (qibu.blockers, one).
OBJECTIVE_PAGE_QUERIES = 20


def test_it_changes_the_status_from_the_objective_page_with_htmx_and_without(
    client: Client, company: Company, okrs: Okrs
) -> None:
    step = make_step(company.mia, okrs["my_kr"])
    login(client, company.mia)
    url = reverse("plans:step_status", args=[step.pk])
    fragment = client.post(url, {"status": "doing"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'id="plans"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    back = f"/objectives/{okrs['mine'].pk}/#step-{step.pk}"
    plain = client.post(url, {"status": "done", "next": back})
    assert plain.status_code == 302 and plain["Location"] == back
    assert ActionStep.objects.get().status == StepStatus.DONE


def test_the_steps_owner_sets_its_status_but_does_not_plan_it_EXE_8(
    client: Client, company: Company, okrs: Okrs
) -> None:
    step = make_step(company.mia, okrs["my_kr"], owner=company.oscar)
    login(client, company.oscar)
    assert client.post(reverse("plans:step_status", args=[step.pk]), {"status": "doing"}).status_code == 302
    assert client.get(reverse("plans:step_edit", args=[step.pk])).status_code == 403
    assert client.post(reverse("plans:step_split", args=[step.pk]), {}).status_code == 403
    assert ActionStep.objects.count() == 1 and ActionStep.objects.get().status == "doing"


# --- planning a step ---------------------------------------------------------------------------------------------


def _form(**changes: str) -> dict[str, str]:
    data = {
        "title": "华东巡回路演",
        "description": "",
        "owner": "mia",
        "responsible": "hank",
        "decider": "erin",
        "start": "2026-10-10",
        "deadline": "2026-11-20",
        "priority": "1",
        "resource_people": "oscar, @mia",
        "budget": "5,000",
        "currency": "CNY",
        "resources_note": "",
    }
    data.update(changes)
    return data


def test_it_plans_a_step_through_the_page_EXE_8(client: Client, company: Company, okrs: Okrs) -> None:
    """PLAY-MKT steps 3–5: the action, who is responsible and who decides, its resources, its timetable."""
    login(client, company.hank)
    url = reverse("plans:step_new", args=[okrs["department_kr"].pk])
    form = client.get(url).content.decode()
    assert 'list="plans-people"' in form and '<datalist id="plans-people">' in form
    response = client.post(url, _form())
    assert response.status_code == 302
    assert response["Location"].endswith(f"#steps-kr-{okrs['department_kr'].pk}")
    step = ActionStep.objects.get()
    assert (step.owner.username, step.responsible and step.responsible.username) == ("mia", "hank")
    assert step.budget == 5000 and sorted(p.username for p in step.resource_people.all()) == ["mia", "oscar"]


def test_it_shows_the_late_deadline_warning_after_saving_EXE_8(client: Client, company: Company, okrs: Okrs) -> None:
    login(client, company.hank)
    url = reverse("plans:step_new", args=[okrs["department_kr"].pk])
    page = client.post(url, _form(deadline="2027-01-15"), follow=True).content.decode()
    assert "Action step planned" in page and "after its key result ends on" in page
    assert ActionStep.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("owner", "nobody", "Nobody in the company has the username “nobody”."),
        ("resource_people", "oscar ghost", "Nobody in the company has the username “ghost”."),
        ("owner", "left", "离职员工 is no longer active in the company: choose someone who is."),
        ("deadline", "2026-10-01", "The deadline is before the start."),
        ("budget", "-1", "A budget cannot be negative."),
    ],
)
def test_it_refuses_bad_input_on_the_page_with_a_clear_message_and_writes_nothing(
    client: Client, company: Company, okrs: Okrs, field: str, value: str, message: str
) -> None:
    """EXE-8 bad input: an owner outside the company (unknown, or gone) and the rest, refused next to the field."""
    Person.objects.create(username="left", full_name="离职员工", is_active=False)
    login(client, company.hank)
    before = AuditEntry.objects.count()
    response = client.post(reverse("plans:step_new", args=[okrs["department_kr"].pk]), _form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionStep.objects.exists() and AuditEntry.objects.count() == before


# --- a step's page and its forms ---------------------------------------------------------------------------------


def test_it_shows_a_step_with_its_people_resources_and_history(client: Client, company: Company, okrs: Okrs) -> None:
    c = company
    step = make_step(c.hank, okrs["department_kr"], owner=c.mia, resource_people=[c.oscar], budget="1200",
                     resources_note="展台")  # fmt: skip
    step_set_status(actor=c.mia, step=step, status="doing")
    part = step_split(actor=c.hank, step=step).other
    page = login(client, c.erin).get(reverse("plans:step", args=[part.pk])).content.decode()
    assert "米娅" in page and "欧斯卡" in page and "展台" in page
    assert "made an action step from part of another" in page
    assert "The history of “拜访客户”, which it was split from" in page and "changed the status" in page
    first = client.get(reverse("plans:step", args=[step.pk])).content.decode()
    assert "split an action step in two" in first and "拜访客户 (part 2)" in first


def test_it_reads_a_steps_page_in_a_constant_number_of_queries(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    step = make_step(company.hank, okrs["department_kr"], resource_people=[company.oscar])
    login(client, company.hank)
    url = reverse("plans:step", args=[step.pk])
    with django_assert_num_queries(STEP_PAGE_QUERIES) as few:
        client.get(url)
    for i in range(20):
        step_set_status(actor=company.hank, step=step, status="doing" if i % 2 else "todo")
        person = person_create(actor=None, username=f"p{i}", full_name=f"帮手{i}", password="x" * 12)
        step.resource_people.add(person)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# The session and the person, the organisation, the step (with its key result and people), its objective, the
# departments the viewer heads, its resource people, the steps split from it, its history and the names in it.
STEP_PAGE_QUERIES = 9


def test_it_gives_moves_and_splits_a_step_through_its_forms(client: Client, company: Company, okrs: Okrs) -> None:
    c = company
    step = make_step(c.hank, okrs["department_kr"], start=dt.date(2026, 10, 1), deadline=dt.date(2026, 10, 10))
    other = key_result_create(actor=c.hank, objective=okrs["department"], title="回款", start_value=0, target_value=5)
    login(client, c.hank)
    reassign = reverse("plans:step_reassign", args=[step.pk])
    assert 'value="hank"' in client.get(reassign).content.decode()
    assert client.post(reassign, {"owner": "mia", "responsible": "hank", "decider": ""}).status_code == 302
    move = reverse("plans:step_move", args=[step.pk])
    assert "回款" in client.get(move).content.decode()
    assert client.post(move, {"key_result": other.pk, "position": ""}).status_code == 302
    split = reverse("plans:step_split", args=[step.pk])
    assert 'value="2026-10-05"' in client.get(split).content.decode()
    assert client.post(split, {"title": "", "first_deadline": "2026-10-03", "second_start": "",
                               "second_deadline": "", "second_budget": ""}).status_code == 302  # fmt: skip
    step.refresh_from_db()
    part = ActionStep.objects.get(split_from=step)
    assert (step.owner.username, step.decider, step.key_result_id, step.deadline) == (
        "mia", None, other.pk, dt.date(2026, 10, 3),
    )  # fmt: skip
    assert (part.start, part.deadline, part.key_result_id) == (dt.date(2026, 10, 4), dt.date(2026, 10, 10), other.pk)
    delete = reverse("plans:step_delete", args=[part.pk])
    assert client.post(delete).status_code == 302 and not ActionStep.objects.filter(pk=part.pk).exists()


def test_it_refuses_a_move_to_a_key_result_one_does_not_plan(client: Client, company: Company, okrs: Okrs) -> None:
    step = make_step(company.mia, okrs["my_kr"])
    login(client, company.mia)
    response = client.post(reverse("plans:step_move", args=[step.pk]), {"key_result": okrs["revenue"].pk})
    assert response.status_code == 403
    assert ActionStep.objects.get().key_result_id == okrs["my_kr"].pk


# --- the home page -----------------------------------------------------------------------------------------------


def test_it_lists_my_open_steps_on_the_home_page_and_flags_the_overdue_EXE_8(
    client: Client, company: Company, okrs: Okrs
) -> None:
    c = company
    late = _overdue(c.mia, okrs["my_kr"], "逾期的一步", owner=c.mia)
    make_step(c.mia, okrs["my_kr"], "下一步", owner=c.mia, start=_today(), deadline=_today() + dt.timedelta(days=9))
    done = make_step(c.mia, okrs["my_kr"], "做完了", owner=c.mia)
    step_set_status(actor=c.mia, step=done, status="done")
    page = login(client, c.mia).get("/").content.decode()
    section = page[page.index("my-steps-title") :]
    assert "My action steps" in section
    # EXE-7: the daily focus names the overdue step first; the list does not repeat it in a warning.
    focus = page[page.index('id="focus"') : page.index("my-steps-title")]
    assert "Overdue" in focus and "逾期的一步" in focus and "下一步" not in focus
    assert "of your steps" not in section
    assert section.index("逾期的一步") < section.index("下一步") and "做完了" not in section
    assert f'href="/plans/steps/{late.pk}/"' in section
    assert "My team's overdue steps" not in section


def test_a_manager_sees_the_overdue_steps_of_the_people_who_report_to_them(
    client: Client, company: Company, okrs: Okrs
) -> None:
    """EXE-9, EXE-10: hank, mia's manager, sees her overdue step on his home page and may ask what she needs."""
    c = company
    _overdue(c.mia, okrs["my_kr"], "米娅逾期", owner=c.mia)
    page = login(client, c.hank).get("/").content.decode()
    section = page[page.index("my-steps-title") :]
    assert "My team's overdue steps" in section and "米娅逾期" in section and "米娅" in section
    assert "my-steps-title" not in login(Client(), c.oscar).get("/").content.decode(), "nothing to show: no panel"


def test_it_reads_the_home_page_with_steps_in_a_constant_number_of_queries(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    _overdue(c.mia, okrs["my_kr"], owner=c.mia)
    login(client, c.hank)
    with django_assert_num_queries(HOME_PAGE_QUERIES) as few:
        client.get("/")
    for i in range(30):
        _overdue(c.mia, okrs["my_kr"], f"逾期{i}", owner=c.mia)
        make_step(c.hank, okrs["department_kr"], f"自己的{i}", owner=c.hank)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/").content.decode()
    section = page[page.index("my-steps-title") :]
    assert section.count('<li class="overdue">') == selectors.HOME_LIMIT, "his reports' overdue steps, at most 10"
    assert section.count("自己的") == selectors.HOME_LIMIT and "The soonest are shown" in section


# my OKRs' own (tests/okrs: 10, the rhythm's panel reading nothing without schedules) and the plans' one: my open
# steps, my reports' overdue ones; my reports' overdue milestones (okrs.milestones, EXE-9); and the daily focus's
# sources (EXE-7, tests/okrs/test_focus.py), plans's among them: my steps overdue or due today; and the blockers I own;
# the stand-up's, the 1-on-1s' and the weekly meetings' sources (one, one and two); the self-assessment's (one); the reflection's measures (one).
HOME_PAGE_QUERIES = 24


# --- the timetable -----------------------------------------------------------------------------------------------


def test_it_draws_a_departments_timetable_on_the_server_EXE_8(client: Client, company: Company, okrs: Okrs) -> None:
    """PLAY-MKT step 5: bars from start to deadline by key result, coloured by status, today's line, overdue bars
    flagged; the same steps as a table; an SVG drawn on the server, no script and no inline style."""
    c = company
    make_step(c.hank, okrs["department_kr"], "路演", owner=c.hank)
    _overdue(c.mia, okrs["my_kr"], "逾期的一步", owner=c.mia)
    page = login(client, c.erin).get(f"/plans/timetable/?department={c.sales.pk}").content.decode()
    assert "Timetable of 销售部" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "签约标杆客户 10 家" in svg and "苏州新签 4 家客户" in svg, "rows grouped by key result"
    assert 'class="step status-todo overdue"' in svg and 'class="flag"' in svg
    assert 'class="today"' in svg or not selectors.quarter_of(_today())
    assert "style=" not in svg and "<script" not in page[page.index("<main") :]
    table = page[page.index('class="table-wrap gantt-table"') :]
    assert "路演" in table and "逾期的一步" in table and "<caption>" in table


def test_it_keeps_to_the_team_the_person_and_the_period_asked_for(client: Client, company: Company, okrs: Okrs) -> None:
    c = company
    make_step(c.hank, okrs["department_kr"], "十月的一步", owner=c.mia, start=dt.date(2026, 10, 1),
              deadline=dt.date(2026, 10, 20))  # fmt: skip
    make_step(c.hank, okrs["department_kr"], "十二月的一步", owner=c.hank, start=dt.date(2026, 12, 1),
              deadline=dt.date(2026, 12, 20))  # fmt: skip
    login(client, c.oscar)
    team = client.get(f"/plans/timetable/?team={c.sales_team.pk}&start=2026-10-01&end=2026-10-31").content.decode()
    assert "十月的一步" in team and "十二月的一步" not in team
    hanks = client.get(f"/plans/timetable/?person={c.hank.pk}&start=2026-10-01&end=2026-12-31").content.decode()
    assert "十二月的一步" in hanks and "十月的一步" not in hanks
    assert (
        "No action steps in this period."
        in client.get("/plans/timetable/?start=2026-10-01&end=2026-12-31").content.decode()
    )
    assert client.get("/plans/timetable/?department=999999").status_code == 404


def test_it_reads_the_timetable_in_a_constant_number_of_queries_and_caps_its_rows(
    client: Client,
    company: Company,
    okrs: Okrs,
    django_assert_num_queries: DjangoAssertNumQueries,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    login(client, company.erin)
    url = f"/plans/timetable/?department={company.sales.pk}"
    _steps(company, okrs, 3)
    with django_assert_num_queries(TIMETABLE_QUERIES) as few:
        client.get(url)
    _steps(company, okrs, 40)
    monkeypatch.setattr(selectors, "TIMETABLE_LIMIT", 25)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert len(re.findall(r'<rect class="bar"', page)) == 25
    assert "Only the first steps are drawn" in page


# the session and the person, the organisation, the department, the quarter, the steps.
TIMETABLE_QUERIES = 7  # with the departments the viewer heads, for the drafts they may see


def test_it_gives_a_projects_page_the_timetable_of_any_key_results(company: Company, okrs: Okrs) -> None:
    """What the projects app calls: `timetable(viewer=, key_results=ids or a queryset, start=, end=)`, then
    includes "plans/_timetable.html#timetable"."""
    from django.template.loader import render_to_string

    c = company
    make_step(c.hank, okrs["department_kr"], "路演")
    make_step(c.mia, okrs["my_kr"], "拜访")
    by_ids = selectors.timetable(viewer=c.oscar, key_results=[okrs["my_kr"].pk])
    assert [bar.line.step.title for group in by_ids.groups for bar in group.bars] == ["拜访"]
    by_queryset = selectors.timetable(
        viewer=c.oscar, key_results=KeyResult.objects.filter(objective__in=[okrs["department"], okrs["mine"]]),
        start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31), chart_id="project-7",
    )  # fmt: skip
    assert by_queryset.count == 2 and (by_queryset.period.start, by_queryset.period.end) == (
        dt.date(2026, 10, 1), dt.date(2026, 12, 31),
    )  # fmt: skip
    html = render_to_string("plans/_timetable.html#timetable", {"timetable": by_queryset})
    assert 'id="project-7"' in html and "路演" in html and "<svg" in html
