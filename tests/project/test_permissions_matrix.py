"""The permission table: every page and API call for every persona (PUB-2 transparency, with limits).

Personas: admin (alice), executive (erin), head of sales (hank), member of sales reporting to hank (mia),
member of marketing (oscar), anonymous. Each row names a request and the answer each persona gets:
"ok" (2xx, or a redirect that is not to the sign-in page), 403, 404, or "login" (anonymous: pages redirect
to sign in, the API answers 401). Every refusal is checked to have left the data exactly as it was; every
allowed write to have changed it (at least its history), every allowed read to have changed nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from qibu.assess.models import KeyResultScore, SelfAssessment
from qibu.assess.selectors import assessment_page
from qibu.assess.services import assessment_save, assessment_submit
from qibu.audit.models import AuditEntry
from qibu.blockers.models import Blocker
from qibu.blockers.services import blocker_create, blocker_resolve
from qibu.celebrate.models import Celebration, CompanyValue, Incentive, Lesson, Recognition
from qibu.celebrate.services import celebration_plan, incentive_record, recognition_give
from qibu.cycles.models import Cycle
from qibu.cycles.services import cycles_generate_year
from qibu.discuss.models import Comment, Mention
from qibu.discuss.services import comment_create
from qibu.meetings.models import AgendaItem, Commitment, WeekReport
from qibu.meetings.models import Meeting as WeeklyMeeting
from qibu.meetings.services import meeting_create
from qibu.notify.chat.services import chat_webhook_create
from qibu.notify.inbox import notify
from qibu.notify.models import (
    ChatMessage,
    ChatWebhook,
    MailStatus,
    Notification,
    NotificationKind,
    NotificationSettings,
    OutboxMail,
)
from qibu.notify.services import mail_queue
from qibu.okrs.models import Alignment, CheckIn, Correction, KeyResult, Level, Objective, Visibility
from qibu.okrs.services import key_result_create, objective_create
from qibu.oneonones.models import Meeting, Series, SupportRequest, TalkingPoint
from qibu.oneonones.models import Note as OneOnOneNote
from qibu.oneonones.services import note_add, point_add, request_create, series_create
from qibu.org.models import Organisation, Person, StrategicGoal
from qibu.org.passwords import link_for
from qibu.org.services import api_token_create
from qibu.publish.models import Publication, State
from qibu.publish.services import publication_compile, publication_publish
from qibu.reflect.models import ManagerAccount, Reflection
from qibu.reflect.models import Measure as ReflectMeasure
from qibu.reflect.services import measure_create, reflection_close, reflection_open
from qibu.rhythm.models import Absence, CalendarToken, Holiday, Schedule
from qibu.rhythm.services import ScheduleInput, calendar_token_make, calendar_token_revoke, schedule_create
from qibu.standups.models import Entry, EntryItem, StandUp
from qibu.updates.models import Decision, Stage
from qibu.workshop.models import Group as WorkshopGroup
from qibu.workshop.models import Note as WorkshopNote
from qibu.workshop.models import Participant as WorkshopParticipant
from qibu.workshop.models import Workshop
from tests.conftest import PASSWORD, Company, Okrs

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class World(Okrs):
    """`okrs`, with mia's private objective, a sales objective limited to the department, a failed mail, chat
    webhooks of sales (disabled after failures) and marketing, a publication and one whose compiling failed."""

    private: Objective
    private_kr: KeyResult
    update_decision: Decision
    limited: Objective
    limited_kr: KeyResult
    mail: OutboxMail
    told: dict[str, Notification]
    sales_chat: ChatWebhook
    marketing_chat: ChatWebhook
    comment: Comment
    private_comment: Comment
    stand_up: Schedule
    day_stand_up: StandUp
    management: Schedule
    calendar: str
    revoked_calendar: str
    publication: Publication
    failed_publication: Publication
    meeting: WeeklyMeeting
    management_meeting: WeeklyMeeting
    one_on_ones: Series
    one_on_one: Meeting
    shared_note: OneOnOneNote
    private_note: OneOnOneNote
    talking_point: TalkingPoint
    support_request: SupportRequest
    blocker: Blocker
    resolved_blocker: Blocker
    reflection: Reflection
    closed_reflection: Reflection
    management_reflection: Reflection
    measure: ReflectMeasure
    celebration: Celebration
    private_recognition: Recognition
    workshop: Workshop
    workshop_group: WorkshopGroup


PERSONAS = ["alice", "erin", "hank", "mia", "oscar", "anonymous"]
ALL_OK = dict.fromkeys(PERSONAS[:-1], "ok") | {"anonymous": "login"}
ADMIN_ONLY = {"alice": "ok", "erin": 403, "hank": 403, "mia": 403, "oscar": 403, "anonymous": "login"}
# What each persona may do with the objectives of the fixture world (see `world` below).
SEE_MINE = ALL_OK
EDIT_MINE = {"alice": "ok", "erin": 403, "hank": "ok", "mia": "ok", "oscar": 403, "anonymous": "login"}
SEE_PRIVATE = {"alice": "ok", "erin": 404, "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
EDIT_PRIVATE = SEE_PRIVATE
SEE_LIMITED = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
# erin is hank's manager: the owner's manager edits a department's OKRs too.
EDIT_LIMITED = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": 403, "oscar": 404, "anonymous": "login"}
# Chat webhooks: administrators for all; a department's head (hank) for his department's; nobody else.
CHAT = {"alice": "ok", "erin": 403, "hank": "ok", "mia": 403, "oscar": 403, "anonymous": "login"}
CHAT_NOT_HIS = CHAT | {"hank": 404}
EDIT_COMPANY = {"alice": "ok", "erin": "ok", "hank": 403, "mia": 403, "oscar": 403, "anonymous": "login"}
# Comments (PUB-3): oscar's on mia's objective, mia's on her private one; only the author changes a comment.
OSCARS_COMMENT = {"alice": 403, "erin": 403, "hank": 403, "mia": 403, "oscar": "ok", "anonymous": "login"}
MIAS_PRIVATE_COMMENT = {"alice": 403, "erin": 404, "hank": 403, "mia": "ok", "oscar": 404, "anonymous": "login"}
HIDE_PRIVATE_COMMENT = {"alice": "ok", "erin": 404, "hank": 403, "mia": 403, "oscar": 404, "anonymous": "login"}
# Schedules: administrators all, the head of sales his department's and its teams'.
SET_SALES_RHYTHM = {"alice": "ok", "erin": 403, "hank": "ok", "mia": 403, "oscar": 403, "anonymous": "login"}
# The world gives only mia a calendar address.
REVOKE_CALENDAR = dict.fromkeys(PERSONAS[:-1], 404) | {"mia": "ok", "anonymous": "login"}
# Weekly meetings: sales' is seen by its people, the heads above and executives; run by its head, executives and
# administrators. The management's: executives and department heads (EXE-6).
SEE_SALES_MEETING = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
RUN_SALES_MEETING = SEE_SALES_MEETING | {"mia": 403}
SEE_MANAGEMENT_MEETING = SEE_SALES_MEETING | {"mia": 404}
# Administrators and executives publish a quarter and follow its mailing (PUB-1).
PUBLISH = EDIT_COMPANY
# 1-on-1s (EXE-9, EXE-10) of hank and mia: the pair only; erin (hank's manager) and oscar are third persons (404);
# alice, an administrator, sees that the series exists (and may not change it) and nothing said in it (404).
ONE_ON_ONE = {"alice": 404, "erin": 404, "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
ONE_ON_ONE_SERIES = ONE_ON_ONE | {"alice": "ok"}
ONE_ON_ONE_SCHEDULE = ONE_ON_ONE | {"alice": 403}
# mia's private note: hers alone; hank's shared note: both read it, its author changes it; hank owns the request.
MIAS_PRIVATE_NOTE = ONE_ON_ONE | {"hank": 404}
HANKS_SHARED_NOTE = ONE_ON_ONE | {"mia": 403}
SETTLE_REQUEST = ONE_ON_ONE | {"mia": 403}
# mia's blocker in her team (EXE-2): seen by its team and department (hank, the lead and head), executives and
# administrators, not by oscar in marketing; changed, resolved and reopened by mia, hank and administrators.
SEE_BLOCKER = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
CHANGE_BLOCKER = {"alice": "ok", "erin": 403, "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
# Self-assessment (SELF-1): each saves, submits and reopens only their own; the page refuses the rest with its
# message (400), the API with 422: a key result not theirs, a submitted one, nothing to submit or reopen.
SAVE_HANKS_ASSESSMENT = {"alice": 400, "erin": 400, "hank": "ok", "mia": 400, "oscar": 400, "anonymous": "login"}
SUBMIT_HANKS_ASSESSMENT = SAVE_HANKS_ASSESSMENT
REOPEN_MIAS = {"alice": 400, "erin": 400, "hank": 400, "mia": "ok", "oscar": 400, "anonymous": "login"}
SAVE_HANKS_ASSESSMENT_API = {"alice": 422, "erin": 422, "hank": "ok", "mia": 422, "oscar": 422, "anonymous": "login"}
SUBMIT_HANKS_ASSESSMENT_API = SAVE_HANKS_ASSESSMENT_API
REOPEN_MIAS_API = {"alice": 422, "erin": 422, "hank": 422, "mia": "ok", "oscar": 422, "anonymous": "login"}
SEE_MIAS = SEE_BLOCKER
# The quarter's calendar (PLAY-EXEC): sales' rows for hank (its head), erin (executive, his manager) and alice; the
# close-of-quarter report for executives, administrators and department heads (their rows).
QUARTER_DEPARTMENT = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": 404, "oscar": 404, "anonymous": "login"}
QUARTER_REPORT = QUARTER_DEPARTMENT
# Reflections (REF-1 … REF-3): sales' (open, with mia's measure; and last quarter's, closed) is seen by its
# people, the managers above and administrators, written by its head and administrators; the management's by the
# managers (executives, heads) and administrators, written by executives and administrators, every manager writing
# their own account; marketing's opened by an administrator (nobody heads marketing).
SEE_SALES_REFLECTION = SEE_BLOCKER
WRITE_SALES_REFLECTION = {"alice": "ok", "erin": 403, "hank": "ok", "mia": 403, "oscar": 404, "anonymous": "login"}
MARK_MIAS_MEASURE = WRITE_SALES_REFLECTION | {"mia": "ok"}
SEE_MANAGEMENT_REFLECTION = SEE_SALES_REFLECTION | {"mia": 404}
WRITE_MANAGEMENT_REFLECTION = SEE_MANAGEMENT_REFLECTION | {"hank": 403}
WRITE_MY_ACCOUNT = SEE_MANAGEMENT_REFLECTION | {"alice": 403}
# The update (UPD-1 … UPD-5) of the world's quarter, which has not ended: those who may decide are told it has
# not begun (400, the API 422), the others refused as okrs' access says; executives close the company's update
# and the update (which locks the quarter); a new company objective is justified by executives and approved by
# an executive who did not make the change (erin made it; there is no CEO).
DECIDE_COMPANY = {"alice": 400, "erin": 400, "hank": 403, "mia": 403, "oscar": 403, "anonymous": "login"}
DECIDE_MINE = {"alice": 400, "erin": 403, "hank": 400, "mia": 400, "oscar": 403, "anonymous": "login"}
DECIDE_PRIVATE = {"alice": 400, "erin": 404, "hank": 400, "mia": 400, "oscar": 404, "anonymous": "login"}
CLOSE_COMPANY_UPDATE = DECIDE_COMPANY
APPROVE_CHANGE = {"alice": "ok", "erin": 403, "hank": 403, "mia": 403, "oscar": 403, "anonymous": "login"}
DECIDE_COMPANY_API = {"alice": 422, "erin": 422, "hank": 403, "mia": 403, "oscar": 403, "anonymous": "login"}
DECIDE_MINE_API = {"alice": 422, "erin": 403, "hank": 422, "mia": 422, "oscar": 403, "anonymous": "login"}
# Celebration (CEL-1, CEL-4, CEL-5): the sales team's is planned and held by its lead hank and administrators;
# erin's private recognition of mia is seen by erin, mia and mia's managers (hank, erin), not by an administrator
# who is none of these; incentives are kept by managers (hank, erin above him) and administrators only, never by mia
# or her peers; a sales lesson by its people; the company's values by administrators.
PLAN_SALES_TEAM = {"alice": "ok", "erin": 403, "hank": "ok", "mia": 403, "oscar": 403, "anonymous": "login"}
RECOGNISE_MIA = ALL_OK | {"mia": 400}
RECOGNISE_MIA_API = ALL_OK | {"mia": 422}
SEE_PRIVATE_RECOGNITION = {"alice": 404, "erin": "ok", "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
INCENTIVES = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": 403, "oscar": 403, "anonymous": "login"}
SALES_LESSON = {"alice": "ok", "erin": 403, "hank": "ok", "mia": "ok", "oscar": 403, "anonymous": "login"}


def _workshop(c: Company) -> tuple[Workshop, WorkshopGroup]:
    """PLAY-ANNUAL: the 2027 workshop, moderated by alice and observed by erin (the CEO); hank leads the group mia is
    in, in the brainstorm, where mia has written a note; oscar is not invited."""
    year = cycles_generate_year(actor=None, fiscal_year=2027)
    workshop = Workshop.objects.create(
        cycle=year, topic="年度目标", scheduled_for=dt.datetime(2027, 1, 8, 9, tzinfo=dt.UTC), moderator=c.alice,
        observer=c.erin, state="running",
    )  # fmt: skip
    group = WorkshopGroup.objects.create(workshop=workshop, number=1, leader=c.hank, phase="brainstorm")
    WorkshopParticipant.objects.bulk_create(
        [WorkshopParticipant(workshop=workshop, person=p, group=group) for p in (c.hank, c.mia)]
    )
    WorkshopNote.objects.create(group=group, author=c.mia, text="提升老客户复购率到三成")
    return workshop, group


@pytest.fixture
def world(company: Company, okrs: Okrs) -> World:
    c = company
    private = objective_create(
        actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="私人目标", visibility=Visibility.PRIVATE
    )
    private_kr = key_result_create(actor=c.mia, objective=private, title="读完 6 本书", start_value=0, target_value=6)
    limited = objective_create(
        actor=c.hank,
        cycle=c.quarter,
        level=Level.DEPARTMENT,
        department=c.sales,
        owner=c.hank,
        title="销售部内部目标",
        visibility=Visibility.DEPARTMENT,
    )
    limited_kr = key_result_create(
        actor=c.hank, objective=limited, title="回款 500 万", start_value=0, target_value=500
    )
    mail = mail_queue(key="matrix:1", kind="test", to_address="mia@yunzhou.example", subject="通知", text="你好")
    OutboxMail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, last_error="550")
    # One unread notification for each person, in the inbox.
    people = [c.alice, c.erin, c.hank, c.mia, c.oscar]
    told = notify(kind=NotificationKind.REMINDER, recipients=people, text=lambda p: "本周签到提醒", key="matrix")
    sales_chat = chat_webhook_create(
        actor=c.alice, target=c.sales, name="销售部群", platform="dingtalk", url="https://oapi.dingtalk.com/robot/send"
    )
    ChatWebhook.objects.filter(pk=sales_chat.pk).update(enabled=False, consecutive_failures=5, last_error="HTTP 500")
    marketing_chat = chat_webhook_create(
        actor=c.alice, target=c.marketing, name="市场部群", platform="slack", url="https://hooks.slack.com/x"
    )
    comment = comment_create(actor=c.oscar, objective=okrs["mine"], text="@米娅 市场部可以配合").comment
    private_comment = comment_create(actor=c.mia, objective=private, text="自己的备忘").comment
    stand_up = schedule_create(
        actor=None,
        data=ScheduleInput(kind="stand_up", team_id=c.sales_team.pk, recurrence="workdays", time="09:30"),
    )
    management = schedule_create(
        actor=None, data=ScheduleInput(kind="management_meeting", recurrence="weekly", weekdays=[0], time="14:00")
    )
    revoked = calendar_token_make(actor=None, person=c.oscar)
    calendar_token_revoke(actor=None, person=c.oscar)
    publication = publication_publish(actor=c.erin, cycle=c.quarter, message="为什么重要", anyway=True)
    publication_compile(publication.pk)  # as the worker would
    weekly = meeting_create(actor=c.hank, kind="department", department=c.sales, date=dt.date(2026, 11, 10))
    management_meeting = meeting_create(actor=c.erin, kind="management", date=dt.date(2026, 11, 10))
    blocker = blocker_create(actor=c.mia, title="合同卡在法务", owner=c.mia, team=c.sales_team)
    resolved_blocker = blocker_create(actor=c.mia, title="演示环境", owner=c.mia, team=c.sales_team)
    blocker_resolve(actor=c.mia, blocker=resolved_blocker, resolution="借到了")
    series = series_create(actor=c.hank, manager=c.hank, report=c.mia, time="10:00")
    meeting = Meeting.objects.get(series=series)

    # SELF-1: mia's self-assessment submitted; hank's a draft ready to submit (every key result's root cause).
    def causes(person: Person) -> dict[int, dict[str, str]]:
        return {r.key_result_id: {"root_cause": "线索少"} for r in assessment_page(person=person, cycle=c.quarter).rows}

    assessment_submit(actor=c.mia, person=c.mia, cycle=c.quarter, entries=causes(c.mia))
    assessment_save(actor=c.hank, person=c.hank, cycle=c.quarter, entries=causes(c.hank))
    # REF-1 … REF-3: sales' reflection open with mia's measure (due in the next quarter), last quarter's closed.
    cycles_generate_year(actor=None, fiscal_year=2027)
    reflection = reflection_open(actor=None, cycle=c.quarter, department=c.sales)
    measure = measure_create(
        actor=c.hank, reflection=reflection, title="每周拜访", owner_id=c.mia.pk, due_date=dt.date(2027, 2, 1)
    )
    last_quarter = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    closed_reflection = reflection_open(actor=None, cycle=last_quarter, department=c.sales)
    reflection_close(actor=c.hank, reflection=closed_reflection, summary="学到了")
    # UPD-3: the company objective of the quarter taken as new at the update of the quarter before, justified by erin.
    new_company = Decision.objects.create(
        cycle=Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1)),
        next_cycle=c.quarter,
        carried=okrs["company"],
        level=Level.COMPANY,
        title=okrs["company"].title,
        action="new",
        justification="市场在长三角",
        decided_by=c.erin,
    )
    # CEL-1, CEL-4: the sales team's celebration planned by hank; erin's private recognition of mia (seen by erin,
    # mia and her managers hank and erin); hank's incentive for mia (seen by her managers and administrators).
    celebration = celebration_plan(
        actor=c.hank,
        level="team",
        team=c.sales_team,
        cycle=c.quarter,
        at=dt.datetime(2027, 1, 8, 9, tzinfo=dt.UTC),
    )
    private_recognition = recognition_give(
        actor=c.erin, receiver=c.mia, key_result=okrs["my_kr"], message="私下表扬", public=False
    )
    incentive_record(actor=c.hank, person=c.mia, cycle=c.quarter, kind="financial", description="季度奖金")
    workshop, workshop_group = _workshop(c)
    return {
        "workshop": workshop,
        "workshop_group": workshop_group,
        "reflection": reflection,
        "closed_reflection": closed_reflection,
        "management_reflection": reflection_open(actor=None, cycle=c.quarter),
        "measure": measure,
        "update_decision": new_company,
        "celebration": celebration,
        "private_recognition": private_recognition,
        "meeting": weekly,
        "management_meeting": management_meeting,
        "one_on_ones": series,
        "one_on_one": meeting,
        "shared_note": note_add(actor=c.hank, meeting=meeting, text="共同记录", visibility="shared"),
        "private_note": note_add(actor=c.mia, meeting=meeting, text="米娅的私人笔记", visibility="private"),
        "talking_point": point_add(actor=c.mia, meeting=meeting, text="转岗的想法"),
        "support_request": request_create(actor=c.mia, series=series, meeting=meeting, text="需要一台样机"),
        "blocker": blocker,
        "resolved_blocker": Blocker.objects.get(pk=resolved_blocker.pk),
        "sales_chat": sales_chat,
        "marketing_chat": marketing_chat,
        "comment": comment,
        "private_comment": private_comment,
        "stand_up": stand_up,
        "day_stand_up": StandUp.objects.create(
            team=c.sales_team,
            schedule=stand_up,
            day=dt.date(2026, 10, 5),
            starts_at=dt.datetime(2026, 10, 5, 1, 30, tzinfo=dt.UTC),
        ),
        "management": management,
        "calendar": calendar_token_make(actor=None, person=c.mia),
        "revoked_calendar": revoked,
        "publication": publication,
        "failed_publication": Publication.objects.create(
            cycle=c.quarter, state=State.FAILED, message="编不出来", error="RuntimeError: disk full"
        ),
        "told": {n.recipient.username: n for n in told},
        **okrs,
        "private": private,
        "private_kr": private_kr,
        "limited": limited,
        "limited_kr": limited_kr,
        "mail": mail,
    }


def _state() -> str:
    """Everything a refused request must not change."""
    return json.dumps(
        {
            "objectives": list(Objective.objects.order_by("pk").values_list("pk", "title", "status", "progress")),
            "key_results": list(
                KeyResult.objects.order_by("pk").values_list("pk", "title", "current_value", "confidence")
            ),
            "check_ins": CheckIn.objects.count(),
            "corrections": Correction.objects.count(),
            "alignments": list(Alignment.objects.order_by("pk").values_list("pk", "child_id", "rollup_parent_id")),
            # The tokens made for the API rows (`_call`) are in their people's history, not the request's doing.
            "history": AuditEntry.objects.exclude(action="api_token.create").count(),
            "organisation": list(Organisation.objects.values_list("name", "max_objectives_per_owner")),
            "goals": StrategicGoal.objects.count(),
            "people": list(Person.objects.order_by("pk").values_list("pk", "role", "language")),
            "mail": list(OutboxMail.objects.order_by("pk").values_list("pk", "status", "attempts")),
            "inbox": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
            "notification_settings": list(NotificationSettings.objects.values_list("person_id", "deliveries")),
            "chat": list(ChatWebhook.objects.order_by("pk").values_list("pk", "name", "url", "secret", "enabled")),
            "chat_messages": ChatMessage.objects.count(),
            "comments": list(Comment.objects.order_by("pk").values_list("pk", "text", "edited_at", "hidden_at")),
            "mentions": Mention.objects.count(),
            "schedules": list(Schedule.objects.order_by("pk").values_list("pk", "time", "active")),
            # Not when an address was last read: reading the calendar notes it, and changes nothing else.
            "calendar_tokens": list(CalendarToken.objects.order_by("pk").values_list("pk", "person_id", "key_hash")),
            "stand_ups": list(StandUp.objects.order_by("pk").values_list("pk", "closed_at", "live_started_at")),
            "stand_up_entries": list(Entry.objects.order_by("pk").values_list("pk", "person_id", "edits")),
            "stand_up_items": EntryItem.objects.count(),
            "holidays": list(Holiday.objects.order_by("pk").values_list("pk", "day", "name")),
            "absences": list(Absence.objects.order_by("pk").values_list("pk", "person_id", "start", "end")),
            "publications": list(Publication.objects.order_by("pk").values_list("pk", "number", "message", "state")),
            "meetings": list(
                WeeklyMeeting.objects.order_by("pk").values_list("pk", "status", "notes", "notes_version")
            ),
            "meeting_parts": [AgendaItem.objects.count(), Commitment.objects.count(), WeekReport.objects.count()],
            "one_on_ones": list(Series.objects.order_by("pk").values_list("pk", "time", "active")),
            "one_on_one_meetings": list(Meeting.objects.order_by("pk").values_list("pk", "status", "scheduled_at")),
            "one_on_one_notes": list(OneOnOneNote.objects.order_by("pk").values_list("pk", "text", "visibility")),
            "talking_points": list(TalkingPoint.objects.order_by("pk").values_list("pk", "text", "discussed")),
            "support_requests": list(SupportRequest.objects.order_by("pk").values_list("pk", "status", "resolution")),
            "blockers": list(
                Blocker.objects.order_by("pk").values_list("pk", "title", "owner_id", "status", "resolution", "tier")
            ),
            "self_assessments": list(SelfAssessment.objects.order_by("pk").values_list("pk", "state")),
            "reflections": list(Reflection.objects.order_by("pk").values_list("pk", "state", "summary")),
            "reflection_measures": list(ReflectMeasure.objects.order_by("pk").values_list("pk", "title", "done_at")),
            "manager_accounts": list(ManagerAccount.objects.order_by("pk").values_list("pk", "how_used")),
            "key_result_scores": list(
                KeyResultScore.objects.order_by("pk").values_list("pk", "score", "score_reason", "root_cause")
            ),
            "end_scores": list(KeyResult.objects.order_by("pk").values_list("pk", "score")),
            "celebrations": list(Celebration.objects.order_by("pk").values_list("pk", "state", "notes")),
            "celebrate": [
                Recognition.objects.count(),
                Incentive.objects.count(),
                Lesson.objects.count(),
                CompanyValue.objects.count(),
            ],
            "organisation_policy": list(
                Organisation.objects.values_list("blocker_department_after_days", "blocker_management_after_days")
            ),
            "update_decisions": list(
                Decision.objects.order_by("pk").values_list("pk", "action", "justification", "approved_at")
            ),
            "update_stages": Stage.objects.count(),
            "closed_cycles": list(Cycle.objects.filter(is_closed=True).values_list("pk", flat=True)),
            "late_updaters": list(Organisation.late_updaters.through.objects.values_list("person_id", flat=True)),
            "workshops": list(Workshop.objects.order_by("pk").values_list("pk", "state", "topic")),
            "workshop_groups": list(WorkshopGroup.objects.order_by("pk").values_list("pk", "phase", "revealed_at")),
            "workshop_notes": list(WorkshopNote.objects.order_by("pk").values_list("pk", "text", "column_id")),
            "workshop_participants": WorkshopParticipant.objects.count(),
        },
        default=str,
    )


@dataclass
class Row:
    name: str
    method: str
    url: Callable[[World, Company], str]
    expect: dict[str, Any]
    data: Callable[[World, Company], dict[str, Any]] | None = None
    api: bool = False
    headers: dict[str, str] | None = None
    # A GET that writes on purpose (opening a notification marks it read).
    writes: bool = False


def _fixed_url(url: str) -> Callable[[World, Company], str]:
    """The address of a row that needs nothing from the world."""
    return lambda w, c: url


NEW_PASSWORD = "a quite different horse 42"
PUBLIC = dict.fromkeys(PERSONAS, "ok")
# The sales team's stand-up: seen by its people, the heads above, executives and administrators; posted in by its
# people only (their own entry); closed by its lead, the heads above or administrators; run by its people too.
SEE_STAND_UP = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
POST_STAND_UP = {"alice": 403, "erin": 403, "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
CLOSE_STAND_UP = {"alice": "ok", "erin": 403, "hank": "ok", "mia": 403, "oscar": 404, "anonymous": "login"}
RUN_STAND_UP = {"alice": "ok", "erin": 403, "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
# mia herself, her manager hank, an administrator; the page offers the others no such person (400).
RECORD_MIAS_ABSENCE_PAGE = {"alice": "ok", "erin": 400, "hank": "ok", "mia": "ok", "oscar": 400, "anonymous": "login"}
RECORD_MIAS_ABSENCE = {"alice": "ok", "erin": 403, "hank": "ok", "mia": "ok", "oscar": 403, "anonymous": "login"}


def _person_form(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": person.full_name,
        "username": person.username,
        "email": person.email,
        "job_title": person.job_title,
        "role": person.role,
        "department": person.department_id or "",
        "team": person.team_id or "",
        "manager": person.manager.username if person.manager else "",
        "language": person.language,
    }
    data.update(changes)
    return data


def _deactivated(person: Person) -> dict[str, Any]:
    """Deactivate `person` as the row's set-up (no history: what the request does is what the table checks)."""
    Person.objects.filter(pk=person.pk).update(is_active=False)
    return {}


def _objective_form(objective: Objective, **changes: Any) -> dict[str, Any]:
    data = {
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "cycle": objective.cycle_id,
        "owner": objective.owner_id or "",
        "department": objective.department_id or "",
        "team": objective.team_id or "",
        "priority": objective.priority,
        "commitment": objective.commitment,
        "visibility": objective.visibility,
        "status": objective.status,
        "rollup_mode": objective.rollup_mode,
        "weight": str(objective.weight),
    }
    data.update(changes)
    return data


# The workshop (PLAY-ANNUAL): alice moderates, erin observes (the CEO), hank leads mia's group, oscar is not invited.
SEE_WORKSHOP = {"alice": "ok", "erin": "ok", "hank": "ok", "mia": "ok", "oscar": 404, "anonymous": "login"}
WORKSHOP_CREATE = {"alice": "ok", "erin": "ok", "hank": 403, "mia": 403, "oscar": 403, "anonymous": "login"}
PREPARE_WORKSHOP = SEE_WORKSHOP | {"erin": 403, "hank": 403, "mia": 403}
# The record waits for the decision, but for the moderator, the observer and administrators.
WORKSHOP_RECORD = SEE_WORKSHOP | {"hank": 404, "mia": 404}
WRITE_NOTE = SEE_WORKSHOP | {"alice": 403, "erin": 403}
LEAD_GROUP = SEE_WORKSHOP | {"erin": 403, "mia": 403}


def _room_url(action: str) -> Callable[[World, Company], str]:
    return lambda w, c: f"/workshops/{w['workshop'].pk}/groups/{w['workshop_group'].pk}/{action}"


def _api_group_url(tail: str) -> Callable[[World, Company], str]:
    return lambda w, c: f"/api/v1/workshops/{w['workshop'].pk}/groups/{w['workshop_group'].pk}{tail}"


ROWS = [
    # --- OKR pages
    Row("my okrs", "get", lambda w, c: "/", ALL_OK),
    Row("my focus today", "get", lambda w, c: "/focus/", ALL_OK),
    Row("objective page, company-visible", "get", lambda w, c: f"/objectives/{w['mine'].pk}/", SEE_MINE),
    Row("objective page, private", "get", lambda w, c: f"/objectives/{w['private'].pk}/", SEE_PRIVATE),
    Row("objective page, department only", "get", lambda w, c: f"/objectives/{w['limited'].pk}/", SEE_LIMITED),
    Row("objective editor, personal", "get", lambda w, c: f"/objectives/{w['mine'].pk}/edit/", EDIT_MINE),
    Row("objective editor, private", "get", lambda w, c: f"/objectives/{w['private'].pk}/edit/", EDIT_PRIVATE),
    Row("objective editor, department only", "get", lambda w, c: f"/objectives/{w['limited'].pk}/edit/", EDIT_LIMITED),
    Row("objective editor, company", "get", lambda w, c: f"/objectives/{w['company'].pk}/edit/", EDIT_COMPANY),
    Row(
        "save objective, personal",
        "post",
        lambda w, c: f"/objectives/{w['mine'].pk}/edit/",
        EDIT_MINE,
        data=lambda w, c: _objective_form(w["mine"], title="改过的标题", parent_objectives=w["department"].pk),
    ),
    Row(
        "save objective, company",
        "post",
        lambda w, c: f"/objectives/{w['company'].pk}/edit/",
        EDIT_COMPANY,
        data=lambda w, c: _objective_form(w["company"], title="改过的公司目标"),
    ),
    Row(
        "delete objective, personal",
        "post",
        lambda w, c: f"/objectives/{w['mine'].pk}/delete/",
        EDIT_MINE,
        data=lambda w, c: {},
    ),
    Row(
        "delete objective, private",
        "post",
        lambda w, c: f"/objectives/{w['private'].pk}/delete/",
        EDIT_PRIVATE,
        data=lambda w, c: {},
    ),
    Row("new key result form", "get", lambda w, c: f"/objectives/{w['mine'].pk}/key-results/new/", EDIT_MINE),
    Row("key result editor", "get", lambda w, c: f"/key-results/{w['my_kr'].pk}/edit/", EDIT_MINE),
    # EXE-11: corrections, by those who may change the objective; EXE-9: milestones' due dates.
    Row("correction form, personal", "get", lambda w, c: f"/objectives/{w['mine'].pk}/correct/", EDIT_MINE),
    Row("correction form, private", "get", lambda w, c: f"/objectives/{w['private'].pk}/correct/", EDIT_PRIVATE),
    Row("key result correction form", "get", lambda w, c: f"/key-results/{w['my_kr'].pk}/correct/", EDIT_MINE),
    Row(
        "correct, department only",
        "post",
        lambda w, c: f"/objectives/{w['limited'].pk}/correct/",
        EDIT_LIMITED,
        data=lambda w, c: {"kind": "strategy", "reason": "渠道失效", "strategy": "改走代理商"},
    ),
    Row("milestone due dates form", "get", lambda w, c: f"/key-results/{w['my_kr'].pk}/milestones/", EDIT_MINE),
    Row(
        "delete key result",
        "post",
        lambda w, c: f"/key-results/{w['limited_kr'].pk}/delete/",
        EDIT_LIMITED,
        data=lambda w, c: {},
    ),
    Row(
        "check-in form, personal",
        "get",
        lambda w, c: f"/key-results/{w['my_kr'].pk}/check-in/",
        EDIT_MINE,
        headers={"HX-Request": "true"},
    ),
    Row(
        "check-in form page, private", "get", lambda w, c: f"/key-results/{w['private_kr'].pk}/check-in/", EDIT_PRIVATE
    ),
    Row(
        "check-in form, department only",
        "get",
        lambda w, c: f"/key-results/{w['limited_kr'].pk}/check-in/",
        EDIT_LIMITED,
        headers={"HX-Request": "true"},
    ),
    Row(
        "check in, personal",
        "post",
        lambda w, c: f"/key-results/{w['my_kr'].pk}/check-in/",
        EDIT_MINE,
        data=lambda w, c: {"value": "1", "confidence": "75", "note": "推进中"},
    ),
    Row(
        "check in, private",
        "post",
        lambda w, c: f"/key-results/{w['private_kr'].pk}/check-in/",
        EDIT_PRIVATE,
        data=lambda w, c: {"value": "2", "confidence": "60"},
    ),
    Row(
        "check in, department only",
        "post",
        lambda w, c: f"/key-results/{w['limited_kr'].pk}/check-in/",
        EDIT_LIMITED,
        data=lambda w, c: {"value": "100", "confidence": "60"},
    ),
    Row("new objective form", "get", lambda w, c: "/objectives/new/", ALL_OK),
    # --- report pages
    Row("company page", "get", lambda w, c: "/company/", ALL_OK),
    Row("alignment tree", "get", lambda w, c: "/alignment/", ALL_OK),
    Row("tree children, company objective", "get", lambda w, c: f"/alignment/{w['company'].pk}/children/", ALL_OK),
    Row("tree children, private", "get", lambda w, c: f"/alignment/{w['private'].pk}/children/", SEE_PRIVATE),
    Row("department page", "get", lambda w, c: f"/departments/{c.sales.pk}/", ALL_OK),
    Row(
        "sub-department rows",
        "get",
        lambda w, c: f"/departments/{c.sales.pk}/rows/",
        ALL_OK,
        headers={"HX-Request": "true"},
    ),
    Row("unaligned objectives", "get", lambda w, c: "/alignment/unaligned/", ALL_OK),
    Row("person page", "get", lambda w, c: f"/people/{c.mia.pk}/", ALL_OK),
    # --- settings
    Row("settings", "get", lambda w, c: "/settings/", ADMIN_ONLY),
    Row(
        "save settings",
        "post",
        lambda w, c: "/settings/",
        ADMIN_ONLY,
        data=lambda w, c: {
            "name": "改名公司",
            "vision": c.org.vision,
            "mission": c.org.mission,
            "fiscal_year_start_month": 1,
            "time_zone": "Asia/Shanghai",
            "default_language": "zh-hans",
            **{f: getattr(c.org, f) for f in (*Organisation.POLICY_FIELDS, *Organisation.SCORE_POLICY_FIELDS)},
            "max_objectives_per_owner": 4,
        },
    ),
    # The strategy has its own page, everyone's to read: its rows are in tests/okrs/test_strategy_permissions.py.
    Row("cycles", "get", lambda w, c: "/settings/cycles/", ADMIN_ONLY),
    Row("search", "get", lambda w, c: "/search/?q=目标", ALL_OK),
    Row("search dropdown (htmx)", "get", lambda w, c: "/search/?q=xs", ALL_OK),
    Row("confirm closing a cycle", "get", lambda w, c: f"/settings/cycles/{c.quarter.pk}/close/", ADMIN_ONLY),
    Row("departments", "get", lambda w, c: "/settings/departments/", ADMIN_ONLY),
    Row("people", "get", lambda w, c: "/settings/people/", ADMIN_ONLY),
    Row("import", "get", lambda w, c: "/settings/import/", ADMIN_ONLY),
    Row("import template", "get", lambda w, c: "/settings/import/template.xlsx", ADMIN_ONLY),
    Row("export page", "get", lambda w, c: "/settings/export/", ADMIN_ONLY),
    # The download is a write: it is recorded in the organisation's history.
    Row("download the export", "post", lambda w, c: "/settings/export/download/", ADMIN_ONLY, data=lambda w, c: {}),
    Row("own API tokens", "get", lambda w, c: "/settings/tokens/", ALL_OK),
    Row("own profile", "get", lambda w, c: "/settings/profile/", ALL_OK),
    # --- API (a personal token; anonymous gets 401)
    *[
        Row(f"API list {path}", "get", _fixed_url(f"/api/v1/{path}"), ALL_OK, api=True)
        for path in (
            "people",
            "departments",
            "teams",
            "cycles",
            "objectives",
            "key-results",
            "check-ins",
            "alignment-tree",
        )
    ],
    Row("API me", "get", lambda w, c: "/api/v1/me", ALL_OK, api=True),
    Row("API my focus today", "get", lambda w, c: "/api/v1/me/focus", ALL_OK, api=True),
    Row("API person", "get", lambda w, c: f"/api/v1/people/{c.mia.pk}", ALL_OK, api=True),
    Row("API department", "get", lambda w, c: f"/api/v1/departments/{c.sales.pk}", ALL_OK, api=True),
    Row("API cycle", "get", lambda w, c: f"/api/v1/cycles/{c.quarter.pk}", ALL_OK, api=True),
    Row("API objective, private", "get", lambda w, c: f"/api/v1/objectives/{w['private'].pk}", SEE_PRIVATE, api=True),
    Row(
        "API corrections, private",
        "get",
        lambda w, c: f"/api/v1/objectives/{w['private'].pk}/corrections",
        SEE_PRIVATE,
        api=True,
    ),
    Row(
        "API correct, department only",
        "post",
        lambda w, c: f"/api/v1/objectives/{w['limited'].pk}/corrections",
        EDIT_LIMITED,
        data=lambda w, c: {"kind": "strategy", "reason": "渠道失效", "strategy": "改走代理商"},
        api=True,
    ),
    Row(
        "API objective, department only",
        "get",
        lambda w, c: f"/api/v1/objectives/{w['limited'].pk}",
        SEE_LIMITED,
        api=True,
    ),
    Row(
        "API key result, private",
        "get",
        lambda w, c: f"/api/v1/key-results/{w['private_kr'].pk}",
        SEE_PRIVATE,
        api=True,
    ),
    Row(
        "API change objective, personal",
        "patch",
        lambda w, c: f"/api/v1/objectives/{w['mine'].pk}",
        EDIT_MINE,
        data=lambda w, c: {"title": "接口改名"},
        api=True,
    ),
    Row(
        "API change objective, company",
        "patch",
        lambda w, c: f"/api/v1/objectives/{w['company'].pk}",
        EDIT_COMPANY,
        data=lambda w, c: {"title": "接口改名"},
        api=True,
    ),
    Row(
        "API delete objective, department only",
        "delete",
        lambda w, c: f"/api/v1/objectives/{w['limited'].pk}",
        EDIT_LIMITED,
        api=True,
    ),
    Row(
        "API realign objective",
        "put",
        lambda w, c: f"/api/v1/objectives/{w['mine'].pk}/alignment",
        EDIT_MINE,
        data=lambda w, c: {"parent_objective_ids": [w["company"].pk], "parent_key_result_ids": []},
        api=True,
    ),
    Row(
        "API create company objective",
        "post",
        lambda w, c: "/api/v1/objectives",
        EDIT_COMPANY,
        data=lambda w, c: {"title": "新公司目标", "level": "company", "cycle": c.quarter.pk},
        api=True,
    ),
    Row(
        "API add key result",
        "post",
        lambda w, c: "/api/v1/key-results",
        EDIT_MINE,
        data=lambda w, c: {"objective": w["mine"].pk, "title": "新增关键结果", "start_value": 0, "target_value": 5},
        api=True,
    ),
    Row(
        "API change key result",
        "patch",
        lambda w, c: f"/api/v1/key-results/{w['limited_kr'].pk}",
        EDIT_LIMITED,
        data=lambda w, c: {"target_value": 600},
        api=True,
    ),
    Row(
        "API delete key result",
        "delete",
        lambda w, c: f"/api/v1/key-results/{w['private_kr'].pk}",
        EDIT_PRIVATE,
        api=True,
    ),
    Row(
        "API check in",
        "post",
        lambda w, c: "/api/v1/check-ins",
        EDIT_MINE,
        data=lambda w, c: {"key_result": w["my_kr"].pk, "value": 3, "confidence": 70},
        api=True,
    ),
    Row(
        "API check in, private",
        "post",
        lambda w, c: "/api/v1/check-ins",
        # The key result is invisible to erin and oscar: a refusal names it as not found.
        SEE_PRIVATE,
        data=lambda w, c: {"key_result": w["private_kr"].pk, "value": 3, "confidence": 70},
        api=True,
    ),
    # --- history of the organisation, departments, teams, cycles and people (administrators only)
    Row("organisation history", "get", lambda w, c: "/settings/history/", ADMIN_ONLY),
    Row("department history", "get", lambda w, c: f"/settings/departments/{c.sales.pk}/history/", ADMIN_ONLY),
    Row("team history", "get", lambda w, c: f"/settings/teams/{c.sales_team.pk}/history/", ADMIN_ONLY),
    Row("cycle history", "get", lambda w, c: f"/settings/cycles/{c.quarter.pk}/history/", ADMIN_ONLY),
    Row("person history", "get", lambda w, c: f"/settings/people/{c.mia.pk}/history/", ADMIN_ONLY),
    # --- outgoing mail (administrators only)
    Row("mail outbox", "get", lambda w, c: "/settings/mail/", ADMIN_ONLY),
    Row("a message in the outbox", "get", lambda w, c: f"/settings/mail/{w['mail'].pk}/", ADMIN_ONLY),
    Row("a message's HTML", "get", lambda w, c: f"/settings/mail/{w['mail'].pk}/preview/", ADMIN_ONLY),
    Row("send a message again", "post", lambda w, c: f"/settings/mail/{w['mail'].pk}/retry/", ADMIN_ONLY),
    # --- people administration, passwords and the sign-in throttle (issue 6, items 3 and 8)
    Row("person page", "get", lambda w, c: f"/settings/people/{c.mia.pk}/", ADMIN_ONLY),
    Row(
        "save person",
        "post",
        lambda w, c: f"/settings/people/{c.mia.pk}/",
        ADMIN_ONLY,
        data=lambda w, c: _person_form(c.mia, job_title="大客户经理", manager=c.erin.username),
    ),
    Row("deactivate person", "post", lambda w, c: f"/settings/people/{c.oscar.pk}/deactivate/", ADMIN_ONLY),
    Row(
        "reactivate person",
        "post",
        lambda w, c: f"/settings/people/{c.mia.pk}/reactivate/",
        # mia is deactivated just before the request (see `_deactivated`), which signs her own session out.
        ADMIN_ONLY | {"mia": "login"},
        data=lambda w, c: _deactivated(c.mia),
    ),
    Row(
        "set a person's password",
        "post",
        lambda w, c: f"/settings/people/{c.mia.pk}/password/",
        ADMIN_ONLY,
        data=lambda w, c: {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    ),
    Row(
        "reset a person's password",
        "post",
        lambda w, c: f"/settings/people/{c.mia.pk}/password-link/",
        ADMIN_ONLY,
        data=lambda w, c: {"disable": "1"},
    ),
    Row("people export xlsx", "get", lambda w, c: "/settings/people/export.xlsx", ADMIN_ONLY),
    Row("people export csv", "get", lambda w, c: "/settings/people/export.csv?status=all", ADMIN_ONLY),
    Row(
        "set-password links",
        "post",
        lambda w, c: "/settings/people/password-links/",
        ADMIN_ONLY,
        data=lambda w, c: {"format": "csv"},
    ),
    Row(
        "change own password",
        "post",
        lambda w, c: "/settings/profile/password/",
        ALL_OK,
        data=lambda w, c: {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    ),
    # Whoever holds the link, signed in or not: the link is the permission.
    Row("set-password link", "get", lambda w, c: link_for(Person.objects.get(pk=c.mia.pk)).path, PUBLIC),
    Row("forgotten password", "get", lambda w, c: "/password-reset/", PUBLIC),
    Row("inbox", "get", lambda w, c: "/inbox/", ALL_OK),
    Row("mark the inbox read", "post", lambda w, c: "/inbox/read/", ALL_OK),
    # Only one's own: mia's notification, opened by each persona.
    Row(
        "open a notification",
        "get",
        lambda w, c: f"/inbox/{w['told']['mia'].pk}/",
        {"alice": 404, "erin": 404, "hank": 404, "mia": "ok", "oscar": 404, "anonymous": "login"},
        writes=True,
    ),
    Row("notification settings", "get", lambda w, c: "/settings/profile/notifications/", ALL_OK),
    Row(
        "save notification settings",
        "post",
        lambda w, c: "/settings/profile/notifications/",
        ALL_OK,
        data=lambda w, c: {f"delivery_{kind}": "inbox" for kind in NotificationKind.values} | {"digest_hour": "8"},
    ),
    # --- chat webhooks (issue 7, item 7)
    Row("chat settings", "get", lambda w, c: "/settings/chat/", CHAT),
    Row(
        "add a chat webhook",
        "post",
        lambda w, c: "/settings/chat/",
        CHAT,
        data=lambda w, c: {
            "target": f"team:{c.sales_team.pk}",
            "name": "华东组群",
            "platform": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        },
    ),
    Row("a chat webhook", "get", lambda w, c: f"/settings/chat/{w['sales_chat'].pk}/", CHAT),
    Row(
        "another department's chat webhook",
        "get",
        lambda w, c: f"/settings/chat/{w['marketing_chat'].pk}/",
        CHAT_NOT_HIS,
    ),
    Row(
        "save a chat webhook",
        "post",
        lambda w, c: f"/settings/chat/{w['sales_chat'].pk}/",
        CHAT,
        data=lambda w, c: {"target": f"department:{c.sales.pk}", "name": "销售部大群", "platform": "dingtalk"},
    ),
    Row("send a chat test message", "post", lambda w, c: f"/settings/chat/{w['sales_chat'].pk}/test/", CHAT),
    Row("enable a chat webhook again", "post", lambda w, c: f"/settings/chat/{w['sales_chat'].pk}/enable/", CHAT),
    Row(
        "delete a chat webhook",
        "post",
        lambda w, c: f"/settings/chat/{w['marketing_chat'].pk}/delete/",
        CHAT_NOT_HIS,
    ),
    # --- comments and mentions (PUB-3)
    Row("comments page", "get", lambda w, c: f"/objectives/{w['mine'].pk}/comments/", SEE_MINE),
    Row("comments page, private", "get", lambda w, c: f"/objectives/{w['private'].pk}/comments/", SEE_PRIVATE),
    Row(
        "comment",
        "post",
        lambda w, c: f"/objectives/{w['mine'].pk}/comments/",
        SEE_MINE,
        data=lambda w, c: {"text": "@hank 看看", "about": f"kr-{w['my_kr'].pk}"},
    ),
    Row(
        "comment, private",
        "post",
        lambda w, c: f"/objectives/{w['private'].pk}/comments/",
        SEE_PRIVATE,
        data=lambda w, c: {"text": "加油"},
    ),
    Row("comment editor", "get", lambda w, c: f"/comments/{w['comment'].pk}/edit/", OSCARS_COMMENT),
    Row(
        "save comment",
        "post",
        lambda w, c: f"/comments/{w['comment'].pk}/edit/",
        OSCARS_COMMENT,
        data=lambda w, c: {"text": "改过的评论"},
    ),
    Row(
        "save comment, private",
        "post",
        lambda w, c: f"/comments/{w['private_comment'].pk}/edit/",
        MIAS_PRIVATE_COMMENT,
        data=lambda w, c: {"text": "改过的备忘"},
    ),
    Row("confirm deleting a comment", "get", lambda w, c: f"/comments/{w['comment'].pk}/delete/", OSCARS_COMMENT),
    Row("delete comment", "post", lambda w, c: f"/comments/{w['comment'].pk}/delete/", OSCARS_COMMENT),
    Row(
        "delete comment, private",
        "post",
        lambda w, c: f"/comments/{w['private_comment'].pk}/delete/",
        MIAS_PRIVATE_COMMENT,
    ),
    Row(
        "hide comment",
        "post",
        lambda w, c: f"/comments/{w['comment'].pk}/hide/",
        ADMIN_ONLY,
        data=lambda w, c: {"hidden": "1"},
    ),
    Row(
        "hide comment, private",
        "post",
        lambda w, c: f"/comments/{w['private_comment'].pk}/hide/",
        HIDE_PRIVATE_COMMENT,
        data=lambda w, c: {"hidden": "1"},
    ),
    Row("API list comments", "get", lambda w, c: f"/api/v1/comments?objective={w['mine'].pk}", SEE_MINE, api=True),
    Row(
        "API list comments, private",
        "get",
        lambda w, c: f"/api/v1/comments?objective={w['private'].pk}",
        SEE_PRIVATE,
        api=True,
    ),
    Row(
        "API comment",
        "post",
        lambda w, c: "/api/v1/comments",
        SEE_MINE,
        data=lambda w, c: {"objective": w["mine"].pk, "key_result": w["my_kr"].pk, "text": "@mia 好"},
        api=True,
    ),
    Row(
        "API comment, private",
        "post",
        lambda w, c: "/api/v1/comments",
        SEE_PRIVATE,
        data=lambda w, c: {"objective": w["private"].pk, "text": "好"},
        api=True,
    ),
    Row(
        "API change comment",
        "patch",
        lambda w, c: f"/api/v1/comments/{w['comment'].pk}",
        OSCARS_COMMENT,
        data=lambda w, c: {"text": "接口改过"},
        api=True,
    ),
    Row(
        "API change comment, private",
        "patch",
        lambda w, c: f"/api/v1/comments/{w['private_comment'].pk}",
        MIAS_PRIVATE_COMMENT,
        data=lambda w, c: {"text": "接口改过"},
        api=True,
    ),
    Row(
        "API hide comment",
        "patch",
        lambda w, c: f"/api/v1/comments/{w['comment'].pk}",
        ADMIN_ONLY,
        data=lambda w, c: {"hidden": True},
        api=True,
    ),
    Row(
        "API hide comment, private",
        "patch",
        lambda w, c: f"/api/v1/comments/{w['private_comment'].pk}",
        HIDE_PRIVATE_COMMENT,
        data=lambda w, c: {"hidden": True},
        api=True,
    ),
    Row("API delete comment", "delete", lambda w, c: f"/api/v1/comments/{w['comment'].pk}", OSCARS_COMMENT, api=True),
    Row(
        "API delete comment, private",
        "delete",
        lambda w, c: f"/api/v1/comments/{w['private_comment'].pk}",
        MIAS_PRIVATE_COMMENT,
        api=True,
    ),
    # --- the publication (PUB-1, PUB-2): everyone reads it; administrators and executives publish
    Row("publications", "get", lambda w, c: f"/publications/?cycle={c.quarter.pk}", ALL_OK),
    Row("publication", "get", lambda w, c: f"/publications/{w['publication'].pk}/", ALL_OK),
    Row("publication, everyone's", "get", lambda w, c: f"/publications/{w['publication'].pk}/?part=person", ALL_OK),
    Row("publication, previous", "get", lambda w, c: f"/publications/{w['publication'].pk}/?part=previous", ALL_OK),
    Row("publication xlsx", "get", lambda w, c: f"/publications/{w['publication'].pk}/publication.xlsx", ALL_OK),
    Row("publish page", "get", lambda w, c: f"/publications/quarters/{c.quarter.pk}/publish/", PUBLISH),
    Row(
        "publish",
        "post",
        lambda w, c: f"/publications/quarters/{c.quarter.pk}/publish/",
        PUBLISH,
        data=lambda w, c: {"message": "第二次发布", "anyway": "on"},
    ),
    Row("mailing progress", "get", lambda w, c: f"/publications/{w['publication'].pk}/progress/", PUBLISH),
    Row(
        "mailing progress (htmx)",
        "get",
        lambda w, c: f"/publications/{w['publication'].pk}/progress/",
        PUBLISH,
        headers={"HX-Request": "true"},
    ),
    Row(
        "compile again",
        "post",
        lambda w, c: f"/publications/{w['failed_publication'].pk}/retry/",
        PUBLISH,
        data=lambda w, c: {},
    ),
    Row("API list publications", "get", _fixed_url("/api/v1/publications"), ALL_OK, api=True),
    Row("API publication", "get", lambda w, c: f"/api/v1/publications/{w['publication'].pk}", ALL_OK, api=True),
    Row(
        "API publication entries",
        "get",
        lambda w, c: f"/api/v1/publications/{w['publication'].pk}/entries?part=department",
        ALL_OK,
        api=True,
    ),
    Row(
        "API publish",
        "post",
        lambda w, c: "/api/v1/publications",
        PUBLISH,
        data=lambda w, c: {"cycle": c.quarter.pk, "message": "接口发布", "anyway": True},
        api=True,
    ),
    Row("sign-in locks", "get", lambda w, c: "/settings/sign-in-locks/", ADMIN_ONLY),
    # --- reminders and calendars (issue 7, items 6 and 8)
    Row("reminders", "get", lambda w, c: "/settings/reminders/", SET_SALES_RHYTHM),
    Row(
        "set a schedule",
        "post",
        lambda w, c: "/settings/reminders/",
        SET_SALES_RHYTHM,
        data=lambda w, c: {
            "kind": "weekly_meeting",
            "department": c.sales.pk,
            "recurrence": "weekly",
            "weekdays": ["0"],
            "time": "10:00",
            "duration_minutes": "60",
            "cycle_kind": "quarter",
            "day_offset": "0",
            "active": "on",
        },
    ),
    Row("a team's schedule", "get", lambda w, c: f"/settings/reminders/{w['stand_up'].pk}/", SET_SALES_RHYTHM),
    Row(
        "change a team's schedule",
        "post",
        lambda w, c: f"/settings/reminders/{w['stand_up'].pk}/",
        SET_SALES_RHYTHM,
        data=lambda w, c: {
            "kind": "stand_up",
            "team": c.sales_team.pk,
            "recurrence": "workdays",
            "time": "09:00",
            "duration_minutes": "15",
            "cycle_kind": "quarter",
            "day_offset": "0",
            "active": "on",
        },
    ),
    Row("the management's schedule", "get", lambda w, c: f"/settings/reminders/{w['management'].pk}/", ADMIN_ONLY),
    Row(
        "delete a team's schedule",
        "post",
        lambda w, c: f"/settings/reminders/{w['stand_up'].pk}/delete/",
        SET_SALES_RHYTHM,
    ),
    Row(
        "delete the management's schedule",
        "post",
        lambda w, c: f"/settings/reminders/{w['management'].pk}/delete/",
        ADMIN_ONLY,
    ),
    Row("a schedule's invitation", "get", lambda w, c: f"/schedules/{w['stand_up'].pk}/invitation.ics", ALL_OK),
    Row("calendar settings", "get", lambda w, c: "/settings/profile/calendar/", ALL_OK),
    Row(
        "make a calendar address",
        "post",
        lambda w, c: "/settings/profile/calendar/",
        ALL_OK,
        data=lambda w, c: {"action": "make"},
    ),
    # Whoever holds the address, signed in or not: the address is the permission.
    Row("a calendar address", "get", lambda w, c: f"/calendar/{w['calendar']}.ics", PUBLIC),
    Row(
        "a revoked calendar address",
        "get",
        lambda w, c: f"/calendar/{w['revoked_calendar']}.ics",
        dict.fromkeys(PERSONAS, 404),
    ),
    # --- the same through the API (issue 7, item 11)
    Row("API list chat webhooks", "get", _fixed_url("/api/v1/chat-webhooks"), CHAT, api=True),
    Row(
        "API add a chat webhook",
        "post",
        _fixed_url("/api/v1/chat-webhooks"),
        CHAT,
        data=lambda w, c: {
            "team": c.sales_team.pk,
            "name": "华东组群",
            "platform": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        },
        api=True,
    ),
    Row("API a chat webhook", "get", lambda w, c: f"/api/v1/chat-webhooks/{w['sales_chat'].pk}", CHAT, api=True),
    Row(
        "API another department's chat webhook",
        "get",
        lambda w, c: f"/api/v1/chat-webhooks/{w['marketing_chat'].pk}",
        CHAT_NOT_HIS,
        api=True,
    ),
    Row(
        "API change a chat webhook",
        "patch",
        lambda w, c: f"/api/v1/chat-webhooks/{w['sales_chat'].pk}",
        CHAT,
        data=lambda w, c: {"name": "销售部大群"},
        api=True,
    ),
    Row(
        "API send a chat test message",
        "post",
        lambda w, c: f"/api/v1/chat-webhooks/{w['sales_chat'].pk}/test",
        CHAT,
        api=True,
    ),
    Row(
        "API enable a chat webhook again",
        "post",
        lambda w, c: f"/api/v1/chat-webhooks/{w['sales_chat'].pk}/enable",
        CHAT,
        api=True,
    ),
    Row(
        "API delete a chat webhook",
        "delete",
        lambda w, c: f"/api/v1/chat-webhooks/{w['marketing_chat'].pk}",
        CHAT_NOT_HIS,
        api=True,
    ),
    Row("API list schedules", "get", _fixed_url("/api/v1/schedules"), SET_SALES_RHYTHM, api=True),
    Row("API schedules followed", "get", _fixed_url("/api/v1/schedules?following=true"), ALL_OK, api=True),
    Row("API a team's schedule", "get", lambda w, c: f"/api/v1/schedules/{w['stand_up'].pk}", ALL_OK, api=True),
    Row(
        "API the management's schedule", "get", lambda w, c: f"/api/v1/schedules/{w['management'].pk}", ALL_OK, api=True
    ),
    Row(
        "API set a schedule",
        "post",
        _fixed_url("/api/v1/schedules"),
        SET_SALES_RHYTHM,
        data=lambda w, c: {"kind": "weekly_meeting", "department": c.sales.pk, "weekdays": [0], "time": "10:00"},
        api=True,
    ),
    Row(
        "API change a team's schedule",
        "patch",
        lambda w, c: f"/api/v1/schedules/{w['stand_up'].pk}",
        SET_SALES_RHYTHM,
        data=lambda w, c: {"time": "09:00"},
        api=True,
    ),
    Row(
        "API change the management's schedule",
        "patch",
        lambda w, c: f"/api/v1/schedules/{w['management'].pk}",
        ADMIN_ONLY,
        data=lambda w, c: {"time": "15:00"},
        api=True,
    ),
    Row(
        "API delete a team's schedule",
        "delete",
        lambda w, c: f"/api/v1/schedules/{w['stand_up'].pk}",
        SET_SALES_RHYTHM,
        api=True,
    ),
    Row(
        "API delete the management's schedule",
        "delete",
        lambda w, c: f"/api/v1/schedules/{w['management'].pk}",
        ADMIN_ONLY,
        api=True,
    ),
    Row("API calendar address", "get", _fixed_url("/api/v1/calendar"), ALL_OK, api=True),
    Row("API make a calendar address", "post", _fixed_url("/api/v1/calendar"), ALL_OK, api=True),
    # Only mia has an address to revoke; the others are told there is none.
    Row("API revoke the calendar address", "delete", _fixed_url("/api/v1/calendar"), REVOKE_CALENDAR, api=True),
    # --- stand-ups (issue 9, item 1: EXE-1, EXE-2); the sales team's: hank leads it, mia is in it
    Row("stand-up of a day", "get", lambda w, c: f"/standups/teams/{c.sales_team.pk}/2026-10-05/", SEE_STAND_UP),
    Row("stand-up history", "get", lambda w, c: f"/standups/teams/{c.sales_team.pk}/history/", SEE_STAND_UP),
    Row("my stand-up entry form", "get", lambda w, c: f"/standups/{w['day_stand_up'].pk}/entry/", POST_STAND_UP),
    Row(
        "post my stand-up entry",
        "post",
        lambda w, c: f"/standups/{w['day_stand_up'].pk}/entry/",
        POST_STAND_UP,
        data=lambda w, c: {"yesterday-0-text": "拜访了两家客户", "today-0-text": "准备报价"},
    ),
    Row("close a stand-up", "post", lambda w, c: f"/standups/{w['day_stand_up'].pk}/close/", CLOSE_STAND_UP),
    Row("live stand-up", "get", lambda w, c: f"/standups/{w['day_stand_up'].pk}/live/", SEE_STAND_UP),
    Row(
        "start a live stand-up",
        "post",
        lambda w, c: f"/standups/{w['day_stand_up'].pk}/live/control/",
        RUN_STAND_UP,
        data=lambda w, c: {"action": "start"},
    ),
    Row("holidays", "get", _fixed_url("/settings/holidays/"), ADMIN_ONLY),
    Row(
        "set a holiday",
        "post",
        _fixed_url("/settings/holidays/"),
        ADMIN_ONLY,
        data=lambda w, c: {"day": "2026-10-01", "name": "国庆节"},
    ),
    Row("absences", "get", _fixed_url("/settings/profile/absences/"), ALL_OK),
    Row(
        "record mia's absence",
        "post",
        _fixed_url("/settings/profile/absences/"),
        RECORD_MIAS_ABSENCE_PAGE,
        data=lambda w, c: {"person": c.mia.pk, "start": "2026-10-05", "end": "2026-10-06", "note": "年假"},
    ),
    Row("API a stand-up", "get", lambda w, c: f"/api/v1/stand-ups/{w['day_stand_up'].pk}", SEE_STAND_UP, api=True),
    Row("API past stand-ups", "get", lambda w, c: f"/api/v1/stand-ups?team={c.sales_team.pk}", SEE_STAND_UP, api=True),
    Row(
        "API post my stand-up entry",
        "put",
        lambda w, c: f"/api/v1/stand-ups/{w['day_stand_up'].pk}/entry",
        POST_STAND_UP,
        data=lambda w, c: {"items": [{"section": "today", "text": "准备报价"}]},
        api=True,
    ),
    Row(
        "API close a stand-up",
        "post",
        lambda w, c: f"/api/v1/stand-ups/{w['day_stand_up'].pk}/close",
        CLOSE_STAND_UP,
        api=True,
    ),
    Row(
        "API live stand-up",
        "get",
        lambda w, c: f"/api/v1/stand-ups/{w['day_stand_up'].pk}/live",
        SEE_STAND_UP,
        api=True,
    ),
    Row(
        "API start a live stand-up",
        "post",
        lambda w, c: f"/api/v1/stand-ups/{w['day_stand_up'].pk}/live/start",
        RUN_STAND_UP,
        api=True,
    ),
    Row("API holidays", "get", _fixed_url("/api/v1/holidays"), ALL_OK, api=True),
    Row(
        "API set a holiday",
        "post",
        _fixed_url("/api/v1/holidays"),
        ADMIN_ONLY,
        data=lambda w, c: {"day": "2026-10-01", "name": "国庆节"},
        api=True,
    ),
    Row(
        "API record mia's absence",
        "post",
        _fixed_url("/api/v1/absences"),
        RECORD_MIAS_ABSENCE,
        data=lambda w, c: {"person": c.mia.pk, "start": "2026-10-05", "end": "2026-10-06"},
        api=True,
    ),
    # Weekly meetings (EXE-3 … EXE-6): a sales meeting (planned), and the management's.
    Row("weekly meetings of sales", "get", lambda w, c: f"/meetings/department/{c.sales.pk}/", SEE_SALES_MEETING),
    Row("weekly meeting page", "get", lambda w, c: f"/meetings/{w['meeting'].pk}/", SEE_SALES_MEETING),
    Row("weekly meeting minutes", "get", lambda w, c: f"/meetings/{w['meeting'].pk}/minutes/", SEE_SALES_MEETING),
    Row("weekly meeting, my week", "get", lambda w, c: f"/meetings/{w['meeting'].pk}/week/", SEE_SALES_MEETING),
    Row(
        "write my week for the weekly meeting",
        "post",
        lambda w, c: f"/meetings/{w['meeting'].pk}/week/",
        SEE_SALES_MEETING,
        data=lambda w, c: {"progress": "签下两家", "plans": "拜访", "problems": ""},
    ),
    Row("start the weekly meeting", "post", lambda w, c: f"/meetings/{w['meeting'].pk}/start/", RUN_SALES_MEETING),
    Row(
        "save the weekly meeting's minutes",
        "post",
        lambda w, c: f"/meetings/{w['meeting'].pk}/notes/",
        RUN_SALES_MEETING,
        data=lambda w, c: {"notes": "纪要", "version": "0"},
    ),
    Row("management weekly meetings", "get", _fixed_url("/meetings/management/"), SEE_MANAGEMENT_MEETING),
    Row(
        "management meeting page",
        "get",
        lambda w, c: f"/meetings/{w['management_meeting'].pk}/",
        SEE_MANAGEMENT_MEETING,
    ),
    Row("API weekly meetings", "get", _fixed_url("/api/v1/meetings"), ALL_OK, api=True),
    Row("API weekly meeting", "get", lambda w, c: f"/api/v1/meetings/{w['meeting'].pk}", SEE_SALES_MEETING, api=True),
    Row(
        "API start the weekly meeting",
        "post",
        lambda w, c: f"/api/v1/meetings/{w['meeting'].pk}/start",
        RUN_SALES_MEETING,
        data=lambda w, c: {},
        api=True,
    ),
    Row(
        "API everyone's week",
        "get",
        lambda w, c: f"/api/v1/meetings/{w['meeting'].pk}/weeks",
        SEE_SALES_MEETING,
        api=True,
    ),
    Row(
        "API management meeting",
        "get",
        lambda w, c: f"/api/v1/meetings/{w['management_meeting'].pk}",
        SEE_MANAGEMENT_MEETING,
        api=True,
    ),
    # --- 1-on-1s (EXE-9, EXE-10): the pair only; a third person is refused (404), an administrator sees the series
    Row("my 1-on-1s", "get", _fixed_url("/one-on-ones/"), ALL_OK),
    Row("start 1-on-1s form", "get", _fixed_url("/one-on-ones/new/"), ALL_OK),
    Row("1-on-1 series page", "get", lambda w, c: f"/one-on-ones/series/{w['one_on_ones'].pk}/", ONE_ON_ONE_SERIES),
    Row(
        "change the 1-on-1 schedule",
        "post",
        lambda w, c: f"/one-on-ones/series/{w['one_on_ones'].pk}/edit/",
        ONE_ON_ONE_SCHEDULE,
        data=lambda w, c: {"cadence": "biweekly", "weekday": 2, "time": "15:00", "duration_minutes": 45},
    ),
    Row("1-on-1 page", "get", lambda w, c: f"/one-on-ones/meetings/{w['one_on_one'].pk}/", ONE_ON_ONE),
    Row(
        "add a 1-on-1 note",
        "post",
        lambda w, c: f"/one-on-ones/meetings/{w['one_on_one'].pk}/notes/",
        ONE_ON_ONE,
        data=lambda w, c: {"text": "记一笔", "visibility": "shared"},
    ),
    Row(
        "add a talking point",
        "post",
        lambda w, c: f"/one-on-ones/meetings/{w['one_on_one'].pk}/points/",
        ONE_ON_ONE,
        data=lambda w, c: {"text": "再聊聊预算"},
    ),
    Row(
        "tick a talking point",
        "post",
        lambda w, c: f"/one-on-ones/points/{w['talking_point'].pk}/discussed/",
        ONE_ON_ONE,
        data=lambda w, c: {"discussed": "1"},
    ),
    Row(
        "hold a 1-on-1",
        "post",
        lambda w, c: f"/one-on-ones/meetings/{w['one_on_one'].pk}/hold/",
        ONE_ON_ONE,
        data=lambda w, c: {},
    ),
    Row(
        "ask for support in a 1-on-1",
        "post",
        lambda w, c: f"/one-on-ones/meetings/{w['one_on_one'].pk}/requests/",
        ONE_ON_ONE,
        data=lambda w, c: {"text": "需要法务支持", "owner": str(c.hank.pk), "due": ""},
    ),
    Row(
        "settle a request for support",
        "post",
        lambda w, c: f"/one-on-ones/requests/{w['support_request'].pk}/settle/",
        SETTLE_REQUEST,
        data=lambda w, c: {"status": "done", "note": "已寄出"},
    ),
    Row(
        "edit a private 1-on-1 note",
        "get",
        lambda w, c: f"/one-on-ones/notes/{w['private_note'].pk}/edit/",
        MIAS_PRIVATE_NOTE,
    ),
    Row(
        "edit a shared 1-on-1 note",
        "get",
        lambda w, c: f"/one-on-ones/notes/{w['shared_note'].pk}/edit/",
        HANKS_SHARED_NOTE,
    ),
    Row("API my 1-on-1s", "get", _fixed_url("/api/v1/one-on-ones"), ALL_OK, api=True),
    Row(
        "API a 1-on-1 series",
        "get",
        lambda w, c: f"/api/v1/one-on-ones/{w['one_on_ones'].pk}",
        ONE_ON_ONE_SERIES,
        api=True,
    ),
    Row(
        "API change a 1-on-1 series",
        "patch",
        lambda w, c: f"/api/v1/one-on-ones/{w['one_on_ones'].pk}",
        ONE_ON_ONE_SCHEDULE,
        data=lambda w, c: {"time": "09:00"},
        api=True,
    ),
    Row("API a 1-on-1", "get", lambda w, c: f"/api/v1/one-on-one-meetings/{w['one_on_one'].pk}", ONE_ON_ONE, api=True),
    Row(
        "API write a 1-on-1 note",
        "post",
        lambda w, c: f"/api/v1/one-on-one-meetings/{w['one_on_one'].pk}/notes",
        ONE_ON_ONE,
        data=lambda w, c: {"text": "记一笔", "visibility": "private"},
        api=True,
    ),
    Row(
        "API a private 1-on-1 note",
        "get",
        lambda w, c: f"/api/v1/one-on-one-notes/{w['private_note'].pk}",
        MIAS_PRIVATE_NOTE,
        api=True,
    ),
    Row(
        "API change a shared 1-on-1 note",
        "patch",
        lambda w, c: f"/api/v1/one-on-one-notes/{w['shared_note'].pk}",
        HANKS_SHARED_NOTE,
        data=lambda w, c: {"text": "改过的记录"},
        api=True,
    ),
    Row(
        "API a request for support",
        "get",
        lambda w, c: f"/api/v1/support-requests/{w['support_request'].pk}",
        ONE_ON_ONE,
        api=True,
    ),
    Row(
        "API settle a request for support",
        "post",
        lambda w, c: f"/api/v1/support-requests/{w['support_request'].pk}/settle",
        SETTLE_REQUEST,
        data=lambda w, c: {"status": "declined", "note": "本季度没有预算"},
        api=True,
    ),
    # --- blockers (EXE-2)
    Row("blockers", "get", _fixed_url("/blockers/"), ALL_OK),
    Row("blockers, filtered", "get", _fixed_url("/blockers/?mine=on&status=all&tier=team"), ALL_OK),
    Row("raise a blocker form", "get", _fixed_url("/blockers/new/"), ALL_OK),
    Row(
        "raise a blocker",
        "post",
        _fixed_url("/blockers/new/"),
        ALL_OK,
        data=lambda w, c: {"title": "等采购批预算", "owner": "mia", "concerned": "hank"},
    ),
    Row("blocker page", "get", lambda w, c: f"/blockers/{w['blocker'].pk}/", SEE_BLOCKER),
    Row("blocker editor", "get", lambda w, c: f"/blockers/{w['blocker'].pk}/edit/", CHANGE_BLOCKER),
    Row(
        "save blocker",
        "post",
        lambda w, c: f"/blockers/{w['blocker'].pk}/edit/",
        CHANGE_BLOCKER,
        data=lambda w, c: {"title": "合同卡在法务总监", "owner": "mia"},
    ),
    Row(
        "resolve blocker",
        "post",
        lambda w, c: f"/blockers/{w['blocker'].pk}/resolve/",
        CHANGE_BLOCKER,
        data=lambda w, c: {"resolution": "签了"},
    ),
    Row("reopen blocker", "post", lambda w, c: f"/blockers/{w['resolved_blocker'].pk}/reopen/", CHANGE_BLOCKER),
    Row("API list blockers", "get", _fixed_url("/api/v1/blockers?status=open"), ALL_OK, api=True),
    Row("API blocker", "get", lambda w, c: f"/api/v1/blockers/{w['blocker'].pk}", SEE_BLOCKER, api=True),
    Row(
        "API raise blocker",
        "post",
        _fixed_url("/api/v1/blockers"),
        ALL_OK,
        data=lambda w, c: {"title": "等采购批预算", "owner": c.mia.pk},
        api=True,
    ),
    Row(
        "API change blocker",
        "patch",
        lambda w, c: f"/api/v1/blockers/{w['blocker'].pk}",
        CHANGE_BLOCKER,
        data=lambda w, c: {"title": "接口改名"},
        api=True,
    ),
    Row(
        "API resolve blocker",
        "post",
        lambda w, c: f"/api/v1/blockers/{w['blocker'].pk}/resolve",
        CHANGE_BLOCKER,
        data=lambda w, c: {"resolution": "签了"},
        api=True,
    ),
    Row(
        "API reopen blocker",
        "post",
        lambda w, c: f"/api/v1/blockers/{w['resolved_blocker'].pk}/reopen",
        CHANGE_BLOCKER,
        api=True,
    ),
    Row("API method policy", "get", _fixed_url("/api/v1/organisation/policy"), ALL_OK, api=True),
    Row(
        "API change the method policy",
        "patch",
        _fixed_url("/api/v1/organisation/policy"),
        ADMIN_ONLY,
        data=lambda w, c: {"blocker_department_after_days": 3},
        api=True,
    ),
    Row(
        "unlock an account",
        "post",
        lambda w, c: "/settings/sign-in-locks/unlock/",
        ADMIN_ONLY,
        data=lambda w, c: {"account": "mia"},
    ),
    # --- self-assessment (SELF-1 … SELF-3, MEAS-7): mia's submitted, hank's a draft; only its owner writes it;
    # mia's and the sales department's seen by sales, its head, executives and administrators, not by oscar.
    Row("my self-assessment, current", "get", _fixed_url("/self-assessment/"), ALL_OK),
    Row("my self-assessment", "get", lambda w, c: f"/self-assessment/{c.quarter.pk}/", ALL_OK),
    Row(
        "save my self-assessment",
        "post",
        lambda w, c: f"/self-assessment/{c.quarter.pk}/",
        SAVE_HANKS_ASSESSMENT,
        data=lambda w, c: {f"score_{w['department_kr'].pk}": "0.3", f"score_reason_{w['department_kr'].pk}": "晚"},
    ),
    Row(
        "submit my self-assessment",
        "post",
        lambda w, c: f"/self-assessment/{c.quarter.pk}/",
        SUBMIT_HANKS_ASSESSMENT,
        data=lambda w, c: {"action": "submit"},
    ),
    Row("reopen my self-assessment", "post", lambda w, c: f"/self-assessment/{c.quarter.pk}/reopen/", REOPEN_MIAS),
    Row("mia's self-assessment", "get", lambda w, c: f"/self-assessment/{c.quarter.pk}/people/{c.mia.pk}/", SEE_MIAS),
    Row(
        "sales' self-assessments",
        "get",
        lambda w, c: f"/self-assessment/{c.quarter.pk}/departments/{c.sales.pk}/",
        SEE_MIAS,
    ),
    Row(
        "API my self-assessment", "get", lambda w, c: f"/api/v1/self-assessments/{c.quarter.pk}/mine", ALL_OK, api=True
    ),
    Row(
        "API save my self-assessment",
        "put",
        lambda w, c: f"/api/v1/self-assessments/{c.quarter.pk}/mine",
        SAVE_HANKS_ASSESSMENT_API,
        data=lambda w, c: {"scores": [{"key_result": w["department_kr"].pk, "score": "0.3", "score_reason": "晚"}]},
        api=True,
    ),
    Row(
        "API submit my self-assessment",
        "post",
        lambda w, c: f"/api/v1/self-assessments/{c.quarter.pk}/mine/submit",
        SUBMIT_HANKS_ASSESSMENT_API,
        api=True,
    ),
    Row(
        "API reopen my self-assessment",
        "post",
        lambda w, c: f"/api/v1/self-assessments/{c.quarter.pk}/mine/reopen",
        REOPEN_MIAS_API,
        api=True,
    ),
    Row(
        "API mia's self-assessment",
        "get",
        lambda w, c: f"/api/v1/self-assessments/{c.quarter.pk}/people/{c.mia.pk}",
        SEE_MIAS,
        api=True,
    ),
    Row(
        "API sales' self-assessments",
        "get",
        lambda w, c: f"/api/v1/self-assessments/{c.quarter.pk}/departments/{c.sales.pk}",
        SEE_MIAS,
        api=True,
    ),
    # --- the quarter's calendar (PLAY-EXEC): everyone the company's with its counts; a department's rows its heads,
    # their managers, executives and administrators; my own phases each person; the close-of-quarter report
    # executives and administrators (whole) and department heads (their rows).
    Row("quarter calendar, current", "get", _fixed_url("/quarter/"), ALL_OK),
    Row("quarter calendar", "get", lambda w, c: f"/quarter/{c.quarter.pk}/", ALL_OK),
    Row(
        "quarter calendar of sales",
        "get",
        lambda w, c: f"/quarter/{c.quarter.pk}/departments/{c.sales.pk}/",
        QUARTER_DEPARTMENT,
    ),
    Row("quarter calendar, my phases", "get", lambda w, c: f"/quarter/{c.quarter.pk}/me/", ALL_OK),
    Row("quarter report", "get", lambda w, c: f"/quarter/{c.quarter.pk}/report/", QUARTER_REPORT),
    Row("quarter report xlsx", "get", lambda w, c: f"/quarter/{c.quarter.pk}/report.xlsx", QUARTER_REPORT),
    Row("API quarter calendar, current", "get", _fixed_url("/api/v1/quarter/current"), ALL_OK, api=True),
    Row("API quarter calendar", "get", lambda w, c: f"/api/v1/quarter/{c.quarter.pk}", ALL_OK, api=True),
    Row(
        "API quarter calendar of sales",
        "get",
        lambda w, c: f"/api/v1/quarter/{c.quarter.pk}/departments/{c.sales.pk}",
        QUARTER_DEPARTMENT,
        api=True,
    ),
    Row("API quarter my phases", "get", lambda w, c: f"/api/v1/quarter/{c.quarter.pk}/me", ALL_OK, api=True),
    Row("API quarter report", "get", lambda w, c: f"/api/v1/quarter/{c.quarter.pk}/report", QUARTER_REPORT, api=True),
    Row(
        "API quarter report xlsx",
        "get",
        lambda w, c: f"/api/v1/quarter/{c.quarter.pk}/report.xlsx",
        QUARTER_REPORT,
        api=True,
    ),
    # --- reflection (REF-1 … REF-3) ---
    Row("reflections", "get", _fixed_url("/reflections/"), ALL_OK),
    Row("sales' reflection", "get", lambda w, c: f"/reflections/{w['reflection'].pk}/", SEE_SALES_REFLECTION),
    Row(
        "management reflection",
        "get",
        lambda w, c: f"/reflections/{w['management_reflection'].pk}/",
        SEE_MANAGEMENT_REFLECTION,
    ),
    Row(
        "open marketing's reflection",
        "post",
        _fixed_url("/reflections/open/"),
        ADMIN_ONLY,
        data=lambda w, c: {"cycle": c.quarter.pk, "department": c.marketing.pk},
    ),
    Row(
        "close sales' reflection",
        "post",
        lambda w, c: f"/reflections/{w['reflection'].pk}/close/",
        WRITE_SALES_REFLECTION,
        data=lambda w, c: {"summary": "拜访量决定线索"},
    ),
    Row(
        "reopen sales' last reflection",
        "post",
        lambda w, c: f"/reflections/{w['closed_reflection'].pk}/reopen/",
        WRITE_SALES_REFLECTION,
    ),
    Row(
        "record a measure",
        "post",
        lambda w, c: f"/reflections/{w['reflection'].pk}/measures/",
        WRITE_SALES_REFLECTION,
        data=lambda w, c: {"title": "复盘例会", "owner": c.mia.pk, "due_date": "2027-02-10"},
    ),
    Row(
        "mark mia's measure done",
        "post",
        lambda w, c: f"/reflections/measures/{w['measure'].pk}/done/",
        MARK_MIAS_MEASURE,
        data=lambda w, c: {"done": "1"},
    ),
    Row(
        "write my manager's account",
        "post",
        lambda w, c: f"/reflections/{w['management_reflection'].pk}/account/",
        WRITE_MY_ACCOUNT,
        data=lambda w, c: {"how_used": "周会看信心", "plan_next": "更早复盘"},
    ),
    Row(
        "close the management reflection",
        "post",
        lambda w, c: f"/reflections/{w['management_reflection'].pk}/close/",
        WRITE_MANAGEMENT_REFLECTION,
        data=lambda w, c: {"summary": "更早复盘"},
    ),
    Row("API reflections", "get", _fixed_url("/api/v1/reflections"), ALL_OK, api=True),
    Row(
        "API sales' reflection",
        "get",
        lambda w, c: f"/api/v1/reflections/{w['reflection'].pk}",
        SEE_SALES_REFLECTION,
        api=True,
    ),
    Row(
        "API management reflection",
        "get",
        lambda w, c: f"/api/v1/reflections/{w['management_reflection'].pk}",
        SEE_MANAGEMENT_REFLECTION,
        api=True,
    ),
    Row(
        "API open marketing's reflection",
        "post",
        _fixed_url("/api/v1/reflections/open"),
        ADMIN_ONLY,
        data=lambda w, c: {"cycle": c.quarter.pk, "department": c.marketing.pk},
        api=True,
    ),
    Row(
        "API close sales' reflection",
        "post",
        lambda w, c: f"/api/v1/reflections/{w['reflection'].pk}/close",
        WRITE_SALES_REFLECTION,
        data=lambda w, c: {"summary": "拜访量决定线索"},
        api=True,
    ),
    Row(
        "API reopen sales' last reflection",
        "post",
        lambda w, c: f"/api/v1/reflections/{w['closed_reflection'].pk}/reopen",
        WRITE_SALES_REFLECTION,
        api=True,
    ),
    Row(
        "API record a measure",
        "post",
        lambda w, c: f"/api/v1/reflections/{w['reflection'].pk}/measures",
        WRITE_SALES_REFLECTION,
        data=lambda w, c: {"title": "复盘例会", "owner": c.mia.pk, "due_date": "2027-02-10"},
        api=True,
    ),
    Row(
        "API mark mia's measure done",
        "post",
        lambda w, c: f"/api/v1/reflections/measures/{w['measure'].pk}/done",
        MARK_MIAS_MEASURE,
        data=lambda w, c: {"done": True},
        api=True,
    ),
    Row(
        "API write my manager's account",
        "put",
        lambda w, c: f"/api/v1/reflections/{w['management_reflection'].pk}/account",
        WRITE_MY_ACCOUNT,
        data=lambda w, c: {"how_used": "周会看信心", "plan_next": "更早复盘"},
        api=True,
    ),
    Row(
        "API close the management reflection",
        "post",
        lambda w, c: f"/api/v1/reflections/{w['management_reflection'].pk}/close",
        WRITE_MANAGEMENT_REFLECTION,
        data=lambda w, c: {"summary": "更早复盘"},
        api=True,
    ),
    # --- the update (UPD-1 … UPD-5) of the world's quarter, not ended yet; the policy's late updaters (UPD-5).
    Row("the update", "get", _fixed_url("/updates/"), ALL_OK),
    Row("the update of a quarter", "get", lambda w, c: f"/updates/{c.quarter.pk}/", ALL_OK),
    Row("the update's board", "get", lambda w, c: f"/updates/{c.quarter.pk}/board/", ALL_OK),
    Row(
        "decide on the company objective",
        "post",
        lambda w, c: f"/updates/objectives/{w['company'].pk}/decide/",
        DECIDE_COMPANY,
        data=lambda w, c: {"outcome": "achieved", "action": "keep"},
    ),
    Row(
        "decide on mia's objective",
        "post",
        lambda w, c: f"/updates/objectives/{w['mine'].pk}/decide/",
        DECIDE_MINE,
        data=lambda w, c: {"outcome": "partly", "action": "keep"},
    ),
    Row(
        "decide on mia's private objective",
        "post",
        lambda w, c: f"/updates/objectives/{w['private'].pk}/decide/",
        DECIDE_PRIVATE,
        data=lambda w, c: {"outcome": "missed", "action": "abandon"},
    ),
    Row(
        "justify a new company objective",
        "post",
        lambda w, c: f"/updates/objectives/{w['company'].pk}/justify/",
        EDIT_COMPANY,
        data=lambda w, c: {"justification": "客户需要，我们做得到"},
    ),
    Row(
        "approve a company change",
        "post",
        lambda w, c: f"/updates/decisions/{w['update_decision'].pk}/approve/",
        APPROVE_CHANGE,
    ),
    Row(
        "close the company's update", "post", lambda w, c: f"/updates/{c.quarter.pk}/close-stage/", CLOSE_COMPANY_UPDATE
    ),
    Row("close the update", "post", lambda w, c: f"/updates/{c.quarter.pk}/close/", EDIT_COMPANY),
    Row(
        "name the late updaters",
        "post",
        _fixed_url("/settings/late-updaters/"),
        ADMIN_ONLY,
        data=lambda w, c: {"late_updaters": [str(c.hank.pk)]},
    ),
    Row("API the update", "get", lambda w, c: f"/api/v1/updates/cycles/{c.quarter.pk}", ALL_OK, api=True),
    Row("API the update's board", "get", lambda w, c: f"/api/v1/updates/cycles/{c.quarter.pk}/board", ALL_OK, api=True),
    Row(
        "API decide on the company objective",
        "post",
        lambda w, c: f"/api/v1/updates/objectives/{w['company'].pk}/decision",
        DECIDE_COMPANY_API,
        data=lambda w, c: {"outcome": "achieved", "action": "keep"},
        api=True,
    ),
    Row(
        "API decide on mia's objective",
        "post",
        lambda w, c: f"/api/v1/updates/objectives/{w['mine'].pk}/decision",
        DECIDE_MINE_API,
        data=lambda w, c: {"outcome": "partly", "action": "keep"},
        api=True,
    ),
    Row(
        "API justify a new company objective",
        "post",
        lambda w, c: f"/api/v1/updates/objectives/{w['company'].pk}/justification",
        EDIT_COMPANY,
        data=lambda w, c: {"justification": "客户需要，我们做得到"},
        api=True,
    ),
    Row(
        "API approve a company change",
        "post",
        lambda w, c: f"/api/v1/updates/decisions/{w['update_decision'].pk}/approve",
        APPROVE_CHANGE,
        api=True,
    ),
    Row(
        "API close the company's update",
        "post",
        lambda w, c: f"/api/v1/updates/cycles/{c.quarter.pk}/stages",
        DECIDE_COMPANY_API,
        data=lambda w, c: {},
        api=True,
    ),
    Row(
        "API close the update",
        "post",
        lambda w, c: f"/api/v1/updates/cycles/{c.quarter.pk}/close",
        EDIT_COMPANY,
        api=True,
    ),
    # --- celebration (CEL-1 … CEL-5) ---
    Row("celebrations", "get", _fixed_url("/celebrations/"), ALL_OK),
    Row("plan a celebration, form", "get", _fixed_url("/celebrations/plan/"), ALL_OK),
    Row(
        "plan the sales team's celebration",
        "post",
        _fixed_url("/celebrations/plan/"),
        PLAN_SALES_TEAM,
        data=lambda w, c: {
            "level": "team",
            "team": c.sales_team.pk,
            "cycle": c.quarter.pk,
            "at": "2027-01-15T17:00",
            "forms": ["drinks"],
            "action": "plan",
        },
    ),
    Row("a celebration", "get", lambda w, c: f"/celebrations/{w['celebration'].pk}/", ALL_OK),
    Row(
        "hold the sales team's celebration",
        "post",
        lambda w, c: f"/celebrations/{w['celebration'].pk}/hold/",
        PLAN_SALES_TEAM,
        data=lambda w, c: {"notes": "签下三家", "forms": ["fruit"]},
    ),
    Row("recognition wall", "get", _fixed_url("/celebrations/recognitions/"), ALL_OK),
    Row("give recognition, form", "get", _fixed_url("/celebrations/recognitions/give/"), ALL_OK),
    Row(
        "recognise mia",
        "post",
        _fixed_url("/celebrations/recognitions/give/"),
        RECOGNISE_MIA,
        data=lambda w, c: {"receiver": c.mia.pk, "key_result": w["my_kr"].pk, "message": "干得好"},
    ),
    Row("incentives", "get", _fixed_url("/celebrations/incentives/"), INCENTIVES),
    Row(
        "record mia's incentive",
        "post",
        _fixed_url("/celebrations/incentives/"),
        INCENTIVES,
        data=lambda w, c: {"person": c.mia.pk, "cycle": c.quarter.pk, "kind": "promotion", "description": "晋升"},
    ),
    Row("lessons learned", "get", _fixed_url("/celebrations/lessons/"), ALL_OK),
    Row(
        "record a sales lesson",
        "post",
        _fixed_url("/celebrations/lessons/"),
        SALES_LESSON,
        data=lambda w, c: {"cycle": c.quarter.pk, "department": c.sales.pk, "text": "早点约客户"},
    ),
    Row("company values", "get", _fixed_url("/celebrations/values/"), ADMIN_ONLY),
    Row(
        "add a company value",
        "post",
        _fixed_url("/celebrations/values/"),
        ADMIN_ONLY,
        data=lambda w, c: {"name": "诚信"},
    ),
    Row("API celebrations", "get", _fixed_url("/api/v1/celebrations"), ALL_OK, api=True),
    Row(
        "API plan the sales team's celebration",
        "post",
        _fixed_url("/api/v1/celebrations"),
        PLAN_SALES_TEAM,
        data=lambda w, c: {
            "level": "team",
            "team": c.sales_team.pk,
            "cycle": c.quarter.pk,
            "at": "2027-01-15T09:00:00Z",
        },
        api=True,
    ),
    Row("API a celebration", "get", lambda w, c: f"/api/v1/celebrations/{w['celebration'].pk}", ALL_OK, api=True),
    Row(
        "API hold the sales team's celebration",
        "post",
        lambda w, c: f"/api/v1/celebrations/{w['celebration'].pk}/hold",
        PLAN_SALES_TEAM,
        data=lambda w, c: {"notes": "签下三家"},
        api=True,
    ),
    Row("API recognitions", "get", _fixed_url("/api/v1/recognitions"), ALL_OK, api=True),
    Row(
        "API recognise mia",
        "post",
        _fixed_url("/api/v1/recognitions"),
        RECOGNISE_MIA_API,
        data=lambda w, c: {"receiver": c.mia.pk, "key_result": w["my_kr"].pk, "message": "干得好"},
        api=True,
    ),
    Row(
        "API erin's private recognition of mia",
        "get",
        lambda w, c: f"/api/v1/recognitions/{w['private_recognition'].pk}",
        SEE_PRIVATE_RECOGNITION,
        api=True,
    ),
    Row("API incentives", "get", _fixed_url("/api/v1/incentives"), INCENTIVES, api=True),
    Row(
        "API record mia's incentive",
        "post",
        _fixed_url("/api/v1/incentives"),
        INCENTIVES,
        data=lambda w, c: {"person": c.mia.pk, "cycle": c.quarter.pk, "kind": "promotion", "description": "晋升"},
        api=True,
    ),
    Row("API lessons", "get", _fixed_url("/api/v1/lessons"), ALL_OK, api=True),
    Row(
        "API record a sales lesson",
        "post",
        _fixed_url("/api/v1/lessons"),
        SALES_LESSON,
        data=lambda w, c: {"cycle": c.quarter.pk, "department": c.sales.pk, "text": "早点约客户"},
        api=True,
    ),
    Row("API company values", "get", _fixed_url("/api/v1/company-values"), ALL_OK, api=True),
    # PLAY-ANNUAL, WS-1 … WS-7: the workshop is seen by its moderator (alice), observer (erin) and participants (hank
    # leads mia's group); oscar is not invited. Only members write notes; the leader and the moderator lead.
    Row("workshops", "get", _fixed_url("/workshops/"), ALL_OK),
    Row("new workshop, form", "get", _fixed_url("/workshops/new/"), WORKSHOP_CREATE),
    Row("the workshop", "get", lambda w, c: f"/workshops/{w['workshop'].pk}/", SEE_WORKSHOP),
    Row("prepare the workshop", "get", lambda w, c: f"/workshops/{w['workshop'].pk}/prepare/", PREPARE_WORKSHOP),
    Row("the workshop's sheet", "get", lambda w, c: f"/workshops/{w['workshop'].pk}/sheet/", SEE_WORKSHOP),
    Row("the workshop's record", "get", lambda w, c: f"/workshops/{w['workshop'].pk}/record/", WORKSHOP_RECORD),
    Row("the workshop's live channel", "get", lambda w, c: f"/workshops/{w['workshop'].pk}/live/", SEE_WORKSHOP),
    Row("the group's screen", "get", _room_url(""), SEE_WORKSHOP),
    Row("write a note", "post", _room_url("note/"), WRITE_NOTE, data=lambda w, c: {"text": "开拓苏州和杭州的新市场"}),
    Row("reveal the notes", "post", _room_url("phase/"), LEAD_GROUP, data=lambda w, c: {"phase": "combine"}),
    Row("API workshops", "get", _fixed_url("/api/v1/workshops"), ALL_OK, api=True),
    Row("API the workshop", "get", lambda w, c: f"/api/v1/workshops/{w['workshop'].pk}", SEE_WORKSHOP, api=True),
    Row(
        "API the workshop's events",
        "get",
        lambda w, c: f"/api/v1/workshops/{w['workshop'].pk}/events",
        SEE_WORKSHOP,
        api=True,
    ),
    Row("API the group", "get", _api_group_url(""), SEE_WORKSHOP, api=True),
    Row(
        "API write a note",
        "post",
        _api_group_url("/notes"),
        WRITE_NOTE,
        data=lambda w, c: {"text": "开拓苏州和杭州的新市场"},
        api=True,
    ),
    Row(
        "API reveal the notes",
        "post",
        _api_group_url("/phase"),
        LEAD_GROUP,
        data=lambda w, c: {"phase": "combine"},
        api=True,
    ),
]

WRITES = {"post", "put", "patch", "delete"}
CASES = [pytest.param(row, persona, id=f"{row.name}-{persona}") for row in ROWS for persona in PERSONAS]


def _call(row: Row, persona: str, world: World, company: Company) -> Response:
    client = Client()
    headers: dict[str, str] = dict(row.headers or {})
    if persona != "anonymous":
        person = getattr(company, persona)
        if row.api:
            _token, secret = api_token_create(actor=None, person=person, name="matrix")
            headers["Authorization"] = f"Bearer {secret}"
        else:
            client.force_login(person)
    url = row.url(world, company)
    data = row.data(world, company) if row.data else None
    if row.api:
        body = json.dumps(data) if data is not None else None
        response: Response = getattr(client, row.method)(
            url, data=body, content_type="application/json", headers=headers
        )
        return response
    if row.method == "get":
        return client.get(url, headers=headers)
    return client.post(url, data=data or {}, headers=headers)


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_answers_each_persona_as_the_table_says_PUB_2(
    row: Row, persona: str, world: World, company: Company
) -> None:
    """PUB-2."""
    expected = row.expect[persona]
    # Tokens created for the call are not part of what a refusal must leave alone.
    before = _state()
    response = _call(row, persona, world, company)
    status = response.status_code
    if expected == "ok":
        assert status < 400, f"{row.name} as {persona}: {status}"
        if status in (301, 302):
            assert "/login/" not in response["Location"]
        if row.method in WRITES or row.writes:
            assert _state() != before, f"an allowed {row.name} as {persona} wrote nothing"
        else:
            assert _state() == before, f"reading {row.name} as {persona} changed data"
        return
    if expected == "login":
        if row.api:
            assert status == 401
        else:
            assert status == 302 and response["Location"].startswith("/login/")
    else:
        assert status == expected, f"{row.name} as {persona}: {status}"
    assert _state() == before, f"a refused {row.name} as {persona} changed data"
