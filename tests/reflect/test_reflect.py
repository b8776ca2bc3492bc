"""Reflection (REF-1 … REF-5): opening after the self-assessments, the aggregated data, measures, the managers'
accounts, the blame-free guidance, who may, bad input, the phase's facts, the daily focus and the API."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from qibu.assess.selectors import assessment_page
from qibu.assess.services import assessment_submit
from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.cycles.services import cycles_generate_year
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.models import CheckIn, KeyResult
from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.reflect import services
from qibu.reflect.models import ManagerAccount, Measure, Reflection, ReflectionKind
from tests.conftest import Company, Okrs


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _submit(company: Company, person: Person, cause: str = "线索不足，客户拜访太少") -> None:
    rows = assessment_page(person=person, cycle=company.quarter).rows
    assessment_submit(
        actor=person,
        person=person,
        cycle=company.quarter,
        entries={r.key_result_id: {"root_cause": cause} for r in rows},
    )


@pytest.fixture
def next_quarter(company: Company) -> Cycle:
    cycles_generate_year(actor=None, fiscal_year=2027)
    return Cycle.objects.get(kind="quarter", start=dt.date(2027, 1, 1))


@pytest.fixture
def submitted(company: Company, okrs: Okrs, next_quarter: Cycle) -> Company:
    """hank and mia (all of sales with key results) submitted; erin (no department) too."""
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(progress=Decimal("0.5"))
    _submit(company, company.mia)
    _submit(company, company.hank, "线索不足")
    return company


def _state() -> tuple[Any, ...]:
    return (
        list(Reflection.objects.values_list("pk", "state", "summary")),
        list(Measure.objects.values_list("pk", "title", "done_at")),
        list(ManagerAccount.objects.values_list("pk", "how_used")),
        AuditEntry.objects.filter(action__startswith="reflection").count(),
    )


def _api(person: Person, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return Client().generic(
        method,
        f"/api/v1{url}",
        json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _open(company: Company) -> Reflection:
    return services.reflection_open(actor=None, cycle=company.quarter, department=company.sales)


# --- REF-1: opening -----------------------------------------------------------------------------------------------


def test_the_daily_task_opens_a_department_reflection_once_all_have_submitted_REF_1(
    submitted: Company, okrs: Okrs
) -> None:
    c = submitted
    opened = services.reflections_open_due(today=dt.date(2026, 12, 2))
    # sales's people all submitted: open; marketing owes nothing; erin (no department) does not count; the
    # management's waits for the reflect window (every department's is open: so it opens too).
    kinds = sorted((r.kind, r.department_id) for r in opened)
    assert (ReflectionKind.DEPARTMENT, c.sales.pk) in kinds
    assert (ReflectionKind.MANAGEMENT, None) in kinds
    # Idempotent: run again, nothing new.
    assert services.reflections_open_due(today=dt.date(2026, 12, 2)) == []
    assert Reflection.objects.count() == 2
    # The department's people heard of it (hank, mia), the managers of the management's.
    told = set(
        Notification.objects.filter(kind=NotificationKind.REFLECTION).values_list("recipient__username", flat=True)
    )
    assert {"hank", "mia", "erin"} <= told


def test_a_department_with_someone_not_submitted_waits_for_the_reflect_window_REF_1(
    company: Company, okrs: Okrs, next_quarter: Cycle
) -> None:
    _submit(company, company.mia)  # hank has not
    assert services.reflections_open_due(today=dt.date(2026, 12, 2)) == []
    assert not Reflection.objects.exists()
    # The reflect window begins the day after the quarter ends: open then, hank or not.
    opened = services.reflections_open_due(today=dt.date(2027, 1, 1))
    assert {(r.kind, r.department_id) for r in opened} >= {(ReflectionKind.DEPARTMENT, company.sales.pk)}
    assert Reflection.objects.filter(kind=ReflectionKind.MANAGEMENT, cycle=company.quarter).exists()


def test_the_head_opens_now_and_a_member_may_not_REF_1(company: Company, okrs: Okrs) -> None:
    c = company
    refused = _client(c.mia).post("/reflections/open/", {"cycle": c.quarter.pk, "department": c.sales.pk})
    assert refused.status_code == 403
    assert not Reflection.objects.exists()
    response = _client(c.hank).post("/reflections/open/", {"cycle": c.quarter.pk, "department": c.sales.pk})
    reflection = Reflection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reflections/{reflection.pk}/"
    # Again: the same one.
    _client(c.hank).post("/reflections/open/", {"cycle": c.quarter.pk, "department": c.sales.pk})
    assert Reflection.objects.count() == 1


def test_the_task_is_registered_daily_REF_1() -> None:
    from qibu.jobs.registry import get

    task = get("reflect.open_due")
    assert task.every == dt.timedelta(days=1)


def test_closing_needs_a_summary_and_reopening_keeps_the_history_REF_1(submitted: Company) -> None:
    c = submitted
    reflection = _open(c)
    response = _client(c.hank).post(f"/reflections/{reflection.pk}/close/", {"summary": "  "})
    assert response.status_code == 400
    assert "Say what you learned before closing it." in response.content.decode()
    assert not Reflection.objects.get().is_closed
    _client(c.hank).post(f"/reflections/{reflection.pk}/close/", {"summary": "拜访量决定线索"})
    assert Reflection.objects.get().is_closed
    _client(c.hank).post(f"/reflections/{reflection.pk}/reopen/")
    assert not Reflection.objects.get().is_closed
    actions = list(
        AuditEntry.objects.filter(action__startswith="reflection").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["reflection.open", "reflection.close", "reflection.reopen"]
    page = _client(c.hank).get(f"/reflections/{reflection.pk}/").content.decode()
    assert "closed a reflection" in page and "拜访量决定线索" in page


# --- REF-2: measures ------------------------------------------------------------------------------------------------


def test_a_measure_has_an_owner_and_a_date_in_the_next_period_REF_2(submitted: Company, next_quarter: Cycle) -> None:
    c = submitted
    reflection = _open(c)
    response = _client(c.hank).post(
        f"/reflections/{reflection.pk}/measures/",
        {"title": "每周拜访 10 家客户", "owner": c.mia.pk, "due_date": "2027-02-15"},
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.owner, measure.due_date) == (c.mia, dt.date(2027, 2, 15))
    assert Notification.objects.filter(recipient=c.mia, key__startswith=f"reflection:measure:{measure.pk}").exists()


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"title": "拜访", "owner": "", "due_date": "2027-02-15"}, "owner", "Name who owns the measure."),
        ({"title": "拜访", "owner": "mia", "due_date": ""}, "due_date", "Give the measure a due date."),
        ({"title": "拜访", "owner": "oscar", "due_date": "2027-02-15"}, "owner", "one of the department"),
        ({"title": "拜访", "owner": "mia", "due_date": "2026-12-20"}, "due_date", "in the next period"),
        ({"title": "", "owner": "mia", "due_date": "2027-02-15"}, "title", "Give it a title."),
    ],
)
def test_bad_measures_are_refused_by_field_and_nothing_is_written_REF_2(
    submitted: Company, next_quarter: Cycle, form: dict[str, str], field: str, message: str
) -> None:
    c = submitted
    reflection = _open(c)
    people = {"mia": c.mia.pk, "oscar": c.oscar.pk}
    form = {**form, "owner": str(people.get(form["owner"], form["owner"]))}
    before = _state()
    response = _client(c.hank).post(f"/reflections/{reflection.pk}/measures/", form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state() == before
    with pytest.raises(Exception) as caught:
        services.measure_create(
            actor=c.hank,
            reflection=reflection,
            title=form["title"],
            owner_id=form["owner"],
            due_date=form["due_date"],
        )
    assert field in getattr(caught.value, "message_dict", {})


def test_a_closed_reflection_and_a_non_head_write_nothing_REF_2(submitted: Company, next_quarter: Cycle) -> None:
    c = submitted
    reflection = _open(c)
    form = {"title": "拜访", "owner": c.mia.pk, "due_date": "2027-02-15"}
    before = _state()
    assert _client(c.mia).post(f"/reflections/{reflection.pk}/measures/", form).status_code == 403
    assert _client(c.oscar).post(f"/reflections/{reflection.pk}/measures/", form).status_code == 404
    assert _state() == before
    services.reflection_close(actor=c.hank, reflection=reflection, summary="学到了")
    before = _state()
    response = _client(c.hank).post(f"/reflections/{reflection.pk}/measures/", form)
    assert response.status_code == 400
    assert "This reflection is closed: reopen it to change it." in response.content.decode()
    assert _state() == before


def test_the_owner_sees_the_measure_in_the_daily_focus_until_done_REF_2(
    submitted: Company, next_quarter: Cycle
) -> None:
    from qibu.okrs.focus import daily_focus

    c = submitted
    reflection = _open(c)
    measure = services.measure_create(
        actor=c.hank, reflection=reflection, title="每周拜访 10 家客户", owner_id=c.mia.pk, due_date="2027-02-15"
    )
    now = dt.datetime(2027, 1, 10, 9, tzinfo=c.org.zone)
    assert [i.title for i in daily_focus(c.mia, c.org, now) if i.source == "reflect.measures"] == [measure.title]
    # Marked done by its owner (htmx: the row comes back), it leaves the focus.
    response = _client(c.mia).post(f"/reflections/measures/{measure.pk}/done/", {"done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Mark not done" in response.content.decode()
    assert [i for i in daily_focus(c.mia, c.org, now) if i.source == "reflect.measures"] == []
    # Someone else in the department may not.
    assert _client(c.oscar).post(f"/reflections/measures/{measure.pk}/done/", {"done": "0"}).status_code == 404
    assert Measure.objects.get().done_at is not None


# --- REF-3: the managers' accounts ----------------------------------------------------------------------------------


def test_every_manager_writes_an_account_and_the_page_shows_who_has_not_REF_3(submitted: Company) -> None:
    c = submitted
    management = services.reflection_open(actor=None, cycle=c.quarter)
    response = _client(c.hank).post(
        f"/reflections/{management.pk}/account/", {"how_used": "每周例会看信心", "plan_next": "更早复盘"}
    )
    assert response.status_code == 302
    page = _client(c.erin).get(f"/reflections/{management.pk}/").content.decode()
    written, missing = page.split("Not written yet")
    assert "每周例会看信心" in written and c.hank.full_name in written
    assert c.erin.full_name in missing
    # A member is no manager: the management reflection is not theirs to see.
    assert _client(c.mia).get(f"/reflections/{management.pk}/").status_code == 404
    before = _state()
    bad = _client(c.erin).post(f"/reflections/{management.pk}/account/", {"how_used": "", "plan_next": ""})
    assert bad.status_code == 400 and "Tell how you used OKRs." in bad.content.decode()
    assert _state() == before


# --- REF-4: the aggregated data -------------------------------------------------------------------------------------


def test_the_page_starts_from_the_aggregated_numbers_REF_4(submitted: Company, okrs: Okrs) -> None:
    c = submitted
    reflection = _open(c)
    page = _client(c.mia).get(f"/reflections/{reflection.pk}/").content.decode()
    assert "2 of 2 people submitted their self-assessment" in page
    assert "below 0.4" in page and "0.7 and up" in page
    assert okrs["my_kr"].title in page  # the largest gap: 80% confident at the start, 0.50 scored
    assert "线索" in page  # the root causes' shared key word (jieba)


def test_the_aggregates_bands_gaps_keywords_and_weeks_REF_4(submitted: Company, okrs: Okrs) -> None:
    from qibu.reflect.selectors import aggregates

    c = submitted
    CheckIn.objects.create(
        key_result=okrs["my_kr"],
        author=c.mia,
        created_at=dt.datetime(2026, 10, 14, 10, tzinfo=c.org.zone),
        confidence=60,
        value=1,
    )
    data = aggregates(cycle=c.quarter, organisation=c.org, department=c.sales, expected_people=2)
    assert data.scored == 2 and data.people == 2
    assert [b.count for b in data.bands] == [1, 1, 0]  # hank's 0.00, mia's 0.50
    mine = next(g for g in data.gaps if g.title == okrs["my_kr"].title)
    assert (mine.expected, mine.actual, mine.gap) == (Decimal("0.80"), Decimal("0.50"), Decimal("0.30"))
    assert {(k.word, k.count) for k in data.keywords} == {("线索", 2), ("不足", 2)}
    assert [(w.start, w.confidence) for w in data.weeks] == [(dt.date(2026, 10, 12), 60)]
    assert {g.name for g in data.groups} == {"华东大客户组", "Not in a team"}  # hank, the head, is in no team


def test_latin_root_causes_are_grouped_by_word_frequency_REF_4() -> None:
    from qibu.reflect.selectors import keywords_of

    keywords, loose = keywords_of(["Too few leads from events", "Leads came late", "Hiring was slow"])
    assert [(k.word, k.count) for k in keywords] == [("leads", 2)]
    assert loose == 1


# --- REF-5: no blame ------------------------------------------------------------------------------------------------


def test_the_page_says_the_aim_is_improvement_not_blame_in_both_languages_REF_5(submitted: Company) -> None:
    c = submitted
    reflection = _open(c)
    english = _client(c.mia).get(f"/reflections/{reflection.pk}/").content.decode()
    assert "No blame: the aim is improvement" in english
    assert "forecasts are better" in english
    chinese = _client(c.mia).get(f"/reflections/{reflection.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "不追责" in chinese


# --- who may ------------------------------------------------------------------------------------------------------


def test_a_department_reflection_is_seen_by_its_people_and_managers_only_REF_1(submitted: Company) -> None:
    c = submitted
    reflection = _open(c)
    for person, status in [(c.mia, 200), (c.hank, 200), (c.erin, 200), (c.alice, 200), (c.oscar, 404)]:
        assert _client(person).get(f"/reflections/{reflection.pk}/").status_code == status, person
    listed = _client(c.oscar).get("/reflections/").content.decode()
    assert f"/reflections/{reflection.pk}/" not in listed
    assert f"/reflections/{reflection.pk}/" in _client(c.mia).get("/reflections/").content.decode()


# --- the phase's facts --------------------------------------------------------------------------------------------


def test_the_reflect_phase_facts_REF_1(
    submitted: Company, next_quarter: Cycle, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from qibu.cycles.phases import Phase, phase_facts

    c = submitted
    with django_assert_num_queries(3):  # no management reflection: no accounts to read
        facts = phase_facts(c.quarter, c.org, Phase.REFLECT)
    assert facts is not None
    assert facts.departments_expected == {c.sales.pk} and not facts.departments_done
    assert facts.people_expected == {c.erin.pk, c.hank.pk} and not facts.people_done
    assert facts.company_expected and not facts.company_done
    reflection = _open(c)
    services.reflection_close(actor=c.hank, reflection=reflection, summary="学到了")
    management = services.reflection_open(actor=None, cycle=c.quarter)
    services.account_save(actor=c.hank, reflection=management, how_used="周会", plan_next="月度复盘")
    services.reflection_close(actor=c.erin, reflection=management, summary="更早复盘")
    with django_assert_num_queries(4):
        facts = phase_facts(c.quarter, c.org, Phase.REFLECT)
    assert facts is not None
    assert facts.departments_done == {c.sales.pk} and facts.people_done == {c.hank.pk} and facts.company_done


# --- query counts and the API -------------------------------------------------------------------------------------

PAGE_QUERIES = 18


def test_the_reflection_page_reads_in_a_fixed_number_of_queries_REF_4(
    submitted: Company, next_quarter: Cycle, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = submitted
    reflection = _open(c)
    services.measure_create(actor=c.hank, reflection=reflection, title="拜访", owner_id=c.mia.pk, due_date="2027-02-01")
    client = _client(c.hank)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(f"/reflections/{reflection.pk}/")
    services.measure_create(
        actor=c.hank, reflection=reflection, title="复盘", owner_id=c.hank.pk, due_date="2027-02-02"
    )
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(f"/reflections/{reflection.pk}/")


API_QUERIES = 13


def test_the_api_gets_opens_writes_and_closes_REF_2(
    submitted: Company, next_quarter: Cycle, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = submitted
    opened = _api(c.hank, "POST", "/reflections/open", {"cycle": c.quarter.pk, "department": c.sales.pk})
    assert opened.status_code == 200, opened.content
    pk = opened.json()["id"]
    assert opened.json()["aggregates"]["scored"] == 2
    assert _api(c.mia, "POST", "/reflections/open", {"cycle": c.quarter.pk}).status_code == 403
    made = _api(
        c.hank, "POST", f"/reflections/{pk}/measures", {"title": "拜访", "owner": c.mia.pk, "due_date": "2027-02-01"}
    )
    assert made.status_code == 201, made.content
    bad = _api(
        c.hank, "POST", f"/reflections/{pk}/measures", {"title": "拜访", "owner": c.oscar.pk, "due_date": "2027-02-01"}
    )
    assert bad.status_code == 422 and "owner" in bad.content.decode()
    assert _api(c.mia, "POST", f"/reflections/{pk}/close", {"summary": "x"}).status_code == 403
    done = _api(c.mia, "POST", f"/reflections/measures/{made.json()['id']}/done", {"done": True})
    assert done.status_code == 200 and done.json()["done_at"]
    _token, secret = api_token_create(actor=None, person=c.hank, name="count")
    client = Client()
    with django_assert_num_queries(API_QUERIES):
        got = client.get(f"/api/v1/reflections/{pk}", headers={"Authorization": f"Bearer {secret}"})
    assert got.status_code == 200 and got.json()["measure_list"][0]["title"] == "拜访"
    closed = _api(c.hank, "POST", f"/reflections/{pk}/close", {"summary": "学到了"})
    assert closed.json()["state"] == "closed"
    assert [r["id"] for r in _api(c.mia, "GET", "/reflections").json()] == [pk]
    management = services.reflection_open(actor=None, cycle=c.quarter)
    account = _api(c.hank, "PUT", f"/reflections/{management.pk}/account", {"how_used": "周会", "plan_next": "复盘"})
    assert account.status_code == 200 and account.json()["written"]


def test_open_measures_come_up_in_the_next_periods_department_meetings_REF_2(
    submitted: Company, next_quarter: Cycle
) -> None:
    from qibu.meetings.agenda import agenda_build
    from qibu.meetings.models import AgendaKind
    from tests.meetings.helpers import SHANGHAI, make_meeting

    c = submitted
    reflection = _open(c)
    measure = services.measure_create(
        actor=c.hank, reflection=reflection, title="每周拜访 10 家客户", owner_id=c.mia.pk, due_date="2027-02-15"
    )
    meeting = make_meeting(c.hank, c.sales, dt.date(2027, 1, 12))
    at = dt.datetime(2027, 1, 12, 10, tzinfo=SHANGHAI)
    items = [i for i in agenda_build(meeting, c.org, at, viewer=c.hank) if i.section == AgendaKind.MEASURE]
    assert [(i.title, i.ref_id) for i in items] == [(measure.title, measure.pk)]
    # Not in the period reflected on, nor in another department's, nor once done.
    during = make_meeting(c.hank, c.sales, dt.date(2026, 12, 8))
    assert not [i for i in agenda_build(during, c.org, at, viewer=c.hank) if i.section == AgendaKind.MEASURE]
    services.measure_done(actor=c.mia, measure=measure)
    assert not [i for i in agenda_build(meeting, c.org, at, viewer=c.hank) if i.section == AgendaKind.MEASURE]


def test_the_demo_opens_fills_and_closes_the_reflections_REF_1_REF_2_REF_3(
    submitted: Company, next_quarter: Cycle
) -> None:
    import random

    from qibu.demo.reflect import demo_reflections
    from qibu.reflect.models import ReflectionState

    c = submitted
    demo_reflections(quarter=c.quarter, next_quarter=next_quarter, rng=random.Random(7))
    sales = Reflection.objects.get(kind=ReflectionKind.DEPARTMENT)
    management = Reflection.objects.get(kind=ReflectionKind.MANAGEMENT)
    assert sales.department == c.sales and sales.state == management.state == ReflectionState.CLOSED
    assert sales.summary and management.summary
    measures = list(Measure.objects.filter(reflection=sales))
    assert 2 <= len(measures) <= 3
    assert all(next_quarter.start <= m.due_date <= next_quarter.end for m in measures)
    assert {m.owner_id for m in measures} <= {c.hank.pk, c.mia.pk}
    assert set(ManagerAccount.objects.values_list("manager__username", flat=True)) == {"erin", "hank"}


LIST_QUERIES = 11


@pytest.mark.parametrize("extra", [0, 3])
def test_the_list_reads_in_a_fixed_number_of_queries_REF_1(
    submitted: Company, extra: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from qibu.org.services import department_create

    c = submitted
    _open(c)
    services.reflection_open(actor=None, cycle=c.quarter)
    for i in range(extra):
        department = department_create(actor=None, name=f"部门{i}")
        services.reflection_open(actor=None, cycle=c.quarter, department=department)
    client = _client(c.alice)
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get("/reflections/").content.decode()
    assert "Management reflection" in page and c.sales.name in page
