"""Employees' voice on the drafts (SET-2) and what a draft took up from the submissions below it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.okrs.models import KeyResult, Objective


class ProposalKind(models.TextChoices):
    PROPOSAL = "proposal", _("proposal")
    OBJECTION = "objection", _("objection")


class ProposalStatus(models.TextChoices):
    """The draft's owner's answer. A proposal is taken up exactly while a take-up names it (`TakeUp`)."""

    OPEN = "open", _("open")
    TAKEN_UP = "taken_up", _("taken up")
    DECLINED = "declined", _("declined")


class Proposal(models.Model):
    """SET-2: an employee's proposal for, or objection to, a department's or the company's draft objective (or one
    of its key results). As visible as its objective; answered by those who may change the objective."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("objective")
    )
    key_result = models.ForeignKey(
        KeyResult,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("key result"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices, default=ProposalKind.PROPOSAL)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["objective", "created_at", "id"], name="proposal_objective_order")]

    def __str__(self) -> str:
        return self.text[:50]


class TakeUp(models.Model):
    """SET-2: a company or department objective built on a submission from below: a department's (or a
    person's) objective, or an employee's proposal. The draft shows what it took up; the source, by whom."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="take_ups", verbose_name=_("objective")
    )
    source_objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taken_up_by",
        verbose_name=_("objective taken up"),
    )
    source_proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="take_ups",
        verbose_name=_("proposal taken up"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("taken up by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("taken up"), default=timezone.now)

    class Meta:
        verbose_name = _("take-up")
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(source_objective__isnull=False, source_proposal__isnull=True)
                    | models.Q(source_objective__isnull=True, source_proposal__isnull=False)
                ),
                name="take_up_one_source",
            ),
            models.CheckConstraint(
                condition=~models.Q(source_objective=models.F("objective")), name="take_up_not_itself"
            ),
            models.UniqueConstraint(fields=["objective", "source_objective"], name="take_up_objective_once"),
            models.UniqueConstraint(fields=["objective", "source_proposal"], name="take_up_proposal_once"),
        ]

    def __str__(self) -> str:
        source = (
            f"objective:{self.source_objective_id}"
            if self.source_objective_id
            else f"proposal:{self.source_proposal_id}"
        )
        return f"{self.objective_id} ← {source}"
