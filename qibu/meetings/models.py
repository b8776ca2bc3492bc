"""Weekly meetings (EXE-3 … EXE-6, EXE-12): the department's and the management's, their agendas built from data, the
confidence set in the meeting, the minutes and next week's commitments.

A meeting's agenda is a snapshot (`AgendaItem`), written when the meeting opens: the minutes say what was on the
table that day, with the numbers of that day, even after the key results move on. Each item links to what it is
about (a key result, a check-in, or another row by model label and id), so that a record of the meeting leads to the
data it discussed (EXE-12).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qibu.okrs.models import CheckIn, KeyResult
from qibu.org.models import Department
from qibu.rhythm.models import Schedule

# EXE-5: about a quarter of the time on progress, the rest on next steps.
DEFAULT_PROGRESS_SHARE = 25
DEFAULT_MINUTES = 60


class MeetingKind(models.TextChoices):
    DEPARTMENT = "department", _("department weekly meeting")
    MANAGEMENT = "management", _("management weekly meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", _("closed")


class Meeting(models.Model):
    """One weekly meeting: a department's (EXE-3 … EXE-5) or the management's (EXE-6, no department)."""

    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="weekly_meetings",
        verbose_name=_("department"),
    )
    schedule = models.ForeignKey(
        Schedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("schedule"),
    )
    date = models.DateField(_("date"))
    planned_minutes = models.PositiveSmallIntegerField(_("planned length (minutes)"), default=DEFAULT_MINUTES)
    # EXE-5: the share of the planned time given to progress, in percent; the rest is for next steps.
    progress_share = models.PositiveSmallIntegerField(
        _("share of time on progress (%)"), default=DEFAULT_PROGRESS_SHARE
    )
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    progress_ended_at = models.DateTimeField(_("progress part ended"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_early = models.BooleanField(_("ended early"), default=False)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    # The minutes in words; saved with a version check so that two facilitators never overwrite each other.
    notes = models.TextField(_("minutes"), blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    # The day after: who checked in that week and who did not, sent to the managers once (claimed by this field).
    checkin_report_sent_at = models.DateTimeField(_("check-in report sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("weekly meeting")
        ordering: ClassVar = ["-date", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["department", "-date"], name="meeting_department_date"),
            models.Index(fields=["kind", "-date"], name="meeting_kind_date"),
            models.Index(fields=["status", "ended_at"], name="meeting_status_ended"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(models.Q(kind="department", department__isnull=False))
                | (models.Q(kind="management", department__isnull=True)),
                name="meeting_kind_department",
            ),
            models.CheckConstraint(
                condition=models.Q(progress_share__gte=5, progress_share__lte=95), name="meeting_progress_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def is_management(self) -> bool:
        return self.kind == MeetingKind.MANAGEMENT

    @property
    def is_closed(self) -> bool:
        return self.status == MeetingStatus.CLOSED

    @property
    def progress_minutes(self) -> int:
        """EXE-5: the minutes planned for progress (at least one); the rest go to next steps."""
        return max(1, round(self.planned_minutes * self.progress_share / 100))

    @property
    def next_steps_minutes(self) -> int:
        return max(0, self.planned_minutes - self.progress_minutes)

    @property
    def week_start(self) -> dt.date:
        """The week the meeting looks back on: the seven days ending on its date."""
        return self.date - dt.timedelta(days=6)


class AgendaKind(models.TextChoices):
    """The agenda's sections, in the order they are discussed."""

    KEY_RESULT = "key_result", _("key results at risk, off track, behind pace or stale")
    CONFIDENCE_FALL = "confidence_fall", _("confidence falls of the week")
    BLOCKER = "blocker", _("escalated blockers")
    OVERDUE_STEP = "overdue_step", _("overdue action steps")
    MEASURE = "measure", _("measures from the reflection")
    CORRECTION = "correction", _("corrections of the week")
    COMMITMENT = "commitment", _("last week's commitments")
    CARRIED = "carried", _("points not reached last time")


SECTION_ORDER: tuple[str, ...] = tuple(AgendaKind.values)


class AgendaItem(models.Model):
    """A point of the agenda as it stood when the meeting opened, and whether the meeting reached it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting"))
    section = models.CharField(_("section"), max_length=20, choices=AgendaKind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    # EXE-12: what the point is about, and its numbers on the day.
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("key result")
    )
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("check-in")
    )
    ref_type = models.CharField(_("about (model)"), max_length=50, blank=True)
    ref_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    url = models.CharField(_("address"), max_length=300, blank=True)
    numbers = models.JSONField(_("numbers"), default=dict, blank=True)
    reached = models.BooleanField(_("reached"), default=False)
    reached_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried from")
    )

    class Meta:
        verbose_name = _("agenda item")
        ordering: ClassVar = ["meeting_id", "position", "id"]
        indexes: ClassVar = [models.Index(fields=["meeting", "position"], name="agenda_meeting_position")]

    def __str__(self) -> str:
        return self.title


class ConfidenceChange(models.Model):
    """EXE-3, EXE-4: a key result's confidence set in the meeting, through its check-in (linked, EXE-12)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="confidence_changes", verbose_name=_("meeting")
    )
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="+", verbose_name=_("key result"))
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="+", verbose_name=_("check-in"))
    before = models.PositiveSmallIntegerField(_("confidence before (%)"))
    after = models.PositiveSmallIntegerField(_("confidence after (%)"))
    reason = models.TextField(_("why"), blank=True)
    what_changed = models.TextField(_("what changed"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("set by")
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confidence change")
        ordering: ClassVar = ["meeting_id", "id"]

    def __str__(self) -> str:
        return f"{self.key_result_id}: {self.before} → {self.after}"


class WeekReport(models.Model):
    """EXE-3: a person's week for the meeting — plans, progress, problems — pre-filled from their check-ins,
    stand-up entries and action steps, edited by them alone."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="week_reports", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="week_reports", verbose_name=_("person")
    )
    progress = models.TextField(_("progress"), blank=True)
    plans = models.TextField(_("plans"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("week report")
        ordering: ClassVar = ["meeting_id", "person_id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["meeting", "person"], name="week_report_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id}"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class Commitment(models.Model):
    """Next week's commitment (EXE-3) or this week's concrete task that moves a company key result (EXE-6): owner
    and due date, followed up on the next meeting's agenda."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("meeting")
    )
    text = models.CharField(_("commitment"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_commitments", verbose_name=_("owner")
    )
    due = models.DateField(_("due"))
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("key result")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment")
        ordering: ClassVar = ["meeting_id", "due", "id"]
        indexes: ClassVar = [models.Index(fields=["owner", "status", "due"], name="commitment_owner_open")]

    def __str__(self) -> str:
        return self.text
