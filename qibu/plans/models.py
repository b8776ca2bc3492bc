"""An action step (EXE-8): a concrete step under a key result, with who does it (its owner), who answers for it
(responsible) and who decides (authority), its resources (people, a budget, a note) and its timetable (start,
deadline), status and priority. A step split in two keeps a link to the step it came from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qibu.okrs.models import KeyResult, Priority

# ISO 4217: the organisation keeps no currency of its own, so each budget names its own ("CNY" by default).
DEFAULT_CURRENCY = "CNY"


class StepStatus(models.TextChoices):
    TODO = "todo", _("to do")
    DOING = "doing", _("in progress")
    DONE = "done", _("done")
    BLOCKED = "blocked", _("blocked")
    CANCELLED = "cancelled", _("cancelled")


# Steps still to be finished: these can be overdue, and are listed as someone's open steps.
OPEN_STATUSES: tuple[str, ...] = (StepStatus.TODO, StepStatus.DOING, StepStatus.BLOCKED)


def overdue_q(today: dt.date, prefix: str = "") -> models.Q:
    """The steps past their deadline on `today` and not done (nor cancelled): `ActionStep.is_overdue` as a filter."""
    return models.Q(**{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}deadline__lt": today})


class ActionStep(models.Model):
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="action_steps", verbose_name=_("key result")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # EXE-8 responsibility and authority: who does it, who answers for it, who decides.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_action_steps",
        verbose_name=_("owner"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decides"),
    )
    # EXE-8 resources (PLAY-MKT step 4): people, money, and whatever else in words.
    resource_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="resourced_action_steps", verbose_name=_("people")
    )
    budget = models.DecimalField(_("budget"), max_digits=15, decimal_places=2, default=Decimal(0))
    currency = models.CharField(_("currency"), max_length=3, default=DEFAULT_CURRENCY)
    resources_note = models.TextField(_("other resources"), blank=True)
    # EXE-8 timetable (PLAY-MKT step 5).
    start = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.TODO)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.P2)
    position = models.PositiveIntegerField(_("position"), default=0)
    split_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="split_parts",
        verbose_name=_("split from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action step")
        ordering: ClassVar = ["key_result_id", "position", "id"]
        indexes: ClassVar = [
            # The objective page reads its key results' steps in order.
            models.Index(fields=["key_result", "position", "id"], name="step_key_result_order"),
            # A person's open steps by deadline (the home page), and the daily sweep of overdue ones.
            models.Index(fields=["owner", "status", "deadline"], name="step_owner_open"),
            models.Index(fields=["status", "deadline"], name="step_status_deadline"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(deadline__gte=models.F("start")), name="step_dates"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="step_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Past its deadline and not done (nor cancelled)."""
        return self.is_open and self.deadline < today
