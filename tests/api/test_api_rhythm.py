"""Schedules and the caller's calendar address through the API (issue 7, items 6, 8 and 11): the reminders'
settings page's rules (administrators; a department's head for their department and its teams; the management
meeting the administrators'), refusals that write nothing, and a calendar secret answered only once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from qibu.audit.models import AuditEntry
from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.rhythm.models import CalendarToken, Schedule
from qibu.rhythm.services import ScheduleInput, calendar_token_person, schedule_create
from tests.conftest import Company

LIST_QUERIES = 4


def _send(person: Person, method: str, path: str, body: Any = None) -> Any:
    secret = api_token_create(actor=None, person=person, name="test")[1]
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


def _written() -> tuple[Any, ...]:
    return (
        list(Schedule.objects.order_by("pk").values_list("pk", "kind", "team_id", "department_id", "time", "active")),
        list(CalendarToken.objects.values_list("pk", "key_hash")),
        AuditEntry.objects.exclude(action="api_token.create").count(),
    )


def _stand_up(company: Company) -> Schedule:
    return schedule_create(
        actor=None,
        data=ScheduleInput(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30"),
    )


def _management() -> Schedule:
    return schedule_create(
        actor=None, data=ScheduleInput(kind="management_meeting", recurrence="weekly", weekdays=[0], time="14:00")
    )


def test_it_sets_a_schedule_with_the_kinds_usual_rhythm_EXE_3(company: Company) -> None:
    """EXE-3: a weekly check-in, Friday at 16:00 unless told otherwise."""
    made = _send(company.hank, "post", "/schedules", {"kind": "check_in", "team": company.sales_team.pk})
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["recurrence"], body["weekdays"], body["time"], body["cycle_kind"]) == ("weekly", [4], "16:00", None)
    assert (body["team"], body["department"], body["may_change"]) == (company.sales_team.pk, None, True)
    schedule = Schedule.objects.get(pk=body["id"])
    assert schedule.time == dt.time(16, 0)
    assert AuditEntry.objects.filter(action="schedule.create").count() == 1


def test_it_changes_only_the_fields_sent(company: Company) -> None:
    schedule = _stand_up(company)
    changed = _send(company.hank, "patch", f"/schedules/{schedule.pk}", {"time": "09:00", "duration_minutes": 20})
    assert changed.status_code == 200, changed.json()
    schedule.refresh_from_db()
    assert (schedule.time, schedule.duration_minutes, schedule.recurrence) == (dt.time(9, 0), 20, "workdays")
    assert schedule.team_id == company.sales_team.pk
    # The group as a whole: a department sent, the team is none.
    moved = _send(company.hank, "patch", f"/schedules/{schedule.pk}", {"department": company.sales.pk})
    assert (moved.json()["department"], moved.json()["team"]) == (company.sales.pk, None)


def test_it_refuses_who_may_set_no_schedule_and_writes_nothing(company: Company) -> None:
    schedule = _stand_up(company)
    management = _management()
    before = _written()
    body = {"kind": "weekly_meeting", "department": company.sales.pk}
    for person in (company.mia, company.erin, company.oscar):
        assert _send(person, "get", "/schedules").status_code == 403
        assert _send(person, "post", "/schedules", body).status_code == 403
        assert _send(person, "patch", f"/schedules/{schedule.pk}", {"time": "08:00"}).status_code == 403
        assert _send(person, "delete", f"/schedules/{schedule.pk}").status_code == 403
    # The head of sales does not set the company's management meeting, nor marketing's rhythm.
    assert _send(company.hank, "patch", f"/schedules/{management.pk}", {"time": "08:00"}).status_code == 403
    assert _send(company.hank, "delete", f"/schedules/{management.pk}").status_code == 403
    theirs = _send(company.hank, "post", "/schedules", {"kind": "weekly_meeting", "department": company.marketing.pk})
    assert theirs.status_code == 422 and [p["field"] for p in theirs.json()["detail"]] == ["department"]
    company_meeting = _send(company.hank, "post", "/schedules", {"kind": "management_meeting"})
    assert [p["field"] for p in company_meeting.json()["detail"]] == ["kind"]
    assert _written() == before


def test_it_lets_anyone_read_a_schedule_and_list_the_ones_they_follow_PUB_2(company: Company) -> None:
    """PUB-2: the rhythm is no secret; only who may set it may change it."""
    schedule = _stand_up(company)
    read = _send(company.oscar, "get", f"/schedules/{schedule.pk}")
    assert read.status_code == 200 and read.json()["may_change"] is False
    followed = _send(company.mia, "get", "/schedules?following=true").json()
    assert [item["id"] for item in followed["items"]] == [schedule.pk]
    assert _send(company.oscar, "get", "/schedules?following=true").json()["count"] == 0
    managed = _send(company.hank, "get", "/schedules").json()
    assert [(item["id"], item["may_change"]) for item in managed["items"]] == [(schedule.pk, True)]


def test_it_names_the_field_of_bad_input_and_writes_nothing(company: Company) -> None:
    schedule = _stand_up(company)
    before = _written()
    team = company.sales_team.pk
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"kind": "stand_up", "team": team, "recurrence": "cycle_end"}, {"recurrence"}),
        ({"kind": "stand_up", "team": team, "recurrence": "weekly", "weekdays": []}, {"weekdays"}),
        ({"kind": "stand_up", "team": team, "weekdays": [7]}, {"weekdays.0"}),
        ({"kind": "stand_up", "team": team, "time": "25:00"}, {"time"}),
        ({"kind": "stand_up", "team": team, "duration_minutes": 0}, {"duration_minutes"}),
        ({"kind": "stand_up", "team": team, "late_after_hours": 4}, {"late_after_hours"}),
        ({"kind": "stand_up", "team": team, "department": company.sales.pk}, {"team"}),
        ({"kind": "stand_up"}, {"department"}),
        ({"kind": "nap", "team": team}, {"kind"}),
        ({"kind": "stand_up", "team": team, "title": None}, {"title"}),
        ({"kind": "self_assessment", "team": team, "cycle_kind": "month", "day_offset": 40}, {"day_offset"}),
    ]
    for body, fields in cases:
        answer = _send(company.alice, "post", "/schedules", body)
        assert answer.status_code == 422, body
        assert {p["field"] for p in answer.json()["detail"]} == fields, answer.json()
    for change, field in (({"active": None}, "active"), ({"recurrence": "cycle_start"}, "recurrence")):
        answer = _send(company.alice, "patch", f"/schedules/{schedule.pk}", change)
        assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == field, answer.json()
    assert _written() == before


def test_it_deletes_a_schedule(company: Company) -> None:
    schedule = _stand_up(company)
    assert _send(company.hank, "delete", f"/schedules/{schedule.pk}").status_code == 204
    assert not Schedule.objects.filter(pk=schedule.pk).exists()
    assert _send(company.hank, "get", f"/schedules/{schedule.pk}").status_code == 404


def test_it_answers_the_calendar_secret_once_and_never_again(company: Company) -> None:
    assert _send(company.mia, "get", "/calendar").json()["exists"] is False
    made = _send(company.mia, "post", "/calendar")
    assert made.status_code == 201
    url = made.json()["url"]
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert calendar_token_person(secret) == company.mia
    shown = _send(company.mia, "get", "/calendar")
    assert shown.json()["exists"] is True and shown.json()["last_used_at"] is not None
    assert secret not in shown.content.decode() and secret[:12] not in shown.content.decode()
    history = json.dumps(list(AuditEntry.objects.filter(action__startswith="calendar").values("before", "after")))
    assert secret[:8] not in history
    # A new one replaces it; the old address stops working.
    again = _send(company.mia, "post", "/calendar").json()["url"]
    assert again != url and calendar_token_person(secret) is None


def test_it_revokes_the_calendar_address(company: Company) -> None:
    assert _send(company.mia, "delete", "/calendar").status_code == 404
    secret = _send(company.mia, "post", "/calendar").json()["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert _send(company.mia, "delete", "/calendar").status_code == 204
    assert calendar_token_person(secret) is None
    assert _send(company.mia, "get", "/calendar").json() == {
        "exists": False,
        "starts_with": None,
        "created_at": None,
        "last_used_at": None,
    }


@pytest.mark.parametrize("following", ["false", "true"])
def test_it_lists_schedules_in_the_same_queries_for_few_and_many(
    company: Company, django_assert_num_queries: Any, following: str
) -> None:
    secret = api_token_create(actor=None, person=company.hank, name="test")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    Client().get("/api/v1/me", headers=headers)  # the token's first use is noted once
    for n in (1, 20):
        while Schedule.objects.count() < n:
            _stand_up(company)
        # The token with its person, the language, the departments he heads, the page (a full page: and the count).
        with django_assert_num_queries(LIST_QUERIES + (n == 20)):
            answer = Client().get(f"/api/v1/schedules?following={following}&page_size=20", headers=headers)
            assert answer.json()["count"] == n
