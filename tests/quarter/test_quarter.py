"""The quarter's calendar (PLAY-EXEC): the seven phases with their dates, who is done, missing and late for the
company, each department and each person, the reminders, and the close-of-quarter report."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from qibu.assess.selectors import assessment_page
from qibu.assess.services import assessment_submit
from qibu.cycles import phases as phases_module
from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase, PhaseFacts, phase_facts, phase_windows
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.org.models import Person
from qibu.org.services import api_token_create, department_create, person_create
from qibu.publish.services import publication_compile, publication_publish
from qibu.quarter.access import ReportScope
from qibu.quarter.reminders import phase_reminders
from qibu.quarter.report import quarter_report
from qibu.quarter.selectors import State, calendar, department_calendar, my_calendar
from tests.conftest import PASSWORD, Company, Okrs

OCT_20 = dt.date(2026, 10, 20)  # set and publish are over, execute runs
DEC_30 = dt.date(2026, 12, 30)  # the self-assessment's last days
JAN_1 = dt.date(2027, 1, 1)  # the self-assessment ended yesterday


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _api(person: Person, url: str) -> Any:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return Client().get(f"/api/v1{url}", headers={"Authorization": f"Bearer {secret}"})


def _phase(cal: Any, phase: Phase) -> Any:
    return next(p for p in cal.phases if p.phase == phase)


def _cell(row: Any, cal: Any, phase: Phase) -> Any:
    return row.cells[[p.phase for p in cal.phases].index(phase)]


def test_the_calendar_shows_the_seven_phases_in_order_with_the_policys_dates_PLAY_EXEC(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-EXEC."""
    c = company
    cal = calendar(cycle=c.quarter, organisation=c.org, viewer=c.oscar, today=OCT_20)
    assert [p.phase for p in cal.phases] == list(Phase)
    windows = phase_windows(c.quarter, c.org)
    assert [(p.start, p.end) for p in cal.phases] == [(w.start, w.end) for w in windows]
    assert _phase(cal, Phase.SELF_ASSESS).start == dt.date(2026, 12, 25)
    assert [p.phase for p in cal.current] == [Phase.EXECUTE]
    assert cal.today_at == 3  # set, publish and execute have begun
    # The four phases this product tracks today; the others show their dates, "not tracked" until their app lands.
    for p in cal.phases:
        assert p.tracked == (phase_facts(c.quarter, c.org, p.phase) is not None)
    assert all(_phase(cal, ph).tracked for ph in (Phase.SET, Phase.PUBLISH, Phase.EXECUTE, Phase.SELF_ASSESS))


def test_set_is_done_for_the_company_and_sales_and_missing_for_marketing_then_late_PLAY_EXEC(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-EXEC."""
    c = company
    facts = phase_facts(c.quarter, c.org, Phase.SET)
    assert facts is not None
    assert facts.company_done is True
    assert facts.departments_expected == {c.sales.pk, c.marketing.pk}
    assert facts.departments_done == {c.sales.pk}
    assert facts.people_expected == {c.mia.pk} and facts.people_done == {c.mia.pk}
    early = calendar(cycle=c.quarter, organisation=c.org, viewer=c.alice, today=dt.date(2026, 9, 10))
    late = calendar(cycle=c.quarter, organisation=c.org, viewer=c.alice, today=OCT_20)
    rows = {r.name: r for r in late.departments}
    assert _cell(rows["市场部"], late, Phase.SET).state == State.LATE
    assert _cell(rows["销售部"], late, Phase.SET).state == State.DONE
    assert _cell({r.name: r for r in early.departments}["市场部"], early, Phase.SET).state == State.UPCOMING
    # Executives and administrators see the late of no department too: erin did not check in in the last week.
    after = calendar(cycle=c.quarter, organisation=c.org, viewer=c.alice, today=JAN_1)
    assert "Erin 执行官" in [p.name for p in after.late]
    by_hank = calendar(cycle=c.quarter, organisation=c.org, viewer=c.hank, today=JAN_1)
    assert {p.name for p in by_hank.late} == {"米娅", "韩销售"}


def test_someone_who_owned_objectives_last_quarter_owes_one_this_quarter_PLAY_EXEC(company: Company) -> None:
    """PLAY-EXEC."""
    c = company
    q3 = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    objective_create(actor=c.oscar, cycle=q3, level=Level.PERSON, owner=c.oscar, title="上季度的目标")
    facts = phase_facts(c.quarter, c.org, Phase.SET)
    assert facts is not None and c.oscar.pk in facts.people_missing


def test_publish_is_done_once_a_publication_was_sent_PLAY_EXEC(company: Company, okrs: Okrs) -> None:
    """PLAY-EXEC."""
    c = company
    facts = phase_facts(c.quarter, c.org, Phase.PUBLISH)
    assert facts is not None and facts.company_expected and not facts.company_done
    cal = calendar(cycle=c.quarter, organisation=c.org, viewer=c.mia, today=OCT_20)
    assert _phase(cal, Phase.PUBLISH).company.state == State.LATE
    publication = publication_publish(actor=c.erin, cycle=c.quarter, message="为什么重要", anyway=True)
    publication_compile(publication.pk)
    cal = calendar(cycle=c.quarter, organisation=c.org, viewer=c.mia, today=OCT_20)
    assert _phase(cal, Phase.PUBLISH).company.state == State.DONE


def test_execute_is_done_by_whoever_checked_in_on_every_key_result_this_week_PLAY_EXEC(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-EXEC."""
    c = company
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], confidence=70, value=1)
    facts = phase_facts(c.quarter, c.org, Phase.EXECUTE)
    assert facts is not None
    assert facts.people_expected == {c.erin.pk, c.hank.pk, c.mia.pk}
    assert facts.people_done == {c.mia.pk}


def test_self_assess_is_owed_by_key_result_owners_done_when_submitted_late_after_PLAY_EXEC(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-EXEC."""
    c = company
    entries = {r.key_result_id: {"root_cause": "线索少"} for r in assessment_page(person=c.mia, cycle=c.quarter).rows}
    assessment_submit(actor=c.mia, person=c.mia, cycle=c.quarter, entries=entries)
    facts = phase_facts(c.quarter, c.org, Phase.SELF_ASSESS)
    assert facts is not None and facts.people_done == {c.mia.pk}
    assert facts.people_missing == {c.erin.pk, c.hank.pk}
    cal = department_calendar(cycle=c.quarter, organisation=c.org, viewer=c.hank, department_id=c.sales.pk, today=JAN_1)
    people = {r.name: r for r in cal.people}
    assert _cell(people["米娅"], cal.calendar, Phase.SELF_ASSESS).state == State.DONE
    assert _cell(people["韩销售"], cal.calendar, Phase.SELF_ASSESS).state == State.LATE
    late = {p.name: [str(x) for x in p.phases] for p in cal.calendar.late}
    assert "self-assess" in late["韩销售"] and "self-assess" not in late["米娅"]
    during = my_calendar(cycle=c.quarter, organisation=c.org, person=c.hank, today=DEC_30)
    assert [p.column.phase for p in during.due] == [Phase.EXECUTE, Phase.SELF_ASSESS]
    assert during.due[1].column.url == f"/self-assessment/{c.quarter.pk}/"


@pytest.fixture
def reflect_registered(company: Company) -> Iterator[None]:
    """REFLECT's facts from a plain function, the registry restored afterwards."""
    saved = dict(phases_module._FACTS)
    phases_module._FACTS.pop(Phase.REFLECT, None)

    def facts(cycle: Cycle, organisation: Any) -> PhaseFacts:
        return PhaseFacts(
            departments_expected=frozenset({company.sales.pk}),
            people_expected=frozenset({company.hank.pk}),
            people_done=frozenset({company.hank.pk}),
        )

    phases_module.register_phase_facts(Phase.REFLECT, facts)
    yield
    phases_module._FACTS.clear()
    phases_module._FACTS.update(saved)


def test_any_registered_phase_is_shown_with_its_facts_PLAY_EXEC(
    company: Company, okrs: Okrs, reflect_registered: None
) -> None:
    """PLAY-EXEC."""
    c = company
    cal = calendar(cycle=c.quarter, organisation=c.org, viewer=c.alice, today=dt.date(2027, 1, 8))
    reflect = _phase(cal, Phase.REFLECT)
    assert reflect.tracked and reflect.departments_expected == 1 and reflect.people_done == 1
    sales = next(r for r in cal.departments if r.id == c.sales.pk)
    assert _cell(sales, cal, Phase.REFLECT).state == State.LATE  # the department's own reflection is missing
    page = _client(c.alice).get(f"/quarter/{c.quarter.pk}/").content.decode()
    row = page.split('<th scope="row">Reflect</th>')[1].split("</tr>")[0]
    assert "not tracked" not in row
    update = page.split('<th scope="row">Update</th>')[1].split("</tr>")[0]
    assert ("not tracked" in update) == (phase_facts(c.quarter, c.org, Phase.UPDATE) is None)


def test_who_sees_the_departments_rows_and_the_late_by_name_PLAY_EXEC(company: Company, okrs: Okrs) -> None:
    """PLAY-EXEC."""
    c = company
    url = f"/quarter/{c.quarter.pk}/"
    # Set is over for this quarter today (December): marketing and oscar's department is late.
    for person in (c.alice, c.erin, c.hank):
        page = _client(person).get(url)
        assert page.status_code == 200
    assert "销售部" in _client(c.hank).get(url).content.decode()
    assert "市场部" not in _client(c.hank).get(url).content.decode()  # hank heads sales only
    oscar = _client(c.oscar).get(url).content.decode()
    assert "Done and missing" in oscar and 'id="departments-title"' not in oscar and 'id="late-title"' not in oscar
    department = f"/quarter/{c.quarter.pk}/departments/{c.sales.pk}/"
    assert {p.username: _client(p).get(department).status_code for p in (c.alice, c.erin, c.hank, c.mia, c.oscar)} == {
        "alice": 200,
        "erin": 200,
        "hank": 200,
        "mia": 404,
        "oscar": 404,
    }
    assert _client(c.mia).get(f"/quarter/{c.quarter.pk}/me/").status_code == 200
    assert _client(c.mia).get("/quarter/").status_code == 200


def test_a_heads_manager_sees_that_departments_rows_and_a_month_is_no_quarter_PLAY_EXEC(company: Company) -> None:
    """PLAY-EXEC: oscar, a member, manages the head of a department: he sees its rows, not sales'."""
    c = company
    north = department_create(actor=None, name="华北部")
    head = person_create(
        actor=None, username="nora", full_name="诺拉", password=PASSWORD, department=north, manager=c.oscar
    )
    north.head = head
    north.save(update_fields=["head"])
    cal = calendar(cycle=c.quarter, organisation=c.org, viewer=c.oscar, today=OCT_20)
    assert [r.name for r in cal.departments] == ["华北部"]
    assert _client(c.oscar).get(f"/quarter/{c.quarter.pk}/departments/{north.pk}/").status_code == 200
    assert _client(c.oscar).get(f"/quarter/{c.quarter.pk}/departments/{c.sales.pk}/").status_code == 404
    month = Cycle.objects.filter(kind="month").first()
    assert month is not None and _client(c.oscar).get(f"/quarter/{month.pk}/").status_code == 404
    assert _client(c.oscar).get(f"/quarter/{c.year.pk}/report/").status_code == 404


def test_the_pages_link_the_calendar_from_the_nav_and_where_to_do_each_phase_PLAY_EXEC(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-EXEC."""
    c = company
    home = _client(c.mia).get("/").content.decode()
    assert 'href="/quarter/"' in home and f'href="/quarter/{c.quarter.pk}/me/"' in home
    me = _client(c.mia).get(f"/quarter/{c.quarter.pk}/me/").content.decode()
    assert f'href="/self-assessment/{c.quarter.pk}/"' in me
    assert f'href="/quarter/{c.quarter.pk}/"' in me


def _people(company: Company, count: int) -> None:
    for i in range(count):
        p = person_create(
            actor=None, username=f"p{i}", full_name=f"同事{i}", password=PASSWORD, department=company.sales
        )
        o = objective_create(actor=p, cycle=company.quarter, level=Level.PERSON, owner=p, title=f"目标{i}")
        key_result_create(actor=p, objective=o, title=f"关键结果{i}", start_value=0, target_value=10)


CALENDAR_QUERIES = 23
DEPARTMENT_QUERIES = 22
ME_QUERIES = 21
REPORT_QUERIES = 12
API_CALENDAR_QUERIES = 22
API_REPORT_QUERIES = 11


@pytest.mark.parametrize("extra", [0, 27])
def test_the_pages_make_a_fixed_number_of_queries_with_3_or_30_people_PLAY_EXEC(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    """PLAY-EXEC."""
    c = company
    _people(c, extra)
    client = _client(c.hank)
    for url, count in (
        (f"/quarter/{c.quarter.pk}/", CALENDAR_QUERIES),
        (f"/quarter/{c.quarter.pk}/departments/{c.sales.pk}/", DEPARTMENT_QUERIES),
        (f"/quarter/{c.quarter.pk}/me/", ME_QUERIES),
        (f"/quarter/{c.quarter.pk}/report/", REPORT_QUERIES),
    ):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    _token, secret = api_token_create(actor=None, person=c.hank, name="count")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    for url, count in (
        (f"/api/v1/quarter/{c.quarter.pk}", API_CALENDAR_QUERIES),
        (f"/api/v1/quarter/{c.quarter.pk}/report", API_REPORT_QUERIES),
    ):
        with django_assert_num_queries(count):
            assert api.get(url).status_code == 200


def test_reminders_tell_who_owes_a_phase_once_and_the_heads_who_is_late_PLAY_EXEC(company: Company, okrs: Okrs) -> None:
    """PLAY-EXEC."""
    c = company
    entries = {r.key_result_id: {"root_cause": "线索少"} for r in assessment_page(person=c.mia, cycle=c.quarter).rows}
    assessment_submit(actor=c.mia, person=c.mia, cycle=c.quarter, entries=entries)
    made = phase_reminders(organisation=c.org, today=DEC_30)
    assessed = [n for n in made if ":self_assess:due" in n.key]
    assert {n.recipient_id for n in assessed} == {c.erin.pk, c.hank.pk}  # mia submitted
    assert all(n.kind == NotificationKind.PHASE for n in made)
    assert phase_reminders(organisation=c.org, today=DEC_30) == []  # once per phase, person and cycle
    late = phase_reminders(organisation=c.org, today=JAN_1)
    assert {n.recipient_id for n in late if ":self_assess:late:" in n.key} == {c.erin.pk, c.hank.pk}
    # hank is sales' head: he is told of his own lateness, and nobody else of his is late for it.
    assert not [n for n in late if "late-heads" in n.key and ":self_assess:" in n.key]
    assert phase_reminders(organisation=c.org, today=JAN_1) == []
    assert Notification.objects.filter(key__contains="quarter.phase:").count() == len(made) + len(late)


def test_the_heads_are_told_of_their_late_people_by_name_PLAY_EXEC(company: Company, okrs: Okrs) -> None:
    """PLAY-EXEC."""
    c = company
    phase_reminders(organisation=c.org, today=JAN_1)
    told = Notification.objects.get(recipient=c.hank, key__contains=":execute:late-heads:")
    assert "米娅" in told.text and told.url == f"/quarter/{c.quarter.pk}/departments/{c.sales.pk}/"


def test_the_publication_and_a_department_objective_are_asked_of_those_who_owe_them_PLAY_EXEC(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-EXEC: two days before publish ends, the executives; marketing's head for its department objective."""
    c = company
    c.marketing.head = c.oscar
    c.marketing.save(update_fields=["head"])
    made = phase_reminders(organisation=c.org, today=dt.date(2026, 10, 6))
    publish = {n.recipient_id for n in made if ":publish:due:company" in n.key}
    assert publish == {c.alice.pk, c.erin.pk}
    department = [n for n in made if ":set:due:department:" in n.key]
    assert [n.recipient_id for n in department] == [c.oscar.pk] and "市场部" in department[0].text
    assert phase_reminders(organisation=c.org, today=dt.date(2026, 10, 6)) == []


def test_the_report_scores_objectives_departments_people_and_trends_MEAS_7_PLAY_EXEC(
    company: Company, okrs: Okrs
) -> None:
    """PLAY-EXEC, MEAS-7."""
    c = company
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(progress=Decimal("0.5"))
    Objective.objects.filter(pk=okrs["department"].pk).update(score=Decimal("0.8"))
    entries = {
        r.key_result_id: {"score": "0.6", "score_reason": "客户推迟", "root_cause": "线索少"}
        for r in assessment_page(person=c.mia, cycle=c.quarter).rows
    }
    assessment_submit(actor=c.mia, person=c.mia, cycle=c.quarter, entries=entries)
    q3 = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    old = objective_create(
        actor=c.hank, cycle=q3, level=Level.DEPARTMENT, department=c.sales, owner=c.hank, title="上季度部门目标"
    )
    Objective.objects.filter(pk=old.pk).update(score=Decimal("0.4"))
    report = quarter_report(cycle=c.quarter, viewer=c.alice, scope=ReportScope(whole=True))
    assert [o.level for o in report.objectives] == ["company", "department", "person"]
    sales = next(d for d in report.departments if d.id == c.sales.pk)
    assert sales.average == Decimal("0.80")
    mia = next(p for p in report.people if p.id == c.mia.pk)
    assert mia.average == Decimal("0.60") and mia.self_assessed == 1
    trend = next(t for t in report.trends if t.department_id == c.sales.pk)
    index = {q.pk: i for i, q in enumerate(report.quarters)}
    assert trend.averages[index[q3.pk]] == Decimal("0.40")
    assert trend.averages[index[c.quarter.pk]] == Decimal("0.80")
    assert report.quarters[-1].pk == c.quarter.pk  # this year's quarters up to this one (the fixture has no 2025)


def test_who_reads_the_report_and_its_xlsx_PLAY_EXEC(company: Company, okrs: Okrs) -> None:
    """PLAY-EXEC."""
    c = company
    url = f"/quarter/{c.quarter.pk}/report/"
    codes = {p.username: _client(p).get(url).status_code for p in (c.alice, c.erin, c.hank, c.mia, c.oscar)}
    assert codes == {"alice": 200, "erin": 200, "hank": 200, "mia": 404, "oscar": 404}
    hank = _client(c.hank).get(url).content.decode()
    assert "销售部" in hank and "市场部" not in hank and "成为华东市场第一" not in hank
    assert "@media print" in Path("static/css/qibu.css").read_text(encoding="utf-8")
    download = _client(c.erin).get(f"/quarter/{c.quarter.pk}/report.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["Objectives", "Departments", "People", "Trends"]
    assert any(row[4] == "成为华东市场第一" for row in book["Objectives"].iter_rows(values_only=True))


def test_the_api_gives_the_calendar_mine_and_the_report_PLAY_EXEC(company: Company, okrs: Okrs) -> None:
    """PLAY-EXEC."""
    c = company
    got = _api(c.hank, f"/quarter/{c.quarter.pk}").json()
    assert [p["phase"] for p in got["phases"]] == [str(p) for p in Phase]
    assert [d["name"] for d in got["departments"]] == ["销售部"]
    assert _api(c.oscar, f"/quarter/{c.quarter.pk}").json()["departments"] == []
    assert _api(c.mia, "/quarter/current").status_code == 200
    dept = _api(c.hank, f"/quarter/{c.quarter.pk}/departments/{c.sales.pk}")
    assert dept.status_code == 200 and {r["name"] for r in dept.json()["people"]} == {"韩销售", "米娅"}
    assert _api(c.oscar, f"/quarter/{c.quarter.pk}/departments/{c.sales.pk}").status_code == 404
    me = _api(c.mia, f"/quarter/{c.quarter.pk}/me").json()
    assert me["phases"][3]["url"] == f"/self-assessment/{c.quarter.pk}/"
    report = _api(c.erin, f"/quarter/{c.quarter.pk}/report")
    assert report.status_code == 200 and report.json()["whole"] is True
    assert isinstance(report.json()["objectives"][0]["score"], str)
    assert _api(c.mia, f"/quarter/{c.quarter.pk}/report").status_code == 404
    xlsx = _api(c.alice, f"/quarter/{c.quarter.pk}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert json.loads(_api(c.mia, "/quarter/999999").content)["detail"]
