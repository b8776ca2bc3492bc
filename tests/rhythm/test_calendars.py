"""Calendars: a person's private subscription (.ics with recurrence in the organisation's time zone, stable UIDs,
escaped text), revoked and made again from the calendar settings page; a schedule's invitation."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.test import Client
from django.urls import reverse

from qibu.rhythm.models import CalendarToken
from qibu.rhythm.services import calendar_token_make, calendar_token_revoke
from tests.conftest import Company, present
from tests.rhythm.helpers import make_schedule


def _feed(client: Client, secret: str) -> tuple[bytes, icalendar.Calendar]:
    response = client.get(reverse("rhythm:calendar_feed", args=[secret]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content, icalendar.Calendar.from_ical(response.content)


def _rrule(event: icalendar.cal.Component) -> icalendar.vRecur:
    recur = event["rrule"]
    assert isinstance(recur, icalendar.vRecur)
    return recur


def _by_summary(calendar: icalendar.Calendar) -> dict[str, icalendar.cal.Component]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def _schedules(company: Company) -> None:
    make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30",
                  duration_minutes=15, title="早会, 9 点; 别迟到")  # fmt: skip
    make_schedule(kind="weekly_meeting", department_id=company.sales.pk, recurrence="weekly", weekdays=[0, 3],
                  time="10:00", duration_minutes=60)  # fmt: skip
    make_schedule(kind="self_assessment", department_id=company.sales.pk, recurrence="cycle_end",
                  cycle_kind="quarter", day_offset=6, time="09:00")  # fmt: skip
    make_schedule(kind="weekly_meeting", department_id=company.marketing.pk, recurrence="weekly", weekdays=[1],
                  time="10:00")  # fmt: skip


def test_it_serves_a_persons_meetings_with_recurrence_in_the_organisations_zone_EXE_1(
    client: Client, company: Company
) -> None:
    """EXE-1 (daily stand-up on workdays) and EXE-3 (the weekly meeting) as recurring events."""
    _schedules(company)
    secret = calendar_token_make(actor=company.mia, person=company.mia)
    raw, calendar = _feed(Client(), secret)
    events = _by_summary(calendar)
    stand_up = events["早会, 9 点; 别迟到 · 华东大客户组"]
    assert _rrule(stand_up)["FREQ"] == ["WEEKLY"] and _rrule(stand_up)["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    start = stand_up.decoded("dtstart")
    assert isinstance(start, dt.datetime) and str(start.tzinfo) == "Asia/Shanghai"
    assert (start.hour, start.minute) == (9, 30) and start.date() == dt.date(2026, 9, 1)  # the schedule's first
    assert stand_up.decoded("duration") == dt.timedelta(minutes=15)
    assert b"DTSTART;TZID=Asia/Shanghai:20260901T093000" in raw
    assert b"BEGIN:VTIMEZONE" in raw and b"TZID:Asia/Shanghai" in raw
    # Commas and semicolons of a title are escaped as RFC 5545 asks, and read back as typed.
    assert "早会\\, 9 点\\; 别迟到".encode() in raw
    weekly = events["department weekly meeting · 销售部"]
    assert _rrule(weekly)["BYDAY"] == ["MO", "TH"]
    # Another department's meeting is not hers.
    assert "department weekly meeting · 市场部" not in events


def test_it_lists_the_self_assessment_week_and_the_cycle_ends_as_deadlines_SELF_1(
    client: Client, company: Company
) -> None:
    _schedules(company)
    _raw, calendar = _feed(Client(), calendar_token_make(actor=company.mia, person=company.mia))
    events = _by_summary(calendar)
    week = events[f"self-assessment · 销售部 · {company.quarter.name}"]
    assert week.decoded("dtstart") == dt.date(2026, 12, 25)
    assert week.decoded("dtend") == dt.date(2027, 1, 1)  # through the quarter's last day
    end = events[f"{company.quarter.name} ends"]
    assert end.decoded("dtstart") == dt.date(2026, 12, 31)
    assert f"{company.year.name} ends" in events


def test_it_keeps_the_same_uids_on_every_fetch_EXE_1(client: Client, company: Company) -> None:
    _schedules(company)
    secret = calendar_token_make(actor=company.mia, person=company.mia)
    first, calendar = _feed(Client(), secret)
    again, calendar_again = _feed(Client(), secret)
    uids = [str(e["uid"]) for e in calendar.walk("VEVENT")]
    assert uids == [str(e["uid"]) for e in calendar_again.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    assert first == again


def test_it_stores_only_the_hash_and_a_revoked_address_answers_404(client: Client, company: Company) -> None:
    secret = calendar_token_make(actor=company.mia, person=company.mia)
    token = CalendarToken.objects.get(person=company.mia)
    assert secret not in token.key_hash and token.prefix == secret[:8]
    _feed(Client(), secret)
    assert present(CalendarToken.objects.get().last_used_at)
    assert calendar_token_revoke(actor=company.mia, person=company.mia)
    assert Client().get(reverse("rhythm:calendar_feed", args=[secret])).status_code == 404
    assert Client().get(reverse("rhythm:calendar_feed", args=["made-up"])).status_code == 404


def test_it_makes_and_revokes_the_address_on_the_settings_page(client: Client, company: Company) -> None:
    client.force_login(company.mia)
    url = reverse("rhythm:calendar_settings")
    made = client.post(url, {"action": "make"})
    assert made.status_code == 201
    first = made.context["feed_url"]
    assert first.startswith("http://testserver/calendar/") and first in made.content.decode()
    remade = client.post(url, {"action": "make"})
    second = remade.context["feed_url"]
    assert second != first
    # The new address replaces the old one.
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert second not in client.get(url).content.decode()  # shown only once
    assert client.post(url, {"action": "revoke"}).status_code == 302
    assert Client().get(second).status_code == 404
    assert not CalendarToken.objects.exists()


def test_it_serves_a_schedules_invitation_EXE_3(client: Client, company: Company) -> None:
    schedule = make_schedule(kind="weekly_meeting", department_id=company.sales.pk, recurrence="weekly",
                             weekdays=[0], time="10:00")  # fmt: skip
    client.force_login(company.oscar)
    response = client.get(reverse("rhythm:schedule_invitation", args=[schedule.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert _rrule(event)["BYDAY"] == ["MO"]
    assert str(event["uid"]).startswith(f"qibu-schedule-{schedule.pk}@")


def test_it_writes_the_calendar_in_the_persons_language(client: Client, company: Company) -> None:
    company.mia.language = "zh-hans"
    company.mia.save(update_fields=["language"])
    make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30")
    _raw, calendar = _feed(Client(), calendar_token_make(actor=company.mia, person=company.mia))
    assert any("站会" in str(e["summary"]) for e in calendar.walk("VEVENT"))
