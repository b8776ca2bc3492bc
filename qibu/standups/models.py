"""Daily stand-ups (EXE-1, EXE-2): each team's entries of yesterday's progress, today's plan and blockers, the
reporting window, the summary and the facilitator's live mode.

A team's stand-up is an occurrence of its stand-up schedule (`rhythm.Schedule`, kind stand_up): one `StandUp` per
team and day, made when first needed, holding the meeting's start (the schedule's time on the schedule's clock),
its length and the live mode's state (who speaks, since when), so that every participant's screen shows the same.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.blockers.models import Blocker
from qibu.okrs.models import KeyResult
from qibu.org.models import Team
from qibu.plans.models import ActionStep
from qibu.rhythm.models import Schedule

# EXE-1: a stand-up lasts 15 minutes at most.
DEFAULT_MINUTES = 15


class StandUp(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="stand_ups", verbose_name=_("team"))
    schedule = models.ForeignKey(
        Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("schedule")
    )
    day = models.DateField(_("day"))
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=DEFAULT_MINUTES)
    # The live mode: who leads it, the order of speakers (person ids), who speaks now and since when.
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    live_started_at = models.DateTimeField(_("meeting started"), null=True, blank=True)
    speaker_order = models.JSONField(_("order of speakers"), default=list, blank=True)
    speaker_index = models.PositiveSmallIntegerField(_("current speaker"), default=0)
    speaker_started_at = models.DateTimeField(_("speaker started"), null=True, blank=True)
    live_ended_at = models.DateTimeField(_("meeting ended"), null=True, blank=True)
    # Bumped by every change of the live state, so that the participants' screens redraw only when it moved.
    live_version = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("stand-up")
        ordering: ClassVar = ["-day", "team_id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["team", "day"], name="stand_up_once_a_day")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day:%Y-%m-%d}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_live(self) -> bool:
        return self.live_started_at is not None and self.live_ended_at is None


class Timing(models.TextChoices):
    """When an entry was first posted: in the reporting window (before the meeting), while it ran, or later."""

    BEFORE = "before", _("before the meeting")
    DURING = "during", _("during the meeting")
    AFTER = "after", _("after the meeting")


class Entry(models.Model):
    """A person's entry in a stand-up: theirs only (EXE-1)."""

    stand_up = models.ForeignKey(StandUp, on_delete=models.CASCADE, related_name="entries", verbose_name=_("stand-up"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stand_up_entries", verbose_name=_("person")
    )
    timing = models.CharField(_("posted"), max_length=10, choices=Timing.choices, default=Timing.BEFORE)
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    edits = models.PositiveSmallIntegerField(_("edits"), default=0)

    class Meta:
        verbose_name = _("stand-up entry")
        verbose_name_plural = _("stand-up entries")
        ordering: ClassVar = ["posted_at", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["stand_up", "person"], name="stand_up_entry_once")]

    def __str__(self) -> str:
        return f"{self.stand_up_id}: {self.person_id}"


class Section(models.TextChoices):
    YESTERDAY = "yesterday", _("yesterday's progress")
    TODAY = "today", _("today's plan")
    BLOCKER = "blocker", _("blocker")


class EntryItem(models.Model):
    """One line of an entry, optionally linked to one of the person's key results or action steps; a blocker line
    is a blocker of its own (qibu.blockers), listed in the stand-up and settled afterwards (EXE-2)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="items", verbose_name=_("entry"))
    section = models.CharField(_("section"), max_length=10, choices=Section.choices)
    text = models.CharField(_("text"), max_length=500)
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("key result")
    )
    action_step = models.ForeignKey(
        ActionStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("action step")
    )
    blocker = models.ForeignKey(
        Blocker, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("blocker")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("stand-up item")
        ordering: ClassVar = ["entry_id", "section", "position", "id"]

    def __str__(self) -> str:
        return self.text[:50]
