"""The update's rows (更新, UPD-1 … UPD-5).

- A **decision** on one closing objective of the ending cycle: its outcome (achieved, partly, missed) and what
  becomes of it (keep, modify, abandon); kept and modified ones name the objective carried into the next cycle.
  A company objective that is new in the next cycle gets a decision "new" too, which holds its justification
  (UPD-3). At the department and personal levels a decision also says what became of each key result (UPD-4).
- A **stage** is one level's update closed: the company's (no department) or one department's (UPD-2). A row means
  the stage is done; who closed it and whether it was late (UPD-5).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle
from qibu.okrs.models import Level, Objective
from qibu.org.models import Department


class UpdateOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("achieved")
    PARTLY = "partly", _("partly achieved")
    MISSED = "missed", _("missed")


class UpdateAction(models.TextChoices):
    KEEP = "keep", _("keep")
    MODIFY = "modify", _("modify")
    ABANDON = "abandon", _("abandon")
    NEW = "new", _("new")


class CarryAction(models.TextChoices):
    KEEP = "keep", _("keep")
    MODIFY = "modify", _("modify")
    DROP = "drop", _("drop")


class Decision(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="update_decisions", verbose_name=_("cycle"))
    next_cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="update_carried", verbose_name=_("next cycle")
    )
    # The closing objective decided on; none for a new company objective (`carried` is then the new one).
    objective = models.OneToOneField(
        Objective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="update_decision",
        verbose_name=_("objective"),
    )
    # The objective in the next cycle: the carried copy (keep, modify) or the new company objective (new).
    carried = models.OneToOneField(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="update_origin",
        verbose_name=_("carried into"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    title = models.CharField(_("title"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=20, choices=UpdateOutcome.choices, blank=True)
    action = models.CharField(_("decision"), max_length=20, choices=UpdateAction.choices)
    # UPD-3: why a company change matters and why it is feasible.
    justification = models.TextField(_("justification"), blank=True)
    # UPD-4: {"<key result id>": {"action": "keep|modify|drop", "target_value": "…", "carried": <id>}}.
    key_results = models.JSONField(_("key results"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    # UPD-5: recorded after the cycle was closed, by one of the policy's late updaters.
    late = models.BooleanField(_("late"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("update decision")
        ordering: ClassVar = ["cycle", "id"]
        indexes: ClassVar = [models.Index(fields=["next_cycle", "level"], name="update_decision_next")]

    def __str__(self) -> str:
        return f"{self.title} · {self.get_action_display()}"

    @property
    def needs_approval(self) -> bool:
        """UPD-3: a company objective dropped, rewritten or new waits for an executive's approval."""
        return self.level == Level.COMPANY and self.action in (
            UpdateAction.MODIFY,
            UpdateAction.ABANDON,
            UpdateAction.NEW,
        )

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class Stage(models.Model):
    """One level's update done: the company's (no department) or a department's (UPD-2)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="update_stages", verbose_name=_("cycle"))
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="update_stages",
        verbose_name=_("department"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("update stage")
        ordering: ClassVar = ["cycle", "department"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cycle", "department"], name="update_stage_per_department"),
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(department__isnull=True), name="update_stage_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.department or '—'}"
