"""The rhythm of the method: schedules of its recurring meetings and deadlines (MEAS-8, EXE-1, EXE-3, EXE-6, SELF-1,
UPD-1, CEL-1), the reminders sent for them, and each person's private calendar address."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.org.models import Department, Team


class ScheduleKind(models.TextChoices):
    CHECK_IN = "check_in", _("check-in reminder")
    STAND_UP = "stand_up", _("stand-up")
    WEEKLY_MEETING = "weekly_meeting", _("department weekly meeting")
    MANAGEMENT_MEETING = "management_meeting", _("management weekly meeting")
    SELF_ASSESSMENT = "self_assessment", _("self-assessment")
    UPDATE_WEEK = "update_week", _("update week")
    CELEBRATION = "celebration", _("celebration")


class Recurrence(models.TextChoices):
    WORKDAYS = "workdays", _("every workday (Monday to Friday)")
    WEEKLY = "weekly", _("every week on the chosen days")
    CYCLE_END = "cycle_end", _("before the end of each cycle")
    CYCLE_START = "cycle_start", _("at the start of each cycle")


class CycleScope(models.TextChoices):
    """Which cycles a schedule relative to a cycle follows (SELF-1: monthly or quarterly)."""

    QUARTER = "quarter", _("quarter")
    MONTH = "month", _("month")
    ANNUAL = "annual", _("year")


class Schedule(models.Model):
    """When a group meets or something falls due, in the organisation's time zone. A group is a team or a
    department; the management meeting is the executives' and department heads' and has neither."""

    kind = models.CharField(_("kind"), max_length=30, choices=ScheduleKind.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules", verbose_name=_("team")
    )
    recurrence = models.CharField(_("recurrence"), max_length=20, choices=Recurrence.choices)
    # Monday is 0, Sunday 6 (Python's `date.weekday()`); for weekly schedules.
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    time = models.TimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    cycle_kind = models.CharField(
        _("cycles"), max_length=10, choices=CycleScope.choices, default=CycleScope.QUARTER, blank=True
    )
    # cycle_end: days before the cycle's last day (6: its last week begins); cycle_start: days after its first.
    day_offset = models.PositiveSmallIntegerField(_("days from the cycle's end or start"), default=0)
    # Check-ins only: a second reminder this many hours later, naming who has not checked in yet.
    late_after_hours = models.PositiveSmallIntegerField(_("late reminder after (hours)"), null=True, blank=True)
    # Meetings: the first reminder this many minutes before the meeting (0: at its start), so that people can
    # prepare (a stand-up's entries are posted beforehand, EXE-1).
    remind_before_minutes = models.PositiveSmallIntegerField(_("reminder before (minutes)"), default=0)
    # Stand-ups only: a late reminder this many minutes before the meeting naming who has not posted yet.
    late_before_minutes = models.PositiveSmallIntegerField(_("late reminder before (minutes)"), null=True, blank=True)
    # Blank: the organisation's time zone; a team elsewhere meets on its own clock.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["kind", "department_id", "team_id", "id"]
        verbose_name = _("schedule")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~(models.Q(department__isnull=False) & models.Q(team__isnull=False)),
                name="schedule_one_group",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def zone(self, organisation_zone: dt.tzinfo) -> dt.tzinfo:
        """The schedule's clock: its own time zone, or the organisation's when it has none (or an unknown one)."""
        if not self.time_zone:
            return organisation_zone
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return organisation_zone


class OccurrenceStage(models.TextChoices):
    FIRST = "first", _("reminder")
    LATE = "late", _("late reminder")


class Occurrence(models.Model):
    """A reminder sent: one row per schedule, due time and stage. Its unique key is the claim, so that several
    workers never remind anyone twice of one occurrence."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="occurrences")
    due_at = models.DateTimeField(_("due"))
    stage = models.CharField(_("stage"), max_length=10, choices=OccurrenceStage.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder sent")
        ordering: ClassVar = ["-due_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["schedule", "due_at", "stage"], name="occurrence_once")
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} @ {self.due_at:%Y-%m-%d %H:%M} ({self.stage})"


class CalendarToken(models.Model):
    """A person's private calendar subscription address; only the SHA-256 of its secret is stored."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token", verbose_name=_("person")
    )
    prefix = models.CharField(_("starts with"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar address")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.prefix}…"


class Holiday(models.Model):
    """A day off for the whole organisation (set by an administrator): no stand-up, no reminder, no meeting in the
    calendars on it."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["day"]
        verbose_name = _("holiday")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


class Absence(models.Model):
    """A person away from `start` to `end` (both days included): not reminded, listed apart in a stand-up."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences", verbose_name=_("person")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["person_id", "start", "id"]
        verbose_name = _("absence")
        indexes: ClassVar = [models.Index(fields=["start", "end"], name="absence_span")]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="absence_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"
