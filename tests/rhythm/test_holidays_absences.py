"""Holidays, absences and a schedule's own time zone (EXE-1: the stand-up's schedule): no reminder on a holiday,
none for who is away, a team meeting on its own clock; only an administrator sets holidays, only a person, their
manager or an administrator records an absence."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from qibu.audit.models import AuditEntry
from qibu.notify.models import Notification, NotificationKind
from qibu.rhythm import calendars
from qibu.rhythm.models import Absence, Holiday, Recurrence, Schedule
from qibu.rhythm.reminders import reminders_send
from qibu.rhythm.rules import Rule, occurrences
from qibu.rhythm.services import ScheduleInput, absence_create, holiday_create, schedule_update
from tests.conftest import Company
from tests.rhythm.helpers import SHANGHAI, local, make_schedule

MONDAY = dt.date(2026, 10, 5)


def _stand_up(company: Company, **values: Any) -> Schedule:
    return make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30", **values)


def test_it_skips_holidays_in_the_rules_EXE_1() -> None:
    rule = Rule(recurrence=Recurrence.WORKDAYS, weekdays=(), at=dt.time(9, 30))
    start = dt.datetime(2026, 10, 5, tzinfo=SHANGHAI)
    found = occurrences(rule, start=start, end=start + dt.timedelta(days=5), zone=SHANGHAI, holidays={MONDAY})
    assert [t.date() for t in found] == [MONDAY + dt.timedelta(days=n) for n in (1, 2, 3, 4)]


def test_it_sends_no_stand_up_reminder_on_a_holiday_EXE_1(company: Company) -> None:
    _stand_up(company)
    holiday_create(actor=company.alice, day=MONDAY, name="国庆节")
    assert reminders_send(now=local(2026, 10, 5, 9, 31)) == 0
    assert reminders_send(now=local(2026, 10, 6, 9, 31)) == 2


def test_it_does_not_remind_who_is_away_EXE_1(company: Company) -> None:
    _stand_up(company)
    absence_create(actor=company.mia, person=company.mia, start=MONDAY, end=MONDAY, note="年假")
    assert reminders_send(now=local(2026, 10, 5, 9, 31)) == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"hank"}


def test_it_reminds_a_team_on_its_own_clock_EXE_1(company: Company) -> None:
    _stand_up(company, time_zone="Europe/Berlin")
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    # 09:30 in Shanghai is nothing to Berlin; 09:30 in Berlin is.
    assert reminders_send(now=local(2026, 10, 5, 9, 31)) == 0
    assert reminders_send(now=dt.datetime(2026, 10, 5, 9, 31, tzinfo=berlin)) == 2


def test_it_sends_the_first_reminder_before_the_meeting_when_asked_EXE_1(company: Company) -> None:
    _stand_up(company, remind_before_minutes=60, late_before_minutes=10)
    assert reminders_send(now=local(2026, 10, 5, 8, 31)) == 2
    assert Notification.objects.filter(kind=NotificationKind.STAND_UP).count() == 2


def test_it_refuses_a_late_reminder_before_the_first_and_an_unknown_zone(company: Company) -> None:
    schedule = _stand_up(company, remind_before_minutes=30)
    data = ScheduleInput(
        kind="stand_up", recurrence="workdays", time="09:30", team_id=company.sales_team.pk,
        remind_before_minutes=30, late_before_minutes=45, time_zone="Mars/Olympus",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        schedule_update(actor=company.alice, schedule=schedule, data=data)
    assert set(caught.value.message_dict) == {"late_before_minutes", "time_zone"}
    schedule.refresh_from_db()
    assert schedule.late_before_minutes is None and schedule.time_zone == ""


def test_it_leaves_holidays_out_of_the_calendar_EXE_1(company: Company) -> None:
    schedule = _stand_up(company)
    holiday_create(actor=company.alice, day=dt.date(2026, 10, 7), name="国庆节")
    content = calendars.invitation(schedule, organisation=company.org).decode()
    assert "EXDATE;TZID=Asia/Shanghai:20261007T093000" in content


def test_only_an_administrator_sets_holidays_nothing_written(company: Company) -> None:
    with pytest.raises(ValidationError, match="Only an administrator"):
        holiday_create(actor=company.hank, day=MONDAY, name="国庆节")
    assert not Holiday.objects.exists()
    holiday_create(actor=company.alice, day=MONDAY, name="国庆节")
    with pytest.raises(ValidationError, match="a holiday already"):
        holiday_create(actor=company.alice, day=MONDAY, name="again")
    assert Holiday.objects.count() == 1
    assert AuditEntry.objects.filter(action="holiday.create").count() == 1


def test_an_absence_is_recorded_by_the_person_their_manager_or_an_administrator(company: Company) -> None:
    absence_create(actor=company.mia, person=company.mia, start=MONDAY, end=MONDAY)
    absence_create(actor=company.hank, person=company.mia, start=MONDAY, end=MONDAY + dt.timedelta(days=2))
    absence_create(actor=company.alice, person=company.oscar, start=MONDAY, end=MONDAY)
    with pytest.raises(ValidationError, match="only your own absences"):
        absence_create(actor=company.oscar, person=company.mia, start=MONDAY, end=MONDAY)
    with pytest.raises(ValidationError, match="before the start"):
        absence_create(actor=company.mia, person=company.mia, start=MONDAY, end=MONDAY - dt.timedelta(days=1))
    assert Absence.objects.count() == 3


def test_the_settings_pages_set_holidays_and_absences(client: Client, company: Company) -> None:
    client.force_login(company.alice)
    response = client.post(reverse("rhythm:holidays"), {"day": "2026-10-01", "name": "国庆节"})
    assert response.status_code == 302
    assert "国庆节" in client.get(reverse("rhythm:holidays")).content.decode()
    client.force_login(company.mia)
    assert client.get(reverse("rhythm:holidays")).status_code == 403
    response = client.post(
        reverse("rhythm:absences"), {"person": company.mia.pk, "start": "2026-10-05", "end": "2026-10-04"}
    )
    assert response.status_code == 400 and "The end date is before the start date." in response.content.decode()
    assert not Absence.objects.exists()
    response = client.post(
        reverse("rhythm:absences"),
        {"person": company.mia.pk, "start": "2026-10-05", "end": "2026-10-06", "note": "年假"},
    )
    assert response.status_code == 302
    assert Absence.objects.get().note == "年假"
