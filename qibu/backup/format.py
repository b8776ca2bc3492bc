"""The export file: what it holds and how each value is written (docs/EXPORT.md describes it for readers).

One zip archive:

- `manifest.json`: `{"format": "qibu-export", "version": 1, "exported_at", "database", "migrations", "tables":
  [{"table", "file", "fields", "rows"}, ...]}`, written last (it counts the rows);
- `README.txt`: what the file is and that it must be kept like a password;
- `tables/<app>.<model>.jsonl`: one table, one JSON object per line, one row per object, keyed by column
  (foreign keys by their `…_id` column), in primary-key order.

Values are the database's own, so that an import gives the same rows back: integers, strings and booleans as
JSON; decimals as strings in plain notation with the column's places ("0.6750"); dates as "2026-10-01"; times as
ISO 8601 in UTC to the microsecond ("2026-10-01T01:00:00.123456+00:00"); JSON columns as JSON.

`VERSION` goes up whenever an exported table or field changes; the importer refuses a file of a newer version
and is taught to read every older one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from qibu.assess.models import KeyResultScore, SelfAssessment
from qibu.audit.models import AuditEntry
from qibu.blockers.models import Blocker
from qibu.celebrate.models import Celebration, CompanyValue, Incentive, Lesson, Recognition
from qibu.cycles.models import Cycle
from qibu.discuss.models import Comment, Mention
from qibu.meetings.models import AgendaItem, Commitment, ConfidenceChange, Meeting, WeekReport
from qibu.notify.models import ChatWebhook, Notification, NotificationSettings
from qibu.okrs.models import (
    Alignment,
    ApprovalDecision,
    CheckIn,
    Correction,
    DraftKeyResult,
    KeyResult,
    Milestone,
    Objective,
)
from qibu.oneonones.models import Meeting as OneOnOne
from qibu.oneonones.models import Note as OneOnOneNote
from qibu.oneonones.models import Series as OneOnOneSeries
from qibu.oneonones.models import SupportRequest, TalkingPoint
from qibu.org.models import ApiToken, Department, Organisation, Person, StrategicGoal, Team
from qibu.planning.models import Proposal, TakeUp
from qibu.plans.models import ActionStep
from qibu.projects.models import Project, ProjectMember, Stage
from qibu.publish.models import Entry, Publication
from qibu.reflect.models import ManagerAccount, Measure, Reflection
from qibu.rhythm.models import Absence, CalendarToken, Holiday, Schedule
from qibu.standups.models import Entry as StandUpEntry
from qibu.standups.models import EntryItem, StandUp
from qibu.updates.models import Decision as UpdateDecision
from qibu.updates.models import Stage as UpdateStage
from qibu.workshop.models import Ballot as WorkshopBallot
from qibu.workshop.models import Column as WorkshopColumn
from qibu.workshop.models import Event as WorkshopEvent
from qibu.workshop.models import Group as WorkshopGroup
from qibu.workshop.models import GroupingProposal, Participant, Vote, VoteOption, VoteReason, Workshop
from qibu.workshop.models import Note as WorkshopNote

FORMAT = "qibu-export"
VERSION = 5
MANIFEST = "manifest.json"
README = "README.txt"
# Rows read, encoded and written at a time: bounds memory whatever the size of the company.
BATCH = 2000

# Every table of the company, in an order where a row comes after the rows it points to (but for the
# self-references and the department ↔ head cycle, which the import's deferred constraints allow).
MODELS: tuple[type[models.Model], ...] = (
    Organisation,
    StrategicGoal,
    Department,
    Team,
    Person,
    Organisation.late_updaters.through,
    ApiToken,
    Cycle,
    Project,
    ProjectMember,
    Stage,
    Objective,
    KeyResult,
    KeyResult.contributors.through,
    Milestone,
    Alignment,
    ApprovalDecision,
    DraftKeyResult,
    Proposal,
    TakeUp,
    CheckIn,
    Correction,
    ActionStep,
    ActionStep.resource_people.through,
    OneOnOneSeries,
    OneOnOne,
    TalkingPoint,
    OneOnOneNote,
    SupportRequest,
    Blocker,
    Blocker.concerned.through,
    SelfAssessment,
    KeyResultScore,
    AuditEntry,
    NotificationSettings,
    Notification,
    ChatWebhook,
    Comment,
    Mention,
    Schedule,
    CalendarToken,
    Meeting,
    AgendaItem,
    ConfidenceChange,
    WeekReport,
    Commitment,
    Publication,
    Entry,
    Holiday,
    Absence,
    StandUp,
    StandUpEntry,
    EntryItem,
    Reflection,
    Measure,
    ManagerAccount,
    UpdateDecision,
    UpdateStage,
    CompanyValue,
    Celebration,
    Recognition,
    Incentive,
    Lesson,
    # The workshop's groups point at their spotlighted note and column, which come after them: the import checks
    # every reference once all rows are in.
    Workshop,
    WorkshopGroup,
    Participant,
    WorkshopColumn,
    WorkshopNote,
    Vote,
    VoteOption,
    WorkshopBallot,
    VoteReason,
    GroupingProposal,
    WorkshopEvent,
)

# Tables that came in a later version (label → the first version holding them): an older file has none of them,
# and imports with those tables empty. Version 2: the inbox and each person's notification choices; version 3:
# the departments' and teams' chat webhooks, comments and their mentions, the rhythm's schedules and each person's
# calendar address, the publications (PUB-1) and their frozen entries; version 4: the approval steps of objectives
# (SET-1, SET-2), the people who carry a key result, and the set step's planning, projects and action plans, and
# the key results drafted before their objective (SET-9); version 5: the co-creation workshops (PLAY-ANNUAL).
ADDED_IN: dict[str, int] = {
    # PLAY-ANNUAL, WS-1 … WS-7: the co-creation workshops, version 5.
    **dict.fromkeys(
        (
            "workshop.workshop",
            "workshop.group",
            "workshop.participant",
            "workshop.column",
            "workshop.note",
            "workshop.vote",
            "workshop.voteoption",
            "workshop.ballot",
            "workshop.votereason",
            "workshop.groupingproposal",
            "workshop.event",
        ),
        5,
    ),
    # CEL-1 … CEL-5: the company's values, celebrations, recognition, incentives and lessons learned.
    "celebrate.companyvalue": 4,
    "celebrate.celebration": 4,
    "celebrate.recognition": 4,
    "celebrate.incentive": 4,
    "celebrate.lesson": 4,
    # REF-1 … REF-3: the reflections, their measures and the managers' accounts, with the close of the loop.
    "reflect.reflection": 4,
    "reflect.measure": 4,
    "reflect.manageraccount": 4,
    # UPD-1 … UPD-5: the update's decisions and the levels' updates closed, with the close of the loop.
    "updates.decision": 4,
    "updates.stage": 4,
    # UPD-5: who may still update a closed cycle, with the close of the loop.
    "org.organisation_late_updaters": 4,
    "okrs.approvaldecision": 4,
    "okrs.draftkeyresult": 4,
    # EXE-11: corrective actions, with the execute step.
    "okrs.correction": 4,
    "plans.actionstep": 4,
    "plans.actionstep_resource_people": 4,
    "blockers.blocker": 4,
    "blockers.blocker_concerned": 4,
    # SELF-1, MEAS-7: self-assessments and their scores, with the close of the loop.
    "assess.selfassessment": 4,
    "assess.keyresultscore": 4,
    "planning.proposal": 4,
    "planning.takeup": 4,
    "okrs.keyresult_contributors": 4,
    "projects.project": 4,
    "projects.projectmember": 4,
    "projects.stage": 4,
    "oneonones.series": 4,
    "oneonones.meeting": 4,
    "oneonones.talkingpoint": 4,
    "oneonones.note": 4,
    "oneonones.supportrequest": 4,
    "notify.notificationsettings": 2,
    "notify.notification": 2,
    "notify.chatwebhook": 3,
    "discuss.comment": 3,
    "discuss.mention": 3,
    "rhythm.schedule": 3,
    "rhythm.calendartoken": 3,
    "publish.publication": 3,
    "publish.entry": 3,
    "meetings.meeting": 4,
    "meetings.agendaitem": 4,
    "meetings.confidencechange": 4,
    "meetings.weekreport": 4,
    "meetings.commitment": 4,
    "rhythm.holiday": 4,
    "rhythm.absence": 4,
    "standups.standup": 4,
    "standups.entry": 4,
    "standups.entryitem": 4,
}

# Models of Qibu's apps that are not in the export, and why (a test fails on any model in neither list).
LEFT_OUT: dict[str, str] = {
    "jobs.job": "background work, not company data: a restored installation starts with an empty queue and "
    "the worker enqueues its periodic work again",
    "jobs.probe": "an administrator's check that the background worker answers, not company data",
    "notify.outboxmail": "mail already sent or on its way, not company data: a restored installation must not send it "
    "again, and what it said is in the OKRs and history it was made from",
    "notify.chatmessage": "chat messages already posted or on their way, not company data: a restored installation "
    "must not post them again (the webhooks they went to are exported)",
    "rhythm.occurrence": "the reminders already sent, derived from the schedules as they ran: a restored "
    "installation must not send them again, and sends only what falls due after it starts (the worker skips what "
    "is more than two hours late)",
    "org.person_groups": "Django's groups, which Qibu does not use (roles are `org.person.role`)",
    "org.person_user_permissions": "Django's per-user permissions, which Qibu does not use (roles are "
    "`org.person.role`)",
}


class BadValue(ValueError):
    """A value of the file that its column cannot hold; the message says what was expected."""


def _expect(kind: str) -> BadValue:
    return BadValue(_("expected %(kind)s") % {"kind": kind})


def _encode_datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _decode_datetime(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    raise _expect(_("a time with its offset from UTC, e.g. 2026-10-01T01:00:00.000000+00:00"))


def _decode_date(value: Any) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _expect(_("a date, e.g. 2026-10-01"))


def _decode_time(value: Any) -> dt.time:
    if isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed
    raise _expect(_("a time of day, e.g. 21:30:00"))


def _decode_decimal(value: Any) -> Decimal:
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise _expect(_("a decimal number as a string, e.g. “0.6750”"))


def _decode_integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _expect(_("a whole number"))


def _decode_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _expect(_("text"))


def _decode_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _expect(_("true or false"))


def _same(value: Any) -> Any:
    return value


# By Django's internal type of a column: (encode a database value for the file, decode a file value).
_INTEGERS = (
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
)
CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    **{kind: (_same, _decode_integer) for kind in _INTEGERS},
    "CharField": (_same, _decode_text),
    "TextField": (_same, _decode_text),
    "BooleanField": (_same, _decode_boolean),
    "DateField": (dt.date.isoformat, _decode_date),
    "DateTimeField": (_encode_datetime, _decode_datetime),
    "TimeField": (dt.time.isoformat, _decode_time),
    "DecimalField": (lambda value: format(value, "f"), _decode_decimal),
    "JSONField": (_same, _same),
}

# How the documentation names each kind of value.
KIND_NAMES: dict[str, str] = {
    **dict.fromkeys(_INTEGERS, "integer"),
    "CharField": "string",
    "TextField": "string",
    "BooleanField": "boolean",
    "DateField": "date",
    "DateTimeField": "time (UTC, µs)",
    "TimeField": "time of day",
    "DecimalField": "decimal string",
    "JSONField": "JSON",
}


def _internal_type(field: models.Field[Any, Any]) -> str:
    """The stored kind of a column; a foreign key is stored as the key it points to."""
    if field.remote_field is not None and field.concrete:
        return _internal_type(field.target_field)  # type: ignore[attr-defined]
    return field.get_internal_type()


@dataclass(frozen=True)
class Column:
    field: models.Field[Any, Any]
    name: str  # the attribute name: `manager_id` for the foreign key `manager`
    db_column: str
    kind: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]

    @property
    def nullable(self) -> bool:
        return bool(self.field.null)


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    columns: tuple[Column, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def file(self) -> str:
        return f"tables/{self.label}.jsonl"

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def encode(self, values: tuple[Any, ...]) -> dict[str, Any]:
        """One row as read from the database (in column order) → the JSON object of the file."""
        return {
            column.name: None if value is None else column.encode(value)
            for column, value in zip(self.columns, values, strict=True)
        }


# Columns derived from others, left out of the file and computed again by the import (see importing.py).
DERIVED_FIELDS: dict[str, str] = {
    "search_key": "derived from the name (its pinyin and initials, for search): the import computes it again",
}


def _table(model: type[models.Model]) -> Table:
    columns = []
    for field in model._meta.concrete_fields:
        if field.name in DERIVED_FIELDS:
            continue
        kind = _internal_type(field)
        if kind not in CODECS:
            raise TypeError(f"{model._meta.label}.{field.name}: the export does not know how to write a {kind}")
        encode, decode = CODECS[kind]
        attname, db_column = field.get_attname_column()
        columns.append(
            Column(field=field, name=attname, db_column=db_column or attname, kind=kind, encode=encode, decode=decode)
        )
    return Table(model=model, columns=tuple(columns))


TABLES: tuple[Table, ...] = tuple(_table(model) for model in MODELS)
TABLES_BY_LABEL: dict[str, Table] = {table.label: table for table in TABLES}


# What a field's verbose name does not say, for the documentation.
NOTES: dict[tuple[str, str], str] = {
    ("org.person", "password"): "the password hash as Django stores it (`algorithm$…`), never the password",
    ("org.apitoken", "key_hash"): "SHA-256 of the token's secret; the secret itself is stored nowhere",
    ("org.apitoken", "prefix"): "the token's first characters, shown on its page",
    ("rhythm.calendartoken", "key_hash"): "SHA-256 of the calendar address's secret; the secret itself is stored "
    "nowhere",
    ("rhythm.calendartoken", "prefix"): "the secret's first characters, shown on the calendar settings page",
    ("rhythm.schedule", "weekdays"): "days of a weekly schedule, 0 (Monday) to 6 (Sunday)",
    ("rhythm.schedule", "time_zone"): "the schedule's IANA time zone; empty: the organisation's",
    ("rhythm.absence", "end"): "the last day away (included)",
    ("standups.standup", "starts_at"): "when the meeting starts: the reporting window closes then (EXE-1)",
    ("standups.standup", "speaker_order"): "the live mode's speakers in order, person ids",
    ("standups.standup", "live_version"): "bumped by every change of the live state",
    ("standups.entry", "timing"): "posted before the meeting, during or after it",
    ("standups.entryitem", "blocker"): "the blocker a blocker line became (EXE-2)",
    ("rhythm.schedule", "time"): "local time of day in the organisation's time zone",
    ("rhythm.schedule", "day_offset"): "days before the cycle's last day (`cycle_end`) or after its first "
    "(`cycle_start`)",
    ("org.department", "path"): "ids from the root down to this department, e.g. `/1/4/9/`",
    ("okrs.objective", "progress"): "stored roll-up (MEAS-4), 0–1",
    ("okrs.objective", "confidence"): "stored roll-up (MEAS-5), 0–100",
    ("okrs.keyresult", "progress_raw"): "MEAS-1 progress before clamping (over 1 = over-achieved)",
    ("okrs.keyresult", "progress"): "MEAS-1 progress clamped to 0–1",
    ("okrs.checkin", "milestones_done"): "ids of the `okrs.milestone` rows done at this check-in",
    ("okrs.checkin", "progress_raw"): "the key result's raw progress after this check-in",
    ("okrs.checkin", "progress"): "the key result's progress after this check-in",
    ("okrs.alignment", "rollup_parent_id"): "the objective the link rolls up into",
    ("okrs.milestone", "due_date"): "EXE-9: when it is due, within its key result's dates (null: no due date)",
    ("okrs.correction", "key_result"): "the key result corrected (null: the objective itself)",
    ("okrs.correction", "before"): "the fields it changed as they were (JSON object; dates ISO, numbers as text; a "
    "change of strategy under `strategy`)",
    ("okrs.correction", "after"): "the same fields as the correction made them",
    ("okrs.correction", "progress_before"): "the key result's progress just before, 0–1",
    ("okrs.correction", "progress_after"): "its progress just after (a revised target moves it), 0–1",
    ("okrs.correction", "approver"): "who agreed it: its maker when an approver of the objective, else whoever "
    "approved the objective after it (null: not agreed, or no approval asked)",
    ("org.organisation_late_updaters", "organisation"): "the organisation",
    ("org.organisation_late_updaters", "person"): "UPD-5: a person who may still update a closed cycle, flagged as "
    "late",
    ("okrs.keyresult_contributors", "keyresult"): "a key result",
    ("okrs.keyresult_contributors", "person"): "a person who carries it with its owner (PLAY-PROJ)",
    ("projects.project", "vision"): "VIS-3: the project's own vision",
    ("projects.project", "mission"): "VIS-3: the project's own mission",
    ("projects.project", "lead"): "who runs the project; a member too",
    ("projects.stage", "cycle"): "the stage's own cycle (kind `project_stage`), which holds the stage's objectives",
    ("notify.chatwebhook", "url"): "the incoming webhook's address, which holds its access token: keep the file "
    "like a password",
    ("notify.chatwebhook", "secret"): "DingTalk's or Feishu's signing secret, as typed; empty when not signed",
    ("discuss.comment", "key_result"): "the key result it is about (a check-in's own when on a check-in)",
    ("discuss.comment", "edited_at"): "when its author last changed the text",
    ("discuss.comment", "hidden_at"): "when an administrator hid it (null: shown)",
    ("discuss.mention", "person"): "a person the comment mentions who could see the objective (and was told)",
    ("audit.auditentry", "subject_type"): "model label of the row whose history lists the entry",
    ("audit.auditentry", "subject_id"): "its id",
    ("audit.auditentry", "target_type"): "model label of the row that changed",
    ("audit.auditentry", "target_id"): "its id",
    ("audit.auditentry", "before"): "the changed values before (JSON object)",
    ("audit.auditentry", "after"): "the changed values after (JSON object)",
    ("publish.publication", "missing"): "who was not ready when it was published: `[{kind, id, name, reason}]`",
    ("publish.publication", "changes"): "what changed since the cycle's previous publication, each with the access "
    "keys of its objective",
    ("publish.publication", "state"): "compiling (asked for; the worker copies the OKRs), published, failed (its "
    "`error` says why) or unchanged (the same as `same_as`, mailed to nobody); one restored while compiling is "
    "compiled by nothing: an administrator publishes the quarter again",
    ("plans.actionstep", "owner"): "who does the step (EXE-8)",
    ("plans.actionstep", "responsible"): "who answers for it",
    ("plans.actionstep", "decider"): "who decides on it (authority)",
    ("plans.actionstep", "currency"): "the budget's ISO 4217 code, e.g. `CNY`",
    ("plans.actionstep", "position"): "its place in its key result's plan, 0 first",
    ("plans.actionstep", "split_from"): "the step it was split from (null: none, or that step was deleted)",
    ("plans.actionstep_resource_people", "person"): "a person who helps with the step (its resources)",
    ("meetings.meeting", "kind"): "`department` (EXE-3) or `management` (EXE-6, no department)",
    ("meetings.meeting", "progress_share"): "EXE-5: the percentage of the planned time on progress, the rest on "
    "next steps",
    ("meetings.meeting", "notes_version"): "raised by every save of the minutes' text (a save from an older "
    "version is refused)",
    ("meetings.agendaitem", "numbers"): "EXE-12: the numbers of what it concerns on the day the meeting opened",
    ("meetings.agendaitem", "ref_type"): "the model label of another row it concerns, e.g. `plans.actionstep`",
    ("meetings.agendaitem", "carried_from"): "the point of an earlier meeting, not reached, that it carries forward",
    ("meetings.confidencechange", "check_in"): "the check-in that recorded it (EXE-4: why and what changed)",
    ("oneonones.series", "weekday"): "0 Monday … 6 Sunday; monthly: the first such day of each month (EXE-9)",
    ("oneonones.series", "time"): "in the organisation's time zone",
    ("oneonones.meeting", "reminded_for"): "the start the pair were last reminded of (a moved meeting is reminded "
    "of again)",
    ("oneonones.talkingpoint", "carried_from"): "the point of an earlier meeting it was carried from, not discussed "
    "there",
    ("oneonones.note", "visibility"): "`private`: only its author reads it in Qibu; `shared`: both of the pair. The "
    "export holds private notes too: the export is the company's data, and whoever holds the file reads them",
    ("oneonones.supportrequest", "owner"): "one of the pair, who settles it (EXE-10)",
    ("oneonones.supportrequest", "resolution"): "the owner's note on the outcome; needed to decline",
    ("blockers.blocker", "owner"): "who settles it (EXE-2)",
    ("blockers.blocker", "team"): "the team it was raised in (null: raised in none)",
    ("blockers.blocker", "department"): "the department it was raised in (the team's when raised in a team)",
    ("blockers.blocker", "source_id"): "the id of the stand-up, weekly meeting or 1-on-1 it was raised in",
    ("blockers.blocker", "tier"): "the meeting that looks at it now: it climbs from the team to the department's, "
    "then the management's weekly meeting while it stays open (EXE-2)",
    ("blockers.blocker", "created_at"): "when it was raised; its age counts from here",
    ("assess.selfassessment", "cycle"): "the period assessed: a quarter, or a month of it when the policy says "
    "monthly (SELF-1); its key results are those of the quarter",
    ("assess.selfassessment", "state"): "a draft until submitted; submitted, read-only until its owner reopens it",
    ("assess.keyresultscore", "score"): "the end score, 0.0–1.0 (MEAS-7); written to the key result on submit",
    ("assess.keyresultscore", "progress"): "the key result's progress, clamped to 0–1, when it was scored: the "
    "default score",
    ("assess.keyresultscore", "score_reason"): "needed when the score is not the progress (MEAS-7)",
    ("assess.keyresultscore", "root_cause"): "needed on submit when the score is below 1.0 (SELF-2)",
    ("updates.decision", "objective"): "the closing objective decided on; null for a new company objective",
    ("updates.decision", "carried"): "the objective in the next cycle: the carried copy, or the new company objective",
    ("updates.decision", "action"): "`keep`, `modify`, `abandon`, or `new` (a company objective new in the next "
    "cycle, UPD-3)",
    ("updates.decision", "key_results"): 'UPD-4: `{"<key result id>": {action, target_value, title, carried}}`: '
    "each key result kept, modified or dropped, and its copy",
    ("updates.decision", "late"): "recorded after the cycle was closed, by one of the policy's late updaters (UPD-5)",
    ("updates.decision", "approved_at"): "when an executive approved a company change (UPD-3); null: waiting",
    ("updates.stage", "department"): "the department whose update was closed; null: the company's (UPD-2)",
    ("blockers.blocker_concerned", "person"): "a person the blocker concerns, told of it and of its follow-up",
    ("publish.entry", "objective_id"): "the `okrs.objective` it copies (no foreign key: the snapshot outlives it)",
    ("publish.entry", "key_results"): "the key results as published: `[{id, title, kind, start, target, current, "
    "unit, low, high, owner, progress, progress_raw, confidence, score}]`",
}


def _meaning(table: Table, column: Column) -> str:
    field = column.field
    parts = [str(field.verbose_name)]
    note = NOTES.get((table.label, field.name))
    if note:
        parts.append(note)
    if field.remote_field is not None:
        parts.append(f"→ `{field.remote_field.model._meta.label_lower}`")
    if field.choices:
        parts.append("one of " + ", ".join(f"`{value}`" for value, _label in field.flatchoices))
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        parts.append("set by Qibu when the row is written; the import keeps it as it is")
    return "; ".join(parts)


def fields_markdown() -> str:
    """The tables and fields of this version as docs/EXPORT.md lists them (a test keeps the two equal)."""
    lines: list[str] = []
    for table in TABLES:
        lines += ["", f"### `{table.label}` — `{table.file}`", "", "| field | value | null | meaning |"]
        lines.append("|---|---|---|---|")
        for column in table.columns:
            null = "yes" if column.nullable else ""
            lines.append(f"| `{column.name}` | {KIND_NAMES[column.kind]} | {null} | {_meaning(table, column)} |")
    return "\n".join(lines[1:]) + "\n"
