"""A company's data is its own (issue 6, item 11): `manage.py export` writes everything of the company to one file
and `manage.py import` restores it into an empty database exactly, on either engine and across them; the same
export downloads from the settings; every refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import translation

from qibu.assess.models import KeyResultScore, SelfAssessment
from qibu.assess.selectors import assessment_page
from qibu.assess.services import assessment_save, assessment_submit
from qibu.audit.models import AuditEntry
from qibu.backup import exporting
from qibu.backup.format import ADDED_IN, LEFT_OUT, MANIFEST, MODELS, TABLES, VERSION, fields_markdown
from qibu.blockers.models import Blocker
from qibu.blockers.services import blocker_create, blocker_resolve
from qibu.celebrate.models import Celebration, CompanyValue, Incentive, Lesson, Recognition
from qibu.cycles.models import Cycle
from qibu.discuss.models import Comment, Mention
from qibu.discuss.services import comment_create, comment_hide, comment_update
from qibu.meetings.models import AgendaItem, Commitment, ConfidenceChange, WeekReport
from qibu.meetings.models import Meeting as WeeklyMeeting
from qibu.meetings.services import (
    commitment_add,
    meeting_close,
    meeting_confidence_set,
    meeting_create,
    meeting_start,
    week_report_save,
)
from qibu.notify.chat.services import chat_webhook_create
from qibu.notify.models import ChatMessage, ChatWebhook, Notification, NotificationSettings
from qibu.okrs.models import (
    Alignment,
    Approval,
    ApprovalAction,
    ApprovalDecision,
    CheckIn,
    Correction,
    CorrectionKind,
    DraftKeyResult,
    KeyResult,
    KeyResultKind,
    Level,
    Milestone,
    Objective,
)
from qibu.okrs.services import (
    checkin_record,
    correction_make,
    draft_key_result_create,
    key_result_create,
    objective_create,
    objective_return,
    objective_submit,
)
from qibu.oneonones.models import Meeting
from qibu.oneonones.services import meeting_hold, note_add, point_add, request_create, series_create
from qibu.org.models import ApiToken, Department, Organisation, Person, StrategicGoal
from qibu.org.selectors import organisation_get
from qibu.org.services import api_token_create, department_create, strategic_goal_create
from qibu.planning.models import Proposal, TakeUp
from qibu.planning.services import proposal_create, proposal_respond, take_up_add
from qibu.plans.models import ActionStep
from qibu.plans.services import step_create, step_set_status, step_split
from qibu.projects.models import Project, ProjectMember
from qibu.projects.services import (
    member_add,
    project_create,
    project_key_result_create,
    stage_add,
    stage_objective_create,
)
from qibu.publish.models import Entry, Publication
from qibu.publish.services import publication_compile, publication_publish
from qibu.reflect.models import ManagerAccount, Measure, Reflection, ReflectionKind, ReflectionState
from qibu.rhythm.models import CalendarToken, Schedule
from qibu.rhythm.services import ScheduleInput, absence_create, calendar_token_make, holiday_create, schedule_create
from qibu.standups.models import StandUp
from qibu.standups.services import ItemInput, entry_post
from qibu.updates.models import Decision as UpdateDecision
from qibu.updates.models import Stage as UpdateStage
from tests.conftest import Company, Okrs, present


class World(Okrs):
    """`okrs`, with every table filled, and the secret of mia's API token."""

    token_secret: str


class Server(TypedDict):
    host: str
    port: int
    user: str | None


ROOT = Path(__file__).resolve().parents[2]
# A time with microseconds, long before any test runs: an import that stamped `auto_now` fields would show.
PAST = dt.datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)


# --- the world: a row in every exported table ------------------------------------------------------------


@pytest.fixture
def world(company: Company, okrs: Okrs) -> World:
    c = company
    goal = strategic_goal_create(actor=c.alice, title="出海", description="东南亚市场")
    Objective.objects.filter(pk=okrs["company"].pk).update(strategic_goal=goal)
    # A key result drafted before its objective, under a strategic goal (export version 4, SET-9).
    draft_key_result_create(
        actor=c.erin,
        owner=c.erin,
        cycle=c.quarter,
        title="海外收入 500 万",
        target_value=Decimal("500.1234"),
        unit="万元",
        end_date=dt.date(2026, 12, 15),
        strategic_goal=goal,
    )
    draft_key_result_create(
        actor=c.mia,
        owner=c.mia,
        cycle=c.quarter,
        title="门店开业",
        kind=KeyResultKind.MILESTONES,
        milestones=["选址", "开业"],
    )
    DraftKeyResult.objects.update(created_at=PAST, updated_at=PAST)
    # A correction (EXE-11): hank revised mia's target, agreed by making it.
    correction_make(actor=c.hank, objective=okrs["mine"], key_result=okrs["my_kr"], kind=CorrectionKind.TARGET,
                    reason="市场比预期小", changes={"target_value": "3"})  # fmt: skip
    Correction.objects.update(created_at=PAST, agreed_at=PAST)
    east = department_create(actor=c.alice, name="华东销售", parent=c.sales)
    c.mia.department = east
    c.mia.save(update_fields=["department"])
    website = key_result_create(
        actor=c.mia,
        objective=okrs["mine"],
        title="上线新官网",
        kind=KeyResultKind.MILESTONES,
        milestones=[{"title": "设计", "weight": 1}, {"title": "开发", "weight": 2}],
    )
    design, _build = website.milestones.all()
    checkin_record(actor=c.mia, key_result=website, milestones_done=[design.pk], confidence=60, note="设计稿已定")
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=Decimal("1.2345"), confidence=70)
    checkin_record(
        actor=c.erin, key_result=okrs["revenue"], value=Decimal("99999999999.9999"), confidence=55, confirm=True
    )
    # UPD-5: hank may still update a closed cycle.
    c.org.late_updaters.add(c.hank)
    # REF-1 … REF-3: a department reflection with a measure, and the management's with hank's account.
    reflection = Reflection.objects.create(kind=ReflectionKind.DEPARTMENT, department=c.sales, cycle=c.quarter)
    Measure.objects.create(
        reflection=reflection, title="每周复盘丢单原因", owner=c.hank, due_date=dt.date(2027, 1, 15),
        key_result=okrs["department_kr"], created_by=c.hank,
    )  # fmt: skip
    management = Reflection.objects.create(
        kind=ReflectionKind.MANAGEMENT, cycle=c.quarter, state=ReflectionState.CLOSED, closed_at=PAST, closed_by=c.erin
    )
    ManagerAccount.objects.create(reflection=management, manager=c.hank, how_used="每周看信心", plan_next="更早预警")
    Reflection.objects.update(opened_at=PAST)
    Measure.objects.update(created_at=PAST)
    ManagerAccount.objects.update(updated_at=PAST)
    # CEL-1 … CEL-5: a company value, sales' celebration held, a recognition of mia, her incentive and a lesson.
    value = CompanyValue.objects.create(name="客户第一", description="先想客户", position=1)
    Celebration.objects.create(
        level="department", department=c.sales, cycle=c.quarter, at=PAST, state="held", forms=["drinks", "other"],
        form_other="包饺子", score="0.75", suggested_tier="rich", tier="standard", tier_reason="预算", notes="签下十家",
        planned_by=c.hank, held_at=PAST, created_at=PAST,
    )  # fmt: skip
    Recognition.objects.create(
        giver=c.hank, receiver=c.mia, key_result=okrs["my_kr"], value=value, message="谢谢", public=False,
        created_at=PAST,
    )  # fmt: skip
    Incentive.objects.create(
        person=c.mia, cycle=c.quarter, kind="financial", description="奖金", recorded_by=c.hank, created_at=PAST
    )
    Lesson.objects.create(cycle=c.quarter, department=c.sales, text="早点约客户", recorded_by=c.hank, created_at=PAST)
    token, secret = api_token_create(actor=c.mia, person=c.mia, name="脚本")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=PAST)
    Person.objects.filter(pk=c.mia.pk).update(last_login=PAST, date_joined=PAST)
    # Every auto_now / auto_now_add field, set to a time an import cannot have made.
    for n, pk in enumerate(Objective.objects.values_list("pk", flat=True)):
        at = PAST + dt.timedelta(days=n, microseconds=n)
        Objective.objects.filter(pk=pk).update(created_at=at, updated_at=at + dt.timedelta(seconds=1))
    KeyResult.objects.update(created_at=PAST)
    Alignment.objects.update(created_at=PAST)
    ApiToken.objects.update(created_at=PAST)
    AuditEntry.objects.filter(action="key_result.create").update(at=PAST)
    # The inbox and a person's choices (export version 2): a fall in confidence tells hank.
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=2, confidence=20, confidence_reason="客户流失")
    Notification.objects.update(created_at=PAST, read_at=PAST + dt.timedelta(microseconds=7))
    NotificationSettings.objects.create(
        person=c.hank, deliveries={"mention": "digest"}, quiet_from=dt.time(22, 30), quiet_until=dt.time(7)
    )
    # The departments' and teams' chat webhooks (export version 3): one signed, one disabled after failures.
    signed = chat_webhook_create(
        actor=c.alice,
        target=c.sales,
        name="销售部群",
        platform="dingtalk",
        url="https://oapi.dingtalk.com/r",
        secret="SEC1",
    )
    failing = chat_webhook_create(
        actor=c.alice, target=c.sales_team, name="华东组群", platform="slack", url="https://hooks.slack.com/x"
    )
    ChatWebhook.objects.filter(pk=signed.pk).update(created_at=PAST, last_sent_at=PAST)
    ChatWebhook.objects.filter(pk=failing.pk).update(
        created_at=PAST,
        enabled=False,
        consecutive_failures=5,
        last_error="HTTP 500",
        last_error_at=PAST,
        disabled_at=PAST,
    )
    # Comments and their mentions (export version 3): one on a check-in, edited, and hidden by alice.
    checkin = CheckIn.objects.filter(key_result=okrs["my_kr"]).latest("pk")
    comment = comment_create(actor=c.hank, objective=okrs["mine"], text="@米娅 怎么回事", check_in=checkin).comment
    comment_update(actor=c.hank, comment=comment, text="@米娅 @erin 怎么回事？")
    comment_hide(actor=c.alice, comment=comment, hidden=True)
    Comment.objects.update(created_at=PAST)
    # The rhythm (export version 3): a team's stand-up and a person's calendar address.
    schedule_create(
        actor=c.hank,
        data=ScheduleInput(kind="stand_up", team_id=c.sales_team.pk, recurrence="workdays", time="09:30"),
    )
    Schedule.objects.update(created_at=PAST, updated_at=PAST + dt.timedelta(microseconds=3))
    calendar_token_make(actor=c.mia, person=c.mia)
    CalendarToken.objects.update(created_at=PAST, last_used_at=PAST)
    # The approval of objectives (export version 4, SET-1, SET-2): mia's next objective submitted, returned by hank.
    Organisation.objects.filter(pk=c.org.pk).update(approval_required=True)
    draft = objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="待审批的目标")
    objective_submit(actor=c.mia, objective=draft, comment="请看看")
    objective_return(actor=c.hank, objective=draft, comment="目标值再具体一些")
    ApprovalDecision.objects.update(created_at=PAST)
    Objective.objects.filter(pk=draft.pk).update(created_at=PAST, updated_at=PAST, submitted_at=PAST)
    # The set step's planning (export version 4): the department's draft returned with a comment, mia's proposal
    # on its key result taken up, and the company's draft that took the department's up (SET-1, SET-2).
    Objective.objects.filter(pk__in=[okrs["department"].pk, okrs["company"].pk]).update(approval=Approval.DRAFT)
    department = Objective.objects.get(pk=okrs["department"].pk)
    ApprovalDecision.objects.create(objective=department, actor=c.erin, action=ApprovalAction.RETURN, comment="再聚焦")
    ApprovalDecision.objects.update(created_at=PAST)
    proposal = proposal_create(
        actor=c.mia, objective=department, text="多做老客户", kind="objection", key_result=okrs["department_kr"]
    )
    proposal_respond(actor=c.hank, proposal=proposal, status="taken_up", note="好主意")
    company_draft = Objective.objects.get(pk=okrs["company"].pk)
    take_up_add(actor=c.erin, objective=company_draft, source_objective=department, note="参考销售部")
    Proposal.objects.update(created_at=PAST, edited_at=PAST, responded_at=PAST)
    TakeUp.objects.update(created_at=PAST)
    # A publication and its frozen entries (export version 3).
    publication_compile(publication_publish(actor=c.erin, cycle=c.quarter, message="为什么重要", anyway=True).pk)
    # Action steps and the people who help with them (export version 4): one with every field, split, one done.
    step = step_create(
        actor=c.hank, key_result=okrs["department_kr"], title="华东巡回路演", description="五个城市", owner=c.mia,
        responsible=c.hank, decider=c.erin, resource_people=[c.oscar, c.alice], budget="12000.55", currency="USD",
        resources_note="展台", start=dt.date(2026, 10, 3), deadline=dt.date(2026, 11, 27), priority=0,
    ).step  # fmt: skip
    part = step_split(actor=c.hank, step=step, second_budget="0.05").other
    step_set_status(actor=c.mia, step=part, status="done")
    ActionStep.objects.update(created_at=PAST, updated_at=PAST + dt.timedelta(microseconds=9))
    ActionStep.objects.filter(pk=part.pk).update(done_at=PAST + dt.timedelta(microseconds=11))
    # A blocker with every field, escalated and resolved, and the people it concerns (EXE-2).
    blocker = blocker_create(
        actor=c.mia, title="法务审合同", description="卡了三天", owner=c.hank, concerned=[c.oscar, c.erin],
        team=c.sales_team, key_result=okrs["department_kr"], action_step=step, source="stand_up", source_id=7, now=PAST,
    )  # fmt: skip
    blocker_resolve(actor=c.hank, blocker=blocker, resolution="法务签了", now=PAST + dt.timedelta(days=3))
    Blocker.objects.update(
        tier="department", escalated_at=PAST + dt.timedelta(days=2), updated_at=PAST + dt.timedelta(microseconds=13)
    )
    # mia's self-assessment, submitted, its score with every text (SELF-1, MEAS-7).
    entry = {"score": "0.3", "score_reason": "晚开始", "worked": "拜访", "root_cause": "线索少", "change": "参展"}
    assessment_save(actor=c.mia, person=c.mia, cycle=c.quarter, entries={okrs["my_kr"].pk: entry})
    others = {r.key_result_id: {"root_cause": "晚"} for r in assessment_page(person=c.mia, cycle=c.quarter).rows}
    others.pop(okrs["my_kr"].pk)
    assessment_submit(actor=c.mia, person=c.mia, cycle=c.quarter, entries=others)
    SelfAssessment.objects.update(created_at=PAST, updated_at=PAST + dt.timedelta(microseconds=3))
    KeyResultScore.objects.update(start_confidence=70)
    # A holiday, an absence and a stand-up with mia's entry: lines linked to her key result and step, a blocker.
    holiday_create(actor=None, day=dt.date(2026, 10, 1), name="国庆节")
    absence_create(actor=None, person=c.mia, start=dt.date(2026, 10, 8), end=dt.date(2026, 10, 9), note="年假")
    stand_up = StandUp.objects.create(team=c.sales_team, day=dt.date(2026, 10, 12), starts_at=PAST + dt.timedelta(hours=1),
                                      speaker_order=[c.mia.pk, c.hank.pk], live_version=2, created_at=PAST)  # fmt: skip
    entry_post(actor=c.mia, stand_up=stand_up, now=PAST, items=[
        ItemInput(section="yesterday", text="拜访两家客户", link=f"kr:{okrs['my_kr'].pk}"),
        ItemInput(section="today", text="路演准备", link=f"step:{step.pk}"),
        ItemInput(section="blocker", text="等审批", owner=c.hank.pk),
    ])  # fmt: skip
    # A project with its members, a stage, the stage's objective and a key result its members carry (version 4).
    project = project_create(
        actor=c.erin, name="新品上市", lead=c.hank, start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31), vision="愿景"
    )
    member_add(actor=c.hank, project=project, person=c.oscar, role="市场", note="负责发布会")
    stage = stage_add(actor=c.hank, project=project, name="设计", start=project.start, end=project.end)
    objective = stage_objective_create(
        actor=c.hank, stage=stage, title="完成设计", owner=c.oscar, parent_objective_ids=[okrs["department"].pk]
    )
    project_key_result_create(
        actor=c.hank, objective=objective, carriers=[c.hank, c.oscar], title="测试", start_value=0, target_value=3
    )
    Project.objects.update(created_at=PAST, updated_at=PAST + dt.timedelta(microseconds=5))
    ProjectMember.objects.update(created_at=PAST)
    # A weekly meeting with its agenda, a confidence set in it, a commitment and a person's week (version 4).
    meeting = meeting_create(actor=c.hank, kind="department", department=c.sales, date=dt.date(2026, 11, 10))
    week_report_save(actor=c.mia, meeting=meeting, person=c.mia, progress="签下两家", plans="拜访", problems="预算")
    step_set_status(actor=c.mia, step=step, status="blocked")
    meeting_start(actor=c.hank, meeting=meeting)
    meeting_confidence_set(
        actor=c.hank,
        meeting=meeting,
        key_result=okrs["department_kr"],
        confidence=10,
        reason="流失",
        what_changed="预算",
    )
    commitment_add(actor=c.hank, meeting=meeting, text="拜访三家", owner=c.mia, due=dt.date(2026, 11, 13),
                   key_result=okrs["department_kr"])  # fmt: skip
    AgendaItem.objects.filter(meeting=meeting).update(reached=True, reached_at=PAST)
    meeting_close(actor=c.hank, meeting=meeting)
    # Its minutes posted to the sales chat and the fall's notice are messages on their way, not exported.
    ChatMessage.objects.all().delete()
    WeeklyMeeting.objects.update(created_at=PAST, updated_at=PAST, checkin_report_sent_at=PAST)
    WeekReport.objects.update(updated_at=PAST)
    ConfidenceChange.objects.update(created_at=PAST)
    Commitment.objects.update(created_at=PAST, done_at=PAST)
    # A 1-on-1 series (EXE-9, EXE-10): a meeting held with a point carried to the next, a private note, a request.
    series = series_create(actor=c.hank, manager=c.hank, report=c.mia, time="10:00", now=PAST)
    first = Meeting.objects.get(series=series)
    point_add(actor=c.mia, meeting=first, text="培训预算")
    note_add(actor=c.hank, meeting=first, text="私人笔记", visibility="private")
    request_create(actor=c.mia, series=series, meeting=first, text="需要样机", now=PAST)
    meeting_hold(actor=c.hank, meeting=first, now=PAST + dt.timedelta(days=1))
    # An update's decision with every field, and the company's update closed (UPD-1 … UPD-5, version 4).
    UpdateDecision.objects.create(
        cycle=c.quarter, next_cycle=c.quarter, objective=okrs["department"], carried=okrs["mine"],
        level="department", department=c.sales, title="销售部目标", outcome="partly", action="modify",
        justification="可行", key_results={str(okrs["department_kr"].pk): {"action": "keep"}}, decided_by=c.hank,
        late=True, approved_by=c.erin, approved_at=PAST,
    )  # fmt: skip
    UpdateStage.objects.create(cycle=c.quarter, department=c.sales, closed_by=c.hank, late=True)
    _workshop(c, okrs)
    return {**okrs, "token_secret": secret}


def _workshop(c: Company, okrs: Okrs) -> None:
    """A co-creation workshop with a row in each of its tables, its group's spotlight on a note and a column
    (they point forward in the file's order), its plenary column the company objective it became (version 5)."""
    from qibu.workshop import models as ws

    workshop = ws.Workshop.objects.create(
        cycle=c.year, topic="年度目标", scheduled_for=PAST, place="会议室", moderator=c.erin, observer=c.erin,
        state="decided", decision_statement="就这么定", created_by=c.erin, created_at=PAST, started_at=PAST,
        plenary_at=PAST, decided_at=PAST,
    )  # fmt: skip
    group = ws.Group.objects.create(workshop=workshop, number=1, leader=c.hank, phase="presented", revealed_at=PAST)
    ws.Participant.objects.create(workshop=workshop, person=c.hank, group=group, done_at=PAST, invited_at=PAST)
    column = ws.Column.objects.create(
        group=group, title="客户", position=1, objective="让客户离不开我们", rank=1, chosen=True,
        result=okrs["company"],
    )  # fmt: skip
    note = ws.Note.objects.create(
        group=group, author=c.hank, text="提升老客户复购率到三成", is_pick=True, clarification="华东", column=column,
        position=1, source=column, created_at=PAST, shown_at=PAST,
    )  # fmt: skip
    ws.Group.objects.filter(pk=group.pk).update(spotlight_note=note, spotlight_column=column, presented_at=PAST)
    vote = ws.Vote.objects.create(group=group, question="放哪?", note=note, budget=3, state="closed", opened_by=c.hank,
                                  opened_at=PAST, closed_at=PAST)  # fmt: skip
    option = ws.VoteOption.objects.create(vote=vote, label="客户", column=column, position=1)
    ws.Vote.objects.filter(pk=vote.pk).update(winner=option)
    ws.Ballot.objects.create(vote=vote, voter=c.hank, option=option, points=2)
    ws.VoteReason.objects.create(vote=vote, voter=c.hank, text="客户最重要", at=PAST)
    ws.GroupingProposal.objects.create(
        group=group, proposal=[{"column": None, "title": "客户", "keywords": ["客户"], "notes": [note.pk]}],
        previous={"columns": [], "notes": {}, "created": [column.pk]}, made_by=c.hank, made_at=PAST,
        accepted_at=PAST,
    )  # fmt: skip
    ws.Event.objects.create(workshop=workshop, group=group, kind="note.write", actor=c.hank, data={"note": note.pk},
                            at=PAST)  # fmt: skip


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every exported table, as the product reads it."""
    return {table.label: list(table.model._base_manager.order_by("pk").values_list(*table.names)) for table in TABLES}


def _wipe() -> None:
    """Empty every exported table (foreign keys are checked at commit, so any order)."""
    with connection.cursor() as cursor:
        for table in reversed(TABLES):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.db_table)}")  # noqa: S608


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _file_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    with zipfile.ZipFile(path) as archive:
        return {t.label: [json.loads(line) for line in archive.read(t.file).decode().splitlines()] for t in TABLES}


@pytest.mark.django_db
def test_the_world_fills_every_exported_table(world: World) -> None:
    assert all(_rows().values()), {label: len(rows) for label, rows in _rows().items()}


# --- round trip on the suite's engine --------------------------------------------------------------------


@pytest.mark.django_db
def test_it_restores_every_row_of_every_table_exactly(world: World, tmp_path: Path) -> None:
    before = _rows()
    path = tmp_path / "qibu.zip"

    out, _err = _run("export", str(path))
    assert "keep it like a password" in out
    _wipe()
    assert not any(_rows().values())
    out, _err = _run("import", str(path))

    assert f"Imported {sum(map(len, before.values()))} rows of {len(TABLES)} tables" in out
    after = _rows()
    for label in before:
        assert after[label] == before[label], label
    # The search keys, left out of the file, are computed again (mia's name 米娅 is found by its pinyin).
    assert "miya" in Person.objects.get(username="mia").search_key
    # Self-references, the department ↔ head cycle, timestamps to the microsecond, decimals, JSON.
    mia = Person.objects.get(username="mia")
    assert mia.department is not None
    assert mia.department.parent is not None
    assert mia.manager is not None
    assert (mia.manager.username, mia.department.parent.name, mia.last_login) == ("hank", "销售部", PAST)
    assert present(Department.objects.get(name="销售部").head).username == "hank"
    assert Cycle.objects.filter(parent__isnull=False).exists()
    assert present(Objective.objects.order_by("pk").first()).created_at == PAST
    assert CheckIn.objects.filter(value=Decimal("99999999999.9999")).exists()
    assert CheckIn.objects.exclude(milestones_done=[]).get().milestones_done == [present(Milestone.objects.first()).pk]


@pytest.mark.django_db
def test_new_rows_get_fresh_ids_after_an_import(world: World, tmp_path: Path) -> None:
    path = tmp_path / "qibu.zip"
    _run("export", str(path))
    highest = {model: model._base_manager.order_by("-pk").values_list("pk", flat=True)[0] for model in MODELS}
    _wipe()
    _run("import", str(path))

    goal = strategic_goal_create(actor=None, title="新目标")
    checkin = checkin_record(
        actor=Person.objects.get(username="mia"), key_result=world["my_kr"], value=2, confidence=70
    )
    assert goal.pk > highest[StrategicGoal]
    assert checkin.pk > highest[CheckIn]
    assert present(AuditEntry.objects.order_by("-pk").first()).pk > highest[AuditEntry]


@pytest.mark.django_db
def test_the_file_is_the_documented_one(world: World, tmp_path: Path) -> None:
    path = tmp_path / "qibu.zip"
    _run("export", str(path))

    assert path.stat().st_mode & 0o077 == 0, "password hashes: readable by its owner only"
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        assert "keep it like a password" in archive.read("README.txt").decode()
    assert (manifest["format"], manifest["version"], manifest["database"]) == (
        "qibu-export",
        VERSION,
        connection.vendor,
    )
    assert [t["table"] for t in manifest["tables"]] == [t.label for t in TABLES]
    rows = _file_rows(path)
    assert {t["table"]: t["rows"] for t in manifest["tables"]} == {label: len(r) for label, r in rows.items()}
    mia = next(p for p in rows["org.person"] if p["username"] == "mia")
    assert mia["password"].startswith("md5$"), "the hash, so that people sign in after a restore"
    assert mia["last_login"] == "2025-03-04T05:06:07.891011+00:00"
    assert {r["value"] for r in rows["okrs.checkin"]} >= {"1.2345", "99999999999.9999"}
    assert len(rows["org.apitoken"][0]["key_hash"]) == 64
    assert world["token_secret"] not in json.dumps(rows, ensure_ascii=False), "the token's hash, never its secret"
    assert not any("jobs" in t["table"] for t in manifest["tables"])


@pytest.mark.django_db
def test_it_accepts_the_blank_organisation_a_first_page_view_creates(world: World, tmp_path: Path) -> None:
    path = tmp_path / "qibu.zip"
    _run("export", str(path))
    before = _rows()
    _wipe()
    organisation_get()  # what any request to a new installation does

    _run("import", str(path))
    assert _rows() == before


# --- across engines ---------------------------------------------------------------------------------------


class OtherDatabase:
    """A database of the test's own, for manage.py run in a subprocess: SQLite (a file) or PostgreSQL."""

    def __init__(self, vendor: str, tmp_path: Path, server_url: str) -> None:
        self.vendor = vendor
        if vendor == "sqlite":
            self.path = tmp_path / f"{uuid.uuid4().hex[:8]}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            return
        server = urlsplit(server_url)
        self.server: Server = {
            "host": server.hostname or "127.0.0.1",
            "port": server.port or 5432,
            "user": server.username,
        }
        # Named after the suite's own database, so that runs of several suites on one server do not collide.
        self.name = f"{server.path.lstrip('/') or 'qibu'}_export_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **self.server) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        self.url = f"postgres://{self.server['user']}@{self.server['host']}:{self.server['port']}/{self.name}"

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DATABASE_URL": self.url, "QIBU_TESTING": "1", "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    def value(self, sql: str) -> Any:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as conn:
                return conn.execute(sql).fetchone()[0]
        with psycopg.connect(dbname=self.name, autocommit=True, **self.server) as conn:
            row = conn.execute(sql).fetchone()
            return row[0] if row else None

    def drop(self) -> None:
        if self.vendor == "postgresql":
            with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.name])
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


def _postgres_server() -> str:
    """The server the suite runs on, or (on SQLite) the one `make test` runs the PostgreSQL suite on."""
    if connection.vendor == "postgresql":
        return os.environ["DATABASE_URL"]
    url = os.environ.get("DATABASE_URL_PG", "postgres://postgres@127.0.0.1:5432/qibu")
    server = urlsplit(url)
    try:
        psycopg.connect(
            dbname="postgres", host=server.hostname, port=server.port, user=server.username, connect_timeout=3
        ).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {server.hostname}:{server.port} for the round trip across engines: {exc}")
    return url


@pytest.fixture
def databases_of_both_engines(tmp_path: Path) -> Iterator[tuple[OtherDatabase, OtherDatabase]]:
    """(a database of the other engine, a fresh one of the suite's engine)."""
    here = connection.vendor
    other = "sqlite" if here == "postgresql" else "postgresql"
    server = _postgres_server()
    created: list[OtherDatabase] = []
    try:
        created.append(OtherDatabase(other, tmp_path, server))
        created.append(OtherDatabase(here, tmp_path, server))
        yield created[0], created[1]
    finally:
        for db in created:
            db.drop()


def _import_and_export_again(db: OtherDatabase, source: Path, target: Path) -> None:
    for args in (("migrate", "-v", "0"), ("import", str(source)), ("export", str(target))):
        done = db.manage(*args)
        assert done.returncode == 0, f"{args} on {db.vendor}: {done.stderr}"


@pytest.mark.django_db
def test_it_moves_a_company_to_the_other_engine_and_back(
    world: World, tmp_path: Path, databases_of_both_engines: tuple[OtherDatabase, OtherDatabase]
) -> None:
    other, back_home = databases_of_both_engines
    first, there, back = tmp_path / "first.zip", tmp_path / "there.zip", tmp_path / "back.zip"
    _run("export", str(first))

    _import_and_export_again(other, first, there)
    _import_and_export_again(back_home, there, back)

    # Every row of every table, value for value (PostgreSQL keeps a JSON object's keys in its own order, which
    # json.loads forgives).
    expected = _file_rows(first)
    assert _file_rows(there) == expected
    assert _file_rows(back) == expected
    # Read by the other engine itself: the microseconds, the decimal, the JSON and the sequences are its own.
    stamp = other.value("SELECT updated_at FROM okrs_objective ORDER BY id LIMIT 1")
    if other.vendor == "sqlite":
        assert stamp == "2025-03-04 05:06:08.891011"
    else:
        assert stamp == PAST + dt.timedelta(seconds=1)
    assert Decimal(str(other.value("SELECT max(value) FROM okrs_checkin"))) == Decimal("99999999999.9999")
    done = other.manage(
        "shell", "-c", "from qibu.org.models import StrategicGoal as G; print(G.objects.create(title='x').pk)"
    )
    assert int(done.stdout.split()[-1]) > max(g["id"] for g in expected["org.strategicgoal"]), done.stderr


SNAPSHOT_SCRIPT = """
import io, json, sqlite3, zipfile
import psycopg
from django.db import connection
from qibu.backup import exporting
from qibu.org.models import Department, StrategicGoal

for n in range(3):
    StrategicGoal.objects.create(title=f"goal {n}")
Department.objects.create(name="before")
exporting.BATCH = 1
pipe = exporting._Pipe()
export = exporting.write_export(pipe, exporting.ExportSummary())
next(export)  # the first strategic goal is read: the snapshot has begun

# Another connection writes meanwhile, to a table already read and to one not read yet: it is not held up.
sql = ("INSERT INTO org_strategicgoal (title, description, position) VALUES ('late', '', 0)",
       "INSERT INTO org_department (name, path, position) VALUES ('late', '/', 0)")
settings = connection.settings_dict
if connection.vendor == "sqlite":
    with sqlite3.connect(settings["NAME"], timeout=2) as other:
        for statement in sql:
            other.execute(statement)
else:
    with psycopg.connect(dbname=settings["NAME"], host=settings["HOST"], port=settings["PORT"],
                         user=settings["USER"], autocommit=True, connect_timeout=5) as other:
        other.execute("SET statement_timeout = 2000")
        for statement in sql:
            other.execute(statement)
data = b""
for _batch in export:
    data += pipe.take()
data += pipe.take()
written = StrategicGoal.objects.filter(title="late").exists()  # once the export's snapshot is over
with zipfile.ZipFile(io.BytesIO(data)) as archive:
    goals = [json.loads(l)["title"] for l in archive.read("tables/org.strategicgoal.jsonl").splitlines()]
    departments = [json.loads(l)["name"] for l in archive.read("tables/org.department.jsonl").splitlines()]
print(json.dumps({"written": written, "goals": goals, "departments": departments}))
"""


@pytest.mark.django_db
def test_the_export_is_one_moment_and_holds_no_writer_up(tmp_path: Path) -> None:
    """Read as of one moment (a department added while the goals were being read is not in it), while the
    people using Qibu go on writing (on SQLite too, where a write transaction would lock them out)."""
    db = OtherDatabase(connection.vendor, tmp_path, _postgres_server())
    try:
        assert db.manage("migrate", "-v", "0").returncode == 0
        done = db.manage("shell", "-v", "0", "-c", SNAPSHOT_SCRIPT)
    finally:
        db.drop()
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"written": True, "goals": ["goal 0", "goal 1", "goal 2"], "departments": ["before"]}


# --- refusals: each with its message, none writing anything ---------------------------------------------------


@pytest.fixture
def export_file(world: World, tmp_path: Path) -> Path:
    """An export of the world, with the database emptied afterwards."""
    path = tmp_path / "qibu.zip"
    _run("export", str(path))
    _wipe()
    return path


def _rewrite(
    path: Path, target: Path, *, manifest: dict[str, Any] | None = None, members: Mapping[str, bytes] | None = None
) -> Path:
    members = members or {}
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == MANIFEST and manifest is not None:
                data = json.dumps({**json.loads(data), **manifest}).encode()
            out.writestr(item.filename, members.get(item.filename, data))
    return target


def _refused(path: Path) -> str:
    with pytest.raises(CommandError) as refusal:
        _run("import", str(path))
    return str(refusal.value)


@pytest.mark.django_db
def test_it_refuses_a_database_that_is_not_empty_and_changes_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "qibu.zip"
    _run("export", str(path))
    before = _rows()

    message = _refused(path)

    assert "The database is not empty (org.organisation (1), org.strategicgoal (1)" in message
    assert "Nothing was imported." in message
    assert _rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["text", "zip without manifest", "other manifest", "not json"])
def test_it_refuses_a_file_that_is_not_an_export_and_writes_nothing(
    export_file: Path, tmp_path: Path, kind: str
) -> None:
    if kind == "text":
        path = tmp_path / "people.csv"
        path.write_text("username,full_name\nzhang,张伟\n")
    elif kind == "zip without manifest":
        path = tmp_path / "photos.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("photo.txt", "not an export")
    elif kind == "other manifest":
        path = _rewrite(export_file, tmp_path / "other.zip", manifest={"format": "something-else"})
    else:
        path = _rewrite(export_file, tmp_path / "broken.zip", members={MANIFEST: b"{not json"})

    assert _refused(path) == f"{path} is not a Qibu export."
    assert not any(_rows().values())


@pytest.mark.django_db
def test_it_refuses_a_file_from_a_newer_export_version_and_writes_nothing(export_file: Path, tmp_path: Path) -> None:
    newer = _rewrite(export_file, tmp_path / "newer.zip", manifest={"version": VERSION + 1})

    message = _refused(newer)

    assert message == (
        f"{newer} was written by a newer Qibu (export version {VERSION + 1}); this Qibu reads export versions up to "
        f"{VERSION}. Upgrade Qibu, then import it. Nothing was imported."
    )
    assert not any(_rows().values())


def _older(export_file: Path, path: Path, version: int) -> Path:
    """The export as a file of `version` would be: without the tables added since."""
    with zipfile.ZipFile(export_file) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    added = {label for label, since in ADDED_IN.items() if since > version}
    tables = [t for t in manifest["tables"] if t["table"] not in added]
    older = path
    with zipfile.ZipFile(export_file) as source, zipfile.ZipFile(older, "w") as out:
        for item in source.infolist():
            if item.filename in {f"tables/{label}.jsonl" for label in added}:
                continue
            data = source.read(item)
            if item.filename == MANIFEST:
                data = json.dumps({**manifest, "version": version, "tables": tables}).encode()
            out.writestr(item.filename, data)
    return older


@pytest.mark.django_db
def test_it_imports_a_version_1_file_which_has_no_inbox(export_file: Path, tmp_path: Path) -> None:
    """Version 2 added the inbox and the notification choices; a file written before imports with them empty."""
    _run("import", str(_older(export_file, tmp_path / "v1.zip", 1)))

    assert Person.objects.filter(username="mia").exists()
    assert not Notification.objects.exists() and not NotificationSettings.objects.exists()
    assert not Publication.objects.exists() and not Entry.objects.exists()
    assert not Schedule.objects.exists() and not CalendarToken.objects.exists()


@pytest.mark.django_db
def test_it_imports_a_version_2_file_which_has_no_chat_webhooks(export_file: Path, tmp_path: Path) -> None:
    """Version 3 added the departments' and teams' chat webhooks; a version 2 file imports without any."""
    _run("import", str(_older(export_file, tmp_path / "v2.zip", 2)))

    assert Notification.objects.exists()
    assert not ChatWebhook.objects.exists()


def test_it_imports_a_version_2_file_which_has_no_comments(export_file: Path, tmp_path: Path) -> None:
    """Version 3 added comments and their mentions; a file written before imports with them empty."""
    _run("import", str(_older(export_file, tmp_path / "v2.zip", 2)))

    assert Notification.objects.exists()
    assert not Comment.objects.exists() and not Mention.objects.exists()


@pytest.mark.django_db
def test_it_refuses_in_the_users_language(export_file: Path, tmp_path: Path) -> None:
    newer = _rewrite(export_file, tmp_path / "newer.zip", manifest={"version": VERSION + 1})
    with translation.override("zh-hans"):
        message = _refused(newer)
    assert "更新的" in message and "什么也没有导入" in message, message


def test_the_command_exits_non_zero_with_the_message_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("username\n")
    env = {**os.environ, "QIBU_TESTING": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "manage.py", "import", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    # The product's language (LANGUAGE_CODE) on the command line, as the other commands speak.
    assert f"{path} 不是七步的导出文件。" in done.stderr, done.stderr


@pytest.mark.django_db
def test_a_row_that_breaks_late_in_the_file_leaves_nothing_written(export_file: Path, tmp_path: Path) -> None:
    """The history table comes last: every table before it was inserted, then all of it is rolled back."""
    with zipfile.ZipFile(export_file) as archive:
        lines = archive.read("tables/audit.auditentry.jsonl").decode().splitlines()
    last = json.loads(lines[-1]) | {"at": "yesterday"}
    broken = _rewrite(
        export_file,
        tmp_path / "broken.zip",
        members={"tables/audit.auditentry.jsonl": ("\n".join([*lines[:-1], json.dumps(last)]) + "\n").encode()},
    )

    message = _refused(broken)

    assert f"table audit.auditentry, row {len(lines)}: at: expected a time with its offset from UTC" in message
    assert not any(_rows().values())


@pytest.mark.django_db
def test_a_reference_to_a_missing_row_leaves_nothing_written(export_file: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(export_file) as archive:
        people = [json.loads(line) for line in archive.read("tables/org.person.jsonl").decode().splitlines()]
    people[-1]["manager_id"] = 999_999
    broken = _rewrite(
        export_file,
        tmp_path / "broken.zip",
        members={"tables/org.person.jsonl": "".join(json.dumps(p) + "\n" for p in people).encode()},
    )

    message = _refused(broken)

    assert "The file's rows do not hold together" in message
    assert not any(_rows().values())


@pytest.mark.django_db
def test_a_truncated_table_is_refused(export_file: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(export_file) as archive:
        lines = archive.read("tables/okrs.checkin.jsonl").decode().splitlines(keepends=True)
    short = _rewrite(
        export_file, tmp_path / "short.zip", members={"tables/okrs.checkin.jsonl": "".join(lines[1:]).encode()}
    )

    message = _refused(short)

    assert f"table okrs.checkin has {len(lines) - 1} rows where the export wrote {len(lines)}" in message
    assert not any(_rows().values())


# --- the download from the settings --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_administrator_downloads_the_same_export_and_it_restores(
    world: World, company: Company, tmp_path: Path
) -> None:
    client = Client()
    client.force_login(company.alice)
    page = client.get("/settings/export/")
    assert page.status_code == 200
    assert b'action="/settings/export/download/"' in page.content

    response = client.post("/settings/export/download/")

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="qibu-export-')
    assert response["Cache-Control"] == "private, no-store"
    path = tmp_path / "download.zip"
    assert isinstance(response, StreamingHttpResponse)
    path.write_bytes(response.getvalue())
    entry = AuditEntry.objects.get(action="organisation.export_download")
    assert (entry.actor, entry.subject_type) == (company.alice, "org.organisation")
    before = _rows()
    assert [e["id"] for e in _file_rows(path)["audit.auditentry"]][-1] == entry.pk, "the download is in its export"
    _wipe()
    _run("import", str(path))
    assert _rows() == before


@pytest.mark.django_db
def test_the_download_streams_in_pieces_and_never_holds_the_whole_file(
    world: World, company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    kr = world["my_kr"]
    CheckIn.objects.bulk_create(
        CheckIn(key_result=kr, author=company.mia, created_at=PAST, confidence=50, note=uuid.uuid4().hex * 4)
        for _n in range(6000)
    )
    monkeypatch.setattr(exporting, "BATCH", 500)

    pieces = list(exporting.export_stream())

    whole = b"".join(pieces)
    assert len(pieces) >= 10, "sent while it is written"
    assert max(map(len, pieces)) < len(whole) / 5
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        assert archive.testzip() is None
        assert len(archive.read("tables/okrs.checkin.jsonl").splitlines()) == CheckIn.objects.count()


# --- the format is documented and covers every model ---------------------------------------------------------


def test_every_model_of_qibu_is_exported_or_left_out_for_a_reason() -> None:
    qibu_models = {
        model._meta.label_lower
        for config in apps.get_app_configs()
        if config.name.startswith("qibu.")
        for model in config.get_models(include_auto_created=True)
    }
    exported = {model._meta.label_lower for model in MODELS}
    assert qibu_models - exported - set(LEFT_OUT) == set(), "add it to MODELS (and bump VERSION) or to LEFT_OUT"
    assert exported | set(LEFT_OUT) <= qibu_models


def test_the_documentation_lists_every_table_and_field_and_what_is_left_out() -> None:
    docs = (ROOT / "docs" / "EXPORT.md").read_text()
    with translation.override("en"):
        assert fields_markdown() in docs, "docs/EXPORT.md is behind the export: paste format.fields_markdown()"
    assert f"Export version: **{VERSION}**" in docs
    for label in LEFT_OUT:
        assert f"`{label}`" in docs


def test_the_export_page_names_every_table_in_words() -> None:
    """Each table the file holds has a name for people on the export page, in both languages; a new app's table
    cannot appear as its code ("projects.project")."""
    from qibu.backup.selectors import LABELS

    assert {table.label for table in TABLES} <= set(LABELS)
    with translation.override("zh-hans"):
        assert all(not str(LABELS[table.label]).isascii() for table in TABLES if table.label != "org.apitoken")
