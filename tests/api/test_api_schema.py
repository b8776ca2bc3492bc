"""The OpenAPI document of /api/v1: what it promises a generated client (short operation ids, a tag per
resource, decimal strings with their pattern, named enums, null only where it means something), that the
server keeps those promises, and a property-based run of every GET operation against it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from qibu.api.schemas import DECIMAL_PATTERN, WEIGHT_PATTERN
from qibu.api.urls import api
from qibu.audit.models import AuditEntry
from qibu.blockers.services import blocker_create
from qibu.celebrate.services import celebration_plan, recognition_give
from qibu.core.validation import NOTE_MAX, TEXT_MAX, TITLE_MAX, UNIT_MAX, FieldErrors, clean_decimal, clean_weight
from qibu.discuss.services import comment_create
from qibu.meetings.services import meeting_create
from qibu.notify.chat.services import chat_webhook_create
from qibu.notify.inbox import notify
from qibu.notify.models import NotificationKind
from qibu.okrs.models import CheckIn, KeyResult, Objective
from qibu.okrs.services import checkin_record, correction_make
from qibu.oneonones.models import Meeting
from qibu.oneonones.services import note_add, point_add, request_create, series_create
from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.planning.services import proposal_create, take_up_add
from qibu.plans.services import step_create
from qibu.projects.services import (
    member_add,
    project_create,
    project_key_result_create,
    stage_add,
    stage_objective_create,
)
from qibu.publish.services import publication_compile, publication_publish
from qibu.reflect.services import reflection_open
from qibu.rhythm.services import (
    ScheduleInput,
    absence_create,
    calendar_token_make,
    holiday_create,
    schedule_create,
)
from qibu.standups.services import ItemInput, entry_post, local_today, stand_up_get_or_make
from tests.conftest import Company, Okrs

PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/me/focus": {"get"},
    "/api/v1/people": {"get"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/departments": {"get"},
    "/api/v1/departments/{department_id}": {"get"},
    "/api/v1/teams": {"get"},
    "/api/v1/cycles": {"get"},
    "/api/v1/cycles/{cycle_id}": {"get"},
    "/api/v1/objectives": {"get", "post"},
    "/api/v1/objectives/{objective_id}": {"get", "patch", "delete"},
    "/api/v1/objectives/{objective_id}/alignment": {"put"},
    "/api/v1/objectives/{objective_id}/approval": {"get"},
    "/api/v1/objectives/{objective_id}/submit": {"post"},
    "/api/v1/objectives/{objective_id}/approve": {"post"},
    "/api/v1/objectives/{objective_id}/return": {"post"},
    "/api/v1/objectives/{objective_id}/reopen": {"post"},
    "/api/v1/objectives/{objective_id}/advice": {"get"},
    "/api/v1/objectives/{objective_id}/corrections": {"get", "post"},
    "/api/v1/organisation/coach": {"get", "put"},
    "/api/v1/organisation/policy": {"get", "patch"},
    "/api/v1/key-results": {"get", "post"},
    "/api/v1/key-results/{key_result_id}": {"get", "patch", "delete"},
    "/api/v1/key-results/{key_result_id}/move": {"post"},
    "/api/v1/strategic-goals": {"get"},
    "/api/v1/check-ins": {"get", "post"},
    "/api/v1/alignment-tree": {"get"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/read": {"post"},
    "/api/v1/notification-settings": {"get", "put"},
    "/api/v1/comments": {"get", "post"},
    "/api/v1/comments/{comment_id}": {"patch", "delete"},
    "/api/v1/publications": {"get", "post"},
    "/api/v1/publications/{publication_id}": {"get"},
    "/api/v1/publications/{publication_id}/entries": {"get"},
    "/api/v1/chat-webhooks": {"get", "post"},
    "/api/v1/chat-webhooks/{webhook_id}": {"get", "patch", "delete"},
    "/api/v1/chat-webhooks/{webhook_id}/test": {"post"},
    "/api/v1/chat-webhooks/{webhook_id}/enable": {"post"},
    "/api/v1/schedules": {"get", "post"},
    "/api/v1/schedules/{schedule_id}": {"get", "patch", "delete"},
    "/api/v1/calendar": {"get", "post", "delete"},
    "/api/v1/holidays": {"get", "post"},
    "/api/v1/holidays/{holiday_id}": {"delete"},
    "/api/v1/absences": {"get", "post"},
    "/api/v1/absences/{absence_id}": {"delete"},
    "/api/v1/stand-ups": {"get"},
    "/api/v1/stand-ups/today": {"get"},
    "/api/v1/stand-ups/{stand_up_id}": {"get"},
    "/api/v1/stand-ups/{stand_up_id}/entry": {"put"},
    "/api/v1/stand-ups/{stand_up_id}/close": {"post"},
    "/api/v1/stand-ups/{stand_up_id}/live": {"get"},
    "/api/v1/stand-ups/{stand_up_id}/live/start": {"post"},
    "/api/v1/stand-ups/{stand_up_id}/live/next": {"post"},
    "/api/v1/stand-ups/{stand_up_id}/live/previous": {"post"},
    "/api/v1/stand-ups/{stand_up_id}/live/end": {"post"},
    "/api/v1/action-steps": {"get", "post"},
    "/api/v1/action-steps/{step_id}": {"get", "patch", "delete"},
    "/api/v1/action-steps/{step_id}/reassign": {"post"},
    "/api/v1/action-steps/{step_id}/move": {"post"},
    "/api/v1/action-steps/{step_id}/split": {"post"},
    "/api/v1/action-steps/{step_id}/status": {"post"},
    "/api/v1/blockers": {"get", "post"},
    "/api/v1/blockers/{blocker_id}": {"get", "patch"},
    "/api/v1/blockers/{blocker_id}/resolve": {"post"},
    "/api/v1/blockers/{blocker_id}/reopen": {"post"},
    "/api/v1/self-assessments/{cycle_id}/mine": {"get", "put"},
    "/api/v1/self-assessments/{cycle_id}/mine/submit": {"post"},
    "/api/v1/self-assessments/{cycle_id}/mine/reopen": {"post"},
    "/api/v1/self-assessments/{cycle_id}/people/{person_id}": {"get"},
    "/api/v1/self-assessments/{cycle_id}/departments/{department_id}": {"get"},
    "/api/v1/quarter/current": {"get"},
    "/api/v1/quarter/{cycle_id}": {"get"},
    "/api/v1/quarter/{cycle_id}/departments/{department_id}": {"get"},
    "/api/v1/quarter/{cycle_id}/me": {"get"},
    "/api/v1/quarter/{cycle_id}/report": {"get"},
    "/api/v1/quarter/{cycle_id}/report.xlsx": {"get"},
    "/api/v1/workshops": {"get"},
    "/api/v1/workshops/{workshop_id}": {"get"},
    "/api/v1/workshops/{workshop_id}/events": {"get"},
    "/api/v1/workshops/{workshop_id}/record": {"get"},
    "/api/v1/workshops/{workshop_id}/decision": {"post"},
    "/api/v1/workshops/{workshop_id}/groups/{group_id}": {"get"},
    "/api/v1/workshops/{workshop_id}/groups/{group_id}/notes": {"post"},
    "/api/v1/workshops/{workshop_id}/groups/{group_id}/phase": {"post"},
    "/api/v1/workshops/{workshop_id}/groups/{group_id}/notes/{note_id}/move": {"post"},
    "/api/v1/workshops/{workshop_id}/groups/{group_id}/votes/{vote_id}/ballot": {"post"},
    "/api/v1/reflections": {"get"},
    "/api/v1/reflections/open": {"post"},
    "/api/v1/reflections/{reflection_id}": {"get"},
    "/api/v1/reflections/{reflection_id}/close": {"post"},
    "/api/v1/reflections/{reflection_id}/reopen": {"post"},
    "/api/v1/reflections/{reflection_id}/measures": {"post"},
    "/api/v1/reflections/{reflection_id}/account": {"put"},
    "/api/v1/reflections/measures/{measure_id}/done": {"post"},
    "/api/v1/updates/cycles/{cycle_id}": {"get"},
    "/api/v1/updates/cycles/{cycle_id}/board": {"get"},
    "/api/v1/updates/cycles/{cycle_id}/stages": {"post"},
    "/api/v1/updates/cycles/{cycle_id}/close": {"post"},
    "/api/v1/updates/objectives/{objective_id}/decision": {"post"},
    "/api/v1/updates/objectives/{objective_id}/justification": {"post"},
    "/api/v1/updates/decisions/{decision_id}/approve": {"post"},
    "/api/v1/celebrations": {"get", "post"},
    "/api/v1/celebrations/{celebration_id}": {"get"},
    "/api/v1/celebrations/{celebration_id}/hold": {"post"},
    "/api/v1/recognitions": {"get", "post"},
    "/api/v1/recognitions/{recognition_id}": {"get"},
    "/api/v1/incentives": {"get", "post"},
    "/api/v1/lessons": {"get", "post"},
    "/api/v1/company-values": {"get"},
    "/api/v1/timetable": {"get"},
    "/api/v1/proposals": {"get", "post"},
    "/api/v1/proposals/{proposal_id}": {"patch", "delete"},
    "/api/v1/proposals/{proposal_id}/answer": {"post"},
    "/api/v1/take-ups": {"get", "post"},
    "/api/v1/take-ups/{take_up_id}": {"delete"},
    "/api/v1/planning/board": {"get"},
    "/api/v1/planning/queue": {"get"},
    "/api/v1/projects": {"get", "post"},
    "/api/v1/projects/{project_id}": {"get", "patch"},
    "/api/v1/projects/{project_id}/rollup": {"get"},
    "/api/v1/projects/{project_id}/members": {"post"},
    "/api/v1/projects/{project_id}/members/{member_id}": {"patch", "delete"},
    "/api/v1/projects/{project_id}/stages": {"post"},
    "/api/v1/projects/{project_id}/stages/{stage_id}": {"patch", "delete"},
    "/api/v1/projects/{project_id}/stages/{stage_id}/objectives": {"post"},
    "/api/v1/projects/{project_id}/key-results": {"post"},
    "/api/v1/projects/{project_id}/key-results/{key_result_id}/carriers": {"put"},
    "/api/v1/meetings": {"get", "post"},
    "/api/v1/meetings/{meeting_id}": {"get"},
    "/api/v1/meetings/{meeting_id}/start": {"post"},
    "/api/v1/meetings/{meeting_id}/progress-end": {"post"},
    "/api/v1/meetings/{meeting_id}/close": {"post"},
    "/api/v1/meetings/{meeting_id}/agenda/{item_id}/reach": {"post"},
    "/api/v1/meetings/{meeting_id}/confidence": {"post"},
    "/api/v1/meetings/{meeting_id}/commitments": {"post"},
    "/api/v1/meetings/{meeting_id}/notes": {"put"},
    "/api/v1/meetings/{meeting_id}/weeks": {"get"},
    "/api/v1/meetings/{meeting_id}/week": {"put"},
    "/api/v1/commitments/{commitment_id}/status": {"post"},
    "/api/v1/one-on-ones": {"get", "post"},
    "/api/v1/one-on-ones/{series_id}": {"get", "patch"},
    "/api/v1/one-on-one-meetings/{meeting_id}": {"get"},
    "/api/v1/one-on-one-meetings/{meeting_id}/hold": {"post"},
    "/api/v1/one-on-one-meetings/{meeting_id}/skip": {"post"},
    "/api/v1/one-on-one-meetings/{meeting_id}/move": {"post"},
    "/api/v1/one-on-one-meetings/{meeting_id}/talking-points": {"post"},
    "/api/v1/one-on-one-meetings/{meeting_id}/notes": {"post"},
    "/api/v1/one-on-one-meetings/{meeting_id}/support-requests": {"post"},
    "/api/v1/talking-points/{point_id}": {"patch"},
    "/api/v1/one-on-one-notes/{note_id}": {"get", "patch"},
    "/api/v1/support-requests/{request_id}": {"get"},
    "/api/v1/support-requests/{request_id}/settle": {"post"},
}


def test_it_publishes_a_valid_openapi_document_listing_every_path(client: Client, db: None) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(document).validate()
    assert {path: set(ops) for path, ops in document["paths"].items()} == PATHS
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}  # bearer token, session cookie
    # Every operation documents the one error shape.
    for operations in document["paths"].values():
        for operation in operations.values():
            for status in ("401", "403", "404", "422"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"
                }


@pytest.fixture
def api_token(okrs: Okrs, company: Company) -> str:
    """Mia's token: she sees the company's objectives but not everyone's private ones."""
    return api_token_create(actor=None, person=company.mia, name="schemathesis")[1]


@pytest.fixture(scope="module")
def api_schema() -> schemathesis.BaseSchema:
    """The document /api/v1/openapi.json serves (checked above), bound to Django's WSGI application."""
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = WSGIHandler()
    return schema


@pytest.fixture
def same_connection(db: None) -> Iterator[None]:
    """Keep the WSGI requests on the test's database connection, as Django's test client does: the
    test's transaction, and the data the fixtures made, live on it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


GETS = sorted(path for path, methods in PATHS.items() if "get" in methods)


def _stand_up(c: Company) -> int:
    """The sales team's stand-up of today (every day of the week, so that today has one), mia's entry with a
    blocker, a holiday next year and mia's absence."""
    schedule = schedule_create(actor=None, data=ScheduleInput(kind="stand_up", team_id=c.sales_team.pk,
                                                              recurrence="weekly", weekdays=list(range(7)), time="09:30"))  # fmt: skip
    day = local_today(schedule, timezone.now())
    stand_up = stand_up_get_or_make(team=c.sales_team, day=day)
    assert stand_up is not None
    items = [ItemInput(section="today", text="<b>报价</b>"), ItemInput(section="blocker", text="<b>等审批</b>")]
    entry_post(actor=c.mia, stand_up=stand_up, items=items)
    holiday_create(actor=None, day=dt.date(day.year + 1, 1, 1), name="<b>国庆节</b>")
    absence_create(actor=None, person=c.mia, start=day, end=day + dt.timedelta(days=1), note="<b>年假</b>")
    return stand_up.pk


def _project(c: Company, okrs: Okrs) -> int:
    """A project with a stage, its objective aligned to sales', and a key result carried by oscar."""
    project = project_create(
        actor=c.erin, name="<b>新品</b>", lead=c.hank, start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31)
    )
    member_add(actor=c.hank, project=project, person=c.mia)
    member_add(actor=c.hank, project=project, person=c.oscar)
    stage = stage_add(actor=c.hank, project=project, name="设计", start=project.start, end=project.end)
    objective = stage_objective_create(
        actor=c.hank, stage=stage, title="设计", owner=c.mia, parent_objective_ids=[okrs["department"].pk]
    )
    project_key_result_create(
        actor=c.hank, objective=objective, carriers=[c.oscar], title="测试", start_value=0, target_value=3
    )
    return project.pk


# schemathesis' pytest integration (`schemathesis.pytest.from_fixture`) needs pytest < 9, so each operation
# is driven through its Hypothesis strategy instead: the same cases and checks, one test per path and mode.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("path", GETS)
def test_it_answers_every_get_within_its_schema(
    api_schema: schemathesis.BaseSchema, same_connection: None, api_token: str, path: str, mode: GenerationMode
) -> None:
    """No 5xx, documented status codes and content types, bodies that match the published schemas;
    invalid parameters are refused with a 4xx."""
    operation = api_schema[path]["GET"]
    headers = {"Authorization": f"Bearer {api_token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers)

    check()


def _rows(body: Any) -> list[dict[str, Any]]:
    """An answer that is a list of rows."""
    return list(body)


# What the answers that are neither a list nor a row hold, by the end of their path.
ANSWERS: dict[str, Callable[[dict[str, Any], Company, Okrs], bool]] = {
    "quarter/current": lambda body, c, o: body["cycle"] == c.quarter.pk and len(body["phases"]) == 7,
    "quarter/{cycle_id}": lambda body, c, o: body["cycle"] == c.quarter.pk and len(body["phases"]) == 7,
    "quarter/{cycle_id}/departments/{department_id}": lambda body, c, o: (
        body["department"] == c.sales.pk and bool(body["people"])
    ),
    "quarter/{cycle_id}/me": lambda body, c, o: body["person"] == c.mia.pk and len(body["phases"]) == 7,
    "quarter/{cycle_id}/report": lambda body, c, o: body["whole"] is False and bool(body["departments"]),
    "notification-settings": lambda body, c, o: set(body["deliveries"]) == set(NotificationKind.values),
    "/calendar": lambda body, c, o: body["exists"] is True,
    "self-assessments/{cycle_id}/mine": lambda body, c, o: body["person"] == c.mia.pk and body["state"] == "draft",
    "self-assessments/{cycle_id}/people/{person_id}": lambda body, c, o: body["person"] == c.mia.pk,
    "/reflections": lambda body, c, o: [r["department"] for r in _rows(body)] == [c.sales.pk],
    "reflections/{reflection_id}": lambda body, c, o: body["department"] == c.sales.pk and body["kind"] == "department",
    "self-assessments/{cycle_id}/departments/{department_id}": lambda body, c, o: (
        body["department"] == c.sales.pk and bool(body["missing"])
    ),
    "/celebrations": lambda body, c, o: _rows(body)[0]["team"] == c.sales_team.pk,
    "/recognitions": lambda body, c, o: _rows(body)[0]["message"] == "<b>谢谢</b>",
    "/incentives": lambda body, c, o: _rows(body) == [],
    "/lessons": lambda body, c, o: _rows(body) == [],
    "/company-values": lambda body, c, o: _rows(body) == [],
    "/advice": lambda body, c, o: body["objective"] == o["mine"].pk,
    "/approval": lambda body, c, o: body["objective"] == o["mine"].pk,
    "/organisation/coach": lambda body, c, o: bool(body["rules"]),
    "/timetable": lambda body, c, o: bool(body["groups"]) and body["count"] == 1,
    "/strategic-goals": lambda body, c, o: isinstance(body, list) and all("title" in goal for goal in body),
    "/planning/board": lambda body, c, o: body["cycle"] == c.quarter.pk and bool(body["departments"]),
    "/weeks": lambda body, c, o: c.mia.pk in {week["person"] for week in _rows(body)},
    "/corrections": lambda body, c, o: [row["objective"] for row in _rows(body)] == [o["mine"].pk],
    "/organisation/policy": lambda body, c, o: body["blocker_department_after_days"] == 2,
    "/holidays": lambda body, c, o: [h["name"] for h in _rows(body)] == ["<b>国庆节</b>"],
    "/absences": lambda body, c, o: [a["note"] for a in _rows(body)] == ["<b>年假</b>"],
    "/stand-ups": lambda body, c, o: [s["blockers"] for s in _rows(body)] == [1],
    "/live": lambda body, c, o: body["live"] is False and body["closed"] is False,
    # The world's quarter has not ended: its update says so (UPD-1), and mia's objective is listed.
    "updates/cycles/{cycle_id}": lambda body, c, o: (
        bool(body["missing"]) and o["mine"].pk in {row["id"] for row in body["objectives"]}
    ),
    "updates/cycles/{cycle_id}/board": lambda body, c, o: body["company"]["standing"] == "not_started",
    "/workshops": lambda body, c, o: [w["topic"] for w in _rows(body)] == ["<b>年度目标</b>"],
    "/events": lambda body, c, o: body["seq"] > 0,
    "/record": lambda body, c, o: body["statement"] == "<b>定了</b>" and bool(body["notes"]),
}


def _workshop(c: Company) -> dict[str, int]:
    """A decided workshop of 2027 in which mia wrote a note (WS-1 … WS-7), moderated by erin."""
    from qibu.cycles.services import cycles_generate_year
    from qibu.workshop.events import record
    from qibu.workshop.models import Group, Note, Participant, Workshop

    year = cycles_generate_year(actor=None, fiscal_year=2027)
    workshop = Workshop.objects.create(
        cycle=year, topic="<b>年度目标</b>", scheduled_for=dt.datetime(2027, 1, 8, 9, tzinfo=dt.UTC), moderator=c.erin,
        observer=c.erin, state="decided", decision_statement="<b>定了</b>",
    )  # fmt: skip
    group = Group.objects.create(workshop=workshop, number=1, leader=c.mia, phase="presented")
    Participant.objects.create(workshop=workshop, person=c.mia, group=group)
    Note.objects.create(group=group, author=c.mia, text="<b>提升老客户复购率</b>")
    record(workshop, "note.write", actor=c.mia, group=group)
    return {"workshop_id": workshop.pk, "group_id": group.pk}


def _one_on_one(c: Company) -> dict[str, int]:
    """hank's and mia's 1-on-1s, with a note of mia's and a request she asked (EXE-9, EXE-10)."""
    series = series_create(actor=c.hank, manager=c.hank, report=c.mia, time="10:00")
    meeting = Meeting.objects.get(series=series)
    point_add(actor=c.mia, meeting=meeting, text="<b>培训</b>")
    return {
        "series_id": series.pk,
        "meeting_id": meeting.pk,
        "note_id": note_add(actor=c.mia, meeting=meeting, text="<b>笔记</b>", visibility="private").pk,
        "request_id": request_create(actor=c.mia, series=series, meeting=meeting, text="<b>样机</b>").pk,
    }


@pytest.mark.parametrize("path", GETS)
def test_it_answers_with_real_data_within_its_schema(
    api_schema: schemathesis.BaseSchema, same_connection: None, api_token: str, company: Company, okrs: Okrs, path: str
) -> None:
    """The same checks on the answers a client mostly sees: existing rows, full pages."""
    c = company
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=1, confidence=75, note="<b>周报</b>")
    notify(kind=NotificationKind.REMINDER, recipients=[c.mia], text=lambda p: "<b>签到</b>提醒", key="schema")
    comment_create(actor=c.hank, objective=okrs["mine"], text="@米娅 <b>好</b>", key_result=okrs["my_kr"])
    correction_make(actor=c.hank, objective=okrs["mine"], key_result=okrs["my_kr"], kind="target",
                    reason="<b>市场小</b>", changes={"target_value": "3"})  # fmt: skip
    ids = {
        "person_id": c.mia.pk,
        "department_id": c.sales.pk,
        "cycle_id": c.quarter.pk,
        "objective_id": okrs["mine"].pk,
        "key_result_id": okrs["my_kr"].pk,
        "publication_id": _published(c),
        "webhook_id": chat_webhook_create(
            actor=c.hank, target=c.sales, name="<b>销售部群</b>", platform="feishu", url="https://open.feishu.cn/x/1234"
        ).pk,
        "project_id": _project(c, okrs),
        "schedule_id": schedule_create(
            actor=c.hank, data=ScheduleInput(kind="check_in", team_id=c.sales_team.pk, recurrence="weekly",
                                             weekdays=[4], time="16:00", late_after_hours=24)
        ).pk,
        "stand_up_id": _stand_up(c),
        "step_id": step_create(actor=c.mia, key_result=okrs["my_kr"], title="<b>拜访</b>", owner=c.mia,
                               resource_people=[c.hank], budget="12.5").step.pk,
        **_one_on_one(c),
        **_workshop(c),
        "blocker_id": blocker_create(actor=c.mia, title="<b>等法务</b>", owner=c.hank, concerned=[c.oscar],
                                     team=c.sales_team, key_result=okrs["my_kr"]).pk,
        "reflection_id": reflection_open(actor=None, cycle=c.quarter, department=c.sales).pk,
        "celebration_id": celebration_plan(actor=c.hank, level="team", team=c.sales_team, cycle=c.quarter,
                                           at=dt.datetime(2027, 1, 8, 9, tzinfo=dt.UTC), notes="<b>聚餐</b>").pk,
        "recognition_id": recognition_give(actor=c.hank, receiver=c.mia, key_result=okrs["my_kr"],
                                           message="<b>谢谢</b>").pk,
    }  # fmt: skip
    calendar_token_make(actor=None, person=c.mia)
    # SET-2: mia proposes on her department's draft, which the company's took up; her own waits for hank.
    Objective.objects.filter(pk__in=[okrs["department"].pk, okrs["company"].pk]).update(approval="draft")
    Objective.objects.filter(pk=okrs["mine"].pk).update(approval="submitted", submitted_at=timezone.now())
    proposal_create(actor=c.mia, objective=Objective.objects.get(pk=okrs["department"].pk), text="<b>多做老客户</b>")
    take_up_add(actor=c.erin, objective=Objective.objects.get(pk=okrs["company"].pk),
                source_objective=Objective.objects.get(pk=okrs["department"].pk))  # fmt: skip
    # Chat webhooks and the schedules one sets are the department heads' (mia may set none), as is the queue.
    quarter_heads = ("/report", "/report.xlsx", "/departments/{department_id}")
    quarter_heads_path = path.startswith("/api/v1/quarter/") and path.endswith(quarter_heads)
    if (
        "/chat-webhooks" in path
        or path.endswith(("/schedules", "/planning/queue", "/incentives"))
        or quarter_heads_path
    ):
        api_token = api_token_create(actor=None, person=c.hank, name="schemathesis")[1]
    if path.startswith("/api/v1/meetings"):  # a weekly meeting; `meeting_id` above is a 1-on-1's
        ids["meeting_id"] = meeting_create(actor=c.hank, kind="department", department=c.sales,
                                           date=dt.date(2026, 11, 10)).pk  # fmt: skip
    operation = api_schema[path]["GET"]
    parameters = {p.name: ids[p.name] for p in operation.path_parameters}
    query = {"cycle": c.quarter.pk} if path.endswith("alignment-tree") else {}
    if path.endswith("/comments"):
        query = {"objective": okrs["mine"].pk}
    if path.endswith(("/proposals", "/take-ups")):
        query = {"objective": okrs["department"].pk}
    headers = {"Authorization": f"Bearer {api_token}"}
    case = operation.Case(path_parameters=parameters, query=query, headers=headers)
    response = case.call_and_validate(headers=headers)
    assert response.status_code == 200
    if path.endswith(".xlsx"):
        types = [str(v) for k, v in response.headers.items() if k.lower() == "content-type"]
        assert types and "application/vnd.openxmlformats" in types[0], response.headers
        return
    body = response.json()
    expected = next((check for suffix, check in ANSWERS.items() if path.endswith(suffix)), None)
    if expected is not None:
        assert expected(body, c, okrs), body
    elif "items" in body:
        assert body["items"]
    else:
        assert body["id"] in ids.values()


# --- what the document promises a generated client ----------------------------------------------------


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document as a client reads it (JSON: status codes as strings)."""
    published: dict[str, Any] = json.loads(json.dumps(api.get_openapi_schema()))
    return published


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def _component(document: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    component: dict[str, Any] = document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    return component


def _is_nullable(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(a.get("type") == "null" for a in prop.get("anyOf", []))


OPERATION_IDS = {
    "workshop_list", "workshop_get", "workshop_events", "workshop_record_get", "workshop_decide", "workshop_group",
    "workshop_note_write", "workshop_group_phase", "workshop_note_move", "workshop_vote_cast",
    "me_get", "focus_get", "people_list", "person_get", "departments_list", "department_get", "teams_list", "cycles_list",
    "cycle_get", "objectives_list", "objective_get", "objective_create", "objective_update", "objective_delete",
    "objective_align", "approval_get", "approval_submit", "approval_approve", "approval_return", "approval_reopen",
    "corrections_list", "correction_create",
    "alignment_tree", "key_results_list", "key_result_get", "key_result_create",
    "key_result_update", "key_result_delete", "checkins_list", "checkin_create", "inbox_list", "inbox_read",
    "inbox_settings_get", "inbox_settings_put",
    "comments_list", "comment_create",
    "comment_update", "comment_delete", "publications_list",
    "publication_get", "publication_entries", "publication_publish",
    "chat_webhooks_list", "chat_webhook_get", "chat_webhook_create", "chat_webhook_update", "chat_webhook_delete",
    "chat_webhook_test", "chat_webhook_enable",
    "schedules_list", "schedule_get", "schedule_create", "schedule_update", "schedule_delete",
    "calendar_get", "calendar_make", "calendar_revoke",
    "holidays_list", "holiday_create", "holiday_delete", "absences_list", "absence_create", "absence_delete",
    "stand_ups_list", "stand_up_today", "stand_up_get", "entry_put", "stand_up_close", "live_get", "live_start",
    "live_next", "live_previous", "live_end",
    "objective_advice", "coach_rules_get", "coach_rules_put",
    "key_result_move", "strategic_goals_list",
    "action_steps_list", "action_step_get", "action_step_create", "action_step_update", "action_step_delete",
    "action_step_reassign", "action_step_move", "action_step_split", "action_step_status", "timetable_get",
    "proposals_list", "proposal_create", "proposal_update", "proposal_withdraw", "proposal_respond",
    "take_ups_list", "take_up_create", "take_up_delete", "planning_board_get", "approval_queue",
    "projects_list", "project_create", "project_get", "project_update", "project_rollup", "member_add",
    "member_update", "member_remove", "stage_add", "stage_update", "stage_delete", "stage_objective_add",
    "project_kr_create", "carriers_set",
    "meetings_list", "meeting_create", "meeting_get", "meeting_start", "meeting_progress_end", "meeting_close",
    "agenda_item_reach", "meeting_confidence", "commitment_create", "meeting_notes", "meeting_weeks",
    "my_week_put", "commitment_status",
    "one_on_ones_list", "one_on_one_create", "one_on_one_get", "one_on_one_update", "meeting_1on1_get",
    "meeting_1on1_hold", "meeting_1on1_skip", "meeting_1on1_move", "talking_point_add", "talking_point_mark",
    "note_1on1_add", "note_1on1_get", "note_1on1_update", "support_ask", "support_get", "support_settle",
    "blockers_list", "blocker_get", "blocker_create", "blocker_update", "blocker_resolve", "blocker_reopen",
    "assessment_mine", "assessment_save", "assessment_submit", "assessment_reopen", "assessment_person",
    "assessment_dept", "quarter_current", "quarter_calendar", "quarter_dept", "quarter_mine", "quarter_report",
    "quarter_xlsx",
    "reflection_list", "reflection_open", "reflection_get", "reflection_close", "reflection_reopen",
    "measure_create", "measure_done", "account_upsert",
    "update_get", "update_board", "update_decide", "update_justify", "update_approve", "update_stage",
    "update_close",
    "celebration_list", "celebration_plan", "celebration_get", "celebration_hold",
    "recognition_list", "recognition_give", "recognition_get", "incentive_list", "incentive_record", "lesson_list",
    "lesson_record", "value_list",
    "policy_get", "policy_update",
}  # fmt: skip


def test_it_names_every_operation_shortly_and_once(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _path, _method, op in _operations(document)]
    assert len(ids) == len(set(ids))
    assert set(ids) == OPERATION_IDS
    assert all(len(i) <= 20 and "qibu" not in i and "api" not in i for i in ids)


TAGS = {
    "/api/v1/me": "me",
    "/api/v1/people": "people",
    "/api/v1/departments": "departments",
    "/api/v1/teams": "teams",
    "/api/v1/cycles": "cycles",
    "/api/v1/objectives": "objectives",
    "/api/v1/alignment-tree": "alignment tree",
    "/api/v1/key-results": "key results",
    "/api/v1/check-ins": "check-ins",
    "/api/v1/notifications": "notifications",
    "/api/v1/notification-settings": "notification settings",
    "/api/v1/comments": "comments",
    "/api/v1/publications": "publications",
    "/api/v1/chat-webhooks": "chat webhooks",
    "/api/v1/schedules": "schedules",
    "/api/v1/calendar": "calendar",
    "/api/v1/holidays": "holidays",
    "/api/v1/absences": "absences",
    "/api/v1/stand-ups": "stand-ups",
    "/api/v1/organisation": "organisation",
    "/api/v1/strategic-goals": "strategy",
    "/api/v1/action-steps": "action steps",
    "/api/v1/timetable": "timetable",
    "/api/v1/proposals": "proposals",
    "/api/v1/take-ups": "take-ups",
    "/api/v1/planning": "planning",
    "/api/v1/projects": "projects",
    "/api/v1/meetings": "meetings",
    "/api/v1/commitments": "commitments",
    "/api/v1/one-on-ones": "1-on-1s",
    "/api/v1/one-on-one-meetings": "1-on-1 meetings",
    "/api/v1/talking-points": "talking points",
    "/api/v1/one-on-one-notes": "1-on-1 notes",
    "/api/v1/support-requests": "support requests",
    "/api/v1/blockers": "blockers",
    "/api/v1/self-assessments": "assess",
    "/api/v1/quarter": "quarter",
    "/api/v1/reflections": "reflect",
    "/api/v1/updates": "updates",
    "/api/v1/celebrations": "celebrate",
    "/api/v1/workshops": "workshops",
    "/api/v1/recognitions": "celebrate",
    "/api/v1/incentives": "celebrate",
    "/api/v1/lessons": "celebrate",
    "/api/v1/company-values": "celebrate",
}


def test_it_tags_each_operation_with_its_resource(document: dict[str, Any]) -> None:
    for path, method, op in _operations(document):
        resource = "/".join(path.split("/")[:4])
        assert op["tags"] == [TAGS[resource]], (method, path)


# Where null means something: owner, department and team none (refused where the level needs one), the dates
# the cycle's.
NULLABLE_ON_CHANGE = {
    "ObjectiveUpdate": {"owner", "department", "team", "start_date", "end_date", "strategic_goal"},
    "KeyResultUpdate": {"owner", "start_date", "end_date"},
    # A comment's text and whether it is hidden: never null.
    "CommentUpdate": set(),
    # A webhook's secret: null removes it (left out, it is kept).
    "WebhookUpdate": {"secret"},
    # A schedule's group: none for the management meeting; no late reminder.
    "ScheduleUpdate": {"department", "team", "late_after_hours", "late_before_minutes"},
    # An action step: nothing (its people change by /reassign, where null is nobody).
    "StepUpdate": set(),
    # A blocker: null unlinks its key result or action step.
    "BlockerUpdate": {"key_result", "action_step"},
    # The method policy: never null.
    "PolicyUpdate": set(),
    # A proposal's text and kind: never null.
    "ProposalUpdate": set(),
    # A project, its members' roles and its stages: never null.
    "ProjectUpdate": set(),
    "MemberUpdate": set(),
    "StageUpdate": set(),
    # 1-on-1s: a series' schedule, a point's tick, a note's text and who sees it: never null.
    "SeriesUpdate": set(),
    "PointUpdate": set(),
    "NoteUpdate": set(),
}


def test_it_makes_change_fields_optional_and_nullable_only_where_null_means_something(
    document: dict[str, Any],
) -> None:
    patches = [op for _path, method, op in _operations(document) if method == "patch"]
    # Every change body is listed above, with what null means in it.
    titles = {
        _component(document, op["requestBody"]["content"]["application/json"]["schema"])["title"] for op in patches
    }
    assert titles == set(NULLABLE_ON_CHANGE)
    for op in patches:
        body = _component(document, op["requestBody"]["content"]["application/json"]["schema"])
        assert not body.get("required"), body["title"]
        nullable = {name for name, prop in body["properties"].items() if _is_nullable(prop)}
        assert nullable == NULLABLE_ON_CHANGE[body["title"]]
        assert all("default" not in prop for prop in body["properties"].values()), body["title"]


def test_it_takes_no_null_in_a_query_parameter(document: dict[str, Any]) -> None:
    for path, method, op in _operations(document):
        for parameter in op.get("parameters", []):
            assert not _is_nullable(parameter["schema"]), (method, path, parameter["name"])


DECIMALS = {
    "ObjectiveOut": {"progress", "score"},
    "ObjectiveCreate": set(),
    "TreeNodeOut": {"progress"},
    "KeyResultOut": {"start_value", "target_value", "current_value", "band_low", "band_high", "progress_raw",
                     "progress", "score"},
    "KeyResultCreate": {"start_value", "target_value", "current_value", "band_low", "band_high"},
    "KeyResultUpdate": {"start_value", "target_value", "current_value", "band_low", "band_high"},
    "CheckInOut": {"value", "progress_raw", "progress"},
    "CheckInCreate": {"value"},
    "StepOut": {"budget"},
    "StepCreate": {"budget"},
    "StepUpdate": {"budget"},
    "StepSplit": {"second_budget"},
    "ScoreOut": {"progress", "score"},
    "ScoreIn": {"score"},
    "PresentedScoreOut": {"score", "progress"},
}  # fmt: skip
WEIGHTS = {"ObjectiveOut", "ObjectiveCreate", "ObjectiveUpdate", "KeyResultOut", "KeyResultCreate",
           "KeyResultUpdate", "MilestoneOut", "MilestoneIn"}  # fmt: skip


def _alternatives(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in prop.get("anyOf", [prop]) if a.get("type") != "null"]


def test_it_writes_every_decimal_as_a_string_with_its_pattern(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    for name, fields in DECIMALS.items():
        for field in fields:
            (schema,) = _alternatives(components[name]["properties"][field])
            assert (schema["type"], schema["format"], schema["pattern"]) == ("string", "decimal", DECIMAL_PATTERN)
    for name in WEIGHTS:
        (schema,) = _alternatives(components[name]["properties"]["weight"])
        assert (schema["type"], schema["pattern"]) == ("string", WEIGHT_PATTERN), name
    # No number is left untyped: nothing anywhere is a JSON number or "number or string".
    assert '"number"' not in json.dumps(document)


@given(st.from_regex(DECIMAL_PATTERN, fullmatch=True))
@settings(max_examples=200, deadline=None)
def test_it_accepts_in_the_validator_every_decimal_the_pattern_allows(text: str) -> None:
    """The pattern is what `clean_decimal` stores exactly: no rounding, no refusal."""
    errors = FieldErrors()
    assert clean_decimal(errors, "value", text) == Decimal(text)
    assert not errors


@pytest.mark.parametrize("text", ["100000000000", "-100000000000", "99999999999.99995"])
def test_it_refuses_in_the_validator_what_is_past_the_patterns_digits(text: str) -> None:
    errors = FieldErrors()
    clean_decimal(errors, "value", text)
    assert "value" in errors
    assert not re.fullmatch(DECIMAL_PATTERN, text)


@given(st.from_regex(WEIGHT_PATTERN, fullmatch=True))
@settings(max_examples=100, deadline=None)
def test_it_keeps_every_weight_the_pattern_allows_as_it_is(text: str) -> None:
    """A weight within the pattern is stored as written, or refused for its range (0.01 to 1000), never rounded."""
    errors = FieldErrors()
    weight = clean_weight(errors, "weight", text)
    assert ("weight" in errors) == (not Decimal("0.01") <= Decimal(text) <= 1000)
    if not errors:
        assert weight == Decimal(text)


ENUMS = {"Level", "Priority", "Health", "Status", "KeyResultKind", "Visibility", "Commitment", "RollupMode",
         "Role", "CycleKind", "NotificationKind", "Delivery", "Part", "ChatPlatform", "ScheduleKind", "Recurrence",
         "CycleScope", "Approval", "ApprovalAction", "StepStatus", "ProposalKind", "ProposalStatus",
         "ProjectStatus", "BlockerSource", "BlockerStatus", "Tier", "MeetingKind", "MeetingStatus", "AgendaKind",
         "CommitmentStatus", "Section", "Timing", "CorrectionKind", "CorrectionApproval", "OneOnOneCadence",
         "OneOnOneStatus", "NoteSharing", "SupportStatus", "AssessmentState", "ReflectionKind", "ReflectionState",
         "UpdateOutcome", "UpdateAction", "CarryAction", "CelebrationLevel", "CelebrationState",
         "CelebrationForm", "RewardTier", "IncentiveKind", "GroupPhase", "WorkshopState"}  # fmt: skip


def _inline_enums(node: Any, where: str = "") -> list[str]:
    if isinstance(node, dict):
        found = [where] if "enum" in node else []
        return found + [f for key, value in node.items() for f in _inline_enums(value, f"{where}/{key}")]
    if isinstance(node, list):
        return [f for i, value in enumerate(node) for f in _inline_enums(value, f"{where}/{i}")]
    return []


def test_it_names_every_enum_as_a_component(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    assert {name for name, schema in components.items() if "enum" in schema} == ENUMS
    assert components["Priority"]["x-enum-varnames"] == ["P0", "P1", "P2", "P3"]
    assert components["Health"]["enum"] == ["on_track", "at_risk", "off_track", "no_data"]
    # Everywhere else, in bodies and query parameters alike, an enum is a reference to one of these.
    inline = [w for w in _inline_enums(document) if w.split("/")[1:3] != ["components", "schemas"] or w.count("/") > 3]
    assert inline == []


def test_it_gives_confidence_one_type_everywhere_MEAS_5(document: dict[str, Any]) -> None:
    """MEAS-5: a whole percentage from 0 to 100 on objectives, tree nodes, key results and check-ins."""
    seen = []
    for name, component in document["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            if field in ("confidence", "previous_confidence"):
                (schema,) = _alternatives(prop)
                assert (schema["type"], schema["minimum"], schema["maximum"]) == ("integer", 0, 100), name
                seen.append(name)
    assert {"ObjectiveOut", "TreeNodeOut", "KeyResultOut", "CheckInOut", "CheckInCreate"} <= set(seen)


def test_it_states_the_lengths_the_server_enforces(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    for name in ("ObjectiveCreate", "ObjectiveUpdate", "KeyResultCreate", "KeyResultUpdate", "MilestoneIn"):
        title = components[name]["properties"]["title"]
        assert (title["minLength"], title["maxLength"]) == (1, TITLE_MAX), name
    assert components["ObjectiveCreate"]["properties"]["description"]["maxLength"] == TEXT_MAX
    assert components["KeyResultCreate"]["properties"]["unit"]["maxLength"] == UNIT_MAX
    for field in ("confidence_reason", "note"):
        assert components["CheckInCreate"]["properties"][field]["maxLength"] == NOTE_MAX


def test_it_documents_the_caller_at_me(document: dict[str, Any]) -> None:
    me = document["paths"]["/api/v1/me"]["get"]
    schema = _component(document, me["responses"]["200"]["content"]["application/json"]["schema"])
    assert {"id", "full_name", "email", "department", "role", "language", "organisation"} <= set(schema["properties"])


# --- the server does what the document says -----------------------------------------------------------


def _send(person: Any, method: str, path: str, body: Any = None) -> Any:
    """A request with the person's token, in English; `body` is sent as JSON."""
    secret = api_token_create(actor=None, person=person, name="contract")[1]
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


def _stored() -> dict[str, Any]:
    """What a change could write: the rows and their history."""
    return {
        "objectives": sorted(
            Objective.objects.values_list("id", "title", "description", "weight", "priority", "status")
        ),
        "key_results": sorted(KeyResult.objects.values_list("id", "title", "target_value", "band_low", "unit")),
        "check_ins": CheckIn.objects.count(),
        "history": AuditEntry.objects.exclude(action="api_token.create").count(),
    }


NULLS_REFUSED = [
    ("objectives/{mine}", "title"),
    ("objectives/{mine}", "description"),
    ("objectives/{mine}", "weight"),
    ("objectives/{mine}", "priority"),
    ("objectives/{mine}", "status"),
    ("objectives/{mine}", "cycle"),
    ("key-results/{my_kr}", "title"),
    ("key-results/{my_kr}", "target_value"),
    ("key-results/{my_kr}", "unit"),
    ("key-results/{my_kr}", "confidence"),
    ("key-results/{my_kr}", "kind"),
    # A band always has both limits (a kind without a band ignores them), so null means nothing here either.
    ("key-results/{my_kr}", "band_low"),
    ("key-results/{my_kr}", "band_high"),
]


@pytest.mark.parametrize(("path", "field"), NULLS_REFUSED)
def test_it_refuses_null_for_a_field_where_null_means_nothing(
    company: Any, okrs: dict[str, Any], path: str, field: str
) -> None:
    """Before, null refused some fields, ignored others (priority, status) and reset others (weight to 1)."""
    before = _stored()
    response = _send(
        company.mia, "patch", "/" + path.format(mine=okrs["mine"].pk, my_kr=okrs["my_kr"].pk), {field: None}
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [
        {"field": field, "message": "This field does not take null; leave it out instead."}
    ]
    assert _stored() == before


def test_it_takes_null_where_it_means_something(company: Any, okrs: dict[str, Any]) -> None:
    """A date null is the cycle's."""
    mine = okrs["mine"]
    Objective.objects.filter(pk=mine.pk).update(end_date=company.quarter.end.replace(day=1))
    response = _send(company.mia, "patch", f"/objectives/{mine.pk}", {"end_date": None})
    assert response.status_code == 200, response.content
    assert response.json()["end_date"] == company.quarter.end.isoformat()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", "1.23456"),  # five decimals: before, rounded to four without a word
        ("value", "100000000000"),  # twelve digits
        ("value", "1e3"),
        ("value", "1,000"),
        ("value", " 5"),
        ("value", "五"),
        ("value", 1e-05),  # a JSON number written in exponent notation
        ("value", 0.30000000000000004),
        ("value", True),
        ("value", [1]),
    ],
)
def test_it_refuses_a_decimal_outside_its_pattern_naming_the_field(
    company: Any, okrs: dict[str, Any], field: str, value: Any
) -> None:
    before = _stored()
    body = {"key_result": okrs["my_kr"].pk, "value": "1", "confidence": 80, field: value}
    response = _send(company.mia, "post", "/check-ins", body)
    assert response.status_code == 422, response.content
    assert [item["field"] for item in response.json()["detail"]] == [field]
    assert _stored() == before


def test_it_names_the_digits_a_decimal_may_have(company: Any, okrs: dict[str, Any]) -> None:
    response = _send(company.mia, "patch", f"/objectives/{okrs['mine'].pk}", {"weight": "1.255"})
    assert response.json()["detail"] == [
        {
            "field": "weight",
            "message": "Enter a number as a decimal string such as “12.5”, with at most 4 digits before the point "
            "and 2 after it.",
        }
    ]


@pytest.mark.parametrize("value", ["-12.5", "99999999999.9999", "0012.5000", 12.5, 3])
def test_it_accepts_a_decimal_string_and_still_a_json_number_within_the_pattern(
    company: Any, okrs: dict[str, Any], value: Any
) -> None:
    """A decimal string, as the document says; a JSON number written within the pattern, as before."""
    kr = okrs["my_kr"]
    body = {"key_result": kr.pk, "value": value, "confidence": 80, "confirm": True}  # far off its 0–4 range
    response = _send(company.mia, "post", "/check-ins", body)
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["value"]) == Decimal(str(value))
    assert re.fullmatch(DECIMAL_PATTERN, response.json()["value"])
    assert KeyResult.objects.get(pk=kr.pk).current_value == Decimal(str(value))


def test_it_answers_the_caller_at_me(company: Any) -> None:
    Person.objects.filter(pk=company.mia.pk).update(language="en")
    response = _send(company.mia, "get", "/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": company.mia.pk,
        "username": "mia",
        "full_name": "米娅",
        "email": company.mia.email,
        "role": "member",
        "department": company.sales.pk,
        "team": company.sales_team.pk,
        "manager": company.hank.pk,
        "language": "en",
        "organisation": {
            "id": company.org.pk,
            "name": company.org.name,
            "default_language": company.org.default_language,
        },
    }


def _published(c: Company) -> int:
    """A publication of the quarter, compiled as the worker would."""
    publication = publication_publish(actor=c.erin, cycle=c.quarter, message="为什么重要", anyway=True)
    publication_compile(publication.pk)
    return publication.pk


def test_no_two_schemas_share_a_name() -> None:
    """The OpenAPI document names each schema by its class: two classes of one name in two routers would answer
    with one of them and be documented as the other (the quarter's CalendarOut once hid the rhythm's)."""
    import importlib
    import pkgutil

    import ninja

    import qibu.api

    seen: dict[str, str] = {}
    clashes = []
    for module_info in pkgutil.iter_modules(qibu.api.__path__):
        module = importlib.import_module(f"qibu.api.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, ninja.Schema) and value.__module__ == module.__name__:
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert clashes == []
