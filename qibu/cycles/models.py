"""Cycles (SET-8): the annual plan with its quarters and months, and custom or project-stage cycles."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleKind(models.TextChoices):
    ANNUAL = "annual", _("annual")
    QUARTER = "quarter", _("quarter")
    MONTH = "month", _("month")
    CUSTOM = "custom", _("custom")
    PROJECT_STAGE = "project_stage", _("project stage")


class Cycle(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CycleKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    is_closed = models.BooleanField(
        _("closed"), default=False, help_text=_("A closed cycle takes no more check-ins or edits.")
    )

    class Meta:
        ordering: ClassVar = ["start", "-end"]
        verbose_name = _("cycle")
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="cycle_end_after_start")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def elapsed_share(self, today: dt.date) -> float:
        """Share of the cycle already elapsed on `today`, in [0, 1] (MEAS-6 pace)."""
        if today < self.start:
            return 0.0
        if today >= self.end:
            return 1.0
        return ((today - self.start).days + 1) / self.days

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end
