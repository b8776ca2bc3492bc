"""1-on-1s (EXE-9, EXE-10): a manager and a report keep a series of meetings on a cadence. Each meeting is dated
and is held, moved or skipped; its talking points (either of the pair adds them; those not discussed carry to the
next meeting), its notes (private to their author, or shared by the pair) and the requests for support or
resources raised in it (asked by either, owned by one of them, open until done or declined) belong to the pair
alone: nobody else reads them, not the manager's manager, not an administrator (`qibu.oneonones.access`)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OneOnOneCadence(models.TextChoices):
    WEEKLY = "weekly", _("every week")
    BIWEEKLY = "biweekly", _("every two weeks")
    MONTHLY = "monthly", _("every month")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Series(models.Model):
    """A manager and one of their reports, meeting on a cadence: a weekday and a time in the organisation's zone
    (monthly: the first such weekday of each month)."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="one_on_ones_led", verbose_name=_("manager")
    )
    report = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="one_on_ones_had", verbose_name=_("report")
    )
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=OneOnOneCadence.choices, default=OneOnOneCadence.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.MONDAY)
    time = models.TimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("1-on-1 series")
        verbose_name_plural = _("1-on-1 series")
        ordering: ClassVar = ["manager_id", "report_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["manager", "report"], name="one_on_one_pair"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("report")), name="one_on_one_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} · {self.report_id}"

    def has(self, person_id: int) -> bool:
        """Is the person one of the pair?"""
        return person_id in (self.manager_id, self.report_id)


class OneOnOneStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    SKIPPED = "skipped", _("skipped")


class Meeting(models.Model):
    """One 1-on-1 of a series. A series has one planned meeting at a time: holding or skipping it plans the next."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("series"))
    scheduled_at = models.DateTimeField(_("when"))
    status = models.CharField(
        _("status"), max_length=10, choices=OneOnOneStatus.choices, default=OneOnOneStatus.PLANNED
    )
    # When it was first planned, once it has been moved.
    moved_from = models.DateTimeField(_("moved from"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    skip_reason = models.TextField(_("why it was skipped"), blank=True)
    # The start the pair were last reminded of: a moved meeting is reminded of again.
    reminded_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("1-on-1")
        verbose_name_plural = _("1-on-1s")
        ordering: ClassVar = ["scheduled_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["series", "scheduled_at"], name="one_on_one_series_date"),
            # The reminders' sweep and the daily focus: planned meetings by date.
            models.Index(fields=["status", "scheduled_at"], name="one_on_one_status_date"),
        ]

    def __str__(self) -> str:
        return f"{self.series_id} @ {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def is_planned(self) -> bool:
        return self.status == OneOnOneStatus.PLANNED


class TalkingPoint(models.Model):
    """Something either of the pair wants to talk about. One not discussed when the meeting is held (or skipped)
    is carried to the next meeting: a new point there, `carried_from` this one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="points", verbose_name=_("1-on-1"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("talking point"))
    discussed = models.BooleanField(_("discussed"), default=False)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried from")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("talking point")
        ordering: ClassVar = ["meeting_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class NoteSharing(models.TextChoices):
    PRIVATE = "private", _("private: only I see it")
    SHARED = "shared", _("shared: both of us see it")


class Note(models.Model):
    """A note on a meeting: a private one only its author reads; a shared one both of the pair read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes", verbose_name=_("1-on-1"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    visibility = models.CharField(
        _("who sees it"), max_length=10, choices=NoteSharing.choices, default=NoteSharing.SHARED
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("1-on-1 note")
        ordering: ClassVar = ["meeting_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class SupportStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DECLINED = "declined", _("declined")


class SupportRequest(models.Model):
    """EXE-10: a request for support or resources, asked by either of the pair and owned by one of them (usually
    the manager), with a due date; open until its owner marks it done or declines it (with a note). An open one
    comes back on every planned meeting's agenda of the series."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="requests", verbose_name=_("series"))
    raised_in = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests", verbose_name=_("raised in")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_support_requests",
        verbose_name=_("owner"),
    )
    text = models.TextField(_("what is needed"))
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SupportStatus.choices, default=SupportStatus.OPEN)
    resolution = models.TextField(_("note on the outcome"), blank=True)
    resolved_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request for support")
        ordering: ClassVar = ["series_id", "created_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["series", "status"], name="support_request_series_open"),
            # The daily focus: what I own that is open.
            models.Index(fields=["owner", "status"], name="support_request_owner_open"),
        ]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_open(self) -> bool:
        return self.status == SupportStatus.OPEN
