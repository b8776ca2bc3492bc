"""Setting schedules: malformed ones refused naming the field, department heads for their own department only, the
settings pages, and what is due on the home page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.org.models import Person
from qibu.org.services import person_create, team_create
from qibu.rhythm.models import Schedule
from qibu.rhythm.services import ScheduleInput, schedule_create, schedule_update
from tests.conftest import Company, Okrs
from tests.rhythm.helpers import make_schedule


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


STAND_UP: dict[str, Any] = {"kind": "stand_up", "recurrence": "workdays", "time": "09:30"}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"time": "25:99"}, "time", "“25:99” is not a time of day: write it as 09:30."),
        ({"time": ""}, "time", "is not a time of day"),
        ({"recurrence": "weekly", "weekdays": [7]}, "weekdays", "Weekday “7” is out of range"),
        ({"recurrence": "weekly", "weekdays": []}, "weekdays", "Choose at least one weekday."),
        ({"team_id": None}, "department", "Choose the department or the team this schedule is for."),
        ({"recurrence": "cycle_end"}, "recurrence", "This kind of schedule recurs"),
        ({"late_after_hours": 4}, "late_after_hours", "Only check-in schedules have a late reminder."),
        ({"duration_minutes": 0}, "duration_minutes", "A meeting lasts 1 to 480 minutes."),
        ({"kind": "party"}, "kind", "Choose what the schedule is for."),
    ],
)
def test_it_refuses_a_malformed_schedule_naming_the_field_EXE_1(
    company: Company, values: dict[str, Any], field: str, message: str
) -> None:
    data = {**STAND_UP, "team_id": company.sales_team.pk, **values}
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        schedule_create(actor=company.alice, data=ScheduleInput(**data))
    assert any(message in m for m in _problems(refused)[field]), _problems(refused)
    assert not Schedule.objects.exists() and AuditEntry.objects.count() == before


def test_it_refuses_a_self_assessment_outside_its_cycle_SELF_1(company: Company) -> None:
    data = ScheduleInput(
        kind="self_assessment", recurrence="cycle_end", cycle_kind="month", day_offset=40, time="09:00",
        department_id=company.sales.pk,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        schedule_create(actor=company.alice, data=data)
    assert _problems(refused)["day_offset"] == ["Count 0 to 27 days from the cycle's end or start."]


def test_it_lets_a_department_head_set_only_his_own_departments_schedules_EXE_3(company: Company) -> None:
    weekly: dict[str, Any] = {"kind": "weekly_meeting", "recurrence": "weekly", "weekdays": [0], "time": "10:00"}
    schedule_create(actor=company.hank, data=ScheduleInput(**weekly, department_id=company.sales.pk))
    schedule_create(actor=company.hank, data=ScheduleInput(**STAND_UP, team_id=company.sales_team.pk))
    with pytest.raises(ValidationError) as refused:
        schedule_create(actor=company.hank, data=ScheduleInput(**weekly, department_id=company.marketing.pk))
    assert _problems(refused)["department"] == ["You may set schedules only for the department you head and its teams."]
    with pytest.raises(ValidationError) as refused:
        schedule_create(actor=company.hank, data=ScheduleInput(**{**weekly, "kind": "management_meeting"}))
    assert "kind" in _problems(refused)
    assert Schedule.objects.count() == 2


def test_it_records_a_changed_schedule_in_the_departments_history_EXE_1(company: Company) -> None:
    schedule = make_schedule(**STAND_UP, team_id=company.sales_team.pk)
    schedule_update(
        actor=company.hank,
        schedule=schedule,
        data=ScheduleInput(**{**STAND_UP, "time": "09:00"}, team_id=company.sales_team.pk),
    )
    entry = AuditEntry.objects.filter(action="schedule.update").get()
    assert entry.subject_id == company.sales.pk
    assert entry.before == {"time": "09:30"} and entry.after == {"time": "09:00"}


def _login(client: Client, person: Person) -> None:
    client.force_login(person)


def test_it_sets_a_schedule_on_the_settings_page_and_names_a_bad_field_EXE_1(client: Client, company: Company) -> None:
    _login(client, company.hank)
    url = reverse("rhythm:schedules")
    page = client.get(url).content.decode()
    assert "销售部" in page and "市场部" not in page  # he may choose his own department only
    form = {"kind": "stand_up", "team": company.sales_team.pk, "recurrence": "workdays", "time": "9h",
            "duration_minutes": "15", "cycle_kind": "quarter", "day_offset": "0", "active": "on"}  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "“9h” is not a time of day: write it as 09:30." in refused.content.decode()
    assert not Schedule.objects.exists()
    assert client.post(url, {**form, "time": "09:30"}).status_code == 302
    schedule = Schedule.objects.get()
    assert (schedule.kind, schedule.team_id, schedule.time.hour, schedule.time.minute) == (
        "stand_up", company.sales_team.pk, 9, 30,
    )  # fmt: skip


def test_it_refuses_the_reminders_settings_to_members_EXE_1(client: Client, company: Company) -> None:
    _login(client, company.mia)
    assert client.get(reverse("rhythm:schedules")).status_code == 403


def test_it_shows_what_is_due_on_the_home_page_in_a_constant_number_of_queries_EXE_1(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_schedule(**STAND_UP, team_id=company.sales_team.pk)
    make_schedule(kind="self_assessment", recurrence="cycle_end", cycle_kind="quarter", day_offset=6, time="09:00",
                  department_id=company.sales.pk)  # fmt: skip
    _login(client, company.mia)
    url = reverse("okrs:my")
    with django_assert_num_queries(HOME_QUERIES):
        page = client.get(url).content.decode()
    assert "Due this week" in page and "stand-up" in page
    for i in range(5):
        team = team_create(actor=None, name=f"第{i}组", department=company.sales)
        person_create(
            actor=None, username=f"p{i}", full_name=f"员工{i}", password="x" * 12, team=team, department=company.sales
        )
        make_schedule(**STAND_UP, team_id=team.pk)
    with django_assert_num_queries(HOME_QUERIES):
        client.get(url)


# my OKRs' own queries (the action plans' and the overdue milestones' panels included), then the person's schedules
# and the cycles (a schedule follows them) and the holidays of the coming week; and the daily focus (EXE-7,
# tests/okrs/test_focus.py), the rhythm's source reading nothing more (what falls today is among what is due this
# week, read once at the same moment); the open blockers the person owns (qibu.blockers, one); the stand-up's
# source (one); the 1-on-1s' (one); the weekly meetings' (two: today's meetings, my commitments due); the
# self-assessment's (qibu.assess, one outside its window); the reflection's measures (qibu.reflect, one).
HOME_QUERIES = 26
